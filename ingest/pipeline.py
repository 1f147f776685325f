"""Files -> Documents -> Paragraphs -> Chunks (+ Facts) -> the store: hashing, skip/replace/prune, the report."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.embedding import Embedder, SentenceTransformerEmbedder, export_onnx
from assistant.errors import AssistantError, UnreadableFile
from assistant.snapshot import load_snapshot
from assistant.store import DocRecord, Store, is_new, open_store, warm_up_writer
from assistant.types import Chunk, Document, DocumentMeta, Fact, FailedFile, IngestReport, Paragraph
from ingest.chunks import make_chunks
from ingest.extract_facts import extract_facts
from ingest.metadata import infer_meta, load_manifest, merge_meta
from ingest.paragraphs import split_paragraphs
from ingest.readers import read_file

MANIFEST = "manifest.yaml"
# Part of every document's content hash: bump it when reading, splitting or fact extraction changes, so that
# the next ingest redoes every document (an unchanged file is otherwise skipped).
INGEST_VERSION = "14"
_SKIP_NAMES = {MANIFEST, "manifest.yml"}
_FLUSH_CHUNKS = 256  # embed in batches this big (across documents) for throughput


@dataclass(frozen=True)
class Prepared:
    """A document read, split and chunked, waiting for its vectors."""

    document: Document
    paragraphs: tuple[Paragraph, ...]
    chunks: tuple[Chunk, ...]
    facts: tuple[Fact, ...]
    abs_path: str


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[FailedFile]]:
    """Files under ``paths`` (recursively, sorted; hidden files and manifests skipped); missing paths fail."""
    files: list[Path] = []
    failed: list[FailedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and name not in _SKIP_NAMES:
                        files.append(Path(root) / name)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            failed.append(FailedFile(str(path), "no such file or folder: check the path"))
    return files, failed


def file_hash(path: Path, extra: str = "") -> str:
    """sha256 of the file's bytes (streamed) and of anything else that changes what is indexed (its manifest entry)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    h.update(extra.encode())
    return h.hexdigest()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "document"


def prepare(
    path: Path, doc_id: str, content_hash: str, manifest_meta: DocumentMeta | None, embedder: Embedder, settings: Settings
) -> Prepared:
    """Read, split, extract facts and chunk one file (raises UnreadableFile)."""
    source = read_file(path, max_bytes=int(settings.max_file_mb * 1024 * 1024))
    inferred = infer_meta(source.text, path.name)
    meta = merge_meta(manifest_meta, inferred)
    document = Document(doc_id=doc_id, source=str(path), content_hash=content_hash, pages=source.pages, meta=meta)
    paragraphs = tuple(split_paragraphs(document))
    if not paragraphs:
        raise UnreadableFile(str(path), "no paragraphs of text found: is the file empty or only images?")
    facts = tuple(extract_facts(document, paragraphs))
    chunks = tuple(make_chunks(meta, paragraphs, embedder.count_tokens, settings.max_tokens, content_hash))
    return Prepared(document, paragraphs, chunks, facts, str(path.resolve()))


def ingest(
    paths: Sequence[str | Path],
    settings: Settings,
    embedder: Embedder | None = None,
    prune: bool = False,
    progress: bool | None = None,
    on_file: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest ``paths`` into the index of ``settings``; one bad file is reported, never fatal to the batch."""
    started = time.perf_counter()
    files, failed = discover(paths)
    # A current snapshot means nothing was written since the last complete ingest (no orphans to collect), and it
    # knows every committed document: an unchanged corpus is then checked without opening Chroma at all.
    snapshot = load_snapshot(settings)
    store: Store | None = None
    orphans = 0
    if snapshot is not None:
        existing = snapshot.documents()
    elif is_new(settings):
        existing = {}  # nothing to read: Chroma is opened at the first write, its import overlapping embedding
    else:
        store = open_store(settings, create=True)
        orphans = store.collect_orphans()
        existing = store.documents()

    def writer() -> Store:
        nonlocal store
        if store is None:
            store = open_store(settings, create=True)
        return store

    by_path = {rec.abs_path: rec for rec in existing.values()}
    manifests: dict[Path, dict[str, DocumentMeta]] = {}
    embedder = embedder or SentenceTransformerEmbedder(settings.model, settings.batch_size)

    seen_paths: set[str] = set()
    taken_ids = {rec.doc_id: rec.abs_path for rec in existing.values()}
    pending: list[Prepared] = []
    counts = {"documents": 0, "skipped": 0, "paragraphs": 0, "chunks": 0, "facts": 0}
    ingested: list[str] = []

    # One writer thread commits each embedded batch (all its chunks, then all its records, then older chunks;
    # see Store.commit_documents) while the next batch is embedded; batches are written in order.
    writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
    submitted: list[Future[None]] = []

    def commit_batch(batch: list[Prepared], vectors: list[list[float]]) -> None:
        at, parts = 0, []
        for prep in batch:
            parts.append((prep, vectors[at : at + len(prep.chunks)]))
            at += len(prep.chunks)
        _commit(writer(), parts)
        for prep in batch:
            counts["documents"] += 1
            counts["paragraphs"] += len(prep.paragraphs)
            counts["chunks"] += len(prep.chunks)
            counts["facts"] += len(prep.facts)
            ingested.append(prep.document.source)

    embedded: list[tuple[list[Prepared], list[list[float]]]] = []  # the batch waiting to be written

    def write_previous() -> None:
        if embedded:
            writer()  # open the store here, not in the writer thread
            submitted.append(writes.submit(commit_batch, *embedded.pop()))

    def flush() -> None:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        # The previous batch is written while this one is embedded (torch releases the GIL, Chroma's add holds
        # it), never while documents are prepared: a write beside preparation stalls it on the GIL. Preparing
        # the next documents beside the embedder was measured slower on 2 cores.
        write_previous()
        embedded.append((batch, embed_chunks(embedder, [c for prep in batch for c in prep.chunks])))

    def drain() -> None:
        write_previous()
        try:
            for future in submitted:
                future.result()  # a failed write is raised here, as it would have been inline
        finally:
            writes.shutdown(wait=True)

    bar = _progress(len(files), progress)
    warmed = False
    for path in files:
        try:
            manifest = _manifest_for(path, manifests)
            entry = manifest.get(path.name)
            abs_path = str(path.resolve())
            seen_paths.add(abs_path)
            _check_file(path, settings)
            digest = file_hash(path, INGEST_VERSION + (json.dumps(asdict(entry), sort_keys=True) if entry else ""))
            old = by_path.get(abs_path)
            if old is not None and old.content_hash == digest:
                counts["skipped"] += 1
                continue
            doc_id = old.doc_id if old else _unique_id(slug(path.stem), abs_path, taken_ids)
            taken_ids[doc_id] = abs_path
            if not warmed:
                warm_up_writer()  # overlaps the writer's import with the first embeddings
                warmed = True
            pending.append(prepare(path, doc_id, digest, entry, embedder, settings))
            if sum(len(p.chunks) for p in pending) >= _FLUSH_CHUNKS:
                flush()
        except UnreadableFile as exc:
            failed.append(FailedFile(exc.path, exc.reason))
        except AssistantError as exc:
            failed.append(FailedFile(str(path), str(exc)))
        except (OSError, ValueError, RuntimeError, RecursionError, MemoryError) as exc:
            failed.append(FailedFile(str(path), f"could not be read ({exc.__class__.__name__}: {exc})"))
        finally:
            bar(path.name)
            if on_file:
                on_file(str(path))
    flush()
    drain()

    pruned = 0
    if prune:
        current = writer().documents() if store is not None else existing
        for rec in current.values():
            if rec.abs_path not in seen_paths:
                writer().remove_document(rec.doc_id)
                pruned += 1
    bar(None)
    if snapshot is None or counts["documents"] or pruned or orphans:
        writer().write_snapshot()  # lets `ask` start without importing Chroma (and a new index exists, if empty)
    if isinstance(embedder, SentenceTransformerEmbedder):
        export_onnx(settings.model, settings.cache_dir)  # once per model: asking then needs no torch
    return IngestReport(
        documents=counts["documents"],
        skipped_unchanged=counts["skipped"],
        failed=tuple(failed),
        pruned=pruned,
        paragraphs=counts["paragraphs"],
        chunks=counts["chunks"],
        facts=counts["facts"],
        seconds=round(time.perf_counter() - started, 3),
        ingested=tuple(ingested),
    )


def _commit(store: Store, batch: Sequence[tuple[Prepared, Sequence[Sequence[float]]]]) -> None:
    """Write a batch of prepared documents with their vectors (see Store.commit_documents)."""
    store.commit_documents([_writable(prep, vectors) for prep, vectors in batch])


def embed_chunks(embedder: Embedder, chunks: Sequence[Chunk]) -> list[list[float]]:
    """A vector per chunk. Headings are never ranked (retrieval reads a heading as the section of what follows),
    so a heading is not embedded: it is stored with the vector of the paragraph it introduces, or of the one
    before it at the end of a document. That is a fifth of a long report's chunks not sent to the model."""
    docs_with_text = {c.paragraph.doc_id for c in chunks if c.paragraph.kind != "heading"}
    wanted = [i for i, c in enumerate(chunks) if c.paragraph.kind != "heading" or c.paragraph.doc_id not in docs_with_text]
    vectors: list[list[float] | None] = [None] * len(chunks)
    for i, vector in zip(wanted, embedder.embed([chunks[i].embed_text for i in wanted]), strict=True):
        vectors[i] = list(vector)
    for order in (range(len(chunks) - 1, -1, -1), range(len(chunks))):  # borrow from the next, then the previous
        near: tuple[str, list[float]] | None = None
        for i in order:
            doc, vector = chunks[i].paragraph.doc_id, vectors[i]
            if vector is not None:
                near = (doc, vector)
            elif near is not None and near[0] == doc:
                vectors[i] = near[1]
    return [v for v in vectors if v is not None]


def _writable(prep: Prepared, vectors: Sequence[Sequence[float]]) -> tuple[DocRecord, Sequence[Chunk], Sequence[Sequence[float]]]:
    doc = prep.document
    record = DocRecord(
        doc_id=doc.doc_id,
        source=doc.source,
        abs_path=prep.abs_path,
        content_hash=doc.content_hash,
        meta=doc.meta,
        paragraphs=len(prep.paragraphs),
        chunks=len(prep.chunks),
        facts=prep.facts,
    )
    return record, prep.chunks, vectors


def _check_file(path: Path, settings: Settings) -> None:
    """Cheap checks before hashing: a readable regular file within the size limit."""
    try:
        st = path.stat()
    except OSError as exc:
        raise UnreadableFile(str(path), f"cannot open ({exc.strerror or exc}): check the path and permissions") from None
    if not path.is_file():
        raise UnreadableFile(str(path), "not a regular file")
    if st.st_size == 0:
        # Said here for every format: a PDF reader would otherwise call an empty download "not a PDF".
        raise UnreadableFile(str(path), "file is empty (0 bytes): re-download or re-export it, then ingest again")
    limit = settings.max_file_mb * 1024 * 1024
    if st.st_size > limit:
        raise UnreadableFile(
            str(path),
            f"file is {st.st_size / 1048576:.0f} MB, over the {settings.max_file_mb:.0f} MB limit: "
            "split it or raise ASSISTANT_MAX_FILE_MB",
        )


def _manifest_for(path: Path, cache: dict[Path, dict[str, DocumentMeta]]) -> dict[str, DocumentMeta]:
    folder = path.parent
    if folder not in cache:
        cache[folder] = load_manifest(folder) if (folder / MANIFEST).exists() else {}
    return cache[folder]


def _unique_id(base: str, abs_path: str, taken: dict[str, str]) -> str:
    if taken.get(base) in (None, abs_path):
        return base
    return f"{base}-{hashlib.sha256(abs_path.encode()).hexdigest()[:6]}"


def _progress(total: int, enabled: bool | None) -> Callable[[str | None], None]:
    """A tqdm bar on a terminal (stderr); ``None`` closes it."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or total == 0:
        return lambda _name: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="file", file=sys.stderr, leave=False)

    def step(name: str | None) -> None:
        if name is None:
            bar.close()
        else:
            bar.set_postfix_str(name[:40])
            bar.update(1)

    return step
