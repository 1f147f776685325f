"""The closed rating vocabularies and the HMIP youth justice standards framework.

Ratings are only ever stored in the spelling of one of these scales:

    hmip_youth_2018     Outstanding / Good / Requires improvement / Inadequate   (HMIP youth justice, 2018 on)
    hmip_joint_legacy   good / satisfactory / unsatisfactory / poor              (older joint inspections)
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.frameworks import BY_KEY

YOUTH_2018 = "hmip_youth_2018"
LEGACY = "hmip_joint_legacy"
SCALES: dict[str, tuple[str, ...]] = {
    YOUTH_2018: ("Outstanding", "Good", "Requires improvement", "Inadequate"),
    LEGACY: ("good", "satisfactory", "unsatisfactory", "poor"),
}
# The standards framework came into use in 2018; inspections before it were judged on the legacy scale.
FRAMEWORK_FROM_YEAR = 2018
RATING_KINDS = frozenset({"overall_rating", "standard_rating", "area_rating"})

DOMAINS: dict[str, str] = {
    "1": "Organisational delivery",
    "2": "Court disposals",
    "3": "Out-of-court disposals",
    "4": "Resettlement",
}
STANDARDS: dict[str, str] = {
    "1.1": "Governance and leadership",
    "1.2": "Staff",
    "1.3": "Partnerships and services",
    "1.4": "Information and facilities",
    "2.1": "Assessment",
    "2.2": "Planning",
    "2.3": "Implementation and delivery",
    "2.4": "Reviewing",
    "3.1": "Assessment",
    "3.2": "Planning",
    "3.3": "Implementation and delivery",
    "3.4": "Out-of-court disposal policy and provision",
    "4.1": "Resettlement policy and provision",
}


_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def squeeze(text: str) -> str:
    """Lower-case letters and digits only, runs of one character collapsed: survives PDF word splits."""
    return _RUNS.sub(r"\1", _NOT_ALNUM.sub("", text.lower()))


_RATING_KEYS: dict[str, str] = {squeeze(term): term.lower() for terms in SCALES.values() for term in terms}


def rating_key(text: str) -> str | None:
    """The vocabulary term ``text`` spells (however split or capitalised), lower-cased; else None."""
    return _RATING_KEYS.get(squeeze(text)) if text.strip() else None


def scales_of(key: str) -> tuple[str, ...]:
    """The scales whose vocabulary contains the rating ``key``."""
    return tuple(s for s, terms in SCALES.items() if key.lower() in (t.lower() for t in terms))


def choose_scale(key: str, year: int | None) -> str | None:
    """The scale a rating belongs to: by vocabulary when only one has it, else by the inspection year."""
    scales = scales_of(key)
    if len(scales) != 2:
        return scales[0] if scales else None
    return LEGACY if year is not None and year < FRAMEWORK_FROM_YEAR else YOUTH_2018


def spell(key: str, scale: str) -> str | None:
    """The scale's own spelling of the rating ``key``; None when the scale has no such term."""
    return next((term for term in SCALES.get(scale, ()) if term.lower() == key.lower()), None)


def is_valid_rating(value: str, scale: str | None) -> bool:
    """True when ``value`` is spelled exactly as a term of ``scale`` (an HMIP scale or any framework's)."""
    if scale is None:
        return False
    framework = BY_KEY.get(scale)
    return value in SCALES.get(scale, ()) or (framework is not None and value in framework.scale)


_SERVICE_WORDS = re.compile(
    r"\s*\b(?:youth\s+(?:justice|offending)(?:\s+(?:services?|teams?|work|partnership))?|yjs|yos|yot)\b.*$",
    re.I,
)


def place_of(subject: str | None) -> str:
    """The place a service is named after ("Lewisham Youth Offending Service" -> "lewisham"); '' if unknown."""
    if not subject:
        return ""
    place = _SERVICE_WORDS.sub("", subject).strip()
    place = re.sub(r"^(?:the|london borough of|royal borough of)\s+", "", place, flags=re.I)
    return place.lower().strip(" ,")


def name_key(name: str | None) -> str:
    """Compare standard names by their framework label when they have one ("2.2. Planning" = "2.2 Planning")."""
    if not name:
        return ""
    m = re.match(r"\s*(\d)\.(\d)\b", name)
    return f"{m.group(1)}.{m.group(2)}" if m else squeeze(name)
