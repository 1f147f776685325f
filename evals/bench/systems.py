"""The baselines the assistant is compared with, as Answerers so the evaluation's own scorer runs on them.

- ``StockStarter``: the llama-index starter over the same files (``SimpleDirectoryReader`` + default
  ``SentenceSplitter`` + ``VectorStoreIndex``, the bundled model through ``HuggingFaceEmbedding``, no LLM). With no
  LLM to write an answer, its answer is the top chunk's text, cited to the file.
- ``OneRetriever``: the project's own BM25 (``Retriever.lexical``) or dense retriever (``Retriever.dense``) alone,
  with no scope, fusion or answer composer; its answer is the top paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.engine import Assistant
from assistant.types import Answer, Citation, Fact, Filters, Paragraph, Passage, Turn

STOCK_TOP_K = 2  # the starter's similarity_top_k; its answer is the first of these


def _squash(text: str) -> str:
    return " ".join(text.split())


class StockStarter:
    """The stock llama-index starter pipeline over ``folder``; index built in memory on construction."""

    def __init__(self, folder: Path, model_path: str, slug: Any) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        LlamaSettings.llm = MockLLM()  # nothing may call OpenAI
        LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=model_path, device="cpu")
        # The manifest is our metadata, not a document: the starter reads the same files ingest reads.
        docs = SimpleDirectoryReader(str(folder), exclude=["manifest.yaml", "manifest.yml"]).load_data()
        self.index = VectorStoreIndex.from_documents(docs, transformations=[SentenceSplitter()])
        self._slug = slug
        # Chunk ordinals per file, in reading order, so a citation can name "chunk n of file f".
        self._ordinal: dict[str, tuple[str, int]] = {}
        self._text: dict[tuple[str, int], str] = {}
        counters: dict[str, int] = {}
        for node in sorted(self.index.docstore.docs.values(), key=lambda n: (self._doc(n), _start(n))):
            doc = self._doc(node)
            counters[doc] = counters.get(doc, 0) + 1
            self._ordinal[node.node_id] = (doc, counters[doc])
            self._text[(doc, counters[doc])] = node.get_content()
        self.chunks = len(self._ordinal)
        self._cache: dict[str, list[Any]] = {}

    def _doc(self, node: Any) -> str:
        return str(self._slug(Path(node.metadata.get("file_name", "document")).stem))

    def nodes(self, question: str, k: int = 5) -> list[Any]:
        """The top ``k`` chunks for ``question`` (cached: ask and retrieve see the same ranking)."""
        if question not in self._cache:
            retriever = self.index.as_retriever(similarity_top_k=max(k, STOCK_TOP_K))
            self._cache[question] = [hit.node for hit in retriever.retrieve(question)]
        return self._cache[question][:k]

    def chunk_texts(self, question: str, k: int = 5) -> list[str]:
        return [n.get_content() for n in self.nodes(question, k)]

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        nodes = self.nodes(question, STOCK_TOP_K)
        if not nodes:
            return Answer(question=question, text="", refused=True)
        top = nodes[0]
        doc, ordinal = self._ordinal[top.node_id]
        text = top.get_content()
        cite = Citation(marker=1, source=str(top.metadata.get("file_path", "")), document=doc, title=None,
                        section=None, label=None, paragraph=ordinal, page=None, quote=text)
        return Answer(question=question, text=text, refused=False, citations=(cite,))

    def retrieve(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        return []  # scored by text containment instead: its chunks have no paragraph numbers

    def context(self, document: str, paragraph: int, radius: int = 3) -> list[Paragraph]:
        text = self._text.get((document, paragraph))
        return [Paragraph(doc_id=document, ordinal=paragraph, text=text)] if text is not None else []

    def facts(self) -> list[Fact]:
        return []

    def index_info(self) -> dict[str, str]:
        return {"system": "llama-index starter", "chunks": str(self.chunks)}


def _start(node: Any) -> int:
    return int(getattr(node, "start_char_idx", None) or 0)


class OneRetriever:
    """One of the assistant's two retrievers alone over its own paragraphs (``lexical``: BM25, ``dense``: the
    embedding model), no scope, fusion or answer composer: the top paragraph is the answer."""

    def __init__(self, assistant: Assistant, which: str = "lexical") -> None:
        self.assistant = assistant
        self.which = which

    def retrieve(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        retriever = self.assistant.retriever
        allowed = retriever.allowed(None, None, "public")
        seen: set[tuple[str, int]] = set()
        out: list[Passage] = []
        search = retriever.lexical if self.which == "lexical" else retriever.dense
        for chunk in search(question, allowed):
            key = (chunk.doc_id, chunk.paragraph.ordinal)
            if key not in seen:
                seen.add(key)
                out.append(retriever.passage(chunk))
            if len(out) == k:
                break
        return out

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        top = self.retrieve(question, 1)
        if not top:
            return Answer(question=question, text="", refused=True)
        p = top[0].paragraph
        cite = Citation(marker=1, source=top[0].source, document=p.doc_id, title=top[0].meta.title,
                        section=p.section, label=p.cited_label, paragraph=p.ordinal, page=p.page, quote=p.text,
                        date=top[0].meta.date)
        return Answer(question=question, text=p.text, refused=False, citations=(cite,))

    def context(self, document: str, paragraph: int, radius: int = 3) -> list[Paragraph]:
        return self.assistant.context(document, paragraph, radius)

    def facts(self) -> list[Fact]:
        return []

    def index_info(self) -> dict[str, str]:
        return {"system": f"{self.which} only", **self.assistant.index_info()}


def gold_texts(assistant: Assistant, expect: Any) -> list[str]:
    """The texts of a question's gold paragraphs (``paragraphs`` in ``documents``), read from the index."""
    from evals.scoring import is_gold

    docs = expect.documents or tuple(assistant.retriever.documents)
    out = []
    for doc in docs:
        for chunk in assistant.retriever.paragraphs_of(doc):
            p = chunk.paragraph
            if is_gold(doc, p.cited_label, p.ordinal, expect):
                out.append(p.text)
    return out


def contains_gold(chunk_text: str, golds: Sequence[str]) -> bool:
    """A retrieved chunk holds a gold paragraph (whitespace-insensitive; bullet marks ignored)."""
    hay = _squash(chunk_text)
    return any(_squash(re.sub(r"^[-•*]\s*", "", g)) in hay for g in golds if g.strip())
