"""What a question names (places, years, bodies), what it asks for, and its spelling normalised to the index."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from assistant.answer import KeyTerms
from assistant.evidence import question_type
from assistant.retrieve import terms
from assistant.scope import bodies_in, place_names, places_in, years_in

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Comparing two named things: each side gets its own best evidence.
# A judgement asked for in words the rule-based question types miss ("how were they judged?", "the outcome").
_JUDGED = re.compile(r"\b(judged|outcome|verdict|overall (?:effectiveness|judgement|judgment|grade)|how (?:did|does|do|has|have) [\w' ]{1,40} (?:do|done|fare|fared))\b", re.I)
_COMPARES = re.compile(r"\b(better|worse|higher|lower|compare[ds]?|comparison|versus|vs\.?|than|both|each|or)\b", re.I)


@dataclass(frozen=True)
class Analysis:
    """The question as the later stages read it."""

    question: str  # as asked (after follow-up resolution)
    normalised: str  # with misspelt places and vocabulary words corrected to the index's spelling
    qtype: str  # rating, when, who, how_many, ... or general
    places: tuple[str, ...]
    years: tuple[int, ...]
    bodies: tuple[str, ...]
    keys: KeyTerms
    compares: bool
    corrections: tuple[tuple[str, str], ...] = ()  # (as written, as read)


def _fuzzy_places(words: list[str], vocabulary: Collection[str]) -> list[tuple[str, str]]:
    """Places written without spaces or misspelt ("towerhamlets", "bexly"): runs of one to three words whose
    letters are (nearly) a gazetteer name. A word the documents use in lower case is never a misspelt place."""
    names = place_names()
    keys = [k for k in names if len(k) >= 5]
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        hit = None
        for size in (3, 2, 1):
            run = words[i : i + size]
            if len(run) < size:
                continue
            joined = re.sub(r"[^a-z]", "", "".join(run).lower())
            if len(joined) < 5:
                continue
            if joined in names and (size > 1 or run[0].lower() not in vocabulary or run[0][0].isupper()):
                hit = (" ".join(run), names[joined], size)
                break
            if size > 1 or run[0].lower() in vocabulary:
                continue  # spelling tolerance for one written word only; a word the papers use is that word
            close = difflib.get_close_matches(joined, keys, 1, 0.86)
            if close and abs(len(close[0]) - len(joined)) <= 2:
                hit = (" ".join(run), names[close[0]], size)
                break
        if hit:
            found.append((hit[0], hit[1]))
            i += hit[2]
        else:
            i += 1
    return found


def _correct_words(question: str, vocabulary: Collection[str], protected: set[str]) -> list[tuple[str, str]]:
    """Lower-case words the index never uses that are a letter or two from one it does ("recomendations").

    An inflection is not a misspelling ("define"/"defined", "according"/"accordingly"), and a capitalised word is
    a name, read by the place matcher, never respelt."""
    if not vocabulary:
        return []
    long_words = [w for w in vocabulary if len(w) >= 7]
    out = []
    for word in dict.fromkeys(_WORD.findall(question)):
        low = word.lower()
        if (len(low) < 7 or low in vocabulary or low in protected or not word.islower() or "'" in word
                or "’" in word):
            continue
        # Two words run together ("codename", "casework"): split where both halves are words the papers use.
        split = next((f"{low[:i]} {low[i:]}" for i in range(3, len(low) - 2)
                      if low[:i] in vocabulary and low[i:] in vocabulary), None)
        if split:
            out.append((word, split))
            continue
        for close in difflib.get_close_matches(low, long_words, 3, 0.88):
            if abs(len(close) - len(low)) <= 2 and not (close.startswith(low) or low.startswith(close)):
                out.append((word, close))
                break
    return out


def _answer_type(question: str) -> str:
    qtype = question_type(question)
    if qtype == "general" and _JUDGED.search(question):
        return "rating"
    return qtype


def analyse(
    question: str,
    idf: Callable[[str], float],
    vocabulary: Collection[str] = (),
) -> Analysis:
    """Read the question: named scope (exact, then spelling-tolerant places), answer type and key terms."""
    words = _WORD.findall(question)
    exact = list(places_in(question))
    corrections: list[tuple[str, str]] = []
    normalised = question
    for written, place in _fuzzy_places(words, vocabulary):
        if place not in exact and not places_in(written):
            exact.append(place)
            corrections.append((written, place))
            normalised = re.sub(re.escape(written), place, normalised, count=1, flags=re.I)
    protected = {w.lower() for w, _ in corrections} | {w.lower() for p in exact for w in p.split()}
    for written, word in _correct_words(normalised, vocabulary, protected):
        corrections.append((written, word))
        normalised = re.sub(rf"\b{re.escape(written)}\b", word, normalised, count=1)
    places = tuple(dict.fromkeys(exact))
    scope_terms = [w.lower() for p in places for w in p.split()] + [str(y) for y in years_in(question)]
    keys = KeyTerms.of(normalised, idf, terms(" ".join(scope_terms)))
    years = years_in(question)
    compares = bool(_COMPARES.search(question)) and (len(places) >= 2 or len(years) >= 2)
    return Analysis(
        question=question,
        normalised=normalised,
        qtype=_answer_type(normalised),
        places=places,
        years=years,
        bodies=bodies_in(normalised),
        keys=keys,
        compares=compares,
        corrections=tuple(corrections),
    )
