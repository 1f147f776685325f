"""The only module that talks to Chroma: embedded (a folder) or a `chroma run` server, through the same code path.

Two collections per settings fingerprint (so a model or chunking change never mixes vectors):

* ``chunks-<fp>``: one record per chunk (its text, vector and what rebuilds its paragraph);
* ``docs-<fp>``: one record per document (its hash, metadata and facts as JSON): the commit marker.

A document's new chunks are written first (their ids carry the content hash), then its record, then its old
chunks are deleted. Chunks whose (document, hash) has no record are orphans of an interrupted run: readers ignore
them and the next ingest deletes them, so a crash never leaves a half-replaced document visible.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.config import Settings
from assistant.errors import IndexMissing, StoreError
from assistant.offline import go_offline
from assistant.snapshot import write_snapshot, write_state
from assistant.types import Chunk, DocumentMeta, Fact, Paragraph

_PAGE = 2000  # records per Chroma get() page


@dataclass(frozen=True)
class DocRecord:
    """A committed document as the store knows it."""

    doc_id: str
    source: str
    abs_path: str
    content_hash: str
    meta: DocumentMeta
    paragraphs: int
    chunks: int
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class StoredChunk:
    """A chunk read back from the store, converted to our types."""

    chunk_id: str
    text: str
    paragraph: Paragraph
    paragraph_text: str
    doc_id: str
    content_hash: str


def _client(settings: Settings):  # type: ignore[no-untyped-def]
    go_offline()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # noqa: BLE001 - any connection failure means the same thing to the user
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({exc.__class__.__name__}): "
                "start it with `chroma run --host 127.0.0.1` or unset ASSISTANT_CHROMA_URL"
            ) from exc
    os.makedirs(settings.index_dir, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def _meta_to_chroma(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    return {k: v for k, v in meta.items() if v is not None}


def _none(value: Any) -> Any:
    return None if value in ("", None) else value


class Store:
    """An open index: the chunk and document collections for one settings fingerprint."""

    def __init__(self, settings: Settings, create: bool = True) -> None:
        self.settings = settings
        self._client = _client(settings)
        fp = settings.fingerprint
        self.chunks_name = f"chunks-{fp}"
        self.docs_name = f"docs-{fp}"
        if create:
            self._chunks = self._client.get_or_create_collection(
                self.chunks_name, embedding_function=None, metadata={"hnsw:space": "cosine", "model": settings.model}
            )
            self._docs = self._client.get_or_create_collection(self.docs_name, embedding_function=None)
        else:
            names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
            if self.chunks_name not in names or self.docs_name not in names:
                raise _missing(settings)
            self._chunks = self._client.get_collection(self.chunks_name, embedding_function=None)
            self._docs = self._client.get_collection(self.docs_name, embedding_function=None)

    # ---- documents -------------------------------------------------------------------------------------------
    def documents(self) -> dict[str, DocRecord]:
        """Every committed document, by id."""
        out: dict[str, DocRecord] = {}
        for rid, payload in self._iter_get(self._docs, include=["documents"]):
            out[rid] = _record_from_json(payload)
        return out

    def commit_documents(self, batch: Sequence[tuple[DocRecord, Sequence[Chunk], Sequence[Sequence[float]]]]) -> None:
        """Several documents in three steps: every chunk, then every record (the commit), then older chunks.

        Each Chroma call costs ~50 ms of fixed work here whatever its size, so a batch of documents is written in
        one add and one upsert. A crash between the steps leaves chunks no record points to, which readers ignore
        and the next ingest removes: each document is still all old or all new. A chunk carries what rebuilds
        its paragraph, the id and hash of its document and its classification; the document's title, body and
        date live once, in its record (every metadata field costs Chroma time per chunk).
        """
        self._touch()
        ids: list[str] = []
        texts: list[str] = []
        vectors_out: list[Sequence[float]] = []
        metadatas: list[dict[str, str | int | float | bool]] = []
        for record, chunks, vectors in batch:
            for chunk, vector in zip(chunks, vectors, strict=True):
                p = chunk.paragraph
                ids.append(chunk.chunk_id)
                texts.append(chunk.text)
                vectors_out.append(vector)
                metadatas.append(
                    {
                        # the fields a `where` filter needs, each its own key: on every chunk, so a dense filter
                        # can enforce Part 2 by itself and replacement can find a document's older chunks
                        "doc_id": p.doc_id,
                        "classification": record.meta.classification or "part1",
                        "content_hash": record.content_hash,
                        # what rebuilds the paragraph, as one JSON string: every metadata key is a row Chroma
                        # writes and indexes per chunk (measured ~0.3 ms a chunk for these nine)
                        "p": json.dumps(
                            _meta_to_chroma(
                                {
                                    "ordinal": p.ordinal,
                                    "part": chunk.part,
                                    "label": p.label,
                                    "within": p.within,
                                    "section": p.section,
                                    "page": p.page,
                                    "kind": p.kind,
                                    "context": p.context,
                                    # most paragraphs are one chunk: their text is the chunk's own, stored once
                                    "paragraph_text": p.text if p.text != chunk.text else None,
                                }
                            ),
                            ensure_ascii=False,
                        ),
                    }
                )
        step = self._max_batch()
        for at in range(0, len(ids), step):
            self._chunks.add(
                ids=ids[at : at + step],
                embeddings=vectors_out[at : at + step],
                documents=texts[at : at + step],
                metadatas=metadatas[at : at + step],
            )
        if not batch:
            return
        self._docs.upsert(
            ids=[record.doc_id for record, *_ in batch],
            documents=[_record_to_json(record) for record, *_ in batch],
            embeddings=[[0.0] for _ in batch],
            metadatas=[{"source": record.source, "content_hash": record.content_hash} for record, *_ in batch],
        )
        for record, *_ in batch:
            self._chunks.delete(
                where={"$and": [{"doc_id": record.doc_id}, {"content_hash": {"$ne": record.content_hash}}]}
            )

    def remove_document(self, doc_id: str) -> None:
        """Drop a document: its record first (so it disappears at once), then its chunks."""
        self._touch()
        self._docs.delete(ids=[doc_id])
        self._chunks.delete(where={"doc_id": doc_id})

    def collect_orphans(self) -> int:
        """Delete chunks of interrupted or superseded writes; returns how many went."""
        committed = {d.doc_id: d.content_hash for d in self.documents().values()}
        orphans = [
            rid
            for rid, meta in self._iter_get(self._chunks, include=["metadatas"])
            if committed.get(str(meta.get("doc_id"))) != meta.get("content_hash")
        ]
        if orphans:
            self._touch()
        for i in range(0, len(orphans), _PAGE):
            self._chunks.delete(ids=orphans[i : i + _PAGE])
        return len(orphans)

    def _touch(self) -> None:
        """Invalidate the read snapshot before any write (see assistant/snapshot.py)."""
        if not self.settings.chroma_url:
            write_state(self.settings, uuid.uuid4().hex)

    def write_snapshot(self) -> None:
        """Write the committed chunks and their vectors for fast start-up (embedded index only)."""
        if self.settings.chroma_url:
            return
        committed = self.documents()
        hashes = {d.doc_id: d.content_hash for d in committed.values()}
        chunks, vectors = [], []
        for rid, meta, text, vec in self._iter_get(self._chunks, include=["metadatas", "documents", "embeddings"]):
            if hashes.get(str(meta.get("doc_id"))) == meta.get("content_hash"):
                chunks.append({"id": rid, "meta": {k: v for k, v in meta.items() if not k.startswith("_")}, "text": text})
                vectors.append(vec)
        token = uuid.uuid4().hex
        payload = {
            "fingerprint": self.settings.fingerprint,
            "documents": [json.loads(_record_to_json(r)) for r in committed.values()],
            "chunks": chunks,
        }
        write_snapshot(self.settings, token, payload, vectors)
        write_state(self.settings, token)

    def _max_batch(self) -> int:
        """The most records one Chroma call takes (a client limit, smaller on the embedded SQLite backend)."""
        try:
            size = int(self._client.get_max_batch_size())  # a server that does not say answers -1
        except Exception:  # noqa: BLE001 - an older server without the endpoint
            size = -1
        return size if size > 0 else 5461  # Chroma's long-standing default

    # ---- chunks ----------------------------------------------------------------------------------------------
    def chunk_count(self) -> int:
        return int(self._chunks.count())

    def iter_chunks(self, where: dict[str, Any] | None = None) -> Iterator[StoredChunk]:
        """Every committed chunk (orphans skipped), as our types."""
        committed = {d.doc_id: d.content_hash for d in self.documents().values()}
        for rid, meta, text in self._iter_get(self._chunks, include=["metadatas", "documents"], where=where):
            if committed.get(str(meta.get("doc_id"))) == meta.get("content_hash"):
                yield stored_chunk(rid, meta, text)

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[StoredChunk, float]]:
        """The ``k`` nearest chunks to ``vector`` with their cosine similarity, best first."""
        n = self.chunk_count()
        if n == 0:
            return []
        res = self._chunks.query(
            query_embeddings=[list(vector)],
            n_results=min(k, n),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        out = []
        for rid, meta, text, dist in zip(
            res["ids"][0], res["metadatas"][0], res["documents"][0], res["distances"][0], strict=True
        ):
            out.append((stored_chunk(rid, meta, text), 1.0 - float(dist)))
        return out

    def _iter_get(self, collection, include: list[str], where: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        offset = 0
        while True:
            res = collection.get(include=include, where=where, limit=_PAGE, offset=offset)
            ids = res["ids"]
            if not ids:
                return
            cols = [res[name] for name in include]
            for i, rid in enumerate(ids):
                row = [c[i] for c in cols]
                yield (rid, *row) if len(row) > 1 else (rid, row[0])
            if len(ids) < _PAGE:
                return
            offset += _PAGE


def warm_up_writer() -> None:
    """Import Chroma in the background (~1 s) while the first documents are embedded, not before the first write.

    The embedder spends its time in torch kernels that release the GIL, so the import costs little there.
    """
    import threading

    def load() -> None:
        go_offline()
        import chromadb  # noqa: F401

    threading.Thread(target=load, name="warm-up-chroma", daemon=True).start()


def is_new(settings: Settings) -> bool:
    """True for an embedded index that Chroma has never written: nothing in it to read or collect."""
    return not settings.chroma_url and not (Path(settings.index_dir) / "chroma.sqlite3").exists()


def open_store(settings: Settings, create: bool = False) -> Store:
    """Open the index for reading (``create=False``: a missing index raises IndexMissing) or writing."""
    try:
        return Store(settings, create=create)
    except (StoreError, IndexMissing):
        raise
    except Exception as exc:  # noqa: BLE001 - Chroma raises many shapes; the user needs one line
        where = settings.chroma_url or str(settings.index_dir)
        raise StoreError(f"cannot open the index at {where}: {exc}") from exc


def _missing(settings: Settings) -> IndexMissing:
    where = settings.chroma_url or str(settings.index_dir)
    return IndexMissing(
        f"no index for these settings at {where}: run `python -m assistant ingest corpus` first"
    )


def stored_chunk(rid: str, meta: dict[str, Any], text: str) -> StoredChunk:
    if "p" in meta:  # the paragraph's fields, packed (indexes written before packing have them as keys)
        meta = {**json.loads(meta["p"]), **{k: v for k, v in meta.items() if k != "p"}}
    page = _none(meta.get("page"))
    paragraph = Paragraph(
        doc_id=str(meta["doc_id"]),
        ordinal=int(meta["ordinal"]),
        text=str(meta.get("paragraph_text") or text),
        label=_none(meta.get("label")),
        section=_none(meta.get("section")),
        page=int(page) if page is not None else None,
        kind=str(meta.get("kind") or "text"),
        context=_none(meta.get("context")),
        within=_none(meta.get("within")),
    )
    return StoredChunk(
        chunk_id=rid,
        text=text,
        paragraph=paragraph,
        paragraph_text=paragraph.text,
        doc_id=paragraph.doc_id,
        content_hash=str(meta.get("content_hash")),
    )


def _record_to_json(record: DocRecord) -> str:
    data = asdict(record)
    return json.dumps(data, ensure_ascii=False)


def _record_from_json(payload: str) -> DocRecord:
    return record_from_dict(json.loads(payload))


def record_from_dict(data: dict[str, Any]) -> DocRecord:
    facts = tuple(
        Fact(**{**f, "extra": tuple(tuple(x) for x in f.get("extra", ())),
                "conflicts_with": tuple(f.get("conflicts_with", ()))})
        for f in data.get("facts", [])
    )
    return DocRecord(
        doc_id=data["doc_id"],
        source=data["source"],
        abs_path=data["abs_path"],
        content_hash=data["content_hash"],
        meta=DocumentMeta(**data["meta"]),
        paragraphs=int(data["paragraphs"]),
        chunks=int(data["chunks"]),
        facts=facts,
    )
