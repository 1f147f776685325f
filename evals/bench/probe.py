"""Run in child processes by the bench: a fresh ingest, and the bare model on the same batches; each prints JSON.

``python -m evals.bench.probe FOLDER BATCHES.json`` (``ASSISTANT_INDEX`` naming an empty index folder) ingests
FOLDER and writes the batches the embedder was given; ``python -m evals.bench.probe --raw BATCHES.json`` times the
bare model on exactly those batches. Each is its own fresh process that loads the model and warms it on one text
outside its timing, so neither side gets the other's warm caches: replayed in the ingest's own process, the same
batches ran ~10% faster the second time, which was charged to ingest. A child process also makes peak memory the
ingest's own (``getrusage`` of the child), not the bench's.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

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


def _loaded() -> tuple[SentenceTransformerEmbedder, float]:
    """The configured model, loaded and warmed on one text; the seconds that took (outside every timing)."""
    settings = load_settings()
    embedder = SentenceTransformerEmbedder(settings.model, settings.batch_size)
    started = time.perf_counter()
    embedder.embed(["warm up"])
    return embedder, time.perf_counter() - started


def probe(folder: str, batches_file: str) -> dict[str, float | int]:
    """Ingest ``folder`` with the model already loaded; write the embedder's batches to ``batches_file``."""
    from ingest.pipeline import ingest

    embedder, load_seconds = _loaded()
    recording = Recording(embedder)
    started = time.perf_counter()
    report = ingest([folder], load_settings(), embedder=recording, progress=False)
    ingest_seconds = time.perf_counter() - started
    Path(batches_file).write_text(json.dumps(recording.calls))
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
    }


def raw(batches_file: str) -> dict[str, float]:
    """The bare sentence-transformers ``encode`` on the recorded batches, as the embedder calls it."""
    calls = json.loads(Path(batches_file).read_text())
    embedder, _ = _loaded()
    model = embedder._load()
    started = time.perf_counter()
    for batch in calls:
        model.encode(batch, batch_size=embedder.batch_size, normalize_embeddings=True, show_progress_bar=False)
    return {"raw_embed_s": round(time.perf_counter() - started, 3)}


if __name__ == "__main__":
    go_offline()
    if sys.argv[1] == "--raw":
        print(json.dumps(raw(sys.argv[2])))
    else:
        print(json.dumps(probe(sys.argv[1], sys.argv[2])))
