"""Number and month words as documents and questions write them ("five recommendations", "July 2024")."""

from __future__ import annotations

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
