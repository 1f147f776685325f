"""Text normalisation shared by every reader: line endings, trailing spaces, runs of blank lines.

Everything else is kept verbatim, because downstream citations quote the text exactly.
"""

from __future__ import annotations

import re

from assistant.errors import UnreadableFile
from assistant.types import Page, SourceText

_BLANK_RUN = re.compile(r"\n{3,}")
# Trailing *spaces* only: a trailing tab is an empty last table cell and carries structure.
_TRAILING_SPACES = re.compile(r" +$", re.MULTILINE)


def normalise(text: str) -> str:
    """Return ``text`` with \\n line endings, no trailing spaces, at most one blank line in a row, no NULs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _TRAILING_SPACES.sub("", text)
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def source_text(path: object, pages: list[Page], empty_reason: str) -> SourceText:
    """Normalise ``pages``, drop the empty ones, and fail with ``empty_reason`` when nothing is left."""
    kept = []
    for page in pages:
        text = normalise(page.text)
        if text.strip():
            kept.append(Page(number=page.number, text=text))
    if not kept:
        raise UnreadableFile(str(path), empty_reason)
    return SourceText(path=str(path), pages=tuple(kept))


def fail(path: object, reason: str) -> UnreadableFile:
    """The error a reader raises for ``path``; a helper so every reader words it the same way."""
    return UnreadableFile(str(path), reason)
