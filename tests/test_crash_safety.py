"""An ingest killed with SIGKILL at any point leaves every document whole (old or new), and the next run heals it.

The killed ingest runs in a subprocess. Deterministic kill points are hooks installed by the child script (after the
N-th chunk write, after a document's commit record, before old chunks are deleted); one more run is killed from
outside while it is committing, at whatever point it has reached.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.store import open_store
from ingest.pipeline import ingest
from tests.conftest import ROOT, FakeEmbedder

N_DOCS = 6
N_PARAS = 60  # 3 changed + 2 new papers x 60 paragraphs: one flush of 300 chunks, five commits

# The child: ingest FOLDER into INDEX with the fake embedder; CRASH_AT picks where it SIGKILLs itself.
CHILD = r"""
import os, signal, sys, time
sys.path.insert(0, os.getcwd())
from pathlib import Path
from assistant.config import Settings
from ingest.pipeline import ingest
from tests.conftest import FakeEmbedder

import ingest.pipeline as pipeline
# FLUSH_CHUNKS=1 writes each document as its own batch; a large one writes these few papers as one batch.
pipeline._FLUSH_CHUNKS = int(os.environ["FLUSH_CHUNKS"])
point, after = os.environ["CRASH_AT"].split(":")
after = int(after)
seen = {"n": 0}

def die_after(n):
    seen["n"] += n
    if seen["n"] >= after:
        os.kill(os.getpid(), signal.SIGKILL)

from chromadb.api.models.Collection import Collection
add, upsert, delete = Collection.add, Collection.upsert, Collection.delete

def add_hook(self, *a, **kw):  # only chunks are added; document records are upserted
    out = add(self, *a, **kw)
    if point == "chunks":  # chunks of a document written, its record not yet
        die_after(1)
    if point == "slow":  # give the killer outside time to land anywhere in the commits
        print("added", flush=True)
        time.sleep(0.3)
    return out

def upsert_hook(self, *a, **kw):
    out = upsert(self, *a, **kw)
    if point == "record":  # the record committed, the superseded chunks not yet deleted
        die_after(1)
    return out

def delete_hook(self, *a, **kw):
    if point == "delete":  # killed just before a delete
        die_after(1)
    return delete(self, *a, **kw)

Collection.add, Collection.upsert, Collection.delete = add_hook, upsert_hook, delete_hook

ingest([sys.argv[1]], Settings(index_dir=Path(sys.argv[2]), model="fake-hash-64"), embedder=FakeEmbedder(),
       progress=False)
print("finished", flush=True)
"""


def _write_docs(folder: Path, version: str, which: range = range(N_DOCS)) -> None:
    """Committee papers whose every paragraph names its document and version."""
    folder.mkdir(exist_ok=True)
    for d in which:
        paras = [
            f"{i}.1 Paper {d} {version}: the committee notes progress on action {i} of the youth justice plan "
            f"and the officers report item {i * 7 + d}."
            for i in range(1, N_PARAS + 1)
        ]
        (folder / f"paper-{d}.txt").write_text(f"Title: Paper {d}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")


def _state(settings: Settings) -> dict[str, set[str]]:
    """For each committed document, the versions its visible chunks carry; checks counts on the way."""
    store = open_store(settings)
    records = store.documents()
    versions: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for chunk in store.iter_chunks():
        counts[chunk.doc_id] += 1
        versions[chunk.doc_id].update(v for v in ("v1", "v2") if f" {v}:" in chunk.text)
    assert set(counts) <= set(records)  # no visible chunk without a committed document
    for doc_id, rec in records.items():
        assert counts[doc_id] == rec.chunks, f"{doc_id}: {counts[doc_id]} visible chunks, record says {rec.chunks}"
    return dict(versions)


@pytest.fixture(scope="module")
def v1_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A complete index of version 1 of the papers, and a pristine copy of them (both copied per scenario)."""
    root = tmp_path_factory.mktemp("crash")
    docs, pristine, index = root / "docs", root / "pristine", root / "index"
    _write_docs(pristine, "v1")
    shutil.copytree(pristine, docs)
    report = ingest([docs], Settings(index_dir=index, model="fake-hash-64"), embedder=FakeEmbedder(), progress=False)
    assert report.documents == N_DOCS and report.failed == ()
    return docs, pristine, index


def _scenario(v1_index: tuple[Path, Path, Path], tmp_path: Path) -> tuple[Path, Settings]:
    # Documents are known by absolute path, so every scenario edits the papers at the path the index holds.
    docs, pristine, index = v1_index
    shutil.rmtree(docs)
    shutil.copytree(pristine, docs)
    shutil.copytree(index, tmp_path / "index")
    _write_docs(docs, "v2", range(0, N_DOCS, 2))  # papers 0, 2, 4 change
    _write_docs(docs, "v1", range(N_DOCS, N_DOCS + 2))  # two new papers
    return docs, Settings(index_dir=tmp_path / "index", model="fake-hash-64")


def _child(docs: Path, settings: Settings, crash_at: str, flush: int = 1) -> subprocess.Popen[str]:
    env = {**os.environ, "CRASH_AT": crash_at, "FLUSH_CHUNKS": str(flush)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(docs), str(settings.index_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _check_whole_then_heal(docs: Path, settings: Settings) -> None:
    after_crash = _state(settings)
    # what readers see right after the crash: each document all-old or all-new, never mixed
    assert all(len(v) == 1 for v in after_crash.values()), after_crash
    assert {f"paper-{d}" for d in range(N_DOCS)} <= set(after_crash)  # nothing already indexed was lost
    report = ingest([docs], settings, embedder=FakeEmbedder(), progress=False)
    assert report.failed == ()
    healed = _state(settings)
    store = open_store(settings)
    records = store.documents()
    assert sorted(records) == sorted(f"paper-{d}" for d in range(N_DOCS + 2))  # each document once
    assert store.chunk_count() == sum(r.chunks for r in records.values())  # no orphans left behind
    assert healed == {f"paper-{d}": {"v2" if d < N_DOCS and d % 2 == 0 else "v1"} for d in range(N_DOCS + 2)}
    again = ingest([docs], settings, embedder=FakeEmbedder(), progress=False)
    assert (again.documents, again.skipped_unchanged) == (0, N_DOCS + 2)


@pytest.mark.parametrize(
    ("crash_at", "flush"),
    [("chunks:1", 1), ("chunks:4", 1), ("record:2", 1), ("delete:5", 1),
     ("chunks:1", 10_000), ("record:1", 10_000), ("delete:1", 10_000)],
    ids=["after-first-chunk-write", "after-fourth-chunk-write", "after-a-commit-record", "before-a-later-delete",
         "batch-after-its-chunks", "batch-after-its-records", "batch-before-its-deletes"],
)
def test_sigkill_at_a_write_boundary_leaves_documents_whole(v1_index, tmp_path, crash_at: str, flush: int) -> None:  # type: ignore[no-untyped-def]
    docs, settings = _scenario(v1_index, tmp_path)
    child = _child(docs, settings, crash_at, flush)
    out, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, (out, err)
    assert "finished" not in out
    _check_whole_then_heal(docs, settings)


def test_sigkill_from_outside_during_a_slow_ingest(v1_index, tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs, settings = _scenario(v1_index, tmp_path)
    child = _child(docs, settings, "slow:0")
    assert child.stdout is not None
    deadline = time.monotonic() + 120
    added = 0
    for line in child.stdout:  # two documents' chunks written: kill while the third document is being committed
        added += line.startswith("added")
        if added == 2 or time.monotonic() > deadline:
            time.sleep(0.15)
            break
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    _check_whole_then_heal(docs, settings)
