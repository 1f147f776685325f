"""Inspection facts (ratings, scores, recommendations, action plans, dates) extracted with their provenance.

Rules follow how inspectorates and committees write, not one file's wording: ratings tables (however the PDF
mangled them), rating sentences and paraphrases, legacy area judgements, "X should:" recommendation lists,
"Recommendation N" slides, action-plan tables with Lead/When/Status columns, fieldwork and publication dates.
Every fact quotes its paragraph verbatim; a rating is only stored in the spelling of a closed vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assistant.facts import (
    DOMAINS,
    FRAMEWORK_FROM_YEAR,
    LEGACY,
    STANDARDS,
    YOUTH_2018,
    choose_scale,
    is_valid_rating,
    rating_key,
    scales_of,
    spell,
    squeeze,
)
from assistant.types import Document, Fact, Paragraph

_MONTHS = {
    m[:3].lower(): i + 1
    for i, m in enumerate("January February March April May June July August September October November December".split())
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE = rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
# Only after "published in": committees write "published in Dec 16".
_DATE_SHORT = rf"(?P<month>{_MONTH})\.?\s+'?(?P<year>\d\d)\b"
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_NUM = r"(?:\d{1,2}|" + "|".join(_NUM_WORDS) + r")"
_QUOTE_CHARS = "'\"‘’“”"
_TERM = re.compile(
    r"(?P<open>[" + _QUOTE_CHARS + r"]?)\b(?P<t>requires?\s+improvement|outstanding|good|inadequate|unsatisfactory"
    r"|satisfactory|poor)\b(?P<close>[" + _QUOTE_CHARS + r"]?)",
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
_JUNK = re.compile(r"\$[^$\n]*\$|</?[a-z]+[^>]*>")
_SUPERSCRIPTS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]+")
_SERVICE = re.compile(
    r"\b(?P<place>(?:[A-Z][a-z]+(?:[ -](?:upon[ -])?[A-Z][a-z]+)*)(?: and (?:the )?City of London)?)\s+"
    r"(?P<kind>Youth Justice Service|Youth Offending Service|Youth Offending Team|YJS|YOS|YOT)\b"
)
_NOT_PLACES = frozenset(
    "the a an this our their its integrated statutory national local head board partnership adolescent full joint "
    "lead new london wales england inspection hmip".split()
)
_INSPECTORATES = (
    (re.compile(r"\bHM Inspectorate of Probation\b|\bHMI Probation\b|\bHer Majesty'?s Inspectorate of Probation\b|\bHMIP\b"),
     "HM Inspectorate of Probation"),
    (re.compile(r"\bOfsted\b"), "Ofsted"),
    (re.compile(r"\bCare Quality Commission\b|\bCQC\b"), "Care Quality Commission"),
    (re.compile(r"\bHMICFRS\b|\bHM Inspectorate of Constabulary\b"), "HM Inspectorate of Constabulary"),
)


@dataclass(frozen=True)
class _Line:
    """One line of a paragraph: a sentence-bearing line, or a table row with the header it sits under."""

    para: Paragraph
    text: str
    cells: tuple[str, ...] | None
    header: tuple[str, ...] | None
    is_header: bool = False
    dividers: tuple[str, ...] = ()  # rows like "2.\tCourt disposals" the splitter carries in the context


@dataclass
class _Builder:
    """Collects facts for one document; drops any whose quote is not verbatim and repeated ones."""

    doc: Document
    subject: str | None
    year: int | None
    facts: list[Fact] = field(default_factory=list)
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    def add(
        self,
        para: Paragraph,
        kind: str,
        value: str,
        quote: str,
        name: str | None = None,
        scale: str | None = None,
        year: int | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        quote = quote.strip()
        value = re.sub(r"\s+", " ", value).strip()
        if not quote or not value or quote not in para.text:
            return  # provenance is never invented: a quote that is not verbatim is no quote
        if kind in ("overall_rating", "standard_rating") and not is_valid_rating(value, scale):
            return  # the closed vocabulary is the contract; never store anything else as a rating
        key = (kind, squeeze(name or ""), value.lower())
        if key in self.seen:
            return
        self.seen.add(key)
        self.facts.append(
            Fact(
                subject=self.subject, kind=kind, value=value, document=self.doc.doc_id, source=self.doc.source,
                paragraph=para.ordinal, quote=quote, name=name, scale=scale, label=para.label,
                year=year if year is not None else self.year, extra=extra,
            )
        )


def extract_facts(doc: Document, paragraphs: Sequence[Paragraph]) -> list[Fact]:
    """Every inspection fact in ``doc`` with the paragraph and verbatim quote it comes from.

    Args:
        doc: the document (its meta names the service when it is about one).
        paragraphs: its paragraphs, in order.

    Returns:
        Facts of kinds service, inspectorate, fieldwork_date, publication_date, overall_rating,
        standard_rating, score, recommendation_count, recommendation and action.
    """
    paras = [p for p in paragraphs if p.text.strip()]
    lines = list(_lines(paras))
    subject = infer_subject(doc, paras)
    dates = list(_date_mentions(lines))
    year = _inspection_year(doc, dates)
    out = _Builder(doc, subject, year)
    for kind, line, quote, iso in dates:
        date_year = int(iso[:4])
        out.add(line.para, kind, iso, quote, year=date_year if kind == "fieldwork_date" or year is None
                or abs(date_year - year) > 1 else year)
    _service_and_inspectorate(out, paras)
    _ratings(out, lines)
    _scores(out, lines)
    _recommendation_counts(out, lines)
    _recommendations(out, lines)
    _actions(out, lines)
    return out.facts


# ---------------------------------------------------------------------------------------------------------------
# Lines, subject, dates
# ---------------------------------------------------------------------------------------------------------------


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.split("\t"))


def _lines(paras: Sequence[Paragraph]) -> Iterator[_Line]:
    """Each paragraph's lines; tab-separated ones are table rows under the header of their table."""
    header: tuple[str, ...] | None = None
    prev_row = False
    for p in paras:
        context = [c for c in (p.context or "").split("\n") if c.strip()]
        own_header = _cells(context[0]) if context and "\t" in context[0] else None
        dividers = tuple(context[1:])
        for raw in p.text.split("\n"):
            if not raw.strip():
                continue
            if "\t" not in raw:
                yield _Line(p, raw, None, None)
                prev_row = False
                continue
            cells = _cells(raw)
            if own_header is not None:
                yield _Line(p, raw, cells, own_header, raw.strip() == context[0].strip(), dividers)
            elif not prev_row:
                header = cells  # the first row of a run of rows is its header
                yield _Line(p, raw, cells, cells, is_header=True)
            else:
                yield _Line(p, raw, cells, header)
            prev_row = True
        if p.kind != "table_row" and own_header is None:
            prev_row = False


def _sentences(text: str) -> Iterator[str]:
    """Sentences of one line, verbatim (split after . ! ? ; before a capital, quote or bracket)."""
    for part in re.split(r"(?<=[.!?;])\s+(?=[A-Z'\"‘“(\d])", text):
        part = re.sub(r"^\s*[-•–*▪]\s+", "", part).strip()
        if part:
            yield part


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
                kind = {"YJS": "Youth Justice Service", "YOS": "Youth Offending Service", "YOT": "Youth Offending Team"}
                counts[f"{place} {kind.get(m.group('kind'), m.group('kind'))}"] += 5 if weight == 0 else 1
        for m in re.finditer(r"youth (justice|offending) (?:services?|work) in (?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)*)", text, re.I):
            place = _clean_place(m.group("place"))
            if place:
                counts[f"{place} Youth {m.group(1).title()} Service"] += 5 if weight == 0 else 1
    if not counts:
        return None
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
    day = m.groupdict().get("day")
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"


_FIELDWORK = (
    re.compile(rf"\bfieldwork\b[^.]{{0,80}}?\b(?:beginning|began|begun|starting|started|commenced|commencing|from|on|in|during)\b\s*:?\s*(?:the\s+week\s+(?:of|beginning)\s+)?{_DATE}", re.I),
    re.compile(rf"\binspection\b[^.]{{0,60}}?\btook place\s+(?:in|on|during|from|between)\s+{_DATE}", re.I),
    re.compile(rf"\b(?:undertook|carried out|conducted|completed)\b[^.]{{0,100}}?\binspection\b[^.]{{0,100}}?\b(?:in|during|on)\s+{_DATE}", re.I),
    re.compile(rf"\binspect(?:ed|ors visited)\b[^.]{{0,60}}?\b(?:in|during|on)\s+{_DATE}", re.I),
)
_PUBLISHED = (
    re.compile(rf"\b(?:report|inspection|findings|it)\b[^.]{{0,80}}?\bpublished\s+(?:in|on)\s+{_DATE}", re.I),
    re.compile(rf"\b(?:report|inspection)\b[^.]{{0,80}}?\bpublished\s+in\s+{_DATE_SHORT}", re.I),
    re.compile(rf"\breport\b[^.]{{0,40}}\bavailable\b.{{0,120}}?\bfrom\s+{_DATE}", re.I),
    re.compile(rf"^\s*(?:HM Inspectorate of \w+|HMI \w+|Ofsted|Care Quality Commission)\s*,\s*{_DATE}\s*$"),
)


def _date_mentions(lines: Sequence[_Line]) -> Iterator[tuple[str, _Line, str, str]]:
    """(kind, line, quote, ISO date) for fieldwork and publication dates, in document order."""
    for line in lines:
        if line.cells is not None:
            # A timeline row: "June 2024 <tab> Inspection commenced." / "September 2024 <tab> report published."
            cells = [c for c in line.cells if c]
            if len(cells) >= 2:
                m = re.fullmatch(_DATE, cells[0], re.I)
                event = " ".join(cells[1:]).lower()
                if m and re.search(r"inspection (?:commenced|started|began|fieldwork)|fieldwork|on-?site", event):
                    yield "fieldwork_date", line, line.text.strip(), _iso(m)
                elif m and re.search(r"\bpublished\b|publication", event) and "report" in event:
                    yield "publication_date", line, line.text.strip(), _iso(m)
            for m in re.finditer(rf"\bfieldwork\s+(?:started|began|commenced)\s*:?\s*{_DATE}", line.text, re.I):
                yield "fieldwork_date", line, m.group(0), _iso(m)
            continue
        for sentence in _sentences(line.text):
            for kind, patterns in (("fieldwork_date", _FIELDWORK), ("publication_date", _PUBLISHED)):
                for pattern in patterns:
                    m = pattern.search(sentence)
                    if m and not re.search(r"\b(?:next|will|planned|due to)\b", sentence[: m.start("month")], re.I):
                        yield kind, line, sentence, _iso(m)
                        break


def _inspection_year(doc: Document, dates: Sequence[tuple[str, _Line, str, str]]) -> int | None:
    """The year of the inspection the document is about: fieldwork, else publication, else an inspectorate's date."""
    for wanted in ("fieldwork_date", "publication_date"):
        years = Counter(int(iso[:4]) for kind, _, _, iso in dates if kind == wanted)
        if years:
            return years.most_common(1)[0][0]
    if doc.meta.kind in ("inspection_report", "press_release"):
        return doc.meta.year
    return None


def _service_and_inspectorate(out: _Builder, paras: Sequence[Paragraph]) -> None:
    """The service fact (quoting a mention of it) and the inspectorate most mentioned."""
    if out.subject:
        place = re.split(r"\s+(?:Youth|YJS|YOS|YOT)\b", out.subject)[0]
        exact = re.compile(re.escape(out.subject), re.I)
        loose = re.compile(rf"\b{re.escape(place)}\s+(?:Youth (?:Justice|Offending) (?:Service|Team)s?|YJS|YOS|YOT)\b")
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


# ---------------------------------------------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------------------------------------------


def _clean_cells(cells: Sequence[str]) -> list[str]:
    """Cells without icon junk ("${}$", LaTeX arrows) or HTML tags; empty cells dropped."""
    out = []
    for c in cells:
        c = _JUNK.sub(" ", c).strip()
        if re.search(r"[A-Za-z0-9]", c):
            out.append(c)
    return out


def _standard_from(text: str, domain: str | None) -> str | None:
    """The framework label a row or heading names: "2.2 Planning", "3.4 Out-of-court disposal policy an"."""
    m = re.match(r"\s*([1-4])\s*\.\s*([1-4])\b\.?\s*(.*)", text, re.S)
    if m:
        label = f"{m.group(1)}.{m.group(2)}"
        name = STANDARDS.get(label)
        if name and _same_start(m.group(3), name):
            return label
        return None
    if domain:
        for label, name in STANDARDS.items():
            if label.startswith(domain + ".") and squeeze(text).startswith(squeeze(name)):
                return label
    for label, name in STANDARDS.items():
        # Names only one standard has (not "Planning": court and out-of-court both have it).
        unique = sum(squeeze(n) == squeeze(name) for n in STANDARDS.values()) == 1
        if unique and len(name) > 8 and squeeze(text).startswith(squeeze(name)):
            return label
    return None


def _same_start(text: str, name: str) -> bool:
    a, b = squeeze(text), squeeze(name)
    need = min(len(b), 8)
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= need


def _standard_name(label: str) -> str:
    return f"{label} {STANDARDS[label]}"


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
    cells = _clean_cells(cells)
    if len(cells) < 2 and not (cells and "\n" in cells[0]):
        return None
    # A cell (or two adjacent cells, "Requires" | "Improvement") that is nothing but a rating.
    for i in range(1, len(cells)):
        key = rating_key(cells[i])
        if key is None and i + 1 < len(cells):
            key = rating_key(cells[i] + cells[i + 1]) if squeeze(cells[i]) in ("requires", "require") else None
        if key:
            return " ".join(cells[:i]), key
    tokens = re.findall(r"[A-Za-z0-9]+", " ".join(cells))
    hit = _trailing_rating(tokens)
    if hit:
        return " ".join(tokens[: -hit[1]]), hit[0]
    return None


def _is_overall_name(text: str) -> bool:
    s = squeeze(text)
    return s.startswith("overal") and len(s) <= len("overaljudgement") + 2


class _RatingState:
    """Where the reader is: the standard a section is about and the domain a table is in."""

    def __init__(self) -> None:
        self.standard: str | None = None
        self.domain: str | None = None
        self.para: int | None = None


def _ratings(out: _Builder, lines: Sequence[_Line]) -> None:
    framework_ok = out.year is None or out.year >= FRAMEWORK_FROM_YEAR
    state = _RatingState()
    for line in lines:
        if line.para.ordinal != state.para:
            state.para = line.para.ordinal
            # The section is a path ("Domain two: Court disposals > 2.2. Planning > Strengths"): innermost
            # standard wins.
            for part in reversed((line.para.section or "").split(" > ")):
                section_label = _standard_from(part, None)
                if section_label:
                    state.standard = section_label
                    break
            for divider in line.dividers:
                _note_domain(state, divider.replace("\t", " "))
        text = line.text
        cells = line.cells if line.cells is not None else _slide_cells(text)
        first = " ".join(_clean_cells(cells or (text,))[:2])
        _note_domain(state, first)
        heading = _standard_from(first, state.domain) if framework_ok else None
        if heading and len(text) < 120 and not _TERM.search(text):
            state.standard = heading  # a standard's heading: a bare rating below it belongs to it
        if cells is not None and _table_rating(out, line, cells, state, framework_ok):
            continue
        if framework_ok and _bare_rating(out, line, state):
            continue
        for sentence in _sentences(text):
            _sentence_ratings(out, line, sentence)


def _note_domain(state: _RatingState, text: str) -> None:
    """Remember the domain a row opens ("2. Court disposals", "Domain three: Out-of-court disposals")."""
    names = "|".join(map(re.escape, DOMAINS.values()))
    m = re.match(rf"\s*([1-4])\s*\.?\s+({names})\s*$", text, re.I)
    if m:
        state.domain = m.group(1)
        return
    words = {"one": "1", "two": "2", "three": "3", "four": "4"}
    m = re.match(rf"\s*Domain\s+(one|two|three|four|[1-4])\b", text, re.I)
    if m:
        state.domain = words.get(m.group(1).lower(), m.group(1))


def _slide_cells(text: str) -> tuple[str, ...] | None:
    """Short slide/list lines "Overall rating: Good" or "2.2 Planning - Requires improvement" read as rows."""
    body = re.sub(r"^\s*[-•–*]\s*", "", text)
    if len(body) > 120:
        return None
    parts = re.split(r"\s*:\s+|\s+[-–—]\s+", body)
    return tuple(parts) if len(parts) == 2 else None


def _table_rating(out: _Builder, line: _Line, cells: Sequence[str], state: _RatingState, framework_ok: bool) -> bool:
    """A ratings-table row: "Overall rating | Good", "2.2 | Planning | Requires improvement"."""
    found = _row_rating(cells)
    if not found:
        return False
    name_text, key = found
    quote = line.text.strip()
    year = out.year
    if _is_overall_name(name_text):
        scale = choose_scale(key, year)
        out.add(line.para, "overall_rating", spell(key, scale) or "", quote, scale=scale)
        return True
    label = _standard_from(name_text, state.domain) if framework_ok else None
    if label and YOUTH_2018 in scales_of(key):
        out.add(line.para, "standard_rating", spell(key, YOUTH_2018) or "", quote, name=_standard_name(label),
                scale=YOUTH_2018)
        return True
    # A two-cell legacy area row: "Reducing the likelihood of reoffending | Unsatisfactory".
    clean = _clean_cells(cells)
    if (
        len(clean) == 2 and line.cells is not None and rating_key(clean[1]) == key and not _TERM.search(clean[0])
        and (year is None or year < FRAMEWORK_FROM_YEAR) and LEGACY in scales_of(key)
        and re.search(r"[a-z]{3}", clean[0])
    ):
        out.add(line.para, "standard_rating", spell(key, LEGACY) or "", quote, name=clean[0], scale=LEGACY)
        return True
    return False


def _bare_rating(out: _Builder, line: _Line, state: _RatingState) -> bool:
    """A line that is only a rating ("Outstanding"), or a standard's heading ending in one, under a standard."""
    body = _JUNK.sub(" ", line.text).strip()
    key = rating_key(body) if len(body) < 30 else None
    whole = _JUNK.sub(" ", line.para.text).strip()
    if key is None and "\n" in whole and len(whole) < 40 and rating_key(whole):
        # "Requires\nImprovement": a rating the PDF broke over lines; quote the whole paragraph.
        key, body = rating_key(whole), whole
        if line.text.strip() != line.para.text.strip().split("\n")[0].strip():
            return True  # already taken from the paragraph's first line
    label = state.standard
    if key is None:
        head = _standard_from(body, state.domain)
        m = re.search(r"[.!]\s+(Good|Outstanding|Inadequate|Requires [Ii]mprovement)\s*$", body)
        if head and m:
            key, label = m.group(1).lower(), head
    if key is None or label is None or YOUTH_2018 not in scales_of(key):
        return False
    quote = line.para.text.strip() if body == whole else line.text.strip()
    out.add(line.para, "standard_rating", spell(key, YOUTH_2018) or "", quote, name=_standard_name(label),
            scale=YOUTH_2018)
    return True


_AREA = re.compile(
    r"\b(?P<area>work (?:to|with|on|in) [^.;:]{3,100}?)\s+(?:was|were|is|has been|had been)\s+"
    r"(?:(?:judged|rated|found|assessed)\s+(?:to be\s+|as\s+)?)?[" + _QUOTE_CHARS + r"]?"
    r"(?P<t>good|satisfactory|unsatisfactory|poor)\b",
    re.I,
)


def _qualifies(sentence: str, m: re.Match[str]) -> bool:
    """A vocabulary word used as a rating: quoted, Title Case mid-sentence, or right after a rating cue."""
    before = sentence[: m.start("t")]
    if _NEGATED.search(before):
        return False
    if re.search(r"\bfrom\s*[" + _QUOTE_CHARS + r"]?\s*$", before) or re.match(
        r"\s*[" + _QUOTE_CHARS + r"]?\s+to\b", sentence[m.end("t"):]
    ):
        return False  # "from Requires Improvement to Good" describes a change, not a result
    if m.group("open") or m.group("close"):
        return True
    if m.group("t")[0].isupper() and before.strip():
        return True
    return bool(_RATING_CUE.search(before))


def _sentence_year(sentence: str, default: int | None) -> int | None:
    """The year of the inspection a sentence talks about, when it names one ("last inspected in 2016")."""
    m = re.search(r"\binspect\w*\b[^.]{0,40}?\b((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\b\s+inspection", sentence, re.I)
    if m:
        return int(m.group(1) or m.group(2))
    return default


def _sentence_ratings(out: _Builder, line: _Line, sentence: str) -> None:
    """Ratings stated in prose: overall judgements, paraphrases, and legacy area judgements."""
    terms = [m for m in _TERM.finditer(sentence)]
    if not terms:
        return
    distinct = {rating_key(m.group("t")) for m in terms}
    if len(distinct) >= 3 or _HYPOTHETICAL.search(sentence):
        return  # a description of the scale ("good, satisfactory, unsatisfactory and poor") or an aspiration
    year = _sentence_year(sentence, out.year)
    for m in _AREA.finditer(sentence):
        key = m.group("t").lower()
        if year is not None and year >= FRAMEWORK_FROM_YEAR:
            continue  # areas were rated on the legacy scale; later prose like this is description, not a rating
        scale = choose_scale(key, year) if LEGACY in scales_of(key) else None
        if scale == LEGACY:
            area = re.sub(r"^work", "Work", m.group("area").strip())
            out.add(line.para, "standard_rating", spell(key, LEGACY) or "", sentence, name=area, scale=LEGACY, year=year)
    if _AREA.search(sentence):
        return
    rated = [m for m in terms if _qualifies(sentence, m)]
    if not rated:
        return
    overall_at = re.search(r"\boverall\b", sentence, re.I)
    inspection_talk = re.search(r"\binspect\w*|\bHMIP\b|\bInspectorate\b|\bOfsted\b", sentence, re.I)
    label = None
    for lm in re.finditer(r"\b([1-4])\.([1-4])\.?\s+([A-Z][\w-]*(?:\s+[\w-]+){0,5})", sentence):
        candidate = _standard_from(lm.group(0), None)
        label = label or candidate
    if label and not overall_at and (year is None or year >= FRAMEWORK_FROM_YEAR):
        key = rating_key(rated[0].group("t"))
        if key and YOUTH_2018 in scales_of(key):
            out.add(line.para, "standard_rating", spell(key, YOUTH_2018) or "", sentence, name=_standard_name(label),
                    scale=YOUTH_2018, year=year)
        return
    if not (overall_at or inspection_talk):
        return
    if overall_at:
        # The rating nearest to "overall" ("rated 'Good' overall", "overall judgement of 'Good'").
        pick = min(rated, key=lambda m: abs(m.start() - overall_at.start()) + (0 if m.start() > overall_at.start() else 5))
    else:
        pick = rated[0]
        if re.search(r"\b(?:areas?|aspects?|standards?|domains?)\b[^.]{0,30}$", sentence[: pick.start()], re.I):
            return
    key = rating_key(pick.group("t"))
    if key is None:
        return
    scale = choose_scale(key, year)
    if scale == LEGACY and year is not None and year >= FRAMEWORK_FROM_YEAR:
        return  # "poor" in a 2024 report is an adjective, not a legacy grade
    out.add(line.para, "overall_rating", spell(key, scale or "") or "", sentence, scale=scale, year=year)


# ---------------------------------------------------------------------------------------------------------------
# Scores and recommendation counts
# ---------------------------------------------------------------------------------------------------------------


def _scores(out: _Builder, lines: Sequence[_Line]) -> None:
    for line in lines:
        header = " ".join(line.header or ())
        units = [line.text] if line.cells is not None else list(_sentences(line.text))
        for unit in units:
            if not re.search(r"\bscor", unit + (" " + header if line.cells is not None else ""), re.I):
                continue
            for m in re.finditer(r"(?<![\d/.])(\d{1,2})\s*(?:/|out of)\s*(\d{1,3})(?![\d/%]|\.\d)", unit):
                a, b = int(m.group(1)), int(m.group(2))
                if 0 <= a <= b and b >= 4:
                    out.add(line.para, "score", f"{a}/{b}", unit)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUM_WORDS[text.lower()]


_COUNT_TOTAL = re.compile(
    rf"\b(?:made|make|makes|raised|raise|raises|identified|contains?|includes?|with|were|are|is|gave|given|has|have)"
    rf"\s+(?:a\s+total\s+of\s+|total\s+of\s+|the\s+following\s+)?(?P<n>{_NUM})\s+(?:key\s+|main\s+|formal\s+|new\s+"
    rf"|further\s+|specific\s+|priority\s+)?recommendations?\b"
    rf"|\b(?P<n2>{_NUM})\s+recommendations?\s+(?:were|have been|had been|was|has been)\s+(?:made|raised)",
    re.I,
)
_COUNT_TO = re.compile(
    rf"\b(?P<n>{_NUM})\s+recommendations?\s+(?:set out\s+|made\s+|addressed\s+)?(?:for|to)\s+(?P<who>(?:the\s+)?[A-Z][\w&'’ -]{{2,80}}?)"
    rf"(?=\s+to\s+\w+|\s*[.,;:]|\s*$)"
)
_RECEIVED = re.compile(rf"(?P<who>(?:[Tt]he\s+)?[A-Z][\w&'’ -]{{2,80}}?)\s+received\s+(?P<n>{_NUM})\b")


def _who(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .,:;")
    return text[0].upper() + text[1:] if text else text


def _recommendation_counts(out: _Builder, lines: Sequence[_Line]) -> None:
    for line in lines:
        if line.cells is not None:
            continue
        for sentence in _sentences(line.text):
            if "recommendation" not in sentence.lower():
                continue
            addressed = False
            for m in _COUNT_TO.finditer(sentence):
                out.add(line.para, "recommendation_count", str(_number(m.group("n"))), sentence, name=_who(m.group("who")))
                addressed = True
            for m in _RECEIVED.finditer(sentence):
                out.add(line.para, "recommendation_count", str(_number(m.group("n"))), sentence, name=_who(m.group("who")))
                addressed = True
            if addressed:
                continue
            for m in _COUNT_TOTAL.finditer(sentence):
                n = m.group("n") or m.group("n2")
                out.add(line.para, "recommendation_count", str(_number(n)), sentence)
                break


# ---------------------------------------------------------------------------------------------------------------
# Recommendations
# ---------------------------------------------------------------------------------------------------------------

_SHOULD = re.compile(
    r"^(?P<who>(?:The\s+|the\s+)?[A-Z][^:.]{2,120}?)\s+should(?:\s+(?:make sure|ensure)(?:\s+that)?)?\s*:\s*(?P<rest>.*)$",
    re.S,
)
_ITEM = re.compile(r"^\s*(?:[-•–*▪]\s*)?(?P<n>\d{1,2})[.)]\s+(?P<body>\S.*)$", re.S)
_BULLET = re.compile(r"^\s*[-•–*▪]\s+(?P<body>\S.*)$", re.S)
_REC_LABEL = re.compile(r"^\s*Recommendation\s+(?P<n>\d{1,2})\s*(?:[:.\-–]\s*(?P<body>\S.*))?$", re.S | re.I)


@dataclass
class _RecState:
    on: bool = False
    who: str | None = None
    pending: str | None = None  # "Recommendation N" heading waiting for its text
    columns: tuple[str | None, ...] | None = None  # a row of "Recommendation N" headings waiting for their texts


def _value(text: str) -> str:
    """Display text of a cell or item: no HTML tags, icon junk, footnote marks or runs of spaces."""
    return _SUPERSCRIPTS.sub("", re.sub(r"\s+", " ", _JUNK.sub(" ", text))).strip()


def _add_recommendation(out: _Builder, line: _Line, n: str | None, body: str, quote: str, state: _RecState) -> None:
    who = state.who
    m = _SHOULD.match(body)
    if m:
        who = state.who = _who(m.group("who"))
        body = m.group("rest")
    if len(body.split()) < 5:
        return
    extra = (("addressed_to", who),) if who else ()
    out.add(line.para, "recommendation", _value(body), quote, name=n, extra=extra)


def _recommendations(out: _Builder, lines: Sequence[_Line]) -> None:
    state = _RecState()
    for line in lines:
        text = line.text.strip()
        low = text.lower()
        if line.cells is not None:
            cells = [_JUNK.sub("", c).strip() for c in line.cells]
            heads = [_REC_LABEL.match(c) for c in cells]
            if sum(1 for h in heads if h and not h.group("body")) >= 2:
                state.columns = tuple(h.group("n") if h else None for h in heads)
                continue
            if state.columns is not None:
                for n, raw, cell in zip(state.columns, line.cells, cells):
                    if n and cell:
                        _add_recommendation(out, line, n, cell, raw.strip() if raw.strip() in line.para.text else cell, state)
                state.columns = None
                continue
            own = _REC_LABEL.match(line.para.label or "") or _REC_LABEL.match(line.para.context or "")
            filled = [(raw, c) for raw, c in zip(line.cells, cells) if c]
            if own and not own.group("body") and len(filled) == 1 and not _REC_LABEL.match(filled[0][1]):
                # A splitter that already turned the column into its own row, labelled "Recommendation N".
                _add_recommendation(out, line, own.group("n"), filled[0][1], filled[0][0].strip(), state)
            continue
        state.columns = None
        label = _REC_LABEL.match(text)
        para_label = _REC_LABEL.match(line.para.label or "")
        if label:
            if label.group("body"):
                _add_recommendation(out, line, label.group("n"), label.group("body"), text, state)
            else:
                state.pending = label.group("n")
            continue
        if state.pending or (para_label and not _ITEM.match(text) and line.para.kind != "heading"):
            n = state.pending or (para_label.group("n") if para_label else None)
            state.pending = None
            _add_recommendation(out, line, n, text, text, state)
            continue
        should = _SHOULD.match(re.sub(r"^\s*[-•–*]\s*", "", text))
        if should and not should.group("rest").strip():
            state.on, state.who = True, _who(should.group("who"))
            continue
        intro = _COUNT_TO.search(text) or re.search(r"recommendations?\s+(?:set out\s+)?for\s+(?:the\s+)?[A-Z]", text)
        if intro and isinstance(intro, re.Match) and intro.groupdict().get("who"):
            state.who = _who(intro.group("who"))
        item = _ITEM.match(text)
        if state.on and item:
            body = item.group("body")
            _add_recommendation(out, line, item.group("n"), body, text[item.start("n"):], state)
            continue
        bullet = _BULLET.match(text)
        if state.on and state.who and bullet and "recommendation" not in low:
            _add_recommendation(out, line, None, bullet.group("body"), bullet.group("body"), state)
            continue
        if re.search(r"\brecommendations\b", low) and (
            re.search(r"(?:as follows|following|below|these|were made|made:)", low) or text.rstrip().endswith(":")
            or len(text) < 60 or _COUNT_TOTAL.search(text)
        ):
            state.on = True
            continue
        if "recommendation" in low and state.on:
            continue
        state.on = False
        state.who = None if not intro else state.who


# ---------------------------------------------------------------------------------------------------------------
# Action plans
# ---------------------------------------------------------------------------------------------------------------

_COLUMN_KINDS = (
    ("num", re.compile(r"^(?:no\.?|#|ref\.?|number|item|rec(?:ommendation)? no\.?)$", re.I)),
    ("lead", re.compile(r"\b(?:leads?|lead officer|owners?|responsib\w*|accountable|who)\b", re.I)),
    ("when", re.compile(r"\b(?:when|deadline|due|timescale|target date|by when|completion date|date)\b", re.I)),
    ("flag", re.compile(r"^(?:off[- ]?track|on[- ]?track|completed?|not started|in progress|achieved)$", re.I)),
    ("status", re.compile(r"\b(?:status|rag|r\s?a\s?g|progress)\b", re.I)),
    ("action", re.compile(r"\bactions?\b|\bactivit", re.I)),
    ("area", re.compile(r"\b(?:recommendations?|areas?|focus|priority|improvement|issue|objective)\b", re.I)),
    ("theme", re.compile(r"\btheme\b", re.I)),
)


def _column_kinds(header: Sequence[str]) -> list[str | None]:
    kinds: list[str | None] = []
    for cell in header:
        cell = cell.strip()
        kinds.append(next((k for k, rx in _COLUMN_KINDS if cell and rx.search(cell)), None))
    return kinds


def _actions(out: _Builder, lines: Sequence[_Line]) -> None:
    """Rows of an action-plan table (a header with action/area and lead/deadline/status columns)."""
    for line in lines:
        if line.cells is None or line.header is None or line.is_header:
            continue
        kinds = _column_kinds(line.header)
        has_text = "action" in kinds or "area" in kinds
        has_track = any(k in kinds for k in ("lead", "when", "status", "flag"))
        if not (has_text and has_track):
            continue
        cells = list(line.cells) + [""] * max(0, len(kinds) - len(line.cells))
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for kind, head, cell in zip(kinds, line.header, cells):
            if kind and cell.strip():
                by_kind.setdefault(kind, []).append((head, cell.strip()))
        num = by_kind.get("num", [("", "")])[0][1]
        if "num" in kinds and not re.fullmatch(r"\d{1,3}\.?", num):
            continue  # a group row ("Recommendations") or a continuation
        value_kind = "action" if "action" in by_kind else "area"
        if value_kind not in by_kind:
            continue
        value = by_kind[value_kind][0][1]
        extra: list[tuple[str, str]] = []
        if value_kind == "action" and "area" in by_kind:
            extra.append(("recommendation", _value(by_kind["area"][0][1])))
        if "theme" in by_kind:
            extra.append(("theme", by_kind["theme"][0][1]))
        if "lead" in by_kind:
            extra.append(("lead", by_kind["lead"][0][1]))
        if "when" in by_kind:
            extra.append(("deadline", by_kind["when"][0][1]))
        if "status" in by_kind:
            extra.append(("status", by_kind["status"][0][1]))
        elif "flag" in by_kind:
            extra.append(("status", by_kind["flag"][0][0]))  # the ticked column's heading is the status
        out.add(line.para, "action", _value(value), line.text.strip(), name=num.rstrip(".") or None, extra=tuple(extra))
