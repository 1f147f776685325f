"""Line-level rules for paragraph splitting: labels, list markers, headings, junk, table cells.

These encode how inspectorates and committees lay out documents (numbered paragraphs "6.1", "1.0 Purpose",
"Recommendation 3", bullets, ratings and action-plan tables), never one document's wording. Each function
looks at one line or cell; :mod:`ingest.paragraphs` decides how lines group into paragraphs and sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bullet glyphs readers leave at the start of list items ("-", "•", ...); an en dash is not one ("– ENDS –").
BULLET = r"[-•*▪●◦‣○■➢·]"
_NAMED = r"(?:Recommendation|Action|Priority)\s+\d{1,3}[a-z]?"
_LABEL = re.compile(
    r"^(?P<bullet>" + BULLET + r"\s+)?(?:"
    r"(?P<dec>\d{1,3}(?:\.\d{1,3})+)(?P<decdot>\.)?(?=\s|$)"  # 6.1, 1.0, 1.1.
    r"|(?P<num>\d{1,3})(?P<numclose>[.)])(?=\s|$)"  # 5.  1)
    r"|\((?P<par>\d{1,3}|[a-z]|[ivxlc]{1,6})\)(?=\s|$)"  # (a) (ii) (3)
    r"|(?P<rom>[ivxlc]{1,6}|[a-z])\)(?=\s|$)"  # ii)  a)
    r"|(?P<named>" + _NAMED + r")(?=\s*(?:$|[:.\-–—)]))"  # Recommendation 3
    r")"
)
_BULLET_ONLY = re.compile(r"^" + BULLET + r"\s+\S")
_NUMBER_CELL = re.compile(r"^(?P<n>\d{1,3}(?:\.\d{1,3})*[a-z]?)\.?$")  # 6, 2.1, 1a (an action's reference)
_NUMBER_TITLE_CELL = re.compile(r"^(?P<n>\d{1,3}(?:\.\d{1,3})*)\.?\s+(?P<title>\S.*)$")
_NAMED_CELL = re.compile(r"^(?P<n>" + _NAMED + r")[:.]?$")
_LATEX = re.compile(r"\$[^$\n]*\$")
_MARKUP = re.compile(r"\*\*|__|</?u>|</?b>|</?i>|</?p>")
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>\S.*)$")
# Headings that open a top-level division ("Domain two: Court disposals", "Appendix B").
_STRUCTURAL = re.compile(
    r"^(?:Domain|Part|Section|Chapter|Appendix|Annex|Annexe|Schedule)\s+"
    r"(?:[A-Z0-9]{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
# A rating standing alone on a line is a finding (a fact to keep), not a heading.
_RATINGS = {
    "outstanding", "good", "requires improvement", "inadequate", "satisfactory", "unsatisfactory", "poor",
    "requires improvement to be good", "not rated", "insufficient", "sufficient", "excellent",
}  # fmt: skip
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE_LINE = re.compile(r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+)?" + _MONTHS + r",?\s+\d{4}$", re.IGNORECASE)
# Words that make a colon-terminated line a lead-in sentence ("The board should:") rather than a heading.
_LEAD_IN_WORDS = {
    "the", "a", "an", "should", "must", "will", "that", "said", "says", "was", "were", "is", "are", "be",
    "by", "include", "includes", "included", "following", "follows", "below", "we", "our", "this", "these",
    "to",
}  # fmt: skip
_SENTENCE_END = (".", ";", ",", "!")
_CLOSERS = "*_'\"’”)]> \t"


@dataclass(frozen=True)
class Label:
    """A paragraph number at the start of a line: its value, how it was written, where the text starts."""

    value: str
    style: str  # "dec" (6.1), "num" (5.), "list" (1)), "letter" ((a), ii)), "named" (Recommendation 3)
    bulleted: bool
    end: int  # offset just after the label (and its bullet) in the line


def clean(text: str) -> str:
    """Heading text without Markdown/HTML markers, collapsed whitespace and a trailing colon."""
    text = _MD_HEADING.sub(r"\g<title>", text.strip())
    text = _MARKUP.sub("", text)
    text = re.sub(r"\s+", " ", text).strip().strip("*_").strip()
    return text.rstrip(":").rstrip()


def leading_label(line: str) -> Label | None:
    """The document's own number at the start of ``line`` ("- 6.1 The ..." -> 6.1), else None."""
    m = _LABEL.match(line)
    if not m:
        return None
    rest = line[m.end() :].lstrip()
    if m.group("dec"):
        # "1.5 million ..." is a quantity; numbered paragraphs go on with a capital, a quote or markup.
        if not m.group("decdot") and rest[:1].islower():
            return None
        value, style = m.group("dec"), "dec"
    elif m.group("num"):
        # "5." numbers a paragraph or heading; "5)" only ever numbers a list item.
        value, style = m.group("num"), "num" if m.group("numclose") == "." else "list"
    elif m.group("par") or m.group("rom"):
        value, style = m.group("par") or m.group("rom"), "letter"
    else:
        value, style = m.group("named"), "named"
        value = re.sub(r"\s+", " ", value)
    return Label(value, style, bool(m.group("bullet")), m.end())


def bullet_marker(line: str) -> bool:
    """Whether ``line`` starts a bulleted item ("- ", "• ")."""
    return bool(_BULLET_ONLY.match(line))


def starts_item(line: str) -> bool:
    """Whether ``line`` starts a list item or numbered paragraph rather than continuing the one above."""
    return bullet_marker(line) or leading_label(line) is not None


def number_depth(value: str) -> int:
    """Nesting depth of a paragraph number: "6" and "6.0" -> 1, "6.1" -> 2, "6.1.2" -> 3."""
    parts = value.split(".")
    while len(parts) > 1 and parts[-1].strip("0") == "":
        parts.pop()
    return len(parts)


def is_junk(line: str) -> bool:
    """A line that is only icon/LaTeX debris or rules ("${}$", "--\\t----"): nothing to read or cite."""
    return not re.search(r"\w", _LATEX.sub("", line))


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def markdown_heading(line: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown ``#`` heading line."""
    m = _MD_HEADING.match(line.strip())
    return (len(m.group("hashes")), clean(m.group("title"))) if m else None


def caps_heading(line: str) -> bool:
    """An all-capitals short line ("NOTES TO EDITORS", "APPENDIX B"): a heading even inside a block."""
    text = clean(line)
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 4
        and len(letters) * 2 >= len(text.replace(" ", ""))  # words, not codes ("ISBN: 978-1-...")
        and not re.search(r":\s*\S", text)
        and text[:1].isalpha()
        and all(c.isupper() for c in letters)
        and len(text.split()) <= 8
        and not _ends_sentence(text)
    )


def bold_heading(line: str) -> bool:
    """A short line set entirely in bold ("**Purpose of the Report**")."""
    s = line.strip()
    return s.startswith("**") and s.endswith("**") and s.count("**") == 2 and 0 < len(clean(s).split()) <= 12


def structural_heading(line: str) -> bool:
    """A top-level division heading ("Domain two: Court disposals", "Appendix A – dashboard")."""
    text = clean(line)
    return bool(_STRUCTURAL.match(text)) and _plain_title(text, max_words=14, allow_mid_colon=True)


def _plain_title(text: str, max_words: int, allow_mid_colon: bool) -> bool:
    """Short, no closing full stop, starts with a capital/digit, no links or addresses."""
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "'\"‘“"):
        return False
    if len(text.split()) > max_words or len(text) > 120 or _ends_sentence(text):
        return False
    if any(s in text for s in ("](", "http", "www.", "@", "\t")):
        return False
    if not allow_mid_colon and re.search(r":\s*\S", text):
        return False  # "Date: 06 November 2024" is a field, not a heading
    return not _DATE_LINE.match(text) and text.lower().rstrip(".") not in _RATINGS


def numbered_heading(line: str, label: Label) -> bool:
    """A number and a short title: "2.2. Planning", "1.0 **Purpose of the Report**", "12. Background"."""
    if label.bulleted or label.style not in ("dec", "num"):
        return False
    rest = clean(line[label.end :])
    if line.rstrip("*_ ").endswith(":") and _LEAD_IN_WORDS.intersection(rest.lower().split()):
        return False  # "2.2 The Youth Justice Service should:" introduces a list; it does not head a section
    return _plain_title(rest, max_words=15, allow_mid_colon=True) and not rest[:1].isdigit()


def title_candidate(line: str) -> bool:
    """An unnumbered title-like line ("Foreword", "Strengths:", "Areas for improvement:")."""
    raw = line.strip()
    text = clean(raw)
    if not _plain_title(text, max_words=12, allow_mid_colon=False):
        return False
    if raw.rstrip("*_ ").endswith(":"):
        words = text.lower().split()
        return len(words) <= 4 and not _LEAD_IN_WORDS.intersection(words)
    return True


def is_body(text: str) -> bool:
    """Whether a block reads as running text (long, or a sentence) rather than another short line."""
    words = len(text.split())
    return (
        "\n" in text.strip()
        or words >= 15
        or (words >= 5 and text.rstrip(_CLOSERS).endswith((".", "!", "?", ":")))
    )


def cells(row: str) -> list[str]:
    """The tab-separated cells of a table row, stripped (trailing empty cells kept)."""
    return [c.strip() for c in row.split("\t")]


def row_label(row: str) -> str | None:
    """A row's number from its first cell: "2.2\\tPlanning" -> 2.2, "1. Organisational delivery\\t" -> 1."""
    first = cells(row)[0]
    for pattern in (_NUMBER_CELL, _NAMED_CELL):
        m = pattern.match(first)
        if m:
            return re.sub(r"\s+", " ", m.group("n"))
    m = _NUMBER_TITLE_CELL.match(first)
    if m and not m.group("title")[:1].islower():
        return m.group("n")
    return None


def named_label_cell(cell: str) -> str | None:
    """A header cell that is itself a label ("Recommendation 5"), for tables laid out one item per column."""
    m = _NAMED_CELL.match(cell.strip())
    return re.sub(r"\s+", " ", m.group("n")) if m else None


def numbered_title_pairs(row: str) -> list[tuple[str, str]]:
    """(number, title) a row names: "1.1\\tGovernance and leadership\\tGood", "2.2. Planning\\t16"."""
    parts = cells(row)
    first = parts[0]
    m = _NUMBER_CELL.match(first)
    if m and len(parts) > 1 and parts[1]:
        return [(m.group("n"), clean(parts[1]))]
    m = _NUMBER_TITLE_CELL.match(first)
    if m:
        return [(m.group("n"), clean(m.group("title")))]
    return []


def header_like(row: str) -> bool:
    """Whether a first row is a header ("No.\\tArea\\tLead") rather than data ("April 2024\\tDone.")."""
    parts = [c for c in cells(row) if c]
    if len(parts) < 2 or row_label(row) is not None:
        return False
    return not any(_ends_sentence(c) and len(c.split()) >= 2 for c in parts)
