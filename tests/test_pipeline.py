"""Ingest into a real Chroma (temp folder): idempotence, replacement, pruning, bad input, fingerprinted collections."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from assistant.store import open_store
from ingest.pipeline import ingest
from tests.conftest import CORPUS, ROOT, FakeEmbedder

BEXLEY = "hmip-inspection-youth-justice-services-bexley-2024-07"


def _copy_corpus(dst: Path) -> Path:
    shutil.copytree(CORPUS, dst)
    return dst


def _chunk_texts(settings, doc_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    store = open_store(settings)
    return [c.paragraph_text for c in store.iter_chunks() if c.doc_id == doc_id]


def test_corpus_ingests_with_manifest_metadata(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    report = ingest([CORPUS], settings, embedder=fake_embedder)
    assert report.failed == ()
    assert report.documents == 5 and report.skipped_unchanged == 0
    assert report.paragraphs > 200 and report.chunks >= report.paragraphs
    docs = open_store(settings).documents()
    assert set(docs) == {p.stem for p in CORPUS.glob("*.txt")}
    bexley = docs[BEXLEY]
    assert bexley.meta.title == "An inspection of youth justice services in Bexley"
    assert bexley.meta.body == "HM Inspectorate of Probation"
    assert bexley.meta.kind == "inspection_report" and bexley.meta.date == "2024-07"
    # every chunk of a committed document is readable and anchored to a paragraph
    chunks = list(open_store(settings).iter_chunks())
    assert len(chunks) == report.chunks
    assert all(c.text in c.paragraph_text for c in chunks)


def test_reingest_unchanged_skips_everything_without_embedding(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    ingest([CORPUS], settings, embedder=fake_embedder)
    again = FakeEmbedder()
    report = ingest([CORPUS], settings, embedder=again)
    assert (report.documents, report.skipped_unchanged, report.chunks) == (0, 5, 0)
    assert again.calls == 0
    assert open_store(settings).chunk_count() == sum(d.chunks for d in open_store(settings).documents().values())


def test_changed_file_replaces_all_its_old_chunks(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path / "corpus")
    ingest([corpus], settings, embedder=fake_embedder)
    before = open_store(settings).chunk_count()
    path = corpus / f"{BEXLEY}.txt"
    path.write_text(path.read_text().replace("27/36", "26/36") + "\n\nA new closing paragraph about Zanzibar.\n")
    report = ingest([corpus], settings, embedder=fake_embedder)
    assert (report.documents, report.skipped_unchanged) == (1, 4)
    texts = _chunk_texts(settings, BEXLEY)
    assert any("Zanzibar" in t for t in texts)
    assert not any("27/36" in t for t in texts) and any("26/36" in t for t in texts)
    store = open_store(settings)
    assert store.chunk_count() == sum(d.chunks for d in store.documents().values())
    assert store.chunk_count() == before + 1


def test_prune_drops_removed_files(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path / "corpus")
    ingest([corpus], settings, embedder=fake_embedder)
    (corpus / f"{BEXLEY}.txt").unlink()
    kept = ingest([corpus], settings, embedder=fake_embedder)
    assert kept.pruned == 0 and BEXLEY in open_store(settings).documents()
    report = ingest([corpus], settings, embedder=fake_embedder, prune=True)
    assert report.pruned == 1
    store = open_store(settings)
    assert BEXLEY not in store.documents()
    assert _chunk_texts(settings, BEXLEY) == []
    assert store.chunk_count() == sum(d.chunks for d in store.documents().values())


def test_bad_files_are_reported_and_the_rest_goes_in(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ingest([CORPUS], settings, embedder=fake_embedder)
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.txt").write_text("1. Purpose\n\n1.1 The committee is asked to note the youth justice plan.\n")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (batch / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    (batch / "notes.xyz").write_text("hello")
    (batch / "huge.txt").write_bytes(b"word " * (3 * 1024 * 1024 // 5 + 10))
    small = replace(settings, max_file_mb=2.0)
    report = ingest([batch], small, embedder=fake_embedder)
    assert report.documents == 1
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {"empty.txt", "junk.txt", "corrupt.pdf", "notes.xyz", "huge.txt"}
    assert all(len(r.splitlines()) == 1 and len(r) > 10 for r in reasons.values())
    assert "empty" in reasons["empty.txt"].lower()
    assert "unsupported" in reasons["notes.xyz"].lower()
    assert "limit" in reasons["huge.txt"].lower()
    # nothing already indexed was lost
    assert len(open_store(settings).documents()) == 6


def test_a_first_batch_where_every_file_fails_reports_them_and_leaves_an_empty_index(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "junk.txt").write_bytes(bytes(range(256)) * 40)
    report = ingest([batch], settings, embedder=fake_embedder)  # used to crash writing the (empty) snapshot
    assert report.documents == 0
    assert sorted(Path(f.path).name for f in report.failed) == ["empty.txt", "junk.txt"]
    assert open_store(settings).documents() == {}
    # and the index it left takes the next batch
    assert ingest([CORPUS], settings, embedder=fake_embedder).documents == 5


def test_a_file_that_turns_corrupt_keeps_its_last_good_version(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = _copy_corpus(tmp_path / "corpus")
    ingest([corpus], settings, embedder=fake_embedder)
    before = _chunk_texts(settings, BEXLEY)
    (corpus / f"{BEXLEY}.txt").write_bytes(b"\x00\x01\x02" * 1000)
    report = ingest([corpus], settings, embedder=fake_embedder)
    assert [Path(f.path).name for f in report.failed] == [f"{BEXLEY}.txt"]
    assert sorted(_chunk_texts(settings, BEXLEY)) == sorted(before)


def test_settings_change_uses_a_new_collection(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    ingest([CORPUS], settings, embedder=fake_embedder)
    other = replace(settings, max_tokens=128)
    assert other.fingerprint != settings.fingerprint
    report = ingest([CORPUS], other, embedder=fake_embedder)
    assert report.documents == 5  # nothing reused from the 256-token collection
    assert open_store(other).chunk_count() == report.chunks
    assert open_store(settings).chunk_count() != report.chunks


def test_no_manifest_folder_infers_metadata_without_inventing(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(CORPUS / f"{BEXLEY}.txt", folder / "report.txt")
    ingest([folder], settings, embedder=fake_embedder)
    meta = open_store(settings).documents()["report"].meta
    assert meta.body == "HM Inspectorate of Probation"
    assert meta.date == "2024-07"
    assert meta.url is None  # the text never gives one


def test_chunks_fit_the_real_models_window(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.types import Document, DocumentMeta, Page
    from ingest.chunks import make_chunks
    from ingest.paragraphs import split_paragraphs

    for path in CORPUS.glob("*.txt"):
        doc = Document(path.stem, str(path), "h" * 64, (Page(None, path.read_text()),), DocumentMeta(title=path.stem))
        paragraphs = split_paragraphs(doc)
        chunks = make_chunks(doc.meta, paragraphs, real_embedder.count_tokens, 256, doc.content_hash)
        assert all(real_embedder.count_tokens(c.embed_text) <= 256 for c in chunks)
        assert all(c.text in c.paragraph.text for c in chunks)
        assert {c.paragraph.ordinal for c in chunks} == {p.ordinal for p in paragraphs}
        # the embedder sees title + section, the quote is the paragraph alone
        assert all(c.embed_text.startswith(path.stem) for c in chunks)


def test_cli_ingest_json_summary_and_exit_codes(tmp_path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Purpose\n\n1.1 The report asks members to note progress on the plan.\n")
    cmd = [sys.executable, "-m", "assistant", "ingest", str(folder), "--index", str(tmp_path / "ix"), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert set(summary) >= {"documents", "skipped_unchanged", "failed", "paragraphs", "chunks", "seconds"}
    assert summary["documents"] == 1 and summary["failed"] == []
    (folder / "b.txt").write_bytes(b"")
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["skipped_unchanged"] == 1
    assert [Path(f["path"]).name for f in summary["failed"]] == ["b.txt"]
    usage = subprocess.run([sys.executable, "-m", "assistant", "ingest"], capture_output=True, text=True, cwd=ROOT)
    assert usage.returncode == 2


def test_snapshot_serves_reads_only_while_nothing_was_written(settings, fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.snapshot import load_snapshot

    corpus = _copy_corpus(tmp_path / "corpus")
    ingest([corpus], settings, embedder=fake_embedder)
    snap = load_snapshot(settings)
    assert snap is not None
    store = open_store(settings)
    # the snapshot holds exactly the committed chunks, and its exact search agrees with Chroma's
    assert sorted(c.chunk_id for c in snap.iter_chunks()) == sorted(c.chunk_id for c in store.iter_chunks())
    vector = fake_embedder.embed(["recommendations to the Metropolitan Police about Outcome 22"])[0]
    assert [c.chunk_id for c, _ in snap.query(vector, 5)] == [c.chunk_id for c, _ in store.query(vector, 5)]
    # a write (here: a changed file) invalidates it before touching Chroma, and the next ingest renews it
    path = corpus / f"{BEXLEY}.txt"
    path.write_text(path.read_text() + "\n\nA closing paragraph about Zanzibar.\n")
    store._touch()
    assert load_snapshot(settings) is None
    ingest([corpus], settings, embedder=fake_embedder)
    fresh = load_snapshot(settings)
    assert fresh is not None and any("Zanzibar" in c.text for c in fresh.iter_chunks())


class _Recording(FakeEmbedder):
    """The fake embedder, keeping every text it was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts += list(texts)
        return super().embed(texts)


def test_headings_are_stored_in_order_but_never_embedded(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "paper.txt").write_text(
        "1. Background\n\n1.1 The service was inspected in May 2024.\n\n2. Findings\n\n2.1 Planning was good.\n",
        encoding="utf-8",
    )
    embedder = _Recording()
    report = ingest([folder], settings, embedder=embedder, progress=False)
    assert report.chunks == 4 and len(embedder.texts) == 2  # the two numbered paragraphs, not their headings
    assert not any(t.strip().endswith(("Background", "Findings")) for t in embedder.texts)
    bot = Assistant(settings, embedder=embedder)
    kinds = [(p.kind, p.label) for p in bot.context("paper", 1, radius=10)]
    assert kinds == [("heading", "1"), ("text", "1.1"), ("heading", "2"), ("text", "2.1")]  # reading order kept
    assert all(p.paragraph.kind != "heading" for p in bot.retrieve("findings planning", k=4))
