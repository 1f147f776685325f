"""A read-only snapshot of an embedded index (vectors + chunks) so answering starts without importing Chroma.

Importing chromadb costs ~1.6 s, over half the cold-start budget of `python -m assistant ask`. After every ingest
the store writes its committed chunks and vectors here, stamped with a token; every write to Chroma first replaces
the store's state token, so a snapshot is used only while nothing has been written since it was taken. Anything
else (a server store, a stale or damaged snapshot) falls back to Chroma itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings


def state_file(settings: Settings) -> Path:
    return Path(settings.index_dir) / f"state-{settings.fingerprint}"


def snapshot_files(settings: Settings) -> tuple[Path, Path]:
    base = Path(settings.index_dir) / f"snapshot-{settings.fingerprint}"
    return base.with_suffix(".json"), base.with_suffix(".npy")


def write_state(settings: Settings, token: str) -> None:
    path = state_file(settings)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(token)
    os.replace(tmp, path)


def read_state(settings: Settings) -> str | None:
    try:
        return state_file(settings).read_text().strip()
    except OSError:
        return None


def write_snapshot(settings: Settings, token: str, payload: dict[str, Any], vectors: Sequence[Sequence[float]]) -> None:
    """Write both files atomically; the caller then sets the state token (the commit of the snapshot)."""
    import numpy as np

    meta_path, vec_path = snapshot_files(settings)
    tmp_meta = meta_path.with_name(f"{meta_path.name}.{os.getpid()}.tmp")
    tmp_vec = vec_path.with_name(f"{vec_path.stem}.{os.getpid()}.tmp.npy")
    array = np.asarray(vectors, dtype=np.float32)
    np.save(tmp_vec, array.reshape(len(vectors), -1) if len(vectors) else array.reshape(0, 0))  # an empty index
    tmp_meta.write_text(json.dumps({**payload, "token": token}, ensure_ascii=False))
    os.replace(tmp_vec, vec_path)
    os.replace(tmp_meta, meta_path)


class SnapshotReader:
    """The read side of Store (documents, chunks, dense query) from a fresh snapshot."""

    def __init__(self, settings: Settings, payload: dict[str, Any], vectors: Any) -> None:
        from assistant.store import record_from_dict, stored_chunk

        self.settings = settings
        self.token = payload["token"]
        self._documents = {d["doc_id"]: record_from_dict(d) for d in payload["documents"]}
        self._chunks = [stored_chunk(c["id"], c["meta"], c["text"]) for c in payload["chunks"]]
        self._vectors = vectors
        self._doc_index: dict[str, list[int]] = {}
        for i, c in enumerate(self._chunks):
            self._doc_index.setdefault(c.doc_id, []).append(i)

    def fresh(self) -> bool:
        return read_state(self.settings) == self.token

    def documents(self):  # type: ignore[no-untyped-def]
        if not self.fresh():
            # Written to since: read the truth from Chroma (the caller reloads when this differs).
            from assistant.store import open_store

            return open_store(self.settings).documents()
        return dict(self._documents)

    def chunk_count(self) -> int:
        return len(self._chunks)

    def iter_chunks(self, where: dict[str, Any] | None = None) -> Iterator[Any]:
        yield from self._chunks

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[Any, float]]:
        """Exact cosine search (vectors are unit length), optionally within ``{"doc_id": {"$in": [...]}}``."""
        import numpy as np

        if not self._chunks:
            return []
        rows: Any = None
        if where is not None:
            wanted = where.get("doc_id", {}).get("$in", [])
            rows = np.array(sorted(i for d in wanted for i in self._doc_index.get(d, ())), dtype=np.int64)
            if rows.size == 0:
                return []
            scores = self._vectors[rows] @ np.asarray(vector, dtype=np.float32)
        else:
            scores = self._vectors @ np.asarray(vector, dtype=np.float32)
        k = min(k, scores.shape[0])
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        index = rows[top] if rows is not None else top
        return [(self._chunks[int(i)], float(scores[j])) for i, j in zip(index, top, strict=True)]


def load_snapshot(settings: Settings) -> SnapshotReader | None:
    """The snapshot of an embedded index when it is current, else None."""
    if settings.chroma_url:
        return None
    meta_path, vec_path = snapshot_files(settings)
    token = read_state(settings)
    if token is None or not meta_path.exists() or not vec_path.exists():
        return None
    try:
        import numpy as np

        payload = json.loads(meta_path.read_text())
        if payload.get("token") != token or payload.get("fingerprint") != settings.fingerprint:
            return None
        vectors = np.load(vec_path, mmap_mode="r")
        if vectors.shape[0] != len(payload["chunks"]):
            return None
        return SnapshotReader(settings, payload, np.asarray(vectors))
    except (OSError, ValueError, KeyError):
        return None
