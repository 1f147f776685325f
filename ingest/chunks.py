"""Paragraphs -> Chunks that fit the embedder's window; each chunk keeps its paragraph (the citation anchor)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from assistant.types import Chunk, DocumentMeta, Paragraph

# Sentence ends, then clause breaks, then spaces: where a long paragraph may be cut.
_BREAKS = (re.compile(r"(?<=[.!?;:])\s+"), re.compile(r"(?<=[,)])\s+"), re.compile(r"\s+"))


def embed_prefix(meta: DocumentMeta, paragraph: Paragraph) -> str:
    """Title + section + table header: what makes a paragraph findable but is not part of its quoted text."""
    parts = [meta.title, paragraph.section if paragraph.section != paragraph.text else None, paragraph.context]
    return "\n".join(p for p in parts if p)


def make_chunks(
    meta: DocumentMeta,
    paragraphs: Sequence[Paragraph],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    content_hash: str,
) -> list[Chunk]:
    """Chunks for every paragraph; a paragraph too long for the window is cut at sentence boundaries."""
    chunks: list[Chunk] = []
    budgets: dict[str, tuple[str, int]] = {}  # a section's paragraphs share their prefix: count it once
    for p in paragraphs:
        prefix = embed_prefix(meta, p)
        if prefix not in budgets:
            fitted = prefix
            # The prefix may take at most half the window; a longer one (a huge table header) is cut.
            while fitted and count_tokens(fitted) > max_tokens // 2:
                fitted = fitted[: int(len(fitted) * 0.8)]
            budgets[prefix] = (fitted, max_tokens - (count_tokens(fitted) if fitted else 2))
        prefix, budget = budgets[prefix]
        pieces = _fit(p.text, budget, count_tokens)
        for part, piece in enumerate(pieces):
            embed_text = f"{prefix}\n{piece}" if prefix else piece
            chunks.append(
                Chunk(
                    chunk_id=f"{p.doc_id}:{content_hash[:12]}:{p.ordinal}:{part}",
                    paragraph=p,
                    part=part,
                    text=piece,
                    embed_text=embed_text,
                )
            )
    return chunks


def _fit(text: str, budget: int, count_tokens: Callable[[str], int], level: int = 0) -> list[str]:
    """Verbatim slices of ``text``, each within ``budget`` tokens (counted with the special tokens)."""
    if count_tokens(text) <= budget:
        return [text]
    if level == len(_BREAKS):  # no break left (a token soup): cut by characters
        size = max(16, len(text) * budget // max(1, count_tokens(text)) - 8)
        return [text[i : i + size] for i in range(0, len(text), size)]
    cuts = [m.end() for m in _BREAKS[level].finditer(text)]
    bounds = [0, *cuts, len(text)]
    segments = [text[a:b] for a, b in pairwise(bounds) if b > a]
    out: list[str] = []
    current = ""
    for seg in segments:
        if current and count_tokens((current + seg).strip()) <= budget:
            current += seg
            continue
        if current.strip():
            out.append(current.strip())
        current = seg
        if count_tokens(seg.strip()) > budget:
            out.extend(_fit(seg.strip(), budget, count_tokens, level + 1))
            current = ""
    if current.strip():
        out.append(current.strip())
    return out
