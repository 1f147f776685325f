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

from assistant.answering.analyse import Analysis
from assistant.answering.table_questions import (
    BEFORE,
    BEFORE_YEAR,
    CHANGE,
    COUNCILS,
    FOLLOWS,
    GRADE_WORD,
    IMPROVE,
    SAME,
    SEPARATE,
    Ask,
    read_ask,
)
from assistant.frameworks import ASKED_AREAS, FRAMEWORKS, Area
from assistant.judgements import Cell, Inspection
from assistant.numbers import date_text
from assistant.types import Answer, Citation, Paragraph


def _years(i: Inspection, dated: Sequence[str]) -> set[int]:
    """The years a question may call an inspection by: its fieldwork's, its publication's, the paper's own dates."""
    years = set()
    dates = i.cells.get("inspection_dates")
    if dates:
        years |= {int(d[:4]) for d in dates.value.split(" to ")}
    for when in (i.cells["publication_date"].value if "publication_date" in i.cells else None, *dated):
        if when:
            years.add(int(when[:4]))
    return years


def choose(rows: Sequence[Inspection], question: str, years: Sequence[int],
           dated: Callable[[str], tuple[str, ...]]) -> Inspection | None:
    """The inspection a question about one council means (``rows`` oldest first)."""
    if not rows:
        return None
    before = BEFORE_YEAR.search(question)
    if before:
        year = int(before.group(1))
        earlier = [r for r in rows if r.start and int(r.start[:4]) < year]
        return earlier[-1] if earlier else None
    if years:
        hits = [r for r in rows if set(years) & _years(r, dated(r.document))]
        if len(hits) > 1:  # "the 2019 inspection": fieldwork in 2019 beats published in 2019
            own = [r for r in hits if r.start and int(r.start[:4]) in years]
            hits = own or hits
        if not hits:
            return None
        if BEFORE.search(question) and re.search(r"\b(?:time\s+before|before\s+(?:that|then|it))\b", question, re.I):
            i = rows.index(hits[-1])
            return rows[i - 1] if i > 0 else None
        return hits[-1]
    if BEFORE.search(question):
        return rows[-2] if len(rows) >= 2 else None
    return rows[-1]


def _picks(rows: Sequence[Inspection], analysis: Analysis, dated: Callable[[str], tuple[str, ...]],
           single: bool) -> list[Inspection]:
    """The inspections a question about one council asks about, oldest first: one per year when it names several
    ("in June 2019, and before that in 2016"), the one asked and the one before it when it asks about change."""
    if single and len(analysis.years) >= 2:
        each = [choose(rows, "", [y], dated) for y in sorted(set(analysis.years))]
        if all(each):
            return list({i.document: i for i in each if i is not None}.values())
    chosen = choose(rows, analysis.normalised, analysis.years, dated)
    if chosen is None:
        return []
    if single and CHANGE.search(analysis.normalised):
        if re.search(r"\bsince\b", analysis.normalised, re.I) and (analysis.years or BEFORE_YEAR.search(
                analysis.normalised)) and chosen is not rows[-1]:
            return [chosen, rows[-1]]  # "since 2020", "since the inspection before the 2023 one": then and now
        if rows.index(chosen) > 0:
            return [rows[rows.index(chosen) - 1], chosen]
    return [chosen]




def _same_pair(analysis: Analysis, places: Sequence[str], by_place: dict[str, list[Inspection]],
               dated: Callable[[str], tuple[str, ...]], asked_before: str | None) -> list[Inspection]:
    """ "Was it the same last time?", "Was that the same inspector who led the 2016 one?" after a question the table
    answered: that question's inspection and the other one (the year now named, else the one before it), oldest
    first; [] when the question is no such follow-up."""
    if not (asked_before and len(places) == 1 and SAME.search(analysis.question)):
        return []
    rows = by_place[places[0]]
    before_years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", asked_before)]
    base = choose(rows, asked_before, before_years, dated)
    if base is None:
        return []
    own = [y for y in analysis.years if y not in before_years]
    i = rows.index(base)
    other = choose(rows, "", own, dated) if own else (rows[i - 1] if i > 0 else None)
    if other is None or other is base:
        return []
    return sorted([base, other], key=lambda r: rows.index(r))


def _cells(i: Inspection, ask: Ask, question: str) -> tuple[list[tuple[str, Cell]], list[str]]:
    """(label, cell) pairs answering ``ask`` for ``i``, and the areas asked that ``i``'s framework did not grade."""
    out: list[tuple[str, Cell]] = []
    missing: list[str] = []
    if ask.published and "publication_date" in i.cells:
        out.append(("publication date", i.cells["publication_date"]))
    if ask.lead and "lead_inspector" in i.cells:
        out.append(("lead inspector", i.cells["lead_inspector"]))
    if ask.when and "inspection_dates" in i.cells:
        out.append(("inspection dates", i.cells["inspection_dates"]))
    if ask.extreme:
        graded = [(a.name, i.cells[a.key]) for a in i.framework.areas if a.key in i.cells]
        scale = [g.lower() for g in i.framework.scale]
        ranked = [(scale.index(c.value.lower()), n, c) for n, c in graded if c.value.lower() in scale]
        if ranked:
            pick = max(r for r, _, _ in ranked) if ask.extreme == "worst" else min(r for r, _, _ in ranked)
            return [(n, c) for r, n, c in ranked if r == pick], []
    if ask.grade:
        asked = " ".join(ask.grade.lower().split())
        graded = [(a.name, i.cells[a.key]) for a in i.framework.areas if a.key in i.cells]
        hits = [(n, c) for n, c in graded if c.value.lower().startswith(asked)]
        if hits or not graded:
            return hits, []
        return [(f"no area was judged {ask.grade}; the judgements were: {graded[0][0]}", graded[0][1]), *graded[1:]], []
    if ask.judged:
        wanted = list(ask.areas)
        for asked in wanted:
            # The area of this framework that judges what was asked: its own row where the report grades one
            # ("children in care"), else the combined row that covers it ("children in care and care leavers").
            areas: list[Area] = [a for a in i.framework.areas if asked in a.covers and a.key in i.cells]
            if len(areas) > 1:
                areas = [a for a in areas if a.covers == (asked,)] or areas
            area = areas[0] if areas else None
            if area is None or area.key not in i.cells or (len(area.covers) > 1 and SEPARATE.search(question)):
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
    if label == "publication date":
        return f"the report was published on {date_text(cell.value)}"
    if label == "inspection dates":
        return f"the inspection took place {_dates_as_printed(cell)}"
    return f"{label}: {cell.value}"




def _citer(citations: list[Citation], dated: Callable[[str], tuple[str, ...]],
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
            date=next(iter(dated(cell.document)), None),
        ))
        return len(citations)

    return cite


def _at(i: Inspection) -> str:
    when = _dates_as_printed(i.cells["inspection_dates"]) if "inspection_dates" in i.cells else None
    return f"at the inspection of {when}" if when else f"in {i.document}"


def _improvements(
    question: str, analysis: Analysis, places: Sequence[str], by_place: dict[str, list[Inspection]],
    dated: Callable[[str], tuple[str, ...]], paragraph: Callable[[str, int], Paragraph | None],
    title: Callable[[str], str | None], counting: bool,
) -> Answer | None:
    """What the report lists as needing to improve (or how many points), each point cited."""
    citations: list[Citation] = []
    cite = _citer(citations, dated, paragraph, title)
    parts = []
    for place in places:
        chosen = choose(by_place[place], analysis.normalised, analysis.years, dated)
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




def _across(
    question: str, analysis: Analysis, by_place: dict[str, list[Inspection]],
    dated: Callable[[str], tuple[str, ...]], paragraph: Callable[[str, int], Paragraph | None],
    title: Callable[[str], str | None],
) -> Answer | None:
    """ "Which councils were judged inadequate overall?", "Which councils' care leavers were judged outstanding?":
    each council's latest inspection in the table whose cell has that grade, each cited; None unless the question
    asks which councils and names a grade."""
    grade = GRADE_WORD.search(analysis.normalised)
    if not COUNCILS.search(analysis.normalised) or grade is None:
        return None
    asked = " ".join(grade.group(1).lower().split())
    areas = [k for k, words in ASKED_AREAS.items()
             if any(re.search(rf"\b{re.escape(w)}\b", analysis.normalised.lower()) for w in words)]
    citations: list[Citation] = []
    cite = _citer(citations, dated, paragraph, title)
    hits: list[str] = []
    seen: set[str] = set()
    for place in sorted(by_place):
        latest = by_place[place][-1]
        if latest.document in seen:
            continue
        seen.add(latest.document)
        if areas:
            keys = [a.key for a in latest.framework.areas if set(a.covers) & set(areas) and a.key in latest.cells]
        else:
            keys = ["overall"] if "overall" in latest.cells else []
        for key in keys[:1]:
            cell = latest.cells[key]
            if cell.value.lower().startswith(asked):
                hits.append(f"{place} ({_at(latest)}) [{cite(cell)}]")
    what = " and ".join(a.replace("_", " ") for a in areas) if areas else "overall"
    if not hits:
        return None  # other papers (a youth justice inspection, a committee's minutes) may still answer it
    return Answer(question=question, refused=False, citations=tuple(citations), trace={"source": "judgements"},
                  text=f"At their latest inspection in the index, {len(hits)} council{'s were' if len(hits) > 1 else ' was'} "
                       f"judged {grade.group(1)} ({what}): " + "; ".join(hits) + ".")


def answer_from_table(
    question: str,
    analysis: Analysis,
    by_place: dict[str, list[Inspection]],
    dated: Callable[[str], tuple[str, ...]],
    paragraph: Callable[[str, int], Paragraph | None],
    title: Callable[[str], str | None],
    asked_before: str | None = None,
) -> Answer | None:
    """The table's answer to ``question`` about the councils ``analysis`` names, or None. ``asked_before`` is the
    conversation's previous question when the table answered it: a follow-up that asks nothing of its own ("and the
    time before?") asks it again."""
    if any(re.search(f.title, analysis.normalised, re.I) for f in FRAMEWORKS if not f.graded and f.title):
        return None  # a focused or monitoring visit, a JTAI: not an inspection the table holds
    if not analysis.places:
        return _across(question, analysis, by_place, dated, paragraph, title)
    places = [p for p in analysis.places if by_place.get(p)]
    if len(places) != len(analysis.places):
        return None
    counting = analysis.qtype == "how_many"
    if IMPROVE.search(analysis.normalised) or (counting and re.search(r"\bimprov", analysis.normalised, re.I)):
        return _improvements(question, analysis, places, by_place, dated, paragraph, title, counting)
    if counting:
        return None
    ask = read_ask(analysis.normalised, analysis.qtype, analysis.places)
    if ask is None and asked_before and FOLLOWS.search(analysis.question):
        ask = read_ask(asked_before, "general")  # "and what had it been at the inspection before?"
    if ask is None:
        return None
    if ask.judged and analysis.years and len(places) == 1 and not BEFORE_YEAR.search(analysis.normalised):
        rows = by_place[places[0]]
        if not any(set(analysis.years) & _years(r, dated(r.document)) for r in rows):
            stated = [(r, c) for r in rows for y, c in r.earlier if y in analysis.years]
            if stated:
                # No report of that year in the index, but a later report states its judgement: quote that.
                citations: list[Citation] = []
                cite = _citer(citations, dated, paragraph, title)
                told = "; ".join(f"{places[0]}: the report of the later inspection ({_at(r)}) says of the "
                                 f"{' or '.join(map(str, analysis.years))} inspection: {c.value} [{cite(c)}]"
                                 for r, c in stated[-1:])
                return Answer(question=question, text=told + ".", refused=False, citations=tuple(citations),
                              trace={"source": "judgements"})
            held = ", ".join(sorted({(r.start or "")[:4] for r in rows if r.start}))
            return Answer(
                question=question, refused=True, citations=(), trace={"source": "judgements", "reason": "scope_contradiction"},
                text=f"The documents don't say. The index holds {places[0]}'s inspections of {held}; none in "
                     f"{' or '.join(map(str, analysis.years))}.",
            )
    citations: list[Citation] = []
    parts: list[str] = []
    compared: list[tuple[str, str, Inspection, Cell]] = []
    refusals: list[str] = []
    cite = _citer(citations, dated, paragraph, title)

    picked: list[tuple[str, Inspection]] = []
    for place in places:
        picks = _picks(by_place[place], analysis, dated, single=len(places) == 1)
        if not picks:
            return None
        picked += [(place, p) for p in picks]
    same = _same_pair(analysis, places, by_place, dated, asked_before)
    if same:
        picked = [(places[0], i) for i in same]
    firsts: list[Cell] = []
    for place, chosen in picked:
        cells, missing = _cells(chosen, ask, analysis.normalised)
        if cells:
            firsts.append(cells[0][1])
        at = _at(chosen)
        if missing and not cells:
            # A refusal cites nothing: it names what the framework did grade, so the user can ask about that.
            graded = [a.short for a in chosen.framework.areas if a.key in chosen.cells]
            refusals.append(
                f"{place}'s {chosen.framework.label} {at} did not grade "
                f"{' or '.join(m.replace('_', ' ') for m in missing)} as a separate judgement; it graded "
                f"{', '.join(graded)} and {chosen.framework.overall.lower()}. Ask about one of those for its grade."
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
                      citations=(), trace={"source": "judgements", "reason": "not_graded"})
    if refusals:
        return None  # one side answered, the other not graded: the scored candidates decide
    def rank(c: Cell, i: Inspection) -> int | None:
        scale = [g.lower() for g in i.framework.scale]
        return scale.index(c.value.lower()) if c.value.lower() in scale else None

    places_compared = {p for p, _, _, _ in compared}
    if len(compared) >= 2 and analysis.compares and len(places_compared) == len(compared):
        ranks = [(p, rank(c, i)) for p, _, i, c in compared]
        if all(r is not None for _, r in ranks):
            best = min(r for _, r in ranks)  # type: ignore[type-var]
            top = [p for p, r in ranks if r == best]
            if len(top) == len(compared):
                parts.append(f"Both were judged {compared[0][3].value}: neither is better on Ofsted's scale.")
            else:
                parts.append(f"{top[0]} was judged better on Ofsted's scale ({', '.join(compared[0][2].framework.scale)}).")
    elif len(compared) == 2 and len(places_compared) == 1 and CHANGE.search(analysis.normalised):
        (_, _, before_i, before_c), (_, _, now_i, now_c) = compared
        was, now = rank(before_c, before_i), rank(now_c, now_i)
        if was is not None and now is not None:
            trend = "the same as" if was == now else "better than" if now < was else "worse than"
            parts.append(f"That is {trend} the judgement before it ({before_c.value}).")
    if same and len(firsts) == 2:
        a, b = firsts
        parts.insert(0, f"Yes: the same ({b.value}) both times." if a.value.lower() == b.value.lower()
                     else f"No: {a.value}, then {b.value}.")
    return Answer(question=question, text=" ".join(parts), refused=False, citations=tuple(citations),
                  trace={"source": "judgements"})
