"""Word reader (.docx, python-docx): body order kept, tables interleaved, headings as ``#`` lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.types import Page, SourceText
from ingest.readers._numbering import Numbering
from ingest.readers._text import source_text
from ingest.readers._zip import check_office_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Paragraph children whose runs are not current text: tracked deletions and moved-away text, properties.
_NOT_TEXT = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr"})
_HEADING = re.compile(r"heading ([1-6])$", re.IGNORECASE)
# A style is followed up its "based on" chain this far: custom heading styles are usually built on Heading N.
_MAX_STYLE_DEPTH = 5


def read(path: Path) -> SourceText:
    """Read the body of a Word document: paragraphs and tables in document order, as one unnumbered page."""
    check_office_zip(path, "docx", "word/document.xml")
    import docx

    document = docx.Document(str(path))
    numbering = Numbering(document)
    blocks: list[str] = []
    for element in _body_blocks(document.element.body):
        if element.tag == f"{_W}tbl":
            rows = [_row_text(tr, document, numbering) for tr in element.iterchildren(f"{_W}tr")]
            rows = [row for row in rows if row.strip()]
            if rows:
                blocks.append("\n".join(rows))
        else:
            text = _paragraph_text(element, document, numbering)
            if text.strip():
                blocks.append(text)
    return source_text(path, [Page(number=None, text="\n\n".join(blocks))], "document has no text")


def _body_blocks(body: Any) -> Iterator[Any]:
    """The body's w:p and w:tbl elements in order, looking inside content controls (w:sdt)."""
    stack = list(reversed(list(body.iterchildren())))
    while stack:
        element = stack.pop()
        if element.tag in (f"{_W}p", f"{_W}tbl"):
            yield element
        elif element.tag in (f"{_W}sdt", f"{_W}sdtContent"):
            stack.extend(reversed(list(element.iterchildren())))


def _paragraph_text(p: Any, document: Any, numbering: Numbering, headings: bool = True) -> str:
    """A paragraph's text with its list label ("1.2", "-"), as a ``#`` line when its style is a heading."""
    from docx.text.paragraph import Paragraph

    paragraph = Paragraph(p, document)
    label = numbering.label(paragraph)  # always called: an empty numbered paragraph still takes a number
    text = _inline_text(p)
    if not text.strip():
        return ""
    if label:
        text = f"{label} {text.lstrip()}"
    level = _heading_level(paragraph) if headings else None
    if level:
        # A heading is one line: Word's soft line breaks inside it are not structure.
        return "#" * level + " " + " ".join(text.split())
    return text


def _inline_text(p: Any) -> str:
    """The text of a paragraph's runs, including runs inside content controls, fields and tracked insertions.

    python-docx's ``Paragraph.text`` only sees direct runs and hyperlinks, which loses the text of content
    controls (common in council report templates) and of tracked insertions; tracked deletions are skipped.
    """
    from docx.oxml.text.run import CT_R

    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        element = stack.pop()
        if isinstance(element, CT_R):
            parts.append(element.text)
        elif isinstance(element.tag, str) and element.tag not in _NOT_TEXT:
            stack.extend(reversed(list(element)))
    return "".join(parts)


def _heading_level(paragraph: Any) -> int | None:
    """1-6 for Title / Heading N styles (or styles based on them), else None."""
    try:
        style = paragraph.style
    except (KeyError, ValueError, AttributeError):
        return None
    for _ in range(_MAX_STYLE_DEPTH):
        if style is None:
            return None
        name = style.name or ""
        if name.lower() == "title":
            return 1
        match = _HEADING.match(name)
        if match:
            return int(match.group(1))
        style = style.base_style
    return None


def _row_text(tr: Any, document: Any, numbering: Numbering) -> str:
    """One table row as tab-separated cells; a merged cell appears once, a cell's own lines joined by spaces.

    Reads the row's w:tc elements directly: a horizontally merged cell is one w:tc (so it is not repeated),
    and the continuation of a vertical merge is an empty w:tc (so text is never copied into other rows).
    """
    cells = []
    for tc in tr.iter(f"{_W}tc"):
        if tc.getparent() is not tr and tc.getparent().tag != f"{_W}sdtContent":
            continue  # a cell of a table nested in this row's cells: its text is in that cell already
        texts = (_paragraph_text(p, document, numbering, headings=False) for p in tc.iter(f"{_W}p"))
        cells.append(" ".join(" ".join(t.split()) for t in texts if t.strip()))
    return "\t".join(cells)
