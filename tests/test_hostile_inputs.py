"""A batch full of hostile files: each bad one is reported with its reason, the rest go in, nothing indexed is lost.

Single-file refusals are covered reader by reader in test_readers.py; here the files arrive together through
``ingest()`` (and the CLI), the way a user's folder does, with a good index already in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.store import open_store
from ingest.pipeline import ingest
from tests.conftest import FIXTURES, ROOT, FakeEmbedder
from tests.test_readers import _office_zip

GOOD_TEXT = "1. Purpose\n\n1.1 The committee is asked to note the youth justice plan for {who}.\n"
LIMIT_MB = 50  # the default ASSISTANT_MAX_FILE_MB


def _odd_names() -> list[str]:
    """File names with spaces, unicode, quotes and (where the file system allows) a newline."""
    return ["report with spaces.txt", "résumé – naïve “quoted” 'single' Ω.txt", 'say "hi" & <b>.md', "line\nbreak.txt"]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """One folder holding every kind of bad file next to good ones."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.pdf").write_bytes(b"")
    shutil.copy(FIXTURES / "truncated.pdf", batch / "truncated.pdf")
    shutil.copy(FIXTURES / "encrypted.pdf", batch / "encrypted.pdf")
    _office_zip(batch / "bomb.docx", "word/document.xml", filler_mb=260)
    (batch / "junk.txt").write_bytes(os.urandom(64 * 1024))
    shutil.copy(FIXTURES / "garbage.txt", batch / "bad-encoding.txt")
    with open(batch / "just-over.txt", "wb") as fh:  # sparse: costs no disk, refused on size before any read
        fh.truncate(LIMIT_MB * 1024 * 1024 + 1)
    depth = 20_000
    (batch / "deep.html").write_text(
        "<html><body>" + "<div>" * depth + "<p>1.1 Deeply nested committee text survives.</p>" + "</div>" * depth
        + "</body></html>"
    )
    os.symlink(batch / "loop-b.txt", batch / "loop-a.txt")
    os.symlink(batch / "loop-a.txt", batch / "loop-b.txt")
    (batch / "good.txt").write_text(GOOD_TEXT.format(who="the good file"))
    for i, name in enumerate(_odd_names()):
        with contextlib.suppress(OSError):  # a file system that refuses the name is not our problem to test
            (batch / name).write_text(GOOD_TEXT.format(who=f"odd name {i}"))
    return batch


BAD = {
    "empty.pdf": "empty",
    "truncated.pdf": "truncated",
    "encrypted.pdf": "encrypted",
    "bomb.docx": "zip bomb",
    "junk.txt": "",  # binary data or not UTF-8: either is the truth about random bytes
    "bad-encoding.txt": "UTF-8",
    "just-over.txt": "limit",
    "loop-a.txt": "symlink",
    "loop-b.txt": "symlink",
}


def test_hostile_batch_reports_each_bad_file_and_keeps_the_rest(settings, hostile: Path) -> None:  # type: ignore[no-untyped-def]
    # a good index is already in place
    before = hostile.parent / "before"
    before.mkdir()
    (before / "existing.txt").write_text(GOOD_TEXT.format(who="the existing paper"))
    ingest([before], settings, embedder=FakeEmbedder(), progress=False)
    store = open_store(settings)
    existing_chunks = [c.text for c in store.iter_chunks()]

    report = ingest([hostile], settings, embedder=FakeEmbedder(), progress=False)

    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == set(BAD), reasons
    for name, word in BAD.items():
        reason = reasons[name]
        assert word.lower() in reason.lower(), (name, reason)
        assert len(reason) > 15 and "\n" not in reason and "Traceback" not in reason
    odd = [n for n in _odd_names() if (hostile / n).exists()]
    ingested = {Path(s).name for s in report.ingested}
    assert ingested == {"good.txt", "deep.html", *odd}
    assert report.documents == len(ingested)
    store = open_store(settings)
    docs = store.documents()
    assert len(docs) == 1 + len(ingested)
    # odd names keep their exact path for citation, and get a clean, unique id
    sources = {Path(d.source).name for d in docs.values()}
    assert set(odd) <= sources
    assert all(d.doc_id and "\n" not in d.doc_id and '"' not in d.doc_id for d in docs.values())
    # nothing already indexed was lost
    assert [c.text for c in store.iter_chunks() if c.doc_id == "existing"] == existing_chunks
    assert store.chunk_count() == sum(d.chunks for d in docs.values())
    # the deep HTML's text arrived whole
    assert any("Deeply nested committee text survives" in c.text for c in store.iter_chunks())


def test_hostile_batch_through_the_cli_exits_1_with_every_reason(hostile: Path, tmp_path: Path) -> None:
    cmd = [
        sys.executable, "-c",
        "import sys; sys.path.insert(0, '.'); from tests.conftest import FakeEmbedder; import ingest.pipeline as p;"
        "real = p.ingest; p.ingest = lambda paths, s, **k: real(paths, s, embedder=FakeEmbedder(), **k);"
        "from assistant.__main__ import main; sys.exit(main(sys.argv[1:]))",
        "ingest", str(hostile), "--index", str(tmp_path / "ix"), "--json",
    ]
    env = {**os.environ, "ASSISTANT_MODEL": "fake-hash-64"}
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert {Path(f["path"]).name for f in summary["failed"]} == set(BAD)
    assert summary["documents"] >= 2


# Reads a big file in a child process and prints the growth of its peak RSS over the imports' baseline (bytes).
_RSS_CHILD = r"""
import resource, sys
from pathlib import Path
sys.path.insert(0, ".")
from ingest.readers import read_file
from ingest.pipeline import file_hash, _check_file
from assistant.config import Settings
import ingest.readers.text, charset_normalizer  # imports count as baseline, not as reading
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
path = Path(sys.argv[1])
_check_file(path, Settings())
file_hash(path)
text = read_file(path).text
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(text), (peak - base) * 1024)
"""


def test_big_but_allowed_file_is_read_with_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = "3.4 The committee noted the youth justice partnership's progress against every action in the plan.\n\n"
    with open(big, "w", encoding="utf-8") as fh:
        target = (LIMIT_MB - 2) * 1024 * 1024
        written = 0
        while written < target:
            fh.write(line * 1000)
            written += len(line) * 1000
    done = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(big)], capture_output=True, text=True, cwd=ROOT, timeout=240
    )
    assert done.returncode == 0, done.stderr
    chars, growth = map(int, done.stdout.split())
    assert chars >= written * 0.99  # the whole file was read
    assert growth < 1.5 * 1024**3, f"reading a {written >> 20} MB file grew peak RSS by {growth >> 20} MB"
