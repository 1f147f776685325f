"""Document readers: one module per format, each ``read(path) -> SourceText``; ``read_file`` picks one.

Every failure a user can cause with a bad file (missing, empty, corrupt, encrypted, too large, unsupported,
binary, wrong encoding) comes out as ``UnreadableFile`` with a one-line reason that says what to do.
Parsers are imported inside the readers, so importing this package is cheap.
"""

from __future__ import annotations

import errno
import importlib
import stat
from pathlib import Path

from assistant.errors import UnreadableFile
from assistant.types import SourceText

__all__ = ["SUPPORTED_EXTENSIONS", "read_file"]

# Extension -> module under ingest.readers holding its ``read``.
_READERS = {
    ".txt": "text",
    ".md": "markdown",
    ".pdf": "pdf",
    ".docx": "word",
    ".html": "webpage",
    ".htm": "webpage",
    ".pptx": "slides",
}
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_READERS)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read one document into text, by its extension (case-insensitive).

    Args:
        path: the file to read.
        max_bytes: larger files are refused before anything is read into memory.

    Returns:
        The file's text in reading order, one ``Page`` per PDF page or slide, else one unnumbered page.

    Raises:
        UnreadableFile: the file cannot be read as a document; ``reason`` says why and what to do.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise UnreadableFile(
            name, f"unsupported file type {shown}: convert to PDF, DOCX, HTML, PPTX, TXT or MD"
        )
    size = _regular_file_size(path)
    if size > max_bytes:
        raise UnreadableFile(
            name,
            f"file is {_size(size)}, over the {_size(max_bytes)} limit: "
            "split it or raise ASSISTANT_MAX_FILE_MB",
        )
    reader = importlib.import_module(f"ingest.readers.{_READERS[suffix]}")
    try:
        result: SourceText = reader.read(path)
    except UnreadableFile:
        raise
    except OSError as err:
        raise UnreadableFile(
            name, f"cannot read the file ({err.strerror or err}): check it is readable"
        ) from None
    except MemoryError:
        raise UnreadableFile(
            name, "ran out of memory parsing it: split the file and ingest the parts"
        ) from None
    except Exception as err:  # noqa: BLE001 - a parser failing on one bad file must not stop the batch
        detail = " ".join(str(err).split())[:120] or type(err).__name__
        raise UnreadableFile(
            name,
            f"could not parse this {suffix[1:].upper()} file ({detail}): re-save or re-export it and retry",
        ) from err
    return result


def _regular_file_size(path: Path) -> int:
    """The size of ``path`` if it is a readable regular file; otherwise fail with the reason."""
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise UnreadableFile(
                name, "broken symlink: its target does not exist; fix or remove the link"
            ) from None
        raise UnreadableFile(name, "file not found: check the path") from None
    except PermissionError:
        raise UnreadableFile(name, "permission denied: make the file readable and retry") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise UnreadableFile(
                name, "symlink loop: the link points back to itself; fix or remove it"
            ) from None
        raise UnreadableFile(
            name, f"cannot access the file ({err.strerror or err}): check the path"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile(name, "is a directory, not a file: ingest the files inside it instead")
    if not stat.S_ISREG(info.st_mode):
        # Reading a FIFO or device would block or never end.
        raise UnreadableFile(name, "not a regular file (a pipe, socket or device): ingest a real file")
    return info.st_size


def _size(n: int) -> str:
    """A byte count for people: '52.4 MB', '12 KB', '300 bytes'."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"
