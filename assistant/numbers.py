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
