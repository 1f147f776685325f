"""Ratings and scores: ratings tables (however a PDF mangled them), bare ratings under a standard's heading,
rating sentences and paraphrases, and legacy joint-inspection area judgements.

Only words of a closed vocabulary are ratings, and only where the text uses them as one: in a ratings-table
cell, quoted, in Title Case, or after a cue ("rated", "judgement of"); never in a change ("from Requires
Improvement to Good"), a negation, an aspiration, or a description of the scale itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.facts import (
    DOMAINS,
    FRAMEWORK_FROM_YEAR,
    LEGACY,
    STANDARDS,
    YOUTH_2018,
    choose_scale,
    rating_key,
    scales_of,
    spell,
    squeeze,
)
from ingest.facts_text import JUNK, QUOTE_CHARS, Builder, Line, clean_cells, sentences

_TERM = re.compile(
    r"(?P<open>["
    + QUOTE_CHARS
    + r"]?)\b(?P<t>requires?\s+improvement|outstanding|good|inadequate|unsatisfactory"
    r"|satisfactory|poor)\b(?P<close>[" + QUOTE_CHARS + r"]?)",
    re.I,
)
_RATING_CUE = re.compile(
    r"\b(?:rated|rating|ratings|judged|judgement|judgment|graded|grade|assessed|result(?:ed)?|outcome)\b"
    r"(?:\s+\w+){0,3}\s*$",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:aim|aims|aiming|target|ambition|aspir\w*|hope|hoping|want|next inspection|future inspection|will|would"
    r"|could|should|scale of|on a scale)\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|n't|never|no longer|fail(?:ed|s)? to)\b(?:\s+\S+){0,5}\s*$", re.I)
_AREA = re.compile(
    r"\b(?P<area>work (?:to|with|on|in) [^.;:]{3,100}?)\s+(?:was|were|is|has been|had been)\s+"
    r"(?:(?:judged|rated|found|assessed)\s+(?:to be\s+|as\s+)?)?[" + QUOTE_CHARS + r"]?"
    r"(?P<t>good|satisfactory|unsatisfactory|poor)\b",
    re.I,
)
_SCORE = re.compile(r"(?<![\d/.])(\d{1,2})\s*(?:/|out of(?: a possible| a maximum of)?)\s*(\d{1,3})(?![\d/%]|\.\d)")
# "At that inspection it was rated ...": the year is in the sentence before.
_REFERS_BACK = re.compile(
    r"\b(?:at|in|during|since|following)\s+(?:that|the previous|the last|the earlier|its previous|its last)\s+"
    r"inspection\b|\bat that time\b",
    re.I,
)


@dataclass
class _Place:
    """Where the reader is: the standard a section is about and the domain a table is in."""

    standard: str | None = None
    domain: str | None = None
    para: int | None = None


def extract_ratings(out: Builder, lines: Sequence[Line]) -> None:
    """Overall and standard ratings from tables, headings and prose."""
    framework_ok = out.year is None or out.year >= FRAMEWORK_FROM_YEAR
    place = _Place()
    for line in lines:
        if line.para.ordinal != place.para:
            place.para = line.para.ordinal
            # A section is a path ("Domain two: Court disposals > 2.2. Planning > Strengths"); innermost wins.
            for part in reversed((line.para.section or "").split(" > ")):
                label = standard_from(part, None)
                if label:
                    place.standard = label
                    break
            for divider in line.dividers:
                _note_domain(place, divider.replace("\t", " "))
        cells = line.cells if line.cells is not None else _slide_cells(line.text)
        first = " ".join(clean_cells(cells or (line.text,))[:2])
        _note_domain(place, first)
        heading = standard_from(first, place.domain) if framework_ok else None
        if heading and len(line.text) < 120 and not _TERM.search(line.text):
            place.standard = heading  # a standard's heading: a bare rating below it belongs to it
        if cells is not None and _table_rating(out, line, cells, place, framework_ok):
            continue
        if framework_ok and _bare_rating(out, line, place):
            continue
        for sentence in sentences(line.text):
            _sentence_ratings(out, line, sentence)
            if framework_ok:
                _not_rated(out, line, sentence, place.standard)


def extract_scores(out: Builder, lines: Sequence[Line]) -> None:
    """Scores ("27/36", "8 out of 36") in a row or sentence that says it is a score."""
    for line in lines:
        is_row = line.cells is not None
        for unit in [line.text] if is_row else list(sentences(line.text)):
            cue = unit + (" " + " ".join(line.header or ()) if is_row else "")
            if not re.search(r"\bscor", cue, re.I):
                continue
            for m in _SCORE.finditer(unit):
                a, b = int(m.group(1)), int(m.group(2))
                if a <= b and b >= 4:  # "last inspected in 2019, ... a score of 15/36" is the 2019 score
                    year = _sentence_year(_clause(unit, m), None)
                    if year is None and _REFERS_BACK.search(unit):
                        year = _year_before(line.text, unit)
                        if year is None:
                            continue  # an earlier inspection's score, of a year the paper does not give here
                    out.add(line.para, "score", f"{a}/{b}", unit, year=year)


def _clause(unit: str, m: re.Match[str]) -> str:
    """The sentence of ``unit`` holding ``m`` ("... a score of 24/36. An improvement on the 2019 inspection." ->
    its first sentence), even where a sentence splitter kept "36. An" together."""
    before, after = unit.rfind(". ", 0, m.start()), unit.find(". ", m.end())
    return unit[before + 2 if before >= 0 else 0 : after if after >= 0 else len(unit)]


# -- the standards framework ---------------------------------------------------------------------


def standard_from(text: str, domain: str | None) -> str | None:
    """The framework label a row or heading names: "2.2 Planning", "3.4 Out-of-court disposal policy an"."""
    m = re.match(r"\s*([1-4])\s*\.\s*([1-4])\b\.?\s*(.*)", text, re.S)
    if m:
        label = f"{m.group(1)}.{m.group(2)}"
        name = STANDARDS.get(label)
        return label if name and _same_start(m.group(3), name) else None
    # Without a number the text must be the name itself (a cell, a heading), not prose that starts with it;
    # "Planning" needs the domain to tell court (2.2) from out-of-court (3.2).
    for label, name in STANDARDS.items():
        if squeeze(text) != squeeze(name):
            continue
        unique = sum(squeeze(n) == squeeze(name) for n in STANDARDS.values()) == 1
        if unique or (domain and label.startswith(domain + ".")):
            return label
    return None


def _same_start(text: str, name: str) -> bool:
    """True when ``text`` starts like ``name`` (a PDF may cut a long name: "...policy an")."""
    a, b = squeeze(text), squeeze(name)
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return common >= min(len(b), 8)


def _standard_name(label: str) -> str:
    return f"{label} {STANDARDS[label]}"


def _note_domain(place: _Place, text: str) -> None:
    """Remember the domain a row opens ("2. Court disposals", "Domain three: Out-of-court disposals")."""
    names = "|".join(map(re.escape, DOMAINS.values()))
    m = re.match(rf"\s*([1-4])\s*\.?\s+({names})\s*$", text, re.I)
    if m:
        place.domain = m.group(1)
        return
    words = {"one": "1", "two": "2", "three": "3", "four": "4"}
    m = re.match(r"\s*Domain\s+(one|two|three|four|[1-4])\b", text, re.I)
    if m:
        place.domain = words.get(m.group(1).lower(), m.group(1))


# -- tables and bare ratings ---------------------------------------------------------------------


def _slide_cells(text: str) -> tuple[str, ...] | None:
    """Short slide/list lines "Overall rating: Good" or "2.2 Planning - Requires improvement" read as rows."""
    body = re.sub(r"^\s*[-•–*]\s*", "", text)
    if len(body) > 120:
        return None
    parts = re.split(r"\s*:\s+|\s+[-–—]\s+", body)
    return tuple(parts) if len(parts) == 2 else None


def _trailing_rating(tokens: Sequence[str]) -> tuple[str, int] | None:
    """The rating spelled by the last 1-3 word pieces ("Inadeq uate", "ion Good"), and how many pieces."""
    for k in (3, 2, 1):
        if len(tokens) <= k:
            continue
        key = rating_key("".join(tokens[-k:]))
        if key and tokens[-k - 1].lower() not in ("not", "un", "non", "from"):
            return key, k
    return None


def _row_rating(cells: Sequence[str]) -> tuple[str, str] | None:
    """(the text naming what is rated, rating key) for a ratings-table row, however the PDF split it."""
    clean = clean_cells(cells)
    if len(clean) < 2:
        return None
    # A cell (or "Requires" | "Improvement" in two cells) that is nothing but a rating.
    for i in range(1, len(clean)):
        key = rating_key(clean[i])
        if key is None and i + 1 < len(clean) and squeeze(clean[i]) in ("requires", "require"):
            key = rating_key(clean[i] + clean[i + 1])
        if key:
            return " ".join(clean[:i]), key
    tokens = re.findall(r"[A-Za-z0-9]+", " ".join(clean))
    hit = _trailing_rating(tokens)
    return (" ".join(tokens[: -hit[1]]), hit[0]) if hit else None


def _is_overall_name(text: str) -> bool:
    s = squeeze(text)  # "Overa | all rating" squeezes to "overalrating"
    return s.startswith("overal") and len(s) <= len("overaljudgement") + 2


def _table_rating(out: Builder, line: Line, cells: Sequence[str], place: _Place, framework_ok: bool) -> bool:
    """A ratings-table row: "Overall rating | Good", "2.2 | Planning | Requires improvement"."""
    found = _row_rating(cells)
    if not found:
        return False
    name_text, key = found
    quote = line.text.strip()
    if _is_overall_name(name_text):
        scale = choose_scale(key, out.year)
        out.add(line.para, "overall_rating", spell(key, scale or "") or "", quote, scale=scale)
        return True
    label = standard_from(name_text, place.domain) if framework_ok else None
    if label and YOUTH_2018 in scales_of(key):
        return _add_standard(out, line, key, label, quote)
    # A two-cell legacy area row: "Reducing the likelihood of reoffending | Unsatisfactory".
    clean = clean_cells(cells)
    if (
        line.cells is not None
        and len(clean) == 2
        and rating_key(clean[1]) == key
        and not _TERM.search(clean[0])
        and re.search(r"[a-z]{3}", clean[0])
        and (out.year is None or out.year < FRAMEWORK_FROM_YEAR)
        and LEGACY in scales_of(key)
    ):
        out.add(line.para, "standard_rating", spell(key, LEGACY) or "", quote, name=clean[0], scale=LEGACY)
        return True
    return False


def _add_standard(out: Builder, line: Line, key: str, label: str, quote: str, year: int | None = None) -> bool:
    """Record a standard's rating on the HMIP youth-justice scale (the only scale with named standards)."""
    out.add(
        line.para,
        "standard_rating",
        spell(key, YOUTH_2018) or "",
        quote,
        name=_standard_name(label),
        scale=YOUTH_2018,
        year=year,
    )
    return True


def _bare_rating(out: Builder, line: Line, place: _Place) -> bool:
    """A line that is only a rating ("Outstanding"), or a standard's heading ending in one, under a standard."""
    body = JUNK.sub(" ", line.text).strip()
    key = rating_key(body) if len(body) < 30 else None
    whole = JUNK.sub(" ", line.para.text).strip()
    if key is None and "\n" in whole and len(whole) < 40 and rating_key(whole):
        # "Requires\nImprovement": a rating the PDF broke over lines; take it once, quoting the paragraph.
        if line.text.strip() != line.para.text.strip().split("\n")[0].strip():
            return True
        key, body = rating_key(whole), whole
    label = place.standard
    if key is None:
        head = standard_from(body, place.domain)
        m = re.search(r"[.!]\s+(Good|Outstanding|Inadequate|Requires [Ii]mprovement)\s*$", body)
        if not (head and m):
            return False
        key, label = m.group(1).lower(), head
    if label is None or YOUTH_2018 not in scales_of(key):
        return False
    quote = line.para.text.strip() if body == whole else line.text.strip()
    return _add_standard(out, line, key, label, quote)


# -- prose ---------------------------------------------------------------------------------------

_NOT_RATED = re.compile(r"\b(?:was|were|is|has|have)\s+not\s+(?:been\s+)?(?:rated|given a rating)\b", re.I)


def _not_rated(out: Builder, line: Line, sentence: str, heading: str | None) -> None:
    """A standard the report says was not rated ("resettlement ... was not rated as there were no cases")."""
    m = _NOT_RATED.search(sentence)
    if not m:
        return
    before = squeeze(sentence[: m.start()])
    # A name used by one standard only ("Resettlement policy and provision"); "Planning" could be 2.2 or 3.2.
    named = [
        label
        for label, name in STANDARDS.items()
        if squeeze(name) in before and sum(squeeze(n) == squeeze(name) for n in STANDARDS.values()) == 1
    ]
    if not named and heading and re.search(r"\bthis standard\b", sentence[: m.start()], re.I):
        named = [heading]  # "This standard has not been rated" under the standard's own heading
    if len(named) == 1:
        out.add(line.para, "standard_not_rated", "not rated", sentence, name=_standard_name(named[0]), year=out.year)


def _qualifies(sentence: str, m: re.Match[str]) -> bool:
    """A vocabulary word used as a rating: quoted, Title Case mid-sentence, or right after a rating cue."""
    before = sentence[: m.start("t")]
    if _NEGATED.search(before):
        return False
    if re.search(r"\bfrom\s*[" + QUOTE_CHARS + r"]?\s*$", before) or re.match(
        r"\s*[" + QUOTE_CHARS + r"]?\s+to\b", sentence[m.end("t") :]
    ):
        return False  # "from Requires Improvement to Good" describes a change, not a result
    if m.group("open") or m.group("close"):
        return True
    if m.group("t")[0].isupper() and before.strip():
        return True
    return bool(_RATING_CUE.search(before))


def _sentence_year(sentence: str, default: int | None) -> int | None:
    """The year of the inspection a sentence talks about, when it names one ("last inspected in 2016")."""
    m = re.search(
        r"\binspect\w*\b[^.]{0,40}?\b((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\b\s+inspection", sentence, re.I
    )
    return int(m.group(1) or m.group(2)) if m else default


def _year_before(text: str, sentence: str) -> int | None:
    """The inspection year the sentences before ``sentence`` name, nearest first ("last inspected in January
    2020. At that inspection it was rated ...")."""
    at = text.find(sentence)
    earlier = list(sentences(text[:at])) if at > 0 else []
    return next((y for s in reversed(earlier) if (y := _sentence_year(s, None)) is not None), None)


def _sentence_ratings(out: Builder, line: Line, sentence: str) -> None:
    """Ratings stated in prose: overall judgements, paraphrases, and legacy area judgements."""
    terms = list(_TERM.finditer(sentence))
    if not terms:
        return
    if len({rating_key(m.group("t")) for m in terms}) >= 3 or _HYPOTHETICAL.search(sentence):
        return  # a description of the scale ("good, satisfactory, unsatisfactory and poor") or an aspiration
    year = _sentence_year(sentence, None)
    if year is None and _REFERS_BACK.search(sentence):
        year = _year_before(line.text, sentence)
        if year is None:
            return  # "at that inspection it was rated ..." with no year to give it: not this paper's rating
    year = out.year if year is None else year
    areas = list(_AREA.finditer(sentence))
    for m in areas:
        key = m.group("t").lower()
        # Areas were judged on the legacy scale; such prose about a later inspection describes, it does not rate.
        if (year is None or year < FRAMEWORK_FROM_YEAR) and choose_scale(key, year) == LEGACY:
            area = re.sub(r"^work", "Work", m.group("area").strip())
            out.add(
                line.para,
                "standard_rating",
                spell(key, LEGACY) or "",
                sentence,
                name=area,
                scale=LEGACY,
                year=year,
            )
    rated = [m for m in terms if _qualifies(sentence, m)]
    if areas or not rated:
        return
    overall_at = re.search(r"\boverall\b", sentence, re.I)
    labels = [
        standard_from(m.group(0), None)
        for m in re.finditer(r"\b[1-4]\.[1-4]\.?\s+[A-Z][\w-]*(?:\s+[\w-]+){0,5}", sentence)
    ]
    label = next((lb for lb in labels if lb), None)
    if label and not overall_at:
        key = rating_key(rated[0].group("t"))
        if key and YOUTH_2018 in scales_of(key) and (year is None or year >= FRAMEWORK_FROM_YEAR):
            _add_standard(out, line, key, label, sentence, year)
        return
    if overall_at:
        # The rating nearest "overall" ("rated 'Good' overall", "overall judgement of 'Good'").
        at = overall_at.start()
        pick = min(rated, key=lambda m: abs(m.start() - at) + (0 if m.start() > at else 5))
    elif re.search(r"\binspect\w*|\bHMIP\b|\bInspectorate\b|\bOfsted\b", sentence, re.I):
        pick = rated[0]
        if re.search(
            r"\b(?:areas?|aspects?|standards?|domains?)\b[^.]{0,30}$", sentence[: pick.start()], re.I
        ):
            return  # "some areas were rated outstanding" is not the overall grade
    else:
        return
    key = rating_key(pick.group("t"))
    scale = choose_scale(key, year) if key else None
    if key is None or (scale == LEGACY and year is not None and year >= FRAMEWORK_FROM_YEAR):
        return  # "poor" in a 2024 report is an adjective, not a legacy grade
    out.add(line.para, "overall_rating", spell(key, scale or "") or "", sentence, scale=scale, year=year)
