"""Inspection facts (ratings, scores, recommendations, action plans, dates) extracted with their provenance.

``extract_facts`` is the entry point; the rules live in ``facts_ratings`` and ``facts_recommendations``,
the line/sentence reading and the fact builder in ``facts_text``. Rules follow how inspectorates and
committees write, not one file's wording, and work on any splitter's paragraphs (they read lines and
tab-separated rows themselves). Every fact quotes its paragraph verbatim; a rating is only ever stored in
the spelling of a closed vocabulary (see ``assistant.facts``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace

from assistant.fact_vocab import YOUTH_2018
from assistant.frameworks import BY_KEY, spell_grade
from assistant.numbers import MONTHS
from assistant.scope import places_in
from assistant.types import Document, Fact, Paragraph
from ingest.facts_judgements import extract_judgements
from ingest.facts_ratings import extract_ratings, extract_scores
from ingest.facts_recommendations import extract_actions, extract_counts, extract_recommendations
from ingest.facts_text import Builder, Line, lines_of, sentences

_MONTHS = {m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
# Only after "published in": committees write "published in Dec 16".
_DATE_SHORT = rf"(?P<month>{_MONTH})\.?\s+'?(?P<year>\d\d)\b"
_SERVICE = re.compile(
    r"\b(?P<place>(?:[A-Z][a-z]+(?:[ -](?:upon[ -])?[A-Z][a-z]+)*)(?: and (?:the )?City of London)?)\s+"
    r"(?P<kind>Youth Justice Service|Youth Offending Service|Youth Offending Team|YJS|YOS|YOT)\b"
)
_SERVICE_KINDS = {
    "YJS": "Youth Justice Service",
    "YOS": "Youth Offending Service",
    "YOT": "Youth Offending Team",
}
_NOT_PLACES = frozenset(
    "the a an this our their its integrated statutory national local head board partnership adolescent full joint "
    "lead new london wales england inspection hmip".split()
)
_INSPECTORATES = (
    (
        re.compile(
            r"\bHM Inspectorate of Probation\b|\bHMI Probation\b|\bHer Majesty'?s Inspectorate of Probation\b"
            r"|\bHMIP\b"
        ),
        "HM Inspectorate of Probation",
    ),
    (re.compile(r"\bOfsted\b"), "Ofsted"),
    (re.compile(r"\bCare Quality Commission\b|\bCQC\b"), "Care Quality Commission"),
    (re.compile(r"\bHMICFRS\b|\bHM Inspectorate of Constabulary\b"), "HM Inspectorate of Constabulary"),
)


def extract_facts(doc: Document, paragraphs: Sequence[Paragraph]) -> list[Fact]:
    """Every inspection fact in ``doc`` with the paragraph and verbatim quote it comes from.

    Args:
        doc: the document (its meta names the service when it is about one).
        paragraphs: its paragraphs, in order.

    Returns:
        Facts of kinds service, inspectorate, fieldwork_date, publication_date, overall_rating,
        standard_rating, score, recommendation_count, recommendation and action; ``year`` is the year of
        the inspection each is about (not the date of the document).
    """
    paras = [p for p in paragraphs if p.text.strip()]
    lines = list(lines_of(paras))
    dates = list(_date_mentions(lines))
    year = _inspection_year(doc, dates)
    out = Builder(doc, infer_subject(doc, paras), year)
    for kind, line, quote, iso in dates:
        # A publication date belongs to the inspection it reports unless it is years apart from it.
        own = int(iso[:4])
        same = kind == "publication_date" and year is not None and abs(own - year) <= 1
        out.add(line.para, kind, iso, quote, year=year if same else own)
    _service_and_inspectorate(out, paras)
    # A report of a framework with a judgement table is read with that framework; the HMIP readers of ratings in
    # prose and of scores are for the rest (an Ofsted report's "schools judged good" is no judgement of its own).
    if extract_judgements(out, paras) is None:
        extract_ratings(out, lines)
        extract_scores(out, lines)
        _on_inspectorates_scale(out)
    extract_counts(out, lines)
    extract_recommendations(out, lines)
    extract_actions(out, lines)
    return out.facts


# The scale a paper's prose ratings are on follows the inspectorate the paper is about, not the words alone: a
# committee's minute that Ofsted found "a 'Good' service" is an Ofsted judgement, a CQC "Good" a CQC one.
_SCALE_OF_INSPECTORATE = {"Ofsted": "ofsted_ilacs", "Care Quality Commission": "cqc_assessment"}


def _on_inspectorates_scale(out: Builder) -> None:
    inspectorate = next((f.value for f in out.facts if f.kind == "inspectorate"), None)
    framework = BY_KEY.get(_SCALE_OF_INSPECTORATE.get(inspectorate or "", ""))
    if framework is None:
        return
    rescaled = []
    for f in out.facts:
        if f.kind in ("overall_rating", "standard_rating") and f.scale in (YOUTH_2018, None):
            value = spell_grade(f.value, framework)
            if value is None:
                continue  # a word off the inspectorate's scale is no judgement of it
            f = replace(f, value=value, scale=framework.key)
        rescaled.append(f)
    out.facts[:] = rescaled


def infer_subject(doc: Document, paras: Sequence[Paragraph]) -> str | None:
    """The service the document is about: the manifest's, else the one its text names most (title first)."""
    if doc.meta.service:
        return doc.meta.service
    counts: Counter[str] = Counter()
    texts = [doc.meta.title or ""] + [p.text for p in paras[:80]]
    for weight, text in enumerate(texts):
        for m in _SERVICE.finditer(text):
            place = _clean_place(m.group("place"))
            if place:
                counts[f"{place} {_SERVICE_KINDS.get(m.group('kind'), m.group('kind'))}"] += (
                    5 if weight == 0 else 1
                )
        # Only the lead-in is case-insensitive: the place itself must be capitalised ("... services in Bexley").
        for m in re.finditer(
            r"(?i:youth (justice|offending) (?:services?|work) in) (?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)*)",
            text,
        ):
            place = _clean_place(m.group("place"))
            if place:
                counts[f"{place} Youth {m.group(1).title()} Service"] += 5 if weight == 0 else 1
    if not counts:
        # No "<Place> Youth Justice Service" phrase: the local authority the cover names most ("LONDON BOROUGH OF
        # CROYDON", "Croydon youth justice services rated ..."), from the gazetteer of places.
        places: Counter[str] = Counter()
        for weight, text in enumerate(texts[:12]):
            places.update({p: 5 if weight == 0 else 1 for p in places_in(text)})
        return places.most_common(1)[0][0] if places else None
    return counts.most_common(1)[0][0]


def _clean_place(place: str) -> str | None:
    words = place.split()
    while words and words[0].lower() in _NOT_PLACES:
        words = words[1:]
    return " ".join(words) if words else None


def _iso(m: re.Match[str]) -> str:
    year = m.group("year")
    year = year if len(year) == 4 else f"20{year}"
    month = _MONTHS[m.group("month")[:3].lower()]
    day = m.groupdict().get("first") or m.groupdict().get("day")  # "4 to 15 May 2023" began on the 4th
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"


_WEEK = r"(?:the\s+week\s+(?:of|beginning|commencing|starting)\s+)?"
_FIELDWORK = (
    re.compile(
        rf"\bfieldwork\b[^.]{{0,80}}?\b(?:beginning|began|begun|starting|started|commenced|commencing|from|on|in|during)\b\s*:?\s*{_WEEK}{_DATE}",
        re.I,
    ),
    re.compile(rf"\binspection\b[^.]{{0,60}}?\btook place\s+(?:in|on|during|from|between)\s+{_DATE}", re.I),
    re.compile(
        rf"\b(?:undertook|carried out|conducted|completed)\b[^.]{{0,100}}?\binspection\b[^.]{{0,100}}?"
        rf"\b(?:in|during|on)\s+{_DATE}",
        re.I,
    ),
    re.compile(rf"\binspect(?:ed|ors visited)\b[^.]{{0,60}}?\b(?:in|during|on)\s+{_WEEK}{_DATE}", re.I),
    # A cover field: "Inspection dates: 4 November 2024 to 15 November 2024", "Dates of inspection: 4 to 15 May".
    re.compile(
        rf"\b(?:inspection dates?|dates? of (?:the )?inspection|fieldwork dates?)\b\s*:?\s*(?:\*\*|__)?\s*"
        rf"(?:(?P<first>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:to|-|–|and)\s*)?{_DATE}",
        re.I,
    ),
)
_PUBLISHED = (
    re.compile(rf"\b(?:report|inspection|findings|it)\b[^.]{{0,80}}?\bpublished\s+(?:in|on)\s+{_DATE}", re.I),
    re.compile(rf"\b(?:report|inspection)\b[^.]{{0,80}}?\bpublished\s+in\s+{_DATE_SHORT}", re.I),
    re.compile(rf"\breport\b[^.]{{0,40}}\bavailable\b.{{0,120}}?\bfrom\s+{_DATE}", re.I),
    re.compile(rf"^\s*(?:HM Inspectorate of \w+|HMI \w+|Ofsted|Care Quality Commission)\s*,\s*{_DATE}\s*$"),
)


def _date_mentions(lines: Sequence[Line]) -> Iterator[tuple[str, Line, str, str]]:
    """(kind, line, quote, ISO date) for fieldwork and publication dates, in document order."""
    for line in lines:
        if line.cells is not None:
            # A timeline row: "June 2024 | Inspection commenced." or "September 2024 | report published."
            cells = [c for c in line.cells if c]
            if len(cells) >= 2:
                m = re.fullmatch(_DATE, cells[0], re.I)
                event = " ".join(cells[1:]).lower()
                if m and re.search(
                    r"inspection (?:commenced|started|began|fieldwork)|fieldwork|on-?site", event
                ):
                    yield "fieldwork_date", line, line.text.strip(), _iso(m)
                elif m and re.search(r"\bpublished\b|publication", event) and "report" in event:
                    yield "publication_date", line, line.text.strip(), _iso(m)
            for m in re.finditer(
                rf"\bfieldwork\s+(?:started|began|commenced)\s*:?\s*{_DATE}", line.text, re.I
            ):
                yield "fieldwork_date", line, m.group(0), _iso(m)
            continue
        for sentence in sentences(line.text):
            for kind, patterns in (("fieldwork_date", _FIELDWORK), ("publication_date", _PUBLISHED)):
                for pattern in patterns:
                    m = pattern.search(sentence)
                    # "next inspected in", "last inspected in November 2019": not this paper's inspection
                    if m and not re.search(
                        r"\b(?:next|will|planned|due to|last|previous(?:ly)?|prior|earlier)\b",
                        sentence[: m.start("month")],
                        re.I,
                    ):
                        yield kind, line, sentence, _iso(m)
                        break


def _inspection_year(doc: Document, dates: Sequence[tuple[str, Line, str, str]]) -> int | None:
    """The year of the inspection the document is about: fieldwork, else publication, else the report's date."""
    for wanted in ("fieldwork_date", "publication_date"):
        years = Counter(int(iso[:4]) for kind, _, _, iso in dates if kind == wanted)
        if years:
            return years.most_common(1)[0][0]
    if doc.meta.kind in ("inspection_report", "press_release"):
        return doc.meta.year
    return None


def _service_and_inspectorate(out: Builder, paras: Sequence[Paragraph]) -> None:
    """The service fact (quoting a mention of it) and the inspectorate most mentioned."""
    if out.subject:
        place = re.split(r"\s+(?:Youth|YJS|YOS|YOT)\b", out.subject)[0]
        exact = re.compile(re.escape(out.subject), re.I)
        loose = re.compile(
            rf"\b{re.escape(place)}\s+(?:Youth (?:Justice|Offending) (?:Service|Team)s?|YJS|YOS|YOT)\b"
        )
        for pattern in (exact, loose):
            hit = next(((p, m) for p in paras for m in [pattern.search(p.text)] if m), None)
            if hit:
                out.add(hit[0], "service", out.subject, hit[1].group(0))
                break
    counts: Counter[str] = Counter()
    first: dict[str, tuple[Paragraph, str]] = {}
    probation = any("probation" in p.text.lower() for p in paras)
    for p in paras:
        for pattern, name in _INSPECTORATES:
            for m in pattern.finditer(p.text):
                if m.group(0) == "HMIP" and not probation:
                    continue
                counts[name] += 1
                # Prefer quoting a full name over an abbreviation.
                if name not in first or (len(m.group(0)) > len(first[name][1]) and first[name][1] == "HMIP"):
                    first[name] = (p, m.group(0))
    if counts:
        name = counts.most_common(1)[0][0]
        out.add(first[name][0], "inspectorate", name, first[name][1])
