"""PowerPoint reader (.pptx, python-pptx): one page per slide, numbered from 1; title as a ``#`` line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.types import Page, SourceText
from ingest.readers._text import source_text
from ingest.readers._zip import check_office_zip


def read(path: Path) -> SourceText:
    """Read each slide's title, text frames and tables, in the slide's shape order."""
    check_office_zip(path, "pptx", "ppt/presentation.xml")
    from pptx import Presentation

    presentation = Presentation(str(path))
    pages = [Page(number=n, text=_slide_text(slide)) for n, slide in enumerate(presentation.slides, start=1)]
    return source_text(
        path, pages, "presentation has no text (slides are pictures?): export it to PDF and run OCR"
    )


def _slide_text(slide: Any) -> str:
    """The slide's blocks joined by blank lines: the title first, then every other shape."""
    blocks: list[str] = []
    title = slide.shapes.title
    title_id = None
    if title is not None and title.has_text_frame:
        title_id = title.shape_id
        text = " ".join(_line(p.text) for p in title.text_frame.paragraphs if p.text.strip())
        if text.strip():
            blocks.append("# " + " ".join(text.split()))
    for shape in _shapes(slide.shapes):
        if shape.shape_id == title_id:
            continue
        if getattr(shape, "has_table", False):
            rows = ["\t".join(_cells(row)) for row in shape.table.rows]
            blocks.append("\n".join(row for row in rows if row.strip()))
        elif getattr(shape, "has_text_frame", False):
            blocks.append("\n".join(_line(p.text) for p in shape.text_frame.paragraphs if p.text.strip()))
    return "\n\n".join(block for block in blocks if block.strip())


def _shapes(shapes: Any) -> Iterator[Any]:
    """Every shape in document order, descending into group shapes (without recursion)."""
    from pptx.shapes.group import GroupShape

    stack = list(reversed(list(shapes)))
    while stack:
        shape = stack.pop()
        if isinstance(shape, GroupShape):
            stack.extend(reversed(list(shape.shapes)))
        else:
            yield shape


def _cells(row: Any) -> list[str]:
    """A table row's cells: a horizontally merged cell once, a vertically merged continuation empty."""
    cells = []
    for cell in row.cells:
        tc = cell._tc
        if tc.hMerge:
            continue
        cells.append("" if tc.vMerge else " ".join(cell.text.split()))
    return cells


def _line(text: str) -> str:
    """A paragraph's text; PowerPoint's soft line breaks (vertical tab) become newlines."""
    return text.replace("\x0b", "\n").replace("\v", "\n")
