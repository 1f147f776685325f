"""Number and month words as documents and questions write them ("five recommendations", "July 2024")."""

from __future__ import annotations

import re

_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()

UNITS: dict[str, int] = {word: n for n, word in enumerate(_WORDS)}  # zero..nineteen
TENS: dict[str, int] = {
    word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)
}
ORDINALS: dict[str, int] = {
    word: n
    for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), start=1
    )
}

MONTHS: tuple[str, ...] = tuple(
    "January February March April May June July August September October November December".split()
)


def date_text(iso: str | None) -> str | None:
    """An ISO date as a reader writes it: "2024-11-06" -> "6 November 2024", "2024-07" -> "July 2024"."""
    if not iso:
        return None
    parts = iso.split("-")
    try:
        if len(parts) == 3 and 1 <= int(parts[1]) <= 12:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except ValueError:
        pass
    return iso


_MONTH_RE = "|".join(MONTHS)
# "Inspection dates: 6 to 10 February 2023", "Inspection date: 11 – 22 July 2022", "18 March to 22 March 2024".
_COVER_DATE = re.compile(
    rf"\binspection dates?:?\s*[^\n]*?\b({_MONTH_RE})\s+((?:19|20)\d\d)\b", re.I
)
# A file named as its publisher names it: "...-inspection-23-july-2024.pdf", "...-2024-05.txt".
_NAME_DATE = re.compile(rf"(?:^|[-_ ])(?:\d{{1,2}}[-_ ])?({_MONTH_RE})[-_ ]((?:19|20)\d\d)(?:$|[-_ .])",
                                      re.I)
_NAME_ISO = re.compile(r"(?:^|[-_ ])((?:19|20)\d\d)[-_](0[1-9]|1[0-2])(?:$|[-_ .])")


def month_index(name: str) -> int:
    """1-12 for a month's name (any case)."""
    return [m.lower() for m in MONTHS].index(name.lower()) + 1


def cover_month(text: str) -> str | None:
    """"2023-02" from a cover's "Inspection dates: 6 to 10 February 2023" (the last month named on the line)."""
    m = _COVER_DATE.search(text)
    return f"{m.group(2)}-{month_index(m.group(1)):02d}" if m else None


def file_name_month(stem: str) -> str | None:
    """"2024-07" from a file name that carries its date ("...-23-july-2024", "...-2024-07")."""
    m = _NAME_DATE.search(stem)
    if m:
        return f"{m.group(2)}-{month_index(m.group(1)):02d}"
    iso = _NAME_ISO.search(stem)
    return f"{iso.group(1)}-{iso.group(2)}" if iso else None
