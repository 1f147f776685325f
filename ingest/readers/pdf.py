"""PDF reader (pypdf): one page per PDF page, numbered from 1; encrypted, corrupt, image-only PDFs refused."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.types import Page, SourceText
from ingest.readers._text import fail, source_text

# A PDF always ends with %%EOF; writers may append a little padding after it, a truncated download lacks it.
_EOF_WINDOW = 2048
_REPAIR_HINT = "re-download or re-export it, then ingest again"


def read(path: Path) -> SourceText:
    """Read the text layer of every page of a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - _EOF_WINDOW))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise fail(path, f"not a PDF (no %PDF header): check the file type, or {_REPAIR_HINT}")
    if b"%%EOF" not in tail:
        raise fail(path, f"PDF is truncated (no %%EOF end marker): {_REPAIR_HINT}")
    pages: list[Page] = []
    with _quiet():
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                _decrypt(path, reader)
            for number, page in enumerate(reader.pages, start=1):
                pages.append(Page(number=number, text=page.extract_text() or ""))
        except DependencyError:
            raise fail(
                path,
                "PDF uses AES encryption, which needs the 'cryptography' package: install it or save an "
                "unencrypted copy and ingest that",
            ) from None
        except FileNotDecryptedError:
            raise fail(path, "PDF is encrypted: save an unencrypted copy and ingest that") from None
        except (
            PdfReadError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            RecursionError,
        ) as err:
            raise fail(path, f"PDF is corrupt ({_short(err)}): {_REPAIR_HINT}") from None
    if not pages:
        raise fail(path, f"PDF has no pages: {_REPAIR_HINT}")
    return source_text(path, pages, "no text layer: scanned image? run OCR first")


def _decrypt(path: Path, reader: object) -> None:
    """Open an encrypted PDF with the empty user password (permission-only encryption), else fail."""
    from pypdf import PasswordType

    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:  # type: ignore[attr-defined]
        raise fail(path, "PDF is encrypted with a password: save an unencrypted copy and ingest that")


def _short(err: BaseException) -> str:
    """A one-line, bounded description of a parser error."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:120]


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence pypdf's warnings and log noise about malformed-but-readable files while parsing."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
