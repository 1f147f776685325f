"""Run in a child process by the bench: a fresh ingest, then the same texts through the bare model; prints JSON.

A child process so its peak memory is the ingest's own (``getrusage`` of the child), not the bench's.
Usage: ``python -m evals.bench.probe FOLDER`` with ``ASSISTANT_INDEX`` naming an empty index folder.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence

from assistant.config import load_settings
from assistant.embedding import SentenceTransformerEmbedder
from assistant.offline import go_offline


class Recording:
    """An embedder that passes calls through and keeps the batches it was given (to replay them raw)."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_tokens = inner.max_tokens
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def probe(folder: str) -> dict[str, float | int]:
    """Ingest ``folder`` with the model already loaded, then time ``encode`` on exactly the same batches."""
    from ingest.pipeline import ingest

    settings = load_settings()
    embedder = SentenceTransformerEmbedder(settings.model, settings.batch_size)
    started = time.perf_counter()
    embedder.embed(["warm up"])  # load the model outside both timings
    load_seconds = time.perf_counter() - started
    recording = Recording(embedder)
    started = time.perf_counter()
    report = ingest([folder], settings, embedder=recording, progress=False)
    ingest_seconds = time.perf_counter() - started
    model = embedder._load()
    started = time.perf_counter()
    for batch in recording.calls:
        model.encode(batch, batch_size=settings.batch_size, normalize_embeddings=True, show_progress_bar=False)
    raw_seconds = time.perf_counter() - started
    texts = [t for batch in recording.calls for t in batch]
    return {
        "documents": report.documents,
        "failed": len(report.failed),
        "paragraphs": report.paragraphs,
        "chunks": report.chunks,
        "embedded_texts": len(texts),
        "tokens": sum(embedder.count_tokens(t) for t in texts),
        "model_load_s": round(load_seconds, 3),
        "ingest_s": round(ingest_seconds, 3),
        "raw_embed_s": round(raw_seconds, 3),
    }


if __name__ == "__main__":
    go_offline()
    print(json.dumps(probe(sys.argv[1])))
