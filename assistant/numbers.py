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


_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?\s*(?P<month>{_MONTH_RE})?\s*(?P<year>(?:19|20)\d\d)?", re.I
)


def date_range(text: str) -> tuple[str, str] | None:
    """(first day, last day) as ISO dates from a range as inspectorates print it: "6 to 10 February 2023",
    "13 May to 24 May 2019", "14 January 2014- 5 February 2014", "11 – 22 July 2022", "5 to 9 December 2022 and
    14 to 15 February 2023" (a split fieldwork: its first and its last day). A part without its month or year takes
    the next one printed; None when no day, month and year can be read."""
    parts = [m for m in _DAY_MONTH_YEAR.finditer(text) if m.group("day")]
    if not parts:
        return None
    days: list[list[str | None]] = [[m.group("day"), m.group("month"), m.group("year")] for m in parts]
    for i in range(len(days) - 2, -1, -1):  # "6 to 10 February 2023": the 6th is in February 2023 too
        days[i][1] = days[i][1] or days[i + 1][1]
        days[i][2] = days[i][2] or days[i + 1][2]
    dated = [(d, m, y) for d, m, y in days if m and y and 1 <= int(d) <= 31]
    if not dated:
        return None
    iso = [f"{y}-{month_index(m):02d}-{int(d):02d}" for d, m, y in dated]
    return iso[0], iso[-1]
