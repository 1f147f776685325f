"""Candidate answers: verbatim sentences and table rows of the retrieved paragraphs, and the rule-based answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer import render_row
from assistant.frameworks import grade_at_end
from assistant.retrieve import RankedPassage
from assistant.types import Answer, Passage

# A sentence ends at . ! ? (before a capital, digit or bullet), at a blank line, or before a bullet line.
_BREAK = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[\"'‘“(]?[A-Z0-9£◼•▪])|\n\s*\n|\n(?=\s*[◼•▪\uf0b7\-–*]\s)")
_SHORT_LINE = 60  # characters: a line this short is a cover or table line, not wrapped prose


@dataclass(frozen=True)
class Candidate:
    """One possible answer with where it comes from; ``quote`` is verbatim in the paragraph."""

    kind: str  # sentence | row | lines | list | rules
    doc_id: str
    quote: str
    statement: str
    passage: Passage | None = None
    retrieval: RankedPassage | None = None
    answer: Answer | None = None  # the rule-based answer, for kind "rules"
    # A list's items, each (statement, passage, verbatim quote): cited one by one.
    parts: tuple[tuple[str, Passage, str], ...] = ()


# A list item starts a line with a bullet: the usual glyphs, or a symbol font's private-use glyph in PDFs.
_BULLET = re.compile(r"^[ \t]*(?:[◼■•▪●◦\-–*]|[\uf000-\uf0ff])[ \t]+", re.M)
_MAX_ITEMS = 20


def bullet_items(text: str) -> list[str]:
    """The verbatim items of a bulleted paragraph, each from its bullet to the next (empty when none)."""
    starts = [m.start() for m in _BULLET.finditer(text)]
    items = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        # An item ends at a sentence ending a line before a capitalised line (a heading the PDF ran on after it).
        stop = re.search(r"[.!?]\n(?=\s*[A-Z])", text[start:end])
        if stop:
            end = start + stop.start() + 1
        item = text[start:end].strip()
        if len(item) > 3:
            items.append(item)
    return items


def from_list(
    ranked: RankedPassage, paragraphs: Sequence[Passage], position: int, furniture: Callable[[str], bool]
) -> Candidate | None:
    """The whole bulleted list a retrieved paragraph belongs to (a PDF may put each item in its own paragraph
    and a running header between them), with the line that introduces it ("What needs to improve?")."""
    if not bullet_items(paragraphs[position].paragraph.text):
        return None
    first = position
    while first > 0 and (bullet_items(paragraphs[first - 1].paragraph.text) or furniture(paragraphs[first - 1].paragraph.text)):
        first -= 1
    last = position
    while last + 1 < len(paragraphs) and (
        bullet_items(paragraphs[last + 1].paragraph.text) or furniture(paragraphs[last + 1].paragraph.text)
    ):
        last += 1
    parts: list[tuple[str, Passage, str]] = []
    for p in paragraphs[first : last + 1]:
        for item in bullet_items(p.paragraph.text):
            said = _BULLET.sub("", item, count=1)
            parts.append((re.sub(r"\s+", " ", said).strip(), p, item))
    if len(parts) < 2 or len(parts) > _MAX_ITEMS:
        return None
    lead = ""
    own = paragraphs[first].paragraph.text
    opening = own[: _BULLET.search(own).start()].strip() if _BULLET.search(own) else ""
    for before in (opening, paragraphs[first - 1].paragraph.text.strip() if first > 0 else ""):
        line = before.split("\n")[-1].strip() if before else ""
        if line.endswith(("?", ":")):
            lead = line
            break
    lead = lead or (paragraphs[first].paragraph.section or "")
    statement = f"{lead} ({len(parts)} points listed): " + "; ".join(s for s, _, _ in parts)
    head = paragraphs[position]
    return Candidate("list", head.paragraph.doc_id, parts[0][2], statement.strip(), head, ranked, parts=tuple(parts))


def table_rows(block: str) -> list[tuple[str, str]]:
    """Rows of a judgement table a PDF printed as short lines: the lines since the last grade, up to a line
    that ends in a grade ("The experiences and progress of care\nleavers\nOutstanding"). (quote, "label: grade")."""
    lines = [ln for ln in block.split("\n")]
    out: list[tuple[str, str]] = []
    start = 0
    for i, line in enumerate(lines):
        found = grade_at_end(line) if len(line.strip()) <= 90 else None
        if found and i > 0 and found[0].lower() == "to be" and lines[i - 1].strip().lower().endswith("requires improvement"):
            # "Requires improvement\nto be good": one grade a PDF wrapped over two lines, not "good".
            label_lines = [ln.strip() for ln in lines[max(start, i - 4) : i - 1] if ln.strip()]
            head = lines[i - 1].strip()[: -len("requires improvement")].strip()
            label = " ".join([*label_lines, head]).strip()
            quote = _verbatim(block, [ln.strip() for ln in lines[max(start, i - 4) : i + 1] if ln.strip()])
            if label and quote:
                out.append((quote, f"{label}: Requires improvement to be good"))
            start = i + 1
            continue
        if i + 1 < len(lines) and lines[i + 1].strip().lower() == "to be good" and line.strip().lower().endswith(
            "requires improvement"
        ):
            continue  # the grade goes on on the next line
        if found is None:
            if len(line.strip()) > 90:
                start = i + 1  # prose: no row runs across it
            continue
        first = max(start, i - 3)
        label_lines = [ln.strip() for ln in lines[first:i] if ln.strip()]
        label = " ".join([*label_lines, found[0]]).strip()
        if label and len(label.split()) <= 25:
            quote = _verbatim(block, [ln.strip() for ln in lines[first : i + 1] if ln.strip()])
            if quote:
                out.append((quote, f"{label}: {found[1]}"))
        start = i + 1
    return out


def spans(text: str) -> list[str]:
    """Verbatim sentence spans of a paragraph; a block of short lines also yields windows of 1-3 lines."""
    if "\t" in text:
        return [text.strip()]
    out: list[str] = []
    start = 0
    for m in _BREAK.finditer(text):
        out.append(text[start : m.start()])
        start = m.end()
    out.append(text[start:])
    result = [s.strip() for s in out if len(s.strip()) > 2]
    extra: list[str] = []
    for span in result:
        lines = [ln.strip() for ln in span.split("\n") if ln.strip()]
        if len(lines) < 2:
            continue
        # Runs of short lines (a cover, a judgement table) are read one to three lines at a time; a prose line a
        # PDF wrapped is never cut out of its sentence.
        runs: list[list[str]] = [[]]
        for line in lines:
            if len(line) <= _SHORT_LINE:
                runs[-1].append(line)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            for size in (1, 2, 3):
                for i in range(len(run) - size + 1):
                    piece = _verbatim(span, run[i : i + size])
                    if piece and piece not in result and piece not in extra:
                        extra.append(piece)
    return result + extra


def _verbatim(span: str, lines: list[str]) -> str | None:
    """The verbatim text of consecutive ``lines`` inside ``span``."""
    first = span.find(lines[0])
    if first < 0:
        return None
    last = span.find(lines[-1], first)
    if last < 0:
        return None
    return span[first : last + len(lines[-1])]


def statement_of(passage: Passage, quote: str) -> str:
    """How a quote reads in the answer: a table row with its header's labels, else its words."""
    if "\t" in quote:
        return render_row(quote, passage.paragraph.context)
    return re.sub(r"\s+", " ", quote).strip(" -•*◼▪\uf0b7")


def from_passages(ranked: Sequence[RankedPassage]) -> list[Candidate]:
    """Every sentence, row and (in blocks of short lines) line window of the retrieved paragraphs."""
    out: list[Candidate] = []
    for r in ranked:
        p = r.passage
        rows = table_rows(p.paragraph.text) if "\t" not in p.paragraph.text else []
        for quote, said in rows:
            out.append(Candidate("row", p.paragraph.doc_id, quote, said, p, r))
        for quote in spans(p.paragraph.text):
            kind = "row" if "\t" in quote else ("lines" if "\n" in quote and not quote.endswith(".") else "sentence")
            out.append(Candidate(kind, p.paragraph.doc_id, quote, statement_of(p, quote), p, r))
    return out


def from_rules(answer: Answer) -> Candidate | None:
    """The rule-based answer (facts or the extractive composer) as one candidate, when it answered."""
    if answer.refused or not answer.citations:
        return None
    return Candidate("rules", answer.citations[0].document, answer.text, answer.text, answer=answer)
