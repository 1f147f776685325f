"""A conversation's answers -> a committee briefing note (Markdown and DOCX) with quoted notes and a sources annex.

Layout of both formats::

    Title / "As at <date>"
    1. <question>            one numbered paragraph per answered question
       <answer text, each [n] marker replaced by a note reference>
    Notes                    one numbered note per citation: the verbatim quote and where it comes from
    Annex: sources           each cited document once: title (date) and file

python-docx has no footnote API, so the DOCX uses endnote-style notes: superscript reference numbers in the
text and a numbered "Notes" section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.numbers import MONTHS, date_text
from assistant.types import Answer, Citation, Turn

TITLE = "Committee briefing note"
_MARKER = re.compile(r"\[(\d+)\]")
@dataclass(frozen=True)
class Note:
    """One numbered note of the briefing: a citation renumbered across the whole briefing."""

    number: int
    citation: Citation


@dataclass(frozen=True)
class BriefingItem:
    """One numbered paragraph: the question, the answer text split into (text, note number | None) runs."""

    number: int
    question: str
    runs: tuple[tuple[str, int | None], ...]
    refused: bool


PART2_MARKING = "PART 2 - NOT FOR PUBLICATION: contains exempt information (Local Government Act 1972, Schedule 12A)"


@dataclass(frozen=True)
class Briefing:
    """Everything both renderers need, computed once."""

    title: str
    as_at: date
    items: tuple[BriefingItem, ...]
    notes: tuple[Note, ...]
    sources: tuple[Citation, ...]  # the first citation of each document cited, in order of first citation
    exempt: bool = False  # some answer quotes a Part 2 (exempt) paper: the note is marked not for publication


def long_date(day: date) -> str:
    """'6 November 2024'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def where(c: Citation) -> str:
    """Where a citation points, from what is known only: section, paragraph label, page."""
    bits = [
        c.section,
        f"paragraph {c.label}" if c.label else None,
        f"page {c.page}" if c.page is not None else None,
    ]
    return ", ".join(b for b in bits if b)


def source_line(c: Citation) -> str:
    """A document's reference for notes and the annex: title (date), file."""
    title = c.title or c.document
    when = date_text(c.date)
    return f"{title} ({when})" if when else title


def build_briefing(turns: Sequence[Turn], as_at: date, title: str = TITLE) -> Briefing:
    """Number the answered turns, renumber their citations into one sequence of notes, collect the sources."""
    items: list[BriefingItem] = []
    notes: list[Note] = []
    sources: dict[str, Citation] = {}
    for turn in turns:
        answer: Answer | None = turn.answer
        if answer is None:
            continue
        by_marker = {c.marker: c for c in answer.citations}
        local: dict[int, int] = {}
        runs: list[tuple[str, int | None]] = []
        at = 0
        for m in _MARKER.finditer(answer.text):
            citation = by_marker.get(int(m.group(1)))
            if citation is None:  # not a marker of ours (e.g. "[2019]" in quoted text): keep it as text
                continue
            # "rated Good [1]." becomes "rated Good¹.": the reference hugs the word it supports.
            runs.append((answer.text[at : m.start()].rstrip(), None))
            if citation.marker not in local:
                local[citation.marker] = len(notes) + 1
                notes.append(Note(len(notes) + 1, citation))
                sources.setdefault(citation.document, citation)
            runs.append(("", local[citation.marker]))
            at = m.end()
        runs.append((answer.text[at:], None))
        # Citations the text never marks still support the answer: note them at the end rather than drop them.
        for c in answer.citations:
            if c.marker not in local:
                local[c.marker] = len(notes) + 1
                notes.append(Note(len(notes) + 1, c))
                sources.setdefault(c.document, c)
                runs.append(("", local[c.marker]))
        merged = tuple((text, n) for text, n in runs if text or n is not None)
        items.append(BriefingItem(len(items) + 1, answer.question or turn.question, merged, answer.refused))
    exempt = any(t.answer is not None and t.answer.classification == "part2" for t in turns)
    return Briefing(title, as_at, tuple(items), tuple(notes), tuple(sources.values()), exempt)


def _md_escape(text: str) -> str:
    """Document text as literal Markdown: no emphasis, links or HTML from the source."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]#|~$])", r"\\\1", text)


def briefing_markdown(turns: Sequence[Turn], as_at: date, title: str = TITLE) -> str:
    """The briefing note as Markdown: numbered paragraphs, ``[^n]`` footnotes with quotes, a sources annex.

    Args:
        turns: the conversation (or the selected turns); turns without an answer are skipped.
        as_at: the date the briefing is correct at.
        title: the note's title.

    Returns:
        Markdown text.
    """
    b = build_briefing(turns, as_at, title)
    out = [f"**{PART2_MARKING}**", ""] if b.exempt else []
    out += [f"# {_md_escape(b.title)}", "", f"*As at {long_date(b.as_at)}*", ""]
    if not b.items:
        out += ["No answered questions to report.", ""]
    for item in b.items:
        out.append(f"## {item.number}. {_md_escape(item.question)}")
        out.append("")
        text = "".join(_md_escape(t) if n is None else f"[^{n}]" for t, n in item.runs).strip()
        out.append(f"{item.number}.1 {text}" if not item.refused else f"{item.number}.1 *{text}*")
        out.append("")
    if b.notes:
        out += ["## Notes", ""]
        for note in b.notes:
            c = note.citation
            place = where(c)
            ref = _md_escape(source_line(c)) + (f", {_md_escape(place)}" if place else "")
            out.append(f"[^{note.number}]: \u201c{_md_escape(c.quote)}\u201d \u2014 {ref}.")
        out.append("")
    if b.sources:
        out += ["## Annex: sources", ""]
        for i, c in enumerate(b.sources, 1):
            out.append(f"{i}. {_md_escape(source_line(c))} \u2014 {_md_escape(c.source)}")
        out.append("")
    return "\n".join(out)


def briefing_docx(turns: Sequence[Turn], as_at: date, path: str | Path, title: str = TITLE) -> Path:
    """Write the briefing note as a Word document and return its path.

    Args:
        turns: the conversation (or the selected turns); turns without an answer are skipped.
        as_at: the date the briefing is correct at.
        path: where to write the ``.docx`` (parent folders are created).
        title: the note's title.

    Returns:
        The written path.
    """
    from docx import Document as WordDocument  # python-docx is only needed when exporting

    b = build_briefing(turns, as_at, title)
    doc = WordDocument()
    if b.exempt:
        doc.add_paragraph().add_run(PART2_MARKING).bold = True
    doc.add_heading(b.title, level=0)
    doc.add_paragraph().add_run(f"As at {long_date(b.as_at)}").italic = True
    if not b.items:
        doc.add_paragraph("No answered questions to report.")
    for item in b.items:
        doc.add_heading(f"{item.number}. {item.question}", level=2)
        para = doc.add_paragraph(f"{item.number}.1 ")
        for text, number in item.runs:
            if number is None:
                para.add_run(text).italic = item.refused
            else:
                para.add_run(str(number)).font.superscript = True
    if b.notes:
        doc.add_heading("Notes", level=1)
        for note in b.notes:
            c = note.citation
            para = doc.add_paragraph()
            para.add_run(str(note.number)).font.superscript = True
            para.add_run(f" \u201c{c.quote}\u201d \u2014 {source_line(c)}")
            place = where(c)
            if place:
                para.add_run(f", {place}")
            para.add_run(".")
    if b.sources:
        doc.add_heading("Annex: sources", level=1)
        for i, c in enumerate(b.sources, 1):
            doc.add_paragraph(f"{i}. {source_line(c)} \u2014 {c.source}")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
