"""What fact extraction reads and writes: lines and table rows of paragraphs, sentences, and the fact builder.

Only ``ingest.extract_facts`` and its rule modules (``facts_ratings``, ``facts_recommendations``) use this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assistant.facts import RATING_KINDS, is_valid_rating, squeeze
from assistant.numbers import UNITS
from assistant.types import Document, Fact, Paragraph

QUOTE_CHARS = "'\"‘’“”"
# Icon debris from PDF tables ("${}$", "$\overrightarrow{...}$") and HTML tags from slide exports.
JUNK = re.compile(r"\$[^$\n]*\$|</?[a-z]+[^>]*>")
SUPERSCRIPTS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]+")
NUM_WORDS = {**{w: n for w, n in UNITS.items() if n >= 1}, "twenty": 20}  # one..twenty
NUM = r"(?:\d{1,2}|" + "|".join(NUM_WORDS) + r")"


@dataclass(frozen=True)
class Line:
    """One line of a paragraph: a sentence-bearing line, or a table row with the header it sits under."""

    para: Paragraph
    text: str
    cells: tuple[str, ...] | None
    header: tuple[str, ...] | None
    is_header: bool = False
    dividers: tuple[str, ...] = ()  # rows like "2.\tCourt disposals" the splitter carries in the context


@dataclass
class Builder:
    """Collects one document's facts; drops any whose quote is not verbatim, and repeats."""

    doc: Document
    subject: str | None
    year: int | None
    facts: list[Fact] = field(default_factory=list)
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    def add(
        self,
        para: Paragraph,
        kind: str,
        value: str,
        quote: str,
        name: str | None = None,
        scale: str | None = None,
        year: int | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Record a fact about ``para`` unless its quote is not verbatim or its rating is off-vocabulary."""
        quote = quote.strip()
        value = re.sub(r"\s+", " ", value).strip()
        if not quote or not value or quote not in para.text:
            return  # provenance is never invented: a quote that is not verbatim is no quote
        if kind in RATING_KINDS and not is_valid_rating(value, scale):
            return  # the closed vocabulary is the contract; nothing else is ever stored as a rating
        key = (kind, squeeze(name or ""), value.lower())
        if key in self.seen:
            return
        self.seen.add(key)
        self.facts.append(
            Fact(
                subject=self.subject,
                kind=kind,
                value=value,
                document=self.doc.doc_id,
                source=self.doc.source,
                paragraph=para.ordinal,
                quote=quote,
                name=name,
                scale=scale,
                label=para.label,
                year=year if year is not None else self.year,
                extra=extra,
                page=para.page,
            )
        )


def cells_of(line: str) -> tuple[str, ...]:
    """A row's cells, each on one line (a cell a PDF wrapped reads as it was written)."""
    return tuple(" ".join(c.split()) for c in line.split("\t"))


def lines_of(paras: Sequence[Paragraph]) -> Iterator[Line]:
    """Each paragraph's lines; tab-separated ones are table rows under the header of their table.

    The header is the paragraph's ``context`` when the splitter gives one, else the first row of a run of rows,
    so extraction works on any splitter's paragraphs.
    """
    header: tuple[str, ...] | None = None
    prev_row = False
    for p in paras:
        context = [c for c in (p.context or "").split("\n") if c.strip()]
        own_header = cells_of(context[0]) if context and "\t" in context[0] else None
        dividers = tuple(context[1:])
        # A table row is one line even when a PDF wrapped its cells over several (the splitter keeps it whole).
        for raw in [p.text] if p.kind == "table_row" and "\t" in p.text else _wrapped_lines(p.text):
            if not raw.strip():
                continue
            if "\t" not in raw or _numbered_prose(raw):
                yield Line(p, raw, None, None)
                prev_row = False
                continue
            cells = cells_of(raw)
            if own_header is not None:
                yield Line(p, raw, cells, own_header, raw.strip() == context[0].strip(), dividers)
            elif not prev_row:
                header = cells
                yield Line(p, raw, cells, cells, is_header=True)
            else:
                yield Line(p, raw, cells, header)
            prev_row = True
        if p.kind != "table_row" and own_header is None:
            prev_row = False


def _wrapped_lines(text: str) -> list[str]:
    """The paragraph's lines, a sentence a PDF wrapped over lines kept whole ("... in November 2019, it was" /
    "rated 'Good' with a score of 21/36."): a line that starts in lower case goes on the line before it, unless
    that one ended a sentence. Joined with the newline, so each is still a verbatim slice of the paragraph."""
    out: list[str] = []
    for raw in text.split("\n"):
        if (
            out
            and raw.lstrip()[:1].islower()
            and "\t" not in raw
            and "\t" not in out[-1]
            and not out[-1].rstrip().endswith((".", ":", ";", "!", "?"))
        ):
            out[-1] += "\n" + raw
        else:
            out.append(raw)
    return out


_PARAGRAPH_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|\(?[a-z]\)|\(\d{1,2}\))\s*$")


def _numbered_prose(line: str) -> bool:
    """ "2.1<TAB>HMIP made five recommendations ...": a numbered paragraph laid out with a tab (as Word papers
    and PDF extracts do), read as prose, not as a two-column table row."""
    cells = line.split("\t")
    if len(cells) != 2 or not _PARAGRAPH_NUMBER.match(cells[0]):
        return False
    words = len(cells[1].split())
    return words >= 8 or (words >= 3 and cells[1].rstrip().endswith((".", ":", ";")))  # "HMIP made four recommendations:"


def sentences(text: str) -> Iterator[str]:
    """Sentences of one line, verbatim, without a leading bullet (split after . ! ? ; before a capital)."""
    for part in re.split(r"(?<=[.!?;])\s+(?=[A-Z'\"‘“(\d])", text):
        part = re.sub(r"^\s*[-•–*▪]\s+", "", part).strip()
        if part:
            yield part


def clean_cells(cells: Sequence[str]) -> list[str]:
    """Cells without icon junk or HTML tags; empty cells dropped."""
    out = []
    for c in cells:
        c = JUNK.sub(" ", c).strip()
        if re.search(r"[A-Za-z0-9]", c):
            out.append(c)
    return out


def display(text: str) -> str:
    """Display text of a cell or item: no HTML tags, icon junk, footnote marks or runs of spaces."""
    return SUPERSCRIPTS.sub("", re.sub(r"\s+", " ", JUNK.sub(" ", text))).strip()


def number(text: str) -> int:
    """ "5" or "five" -> 5."""
    return int(text) if text.isdigit() else NUM_WORDS[text.lower()]
