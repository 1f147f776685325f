"""Judgements of frameworks that print a judgement table (Ofsted ILACS and SIF reports), read with the framework.

Which framework a report is follows from its table: the framework whose area rows (its own names, from
``assistant.frameworks``) the first pages print with a grade. A report whose first lines call it a focused visit,
a monitoring visit or a joint targeted area inspection is ungraded: no judgement is ever stored for it. Grades are
stored in the framework's spelling; a row's label and grade are quoted as printed (a PDF wraps both over lines).

Only rows and statements count: a sentence saying a grade was *not* achieved, or the earlier inspection's grade in
prose, never matches a row ("label grade") or a framework's own overall statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.candidates import bullet_items
from assistant.answering.features import line_key, repeated_lines
from assistant.frameworks import FRAMEWORKS, Area, Framework, spell_grade
from assistant.numbers import date_range
from assistant.types import Paragraph
from ingest.facts_text import Builder, lines_of, sentences

_GRADE = r"(?P<grade>outstanding|good|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?|not\s+judged)\b"
_TABLE_PAGES = 2  # the judgement table is on page 1; a long one runs onto page 2
_LEAD = re.compile(
    r"\bLead inspector\s*:?\s*(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z]\.?)?(?:\s+(?:[A-Z][\w’'-]+|de|van|von))*?)"
    r"(?=\s*(?:,|\(|\bHMI\b|\bSenior\b|\bHer\b|\bHis\b|\bOfsted\b|\bSocial\b|\n|$))",
)
# The range is on the label's line; a PDF may wrap its year onto the next.
_PUBLISHED = re.compile(r"\bReport published\s*:?\s*(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d\d)\b")
_DATES = re.compile(
    r"\bInspection dates?\s*:?\s*(?P<range>[^\n]*\b(?:19|20)\d\d\b|[^\n]*\n[^\n]{0,40}\b(?:19|20)\d\d\b)", re.I
)


@dataclass(frozen=True)
class Judgement:
    """One cell of a judgement table: the area (``None`` for overall), its grade and the quote that shows both."""

    area: Area | None
    grade: str
    para: Paragraph
    quote: str


def _words(name: str) -> str:
    """A printed name as a pattern that survives a PDF's line wraps and Title Case ("Leadership, management")."""
    return r"\s+".join(re.escape(w) for w in name.split())


def _row(area_name: str) -> re.Pattern[str]:
    # "1. Children who need help and protection Good", "2.1 Adoption performance  Good",
    # "... children and families. Good", "... care leavers: good"
    # The grade ends the row: prose that starts like a row ("Leadership, management and governance require
    # improvement when ...", the scale's own description) is no row.
    return re.compile(
        rf"(?:\b\d(?:\.\d)?\.?\s+)?{_words(area_name)}\s*[.:–-]?\s*{_GRADE}(?=[ \t]*\.?\d?[ \t]*(?:\n|$))", re.I
    )


def _statement(pattern: str) -> re.Pattern[str]:
    text = pattern.replace("{grade}", _GRADE).replace("{place}", r"(?:the\s+)?[A-Z][\w’' ,&\n-]{1,80}?")
    return re.compile(text, re.I)


def _area_statement(area: Area) -> re.Pattern[str]:
    """An area judged in a sentence of its own at the start of a line: "The effectiveness of the Local Safeguarding
    Children Board (LSCB) requires improvement", "The Local Safeguarding Children Board is good"."""
    core = _words(re.sub(r"^The effectiveness of the ", "", area.name))
    return re.compile(
        rf"(?m)^\s*(?:The judgement for )?(?:the effectiveness of )?(?:the )?{core}(?:\s*\([A-Z]+\))?\s+"
        rf"(?:is\s+|are\s+)?{_GRADE}",
        re.I,
    )


def framework_of(paragraphs: Sequence[Paragraph]) -> Framework | None:
    """The ungraded framework a report's first lines name (focused visit, monitoring visit, JTAI), else None."""
    head = " ".join(p.text for p in paragraphs[:4])[:400]
    for framework in FRAMEWORKS:
        if not framework.graded and framework.title and re.search(framework.title, head, re.I):
            return framework
    return None


def read_table(paragraphs: Sequence[Paragraph], framework: Framework) -> list[Judgement]:
    """The framework's cells the report prints: table rows on its first pages, the overall statement, and areas
    judged in a statement of their own anywhere. One judgement per area, the first printed."""
    head = [p for p in paragraphs if p.page is None or p.page <= _TABLE_PAGES][:60]
    found: dict[str | None, Judgement] = {}
    rows = [(a, _row(a.name)) for a in framework.areas if not a.statement_only]
    rows.sort(key=lambda pair: -len(pair[0].name))  # "... children in care and care leavers" before "... in care"
    for para in head:
        taken: list[tuple[int, int]] = []
        for area, pattern in [*rows, (None, _row(framework.overall) if framework.overall else None)]:
            if pattern is None or (area.key if area else None) in found:
                continue
            for m in pattern.finditer(para.text):
                if any(m.start() < end and start < m.end() for start, end in taken):
                    continue
                grade = spell_grade(m.group("grade"), framework)
                taken.append((m.start(), m.end()))
                if grade:
                    found[area.key if area else None] = Judgement(area, grade, para, m.group(0).strip())
                break
    if None not in found:
        for para in head:
            for pattern in framework.statements:
                m = _statement(pattern).search(para.text)
                grade = spell_grade(m.group("grade"), framework) if m else None
                if m and grade:
                    found[None] = Judgement(None, grade, para, m.group(0).strip())
                    break
            if None in found:
                break
    for area in framework.areas:
        if area.statement_only:
            pattern = _area_statement(area)
            for para in paragraphs:
                m = pattern.search(para.text)
                grade = spell_grade(m.group("grade"), framework) if m else None
                if m and grade:
                    found[area.key] = Judgement(area, grade, para, m.group(0).strip())
                    break
    return list(found.values())


def extract_judgements(out: Builder, paragraphs: Sequence[Paragraph]) -> Framework | None:
    """Store the judgements, lead inspector and inspection dates of a report of a framework with a judgement
    table; return the framework (None when the report is of none of them, so other extractors read it)."""
    ungraded = framework_of(paragraphs)
    if ungraded is not None:
        _cover(out, paragraphs, ungraded)
        return ungraded
    best: tuple[int, Framework, list[Judgement]] | None = None
    for framework in FRAMEWORKS:
        if not framework.graded or not framework.areas or framework.inspectorate != "Ofsted":
            continue
        cells = read_table(paragraphs, framework)
        rows = sum(1 for j in cells if j.area is not None and not j.area.statement_only)
        if rows >= 2 and (best is None or rows > best[0]):
            best = (rows, framework, cells)
    if best is None:
        return None
    _, framework, cells = best
    for j in cells:
        if j.area is None:
            out.add(j.para, "overall_rating", j.grade, j.quote, name=framework.overall, scale=framework.key,
                    extra=(("framework", framework.key),))
        else:
            out.add(j.para, "area_rating", j.grade, j.quote, name=j.area.name, scale=framework.key,
                    extra=(("area", j.area.key), ("framework", framework.key)))
    _cover(out, paragraphs, framework)
    _improvements(out, paragraphs, framework)
    _earlier(out, paragraphs, framework)
    return framework


# "Following the last inspection in 2018, when the local authority was judged good overall", "which were judged to
# be inadequate at the last inspection in 2019": the judgement of an earlier inspection, stated in this report.
_EARLIER = re.compile(r"\b(?:last|previous|earlier|prior)\s+(?:[\w’'-]+\s+){0,5}?inspection\b", re.I)
_EARLIER_GRADE = re.compile(
    r"\b(?:judged|rated|graded|found)\s+(?:to\s+be\s+|as\s+)?(?:an?\s+)?(?P<grade>outstanding|good|adequate|inadequate"
    r"|requir\w*\s+improvement(?:\s+to\s+be\s+good)?)\b(?!\s+(?:in|at|for)\s+(?:some|most|all|many)\b)",
    re.I,
)
# An earlier inspection of something else (a fostering or adoption service, a children's home, the LSCB).
_OTHER_SERVICE = re.compile(
    r"\b(?:fostering|adoption|children[’']s\s+homes?|residential|boards?|lscb|youth\s+offending|private)\b", re.I
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _earlier(out: Builder, paragraphs: Sequence[Paragraph], framework: Framework) -> None:
    """The earlier inspection's overall judgement where the report states it, as an ``earlier_rating`` fact with
    that inspection's year (never this report's own judgement). A sentence that negates it never counts."""
    for line in lines_of(paragraphs):
        parts = list(sentences(line.text))
        for i, sentence in enumerate(parts):
            at = _EARLIER.search(sentence)
            if not at or _OTHER_SERVICE.search(sentence) or re.search(r"\bnot\s+(?:been\s+)?judged\b", sentence, re.I):
                continue
            years = [m for m in _YEAR.finditer(sentence)]
            quote = sentence
            grade = _EARLIER_GRADE.search(sentence)
            if grade is None and i + 1 < len(parts) and re.match(r"(?:The local authority|It|Services?)\b", parts[i + 1]):
                # "The previous inspection ... was in November 2013. The local authority was judged to be inadequate."
                grade = _EARLIER_GRADE.search(parts[i + 1])
                start = line.text.find(sentence)
                end = line.text.find(parts[i + 1], start) + len(parts[i + 1])
                quote = line.text[start:end] if start >= 0 and end > start else sentence
            if grade is None or not years:
                continue
            # The year of the earlier inspection: the one nearest after "last inspection", else the sentence's first.
            after = [m for m in years if m.start() >= at.end()]
            year = int((after[0] if after and after[0].start() - at.end() < 40 else years[0]).group(0))
            value = spell_grade(grade.group("grade"), framework) or grade.group("grade").strip().capitalize()
            out.add(line.para, "earlier_rating", value, quote, name=f"overall {year}", year=year,
                    extra=(("framework", framework.key),))


_MAX_POINTS = 30
# A numbered recommendation is an instruction ("Ensure that ...", "The local authority should ..."); a numbered
# paragraph that states a finding ends the list.
_INSTRUCTION = re.compile(
    r"\b(?:should|must|ensure|improve|strengthen|develop|prioriti[sz]e|review|increase|reduce|establish|provide"
    r"|embed|address|implement|evaluate|make sure|take|continue|consider|extend|secure|put in place|complete)\b",
    re.I,
)


def _improvements(out: Builder, paragraphs: Sequence[Paragraph], framework: Framework) -> None:
    """Each point of the report's "What needs to improve?" list (bulleted, or numbered under sub-headings such as
    "Areas for improvement"), stored as ``improvement`` facts numbered from 1, in order. The list ends at the first
    paragraph that is neither a point, a sub-heading nor page furniture (a running header)."""
    if not framework.improve:
        return
    # "What needs to improve?", "What needs to improve:", "What needs to improve?1" (a footnote mark)
    heading = re.compile(rf"(?m)^[ \t]*{framework.improve}[?:]?\d?[ \t]*$", re.I)
    start = next((i for i, p in enumerate(paragraphs) if heading.search(p.text)), None)
    if start is None:
        return
    furniture = repeated_lines([(p.page, p.text) for p in paragraphs])

    def margin(line: str) -> bool:  # a page number or a running header
        return line.strip().isdigit() or line_key(line) in furniture

    points: list[tuple[Paragraph, str]] = []
    first = paragraphs[start]
    after = first.text[heading.search(first.text).end() :]  # type: ignore[union-attr]
    points += [(first, item) for item in bullet_items(after)]
    numbered: bool | None = False if points else None
    for para in paragraphs[start + 1 : start + 60]:
        if len(points) >= _MAX_POINTS:
            break
        lines = [ln for ln in para.text.split("\n") if ln.strip()]
        bullets = bullet_items(para.text)
        lead = lines[: next((i for i, ln in enumerate(lines) if bullet_items(ln)), len(lines))]
        if para.kind == "list_item" and para.label and numbered is not False:
            body = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", para.text)
            if not _INSTRUCTION.search(re.split(r"(?<=[.;])\s", body, maxsplit=1)[0]):
                break  # a numbered finding, not a recommendation: the list is over
            points.append((para, para.text.strip()))
            numbered = True
        elif bullets and all(margin(ln) for ln in lead):
            if numbered is not True:  # (bullets under a numbered recommendation are part of it)
                points += [(para, item) for item in bullets]
                numbered = False
        elif lines and all(margin(ln) for ln in lines[:2]):
            continue  # a running header or a page number between two pages of the list
        elif not points and len(lines) == 1 and len(lines[0]) < 60 and not lines[0].rstrip().endswith("."):
            continue  # "Areas for improvement", "Priority and immediate action"
        else:
            break
    for n, (para, item) in enumerate(points, start=1):
        out.add(para, "improvement", re.sub(r"^\W+\s*", "", " ".join(item.split())), item, name=str(n),
                extra=(("framework", framework.key),))


def _cover(out: Builder, paragraphs: Sequence[Paragraph], framework: Framework) -> None:
    """The lead inspector and the inspection dates as the report prints them (first on the cover, else in its
    "Information about this inspection")."""
    for para in paragraphs:
        m = _LEAD.search(para.text)
        if m and len(m.group("name").split()) >= 2:
            out.add(para, "lead_inspector", m.group("name"), m.group(0).strip(), extra=(("framework", framework.key),))
            break
    for para in paragraphs:
        m = _DATES.search(para.text)
        span = date_range(m.group("range")) if m else None
        if m and span:
            out.add(para, "inspection_dates", f"{span[0]} to {span[1]}", m.group(0).strip(), year=int(span[0][:4]),
                    extra=(("framework", framework.key),))
            break
    for para in paragraphs[:40]:
        m = _PUBLISHED.search(para.text)
        day = date_range(m.group("date")) if m else None
        if m and day:
            out.add(para, "publication_date", day[0], m.group(0).strip())
            break


__all__ = ["Judgement", "extract_judgements", "framework_of", "read_table"]
