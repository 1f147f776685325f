"""HTML reader (.html, .htm; BeautifulSoup + lxml): visible text only, blocks separated, tables as tab rows.

The tree is walked with an explicit stack, never recursively: deeply nested pages cannot raise RecursionError.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.types import Page, SourceText
from ingest.readers._text import fail, source_text
from ingest.readers.text import decode

# Content that is never visible text (nav is menus and breadcrumbs: boilerplate that would pollute retrieval).
_DROP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "head", "svg", "math", "canvas", "object", "embed",
     "nav", "select", "button", "input", "textarea"}
)  # fmt: skip
_BLOCK = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "figure",
     "figcaption", "address", "dl", "dt", "dd", "ul", "ol", "table", "caption", "form", "fieldset",
     "hr", "details", "summary", "center", "body", "html"}
)  # fmt: skip
_LATIN1_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MARKER = "- "  # what a list item starts with
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; a no-break space is content and stays


class _Break:
    """A line break in the output: ``hard`` separates blocks with a blank line, a soft one ends a line."""

    def __init__(self, hard: bool) -> None:
        self.hard = hard


_HARD, _SOFT = _Break(True), _Break(False)
_ITEM_END = _Break(False)  # the end of a list item: an item that is still only its marker is dropped


class _Verbatim(str):
    """Text from <pre>, kept with its own spacing and line breaks."""


def read(path: Path) -> SourceText:
    """Read the visible text of an HTML page as one unnumbered page."""
    from bs4 import BeautifulSoup

    markup = _decode(path, path.read_bytes())
    try:
        soup = BeautifulSoup(markup, "lxml")
        text = _assemble(_walk(soup))
    except RecursionError:
        raise fail(path, "HTML is nested too deeply to parse: save the page as PDF and ingest that") from None
    return source_text(path, [Page(number=None, text=text)], "page has no visible text")


def _decode(path: Path, data: bytes) -> str:
    """The page as text: UTF-8, else the page's declared charset, else the plain-text reader's detection."""
    from bs4.dammit import EncodingDetector

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        declared = EncodingDetector.find_declared_encoding(data, is_html=True)
        if declared:
            # Browsers read pages labelled Latin-1 or ASCII as Windows-1252; so do we.
            codec = "cp1252" if declared.lower() in _LATIN1_LABELS else declared
            try:
                return data.decode(codec)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown label: detect instead
    return decode(path, data)


def _walk(root: Any) -> list[object]:
    """Turn the tree into a flat list of text pieces and breaks, in document order."""
    from bs4 import Tag

    out: list[object] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _Break):
            out.append(node)  # the end of a block pushed when it was opened
        elif not isinstance(node, Tag):
            if _is_text(node):
                out.append(_SPACES.sub(" ", str(node)))
        elif node.name in _DROP:
            continue
        elif node.name == "br":
            out.append("\n")
        elif node.name in _HEADINGS:
            heading = _flat(node)
            if heading:
                out += [_HARD, "#" * _HEADINGS[node.name] + " " + heading, _HARD]
        elif node.name == "tr":
            cells = [_flat(cell) for cell in node.find_all(["td", "th"], recursive=False)]
            if any(cells):
                out += [_SOFT, "\t".join(cells), _SOFT]
        elif node.name == "pre":
            out += [_HARD, _Verbatim("".join(_strings(node))), _HARD]
        else:
            if node.name == "li":
                out += [_SOFT, _MARKER]
                stack.append(_ITEM_END)
            elif node.name in _BLOCK and not _nested_list(node):
                out.append(_HARD)
                stack.append(_HARD)
            stack.extend(reversed(node.contents))
    return out


def _nested_list(node: Any) -> bool:
    """True for a list inside a list item: it continues the outer list, without a blank line."""
    return node.name in ("ul", "ol") and node.find_parent("li") is not None


def _assemble(pieces: list[object]) -> str:
    """Join pieces into lines: a run of breaks is a blank line if any of it is hard, else one newline."""
    lines: list[str] = []
    current: list[str] = []
    pending: _Break | None = None

    def flush() -> None:
        line = "".join(current)
        current.clear()
        if line.strip() in ("", _MARKER.strip()):
            return  # whitespace between tags, or an empty list item
        lines.extend(_tidy(part) for part in line.split("\n"))

    for piece in pieces:
        if isinstance(piece, _Break):
            if piece is _ITEM_END and "".join(current).strip() in ("", _MARKER.strip()):
                current.clear()
            if pending is None or piece.hard:
                pending = piece
            continue
        text = str(piece)
        here = "".join(current)
        if here.strip() in ("", _MARKER.strip()) and not text.strip() and "\n" not in text:
            continue  # whitespace at the start of a line is not content in HTML
        if pending is not None and here != _MARKER:  # a block inside a list item stays on the item's line
            flush()
            if pending.hard and lines and lines[-1] != "":
                lines.append("")
        pending = None
        if isinstance(piece, _Verbatim):
            lines.extend(piece.strip("\n").split("\n"))
            pending = _HARD
        else:
            current.append(text)
    flush()
    return "\n".join(lines)


def _tidy(line: str) -> str:
    """Collapse the spaces adjacent inline elements leave behind, keep tabs between table cells."""
    return "\t".join(re.sub(" {2,}", " ", cell).strip(" ") for cell in line.split("\t"))


def _flat(node: Any) -> str:
    """All visible text under ``node`` on one line (for headings and table cells)."""
    return " ".join(_SPACES.sub(" ", "".join(_strings(node))).split())


def _strings(node: Any) -> list[str]:
    """Visible strings under ``node`` in order, skipping dropped elements; <br> as a newline."""
    from bs4 import Tag

    out: list[str] = []
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Tag):
            if item.name in _DROP:
                continue
            if item.name == "br":
                out.append("\n")
                continue
            if item is not node and item.name in ("td", "th"):
                out.append(" ")  # cells of a nested table stay apart
            stack.extend(reversed(item.contents))
        elif _is_text(item):
            out.append(str(item))
    return out


def _is_text(node: Any) -> bool:
    """True for ordinary text nodes (not comments, doctypes, CDATA or processing instructions)."""
    from bs4.element import NavigableString, PreformattedString

    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)
