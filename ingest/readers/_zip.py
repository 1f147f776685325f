"""Checks on Office Open XML files (.docx, .pptx) before a parser opens them: real zip, no zip bomb."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.readers._text import fail

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024  # below this, a high ratio is just a very repetitive small file
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_office_zip(path: Path, kind: str, required_member: str) -> None:
    """Fail unless ``path`` is an Office zip holding ``required_member`` whose declared sizes are sane.

    The sizes checked are the ones the zip's directory declares; zipfile never inflates a member beyond its
    declared size, so a lying directory yields a corrupt file, not a bomb.
    """
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise fail(
            path,
            f"not a valid .{kind}: it is password-protected or a legacy Office file; "
            f"save an unprotected .{kind} copy and ingest that",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise fail(
            path, f"not a valid .{kind} (not a readable zip archive: {err}): re-save it from Office"
        ) from None
    if required_member not in names:
        raise fail(path, f"not a valid .{kind} (no {required_member} inside): re-save it from Office")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise fail(
            path,
            f"unpacks to {total // (1024 * 1024)} MB, over the {MAX_UNCOMPRESSED // (1024 * 1024)} MB limit "
            "(possible zip bomb): check where the file came from",
        )
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise fail(
            path,
            f"compression ratio over {MAX_RATIO}:1 (possible zip bomb): check where the file came from",
        )
