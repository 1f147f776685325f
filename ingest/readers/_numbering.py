"""Word list numbering: turns a paragraph's w:numPr into the label Word displays ("1.2", "a)", "-").

Word stores "6.1" of an auto-numbered paragraph not in the text but as a counter; without it a citation could
not say "paragraph 6.1". As in Word, list instances (w:num) sharing one definition (w:abstractNum) share its
counters, and an instance with a start override restarts them where it is first used. Formats we cannot
render (numbering defined by style links, exotic number formats) give no label rather than a guessed one.
"""

from __future__ import annotations

import re
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")


class Numbering:
    """Counts numbered paragraphs through one document, in body order."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, Any]] = {}  # numId -> ilvl -> w:lvl
        self._starts: dict[str, dict[int, int]] = {}  # numId -> ilvl -> startOverride
        self._abstract: dict[str, str] = {}  # numId -> abstractNumId: the counters' owner
        self._counters: dict[str, dict[int, int]] = {}  # abstractNumId -> ilvl -> current value
        self._used: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return  # no numbering part: nothing is numbered
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iterchildren(f"{_W}abstractNum")}
        for num in root.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            definition = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            if num_id is None or definition is None:
                continue
            self._abstract[num_id] = ref.get(f"{_W}val")
            self._levels[num_id] = {
                _int(lvl.get(f"{_W}ilvl"), 0): lvl for lvl in definition.iterchildren(f"{_W}lvl")
            }
            starts: dict[int, int] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    starts[_int(override.get(f"{_W}ilvl"), 0)] = _int(start.get(f"{_W}val"), 1)
            self._starts[num_id] = starts

    def label(self, paragraph: Any) -> str | None:
        """Advance the counters for ``paragraph`` and return its displayed label, or None when unnumbered."""
        num_id, ilvl = _num_pr(paragraph)
        levels = self._levels.get(num_id or "")
        if num_id is None or levels is None or ilvl not in levels:
            return None
        lvl = levels[ilvl]
        counters = self._counters.setdefault(self._abstract[num_id], {})
        if num_id not in self._used:
            self._used.add(num_id)
            for level in self._starts[num_id]:
                counters.pop(level, None)  # "restart numbering": the override's start value applies next
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else self._start(num_id, ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level moved on: deeper levels restart
        fmt = _val(lvl, "numFmt") or "decimal"
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return None
        text = _val(lvl, "lvlText")
        if text is None:
            return None
        legal = lvl.find(f"{_W}isLgl") is not None
        parts: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            level = int(match.group(1)) - 1
            if level not in levels:
                return None
            value = counters.get(level, self._start(num_id, level))
            level_fmt = "decimal" if legal else (_val(levels[level], "numFmt") or "decimal")
            rendered = _render(value, level_fmt)
            if rendered is None:
                return None
            parts.append(text[pos : match.start()] + rendered)
            pos = match.end()
        label = ("".join(parts) + text[pos:]).strip()
        return label or None

    def _start(self, num_id: str, ilvl: int) -> int:
        """The first value of a level: the list instance's override, else the level's w:start, else 1."""
        if ilvl in self._starts.get(num_id, {}):
            return self._starts[num_id][ilvl]
        return _int(_val(self._levels[num_id][ilvl], "start"), 1)


def _num_pr(paragraph: Any) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph's own properties, else from its style chain."""
    sources = [paragraph._p.pPr]
    try:
        style = paragraph.style
        for _ in range(5):
            if style is None:
                break
            sources.append(style.element.pPr)
            style = style.base_style
    except (KeyError, ValueError, AttributeError):
        pass
    num_id: str | None = None
    ilvl: int | None = None
    for ppr in sources:
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is None:
            continue
        if num_id is None and num_pr.find(f"{_W}numId") is not None:
            num_id = num_pr.find(f"{_W}numId").get(f"{_W}val")
        if ilvl is None and num_pr.find(f"{_W}ilvl") is not None:
            ilvl = _int(num_pr.find(f"{_W}ilvl").get(f"{_W}val"), 0)
    if num_id in (None, "0"):
        return None, 0
    return num_id, ilvl or 0


def _val(element: Any, child: str) -> str | None:
    """The w:val attribute of ``element``'s ``child``, if present."""
    found = element.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    """``value`` as an int, or ``default`` when missing or malformed."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _render(value: int, fmt: str) -> str | None:
    """A counter in one of Word's common number formats; None for formats we do not render."""
    if fmt in ("decimal", "decimalZero"):
        return f"{value:02d}" if fmt == "decimalZero" else str(value)
    if fmt in ("lowerLetter", "upperLetter") and value >= 1:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word repeats: y, z, aa, bb
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return None


def _roman(value: int) -> str:
    """Upper-case Roman numeral for 1..3999."""
    out = []
    for number, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while value >= number:
            out.append(numeral)
            value -= number
    return "".join(out)
