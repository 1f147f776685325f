"""Answers from the judgements table: a council's judgements, lead inspector and dates, cited cell by cell.

A question about what an inspection judged (overall or an area), who led it or when it took place, for a council
the table holds, is answered from the report's own table (``assistant.judgements``), never from prose about it.
Which inspection: the one of the year the question names (fieldwork or publication year), the one before it when
the question asks what came before, else the latest. An area the inspection's framework did not grade is said to
be not graded, with what was (a refusal: the papers do not give that judgement). Comparisons give each side's
cell and which is better on the framework's scale. Returns None when the table cannot answer, so the other
candidates are weighed as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.analyse import Analysis
from assistant.frameworks import ASKED_AREAS, Area
from assistant.judgements import Cell, Inspection
from assistant.numbers import date_text
from assistant.types import Answer, Citation, Paragraph

# What was asked, by kind of cell.
_LEAD = re.compile(r"\b(?:lead\s+(?:inspector|inspecter|hmi)|inspector\s+led|who\s+(?:led|inspected|was\s+in\s+charge))\b",
                   re.I)
_WHEN = re.compile(r"\b(?:when\b|dates?\b|on\s+site|took\s+place|how\s+long)", re.I)
_JUDGED = re.compile(
    r"\b(?:judge?(?:d|ment|ments)?|grade[sd]?|grading|rat(?:ed|ing|ings)|outcome|result|score[sd]?|verdict|do|did|get|got"
    r"|how\s+(?:good|well)|effectiveness|overall|better|worse|compare|vs|versus)\b",
    re.I,
)
# Which inspection: the one before the one the question names or the latest.
_BEFORE = re.compile(
    r"\b(?:previous|prior|earlier|preceding|time\s+before|before\s+(?:that|this|then|the|its|it)|last\s+time)\b", re.I
)
_BEFORE_YEAR = re.compile(r"\b(?:before|prior\s+to|preceding)\s+(?:the\s+|its\s+)?(?:\w+\s+)?((?:19|20)\d\d)\b", re.I)
_SEPARATE = re.compile(r"\b(?:separate(?:ly)?|on\s+(?:its|their)\s+own|alone|by\s+itself|by\s+themselves)\b", re.I)
_OVERALL = re.compile(r"\boverall\b", re.I)
# The report's list of what must improve ("What needs to improve?", a SIF's "Recommendations").
_IMPROVE = re.compile(
    r"\b(?:needs?\s+to\s+(?:improve|be\s+improved)|areas?\s+(?:for|of|to)\s+improv\w*|recomm?end\w*|recs"
    r"|improvement\s+points?|points?\s+(?:for|to)\s+improv\w*|things?\s+(?:to|that\s+need\s+to)\s+improve"
    r"|what\s+(?:should|must)\b.{0,40}\bimprove)\b",
    re.I,
)


@dataclass(frozen=True)
class _Ask:
    lead: bool
    when: bool
    areas: tuple[str, ...]  # keys of ASKED_AREAS; () with ``judged`` means overall
    judged: bool
    overall: bool


def _asked(question: str, qtype: str) -> _Ask | None:
    q = question.lower()
    areas = tuple(k for k, words in ASKED_AREAS.items() if any(re.search(rf"\b{re.escape(w)}\b", q) for w in words))
    if "care leavers" in q and "in care" in areas and "children in care" not in q:
        areas = tuple(a for a in areas if a != "in_care")  # "care leavers" names no children in care
    lead = bool(_LEAD.search(question))
    when = bool(_WHEN.search(question)) and not lead and qtype in ("when", "general", "rating")
    judged = bool(areas) or qtype == "rating" or bool(_JUDGED.search(question)) and not (lead or when)
    if not (lead or when or judged):
        return None
    return _Ask(lead, when, areas, judged and not (lead and not areas and not _OVERALL.search(question)),
                bool(_OVERALL.search(question)))


def _years(i: Inspection, published: str | None) -> set[int]:
    years = set()
    dates = i.cells.get("inspection_dates")
    if dates:
        years |= {int(d[:4]) for d in dates.value.split(" to ")}
    for when in (i.cells["publication_date"].value if "publication_date" in i.cells else None, published):
        if when:
            years.add(int(when[:4]))
    return years


def choose(rows: Sequence[Inspection], question: str, years: Sequence[int],
           published: Callable[[str], str | None]) -> Inspection | None:
    """The inspection a question about one council means (``rows`` oldest first)."""
    if not rows:
        return None
    before = _BEFORE_YEAR.search(question)
    if before:
        year = int(before.group(1))
        earlier = [r for r in rows if r.start and int(r.start[:4]) < year]
        return earlier[-1] if earlier else None
    if years:
        hits = [r for r in rows if set(years) & _years(r, published(r.document))]
        if len(hits) > 1:  # "the 2019 inspection": fieldwork in 2019 beats published in 2019
            own = [r for r in hits if r.start and int(r.start[:4]) in years]
            hits = own or hits
        if not hits:
            return None
        if _BEFORE.search(question) and re.search(r"\b(?:time\s+before|before\s+(?:that|then|it))\b", question, re.I):
            i = rows.index(hits[-1])
            return rows[i - 1] if i > 0 else None
        return hits[-1]
    if _BEFORE.search(question):
        return rows[-2] if len(rows) >= 2 else None
    return rows[-1]


def _cells(i: Inspection, ask: _Ask, question: str) -> tuple[list[tuple[str, Cell]], list[str]]:
    """(label, cell) pairs answering ``ask`` for ``i``, and the areas asked that ``i``'s framework did not grade."""
    out: list[tuple[str, Cell]] = []
    missing: list[str] = []
    if ask.lead and "lead_inspector" in i.cells:
        out.append(("lead inspector", i.cells["lead_inspector"]))
    if ask.when and "inspection_dates" in i.cells:
        out.append(("inspection dates", i.cells["inspection_dates"]))
    if ask.judged:
        wanted = list(ask.areas)
        for asked in wanted:
            areas: list[Area] = [a for a in i.framework.areas if asked in a.covers]
            if len(areas) > 1:
                areas = [a for a in areas if a.covers == (asked,)] or areas
            area = areas[0] if areas else None
            if area is None or area.key not in i.cells or (len(area.covers) > 1 and _SEPARATE.search(question)):
                missing.append(asked)
                continue
            if all(c is not i.cells[area.key] for _, c in out):
                out.append((area.name, i.cells[area.key]))
        if (not wanted or ask.overall) and "overall" in i.cells:
            out.insert(0, (i.framework.overall, i.cells["overall"]))
    return out, missing


def _dates_as_printed(cell: Cell) -> str:
    m = re.search(r"dates?\s*:?\s*(.*)", cell.quote, re.I | re.S)
    printed = " ".join((m.group(1) if m else "").split())
    return printed or " to ".join(date_text(d) or d for d in cell.value.split(" to "))


def _phrase(label: str, cell: Cell) -> str:
    if label == "lead inspector":
        return f"the lead inspector was {cell.value}"
    if label == "inspection dates":
        return f"the inspection took place {_dates_as_printed(cell)}"
    return f"{label}: {cell.value}"


def _citer(citations: list[Citation], published: Callable[[str], str | None],
           paragraph: Callable[[str, int], Paragraph | None], title: Callable[[str], str | None]) -> Callable[[Cell], int]:
    """A function that cites a cell (once) and returns its marker."""

    def cite(cell: Cell) -> int:
        for c in citations:
            if c.document == cell.document and c.paragraph == cell.paragraph and c.quote == cell.quote:
                return c.marker
        para = paragraph(cell.document, cell.paragraph)
        citations.append(Citation(
            marker=len(citations) + 1, source=para.doc_id if para else cell.document, document=cell.document,
            title=title(cell.document), section=para.section if para else None,
            label=para.cited_label if para else None, paragraph=cell.paragraph, page=cell.page, quote=cell.quote,
            date=published(cell.document),
        ))
        return len(citations)

    return cite


def _at(i: Inspection) -> str:
    when = _dates_as_printed(i.cells["inspection_dates"]) if "inspection_dates" in i.cells else None
    return f"at the inspection of {when}" if when else f"in {i.document}"


def _improvements(
    question: str, analysis: Analysis, places: Sequence[str], by_place: dict[str, list[Inspection]],
    published: Callable[[str], str | None], paragraph: Callable[[str, int], Paragraph | None],
    title: Callable[[str], str | None], counting: bool,
) -> Answer | None:
    """What the report lists as needing to improve (or how many points), each point cited."""
    citations: list[Citation] = []
    cite = _citer(citations, published, paragraph, title)
    parts = []
    for place in places:
        chosen = choose(by_place[place], analysis.normalised, analysis.years, published)
        if chosen is None or not chosen.improvements:
            return None
        points = chosen.improvements
        if counting:
            marks = "".join(f"[{cite(c)}]" for c in points)
            parts.append(f"{place}, {chosen.framework.label} {_at(chosen)}: the report lists {len(points)} points "
                         f"that need to improve {marks}.")
        else:
            listed = "; ".join(f"{c.value} [{cite(c)}]" for c in points)
            parts.append(f"{place}, {chosen.framework.label} {_at(chosen)}: the report lists {len(points)} points "
                         f"that need to improve: {listed}")
    return Answer(question=question, text=" ".join(parts), refused=False, citations=tuple(citations),
                  trace={"source": "judgements"})


def answer_from_table(
    question: str,
    analysis: Analysis,
    by_place: dict[str, list[Inspection]],
    published: Callable[[str], str | None],
    paragraph: Callable[[str, int], Paragraph | None],
    title: Callable[[str], str | None],
) -> Answer | None:
    """The table's answer to ``question`` about the councils ``analysis`` names, or None."""
    if not analysis.places:
        return None
    places = [p for p in analysis.places if by_place.get(p)]
    if len(places) != len(analysis.places):
        return None
    counting = analysis.qtype == "how_many"
    if _IMPROVE.search(analysis.normalised) or (counting and re.search(r"\bimprov", analysis.normalised, re.I)):
        return _improvements(question, analysis, places, by_place, published, paragraph, title, counting)
    if counting:
        return None
    ask = _asked(analysis.normalised, analysis.qtype)
    if ask is None:
        return None
    citations: list[Citation] = []
    parts: list[str] = []
    compared: list[tuple[str, str, Inspection, Cell]] = []
    refusals: list[str] = []
    cite = _citer(citations, published, paragraph, title)

    for place in places:
        chosen = choose(by_place[place], analysis.normalised, analysis.years, published)
        if chosen is None:
            return None
        cells, missing = _cells(chosen, ask, analysis.normalised)
        at = _at(chosen)
        if missing and not cells:
            graded = [(a.name, chosen.cells[a.key]) for a in chosen.framework.areas if a.key in chosen.cells]
            listed = "; ".join(f"{n}: {c.value} [{cite(c)}]" for n, c in graded)
            refusals.append(
                f"{place}'s {chosen.framework.label} {at} did not grade "
                f"{' or '.join(m.replace('_', ' ') for m in missing)} as a separate judgement. It graded: {listed}."
            )
            continue
        if not cells:
            return None
        said = "; ".join(f"{_phrase(label, c)} [{cite(c)}]" for label, c in cells)
        parts.append(f"{place}, {chosen.framework.label} {at}: {said}.")
        judged = [(label, c) for label, c in cells if label not in ("lead inspector", "inspection dates")]
        if judged:
            compared.append((place, judged[0][0], chosen, judged[0][1]))
    if refusals and not parts:
        return Answer(question=question, text="The documents don't say. " + " ".join(refusals), refused=True,
                      citations=tuple(citations), trace={"source": "judgements"})
    if refusals:
        return None  # one side answered, the other not graded: the scored candidates decide
    if len(compared) >= 2 and analysis.compares:
        scale = [g.lower() for g in compared[0][2].framework.scale]
        ranks = {(p, c.value): scale.index(c.value.lower()) for p, _, _, c in compared if c.value.lower() in scale}
        if len(ranks) == len(compared):
            best = min(ranks.values())
            top = [p for (p, _), r in ranks.items() if r == best]
            if len(top) == len(compared):
                parts.append(f"Both were judged {compared[0][3].value}: neither is better on Ofsted's scale.")
            else:
                parts.append(f"{top[0]} was judged better on Ofsted's scale ({', '.join(compared[0][2].framework.scale)}).")
    return Answer(question=question, text=" ".join(parts), refused=False, citations=tuple(citations),
                  trace={"source": "judgements"})
