"""Markdown reader (.md): text as-is, except pipe tables become tab rows and setext headings ``#`` lines."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.types import Page, SourceText
from ingest.readers._text import source_text
from ingest.readers.text import decode

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def read(path: Path) -> SourceText:
    """Read a Markdown file into one page without a page number."""
    text = decode(path, path.read_bytes())
    return source_text(path, [Page(number=None, text=convert(text))], "file is empty (only whitespace)")


def convert(text: str) -> str:
    """Rewrite pipe tables as tab-separated rows and setext headings as ``#`` lines; leave the rest alone."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        i += 1
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
        elif in_fence:
            out.append(line)
        elif "|" in line and "|" in nxt and _TABLE_RULE.match(nxt):
            # Header row, then the |---| rule (dropped), then every following line that has a pipe.
            out.append(_row(line))
            i += 1
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                out.append(_row(lines[i]))
                i += 1
        elif _is_setext_heading(line, nxt):
            out.append(("# " if nxt.strip()[0] == "=" else "## ") + line.strip())
            i += 1
        else:
            out.append(line)
    return "\n".join(out)


def _is_setext_heading(line: str, nxt: str) -> bool:
    """True when ``line`` is a paragraph line underlined with === or --- (a Markdown setext heading)."""
    if not line.strip() or line.startswith(("    ", "\t")) or not _SETEXT.match(nxt):
        return False
    # A list item, quote or heading followed by --- is not a setext heading.
    return not re.match(r"\s{0,3}([-*+>#]|\d+[.)])(\s|$)", line)


def _row(line: str) -> str:
    """One pipe-table line as tab-separated cells (outer pipes dropped, escaped pipes kept as text)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return "\t".join(cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(body))
