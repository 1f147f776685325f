"""The contract types every stage passes along; this leaf module imports nothing from the project.

Data flows one way::

    file -> SourceText(pages) -> Document -> Paragraph -> Chunk -> (index) -> Passage -> Answer(citations)
                                      \\-> Fact (extracted at ingest, stored beside the index)

Provenance is never invented: a page, section, label or date is the source's own or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DocKind = Literal["inspection_report", "committee_report", "presentation", "press_release", "minutes", "other"]
Classification = Literal["part1", "part2"]
ParagraphKind = Literal["text", "list_item", "table_row", "heading"]


@dataclass(frozen=True)
class Page:
    """Text of one page (PDF) or slide (PPTX); ``number`` is None for formats without pages."""

    number: int | None
    text: str


@dataclass(frozen=True)
class SourceText:
    """What a reader returns: the file's text in reading order, split by page where the format has pages.

    Readers normalise every format to the same plain-text conventions: one block per line, blank lines between
    blocks, table rows as tab-separated cells, headings they can recognise as Markdown ``#`` lines.
    """

    path: str
    pages: tuple[Page, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class DocumentMeta:
    """What a reader needs to cite a document; every field is the manifest's or inferred from the text, else None."""

    title: str | None = None
    body: str | None = None  # issuing body: a council committee or an inspectorate
    date: str | None = None  # ISO: "2024-11-06", or "2024-07" when only the month is known
    kind: str | None = None  # one of DocKind
    service: str | None = None  # the service inspected / discussed, e.g. "Bexley Youth Justice Service"
    classification: str | None = None  # one of Classification
    url: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None


@dataclass(frozen=True)
class Document:
    """One ingested file: its stable id, where it came from, its content hash, its text and its metadata."""

    doc_id: str
    source: str  # the path as ingested
    content_hash: str
    pages: tuple[Page, ...]
    meta: DocumentMeta


@dataclass(frozen=True)
class Paragraph:
    """One citable unit of a document.

    ``text`` is verbatim document text (what is quoted and shown). ``label`` is the document's own number for it
    ("6.1", "Recommendation 3", "2"), ``section`` the enclosing heading ("2.2 Planning"), ``context`` what a
    reader needs for the paragraph to read on its own but is printed elsewhere (a table's header row). ``within``
    is the numbered paragraph an unnumbered one is part of: a bullet under "5.6" is cited as paragraph 5.6.
    """

    doc_id: str
    ordinal: int  # 1-based, stable within the document
    text: str
    label: str | None = None
    section: str | None = None
    page: int | None = None
    kind: str = "text"  # one of ParagraphKind
    context: str | None = None
    within: str | None = None

    @property
    def cited_label(self) -> str | None:
        """The label a reader cites it by: its own, else the numbered paragraph it sits in."""
        return self.label or self.within


@dataclass(frozen=True)
class Chunk:
    """A piece of a paragraph sized for the embedder; ``text`` is a verbatim slice of the paragraph text."""

    chunk_id: str
    paragraph: Paragraph
    part: int  # 0-based piece number within the paragraph
    text: str
    embed_text: str  # title + section + context + text: what the embedder sees


@dataclass(frozen=True)
class Passage:
    """A retrieved paragraph with the document it belongs to and how well it matched."""

    paragraph: Paragraph
    meta: DocumentMeta
    source: str
    score: float = 0.0


@dataclass(frozen=True)
class Citation:
    """Where one statement of an answer comes from; ``quote`` occurs verbatim in the paragraph's text."""

    marker: int
    source: str
    document: str
    title: str | None
    section: str | None
    label: str | None
    paragraph: int
    page: int | None
    quote: str
    date: str | None = None


@dataclass(frozen=True)
class Answer:
    """An answer whose statements carry ``[n]`` markers resolving to ``citations`` (in marker order)."""

    question: str
    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    resolved_question: str | None = None  # the question after follow-up resolution, when it changed
    classification: str = "part1"  # "part2" when any cited paragraph comes from an exempt (Part 2) document
    # Why: the decision (answer/refuse), its score and threshold, the reason for a refusal, the top candidates
    # with their features. JSON-ready; not part of equality.
    trace: dict[str, Any] | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Fact:
    """One extracted fact with the paragraph and verbatim quote it comes from."""

    subject: str | None  # the service or body the fact is about
    kind: str  # overall_rating, standard_rating, score, recommendation_count, recommendation, ...
    value: str
    document: str
    source: str
    paragraph: int
    quote: str
    name: str | None = None  # the standard ("2.2 Planning") or recommendation number
    scale: str | None = None  # for ratings: "hmip_youth_2018" or "hmip_joint_legacy"
    label: str | None = None
    year: int | None = None  # the year of the inspection the fact is about, when known
    extra: tuple[tuple[str, str], ...] = ()  # kind-specific fields, e.g. (("lead", ...), ("deadline", ...))
    conflicts_with: tuple[str, ...] = ()  # documents that state a different value for the same fact
    page: int | None = None  # the page of ``paragraph``, when the format has pages


@dataclass(frozen=True)
class FailedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """The summary an ingest run prints (and emits as JSON with ``--json``)."""

    documents: int = 0
    skipped_unchanged: int = 0
    failed: tuple[FailedFile, ...] = ()
    pruned: int = 0
    paragraphs: int = 0
    chunks: int = 0
    facts: int = 0
    seconds: float = 0.0
    ingested: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval; an empty tuple means no restriction on that field."""

    documents: tuple[str, ...] = ()  # doc ids
    bodies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, as follow-up resolution sees it."""

    question: str
    answer: Answer | None = None
