"""Plain-text reader (.txt): detect the encoding, reject binary data and empty files, keep the text as-is."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from assistant.types import Page, SourceText
from ingest.readers._text import fail, source_text

# Magic numbers of formats people save under a .txt name by mistake, with what to do instead.
_MAGIC = (
    (b"%PDF-", "this is a PDF saved with a text extension: rename it to .pdf"),
    (
        b"PK\x03\x04",
        "this is a zip archive (perhaps a .docx or .pptx), not text: give it the right extension",
    ),
    (b"\xd0\xcf\x11\xe0", "this is a legacy Office file (.doc/.xls/.ppt), not text: save it as .docx or PDF"),
)
# charset-normalizer ranks look-alike single-byte code pages equally on short text (it will happily call a
# Windows "£" a Polish "Ł"); among equally plausible decodings prefer the ones UK documents actually use.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")
_MAX_CONTROL_RATIO = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# Unicode category Cc (C0 and C1 controls) minus the whitespace controls above.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def read(path: Path) -> SourceText:
    """Read a plain-text file into one page without a page number."""
    text = decode(path, path.read_bytes())
    return source_text(path, [Page(number=None, text=text)], "file is empty (only whitespace)")


def decode(path: Path, data: bytes) -> str:
    """Decode text bytes (UTF-8, UTF with BOM, else a confidently detected code page), or fail saying why."""
    if not data:
        raise fail(path, "file is empty")
    text = _decode_bom(data)
    if text is None:
        for magic, reason in _MAGIC:
            if data.startswith(magic):
                raise fail(path, reason)
        if b"\x00" in data:
            raise fail(
                path, "binary data, not text (contains NUL bytes): check the file is really a text file"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(path, data)
    controls = len(_CONTROLS.findall(text))  # a regex scan: a Python loop took ~30 s on a 48 MB file
    if controls > _MAX_CONTROL_RATIO * len(text):
        raise fail(
            path, "binary data, not text (many control characters): check the file is really a text file"
        )
    if not text.strip():
        raise fail(path, "file is empty (only whitespace)")
    return text


def _decode_bom(data: bytes) -> str | None:
    """Decode data that starts with a UTF byte-order mark, dropping the mark; None when there is none."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    return None


def _detect(path: Path, data: bytes) -> str:
    """Decode non-UTF-8 bytes with charset-normalizer, or fail when no decoding is plausible."""
    import charset_normalizer

    results = charset_normalizer.from_bytes(data)
    matches = list(results)
    if not matches:
        raise fail(
            path,
            "not UTF-8 text and no encoding could be detected with confidence: "
            "re-save it as UTF-8 and ingest that",
        )
    least_chaos = min(m.chaos for m in matches)
    plausible = {m.encoding: m for m in matches if m.chaos <= least_chaos + 0.02}
    for encoding in _PREFERRED:
        if encoding in plausible:
            return str(plausible[encoding])
    best = results.best()
    return str(best if best is not None else matches[0])
