"""What a question is about (places, years, bodies) and which documents are about that.

A question that names a place, year or body that no document covers must be refused, never answered from the
nearest document; one that names a covered place is answered from that place's documents only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Place names that are also ordinary English words count only when capitalised.
_AMBIGUOUS = {"reading", "bury", "sutton", "york", "newport", "hull", "kent", "brent", "harrow", "derby", "dudley",
              "bath", "durham", "sefton", "merton", "halton", "poole", "wakefield"}
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Scope:
    """The places, years and bodies a question names (canonical spellings)."""

    places: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    bodies: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.places or self.years or self.bodies)


def _lines(name: str) -> list[str]:
    text = resources.files("assistant").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _place_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # "Canonical|alias|alias": every alias names the canonical place.
    names = [(alias.strip(), line.split("|")[0].strip()) for line in _lines("places.txt") for alias in line.split("|")]
    names.sort(key=lambda pair: len(pair[0]), reverse=True)  # longest first: "City of London" before "London"
    return tuple(
        (canonical, re.compile(r"\b" + re.escape(alias).replace(r"\ ", r"[\s-]+") + r"\b", re.I))
        for alias, canonical in names
        if alias
    )


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Every spelling the gazetteer knows (lower case, no spaces) -> its canonical place name."""
    out: dict[str, str] = {}
    for line in _lines("places.txt"):
        canonical = line.split("|")[0].strip()
        for alias in line.split("|"):
            out.setdefault(re.sub(r"[^a-z]", "", alias.lower()), canonical)
    return out


@lru_cache(maxsize=1)
def _body_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for line in _lines("bodies.txt"):
        names = line.split("|")
        for alias in sorted(names, key=len, reverse=True):
            flags = 0 if alias.isupper() else re.I  # "CQC" only in capitals; "Ofsted" any case
            out.append((names[0], re.compile(r"\b" + re.escape(alias) + r"\b", flags)))
    return tuple(out)


def gazetteer_words() -> frozenset[str]:
    """Every word of the places and bodies the gazetteer knows: capitalised, but never a person's name."""
    words = " ".join(line.replace("|", " ") for line in [*_lines("places.txt"), *_lines("bodies.txt")])
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*", words))


def places_in(text: str) -> tuple[str, ...]:
    """Places named in ``text`` (canonical names, in order of first mention, no overlaps)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _place_patterns():
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if m.group(0).lower() in _AMBIGUOUS and not m.group(0)[0].isupper():
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), name))
    seen: dict[str, None] = {}
    for _, name in sorted(found):
        seen.setdefault(name, None)
    return tuple(seen)


def bodies_in(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name, pattern in _body_patterns():
        if pattern.search(text):
            seen.setdefault(name, None)
    return tuple(seen)


def years_in(text: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))


def scope_of(question: str) -> Scope:
    return Scope(places=places_in(question), years=years_in(question), bodies=bodies_in(question))
