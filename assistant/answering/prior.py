"""Scope as a prior over documents: each named place, year and body matches (+1), is unknown (0) or is
contradicted (-1) by a document. Only a positive contradiction or an index with nothing about a place refuses."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from assistant.answering.analyse import Analysis


@dataclass(frozen=True)
class DocProfile:
    """What the index knows about one document's scope (places it is about, years, bodies, its text)."""

    doc_id: str
    places: frozenset[str]  # places it is *about* (title, service, cover, facts' subjects)
    years: frozenset[int]  # its own date's year and the inspections its facts describe
    dated: bool  # it states a date of its own (a paper without one says nothing about a year)
    bodies: frozenset[str]
    text: str  # lower-cased text, for "mentions"
    when: str | None = None  # "2023-02": its own date (for "latest"), from its metadata, cover or file name
    when_source: str | None = None  # "document" | "cover" | "file name": where ``when`` was read


@dataclass(frozen=True)
class Agreement:
    """How one document stands to the question's scope."""

    place: int = 0
    year: int = 0
    body: int = 0
    latest: float = 0.5  # 1 the newest paper about its place in scope, 0 an older one, 0.5 undated or placeless


@dataclass(frozen=True)
class Prior:
    """The documents the question may be answered from, with their agreement, or why none may."""

    docs: dict[str, Agreement] = field(default_factory=dict)
    # Places no paper is about but some mention in passing: an answer's own words must name them.
    must_mention: tuple[str, ...] = ()
    reason: str | None = None  # not_in_index | scope_contradiction
    message: str | None = None
    notes: tuple[str, ...] = ()  # what is unknown ("the press release does not give a year")


def _place(analysis: Analysis, doc: DocProfile) -> int:
    if not analysis.places:
        return 0
    wanted = set(analysis.places)
    if doc.places & wanted:
        return 1
    if any(p.lower() in doc.text for p in wanted):
        return 0  # mentioned, not about it: unknown
    return -1 if doc.places else 0


def _year(analysis: Analysis, doc: DocProfile) -> int:
    if not analysis.years:
        return 0
    wanted = set(analysis.years)
    if doc.years & wanted:
        return 2  # its own year (its date, its cover, the inspections its facts describe)
    if any(str(y) in doc.text for y in wanted):
        return 1  # it recalls the year
    # A dated paper that never names the year is against it; an undated one says nothing (unknown).
    return -1 if doc.dated else 0


def _body(analysis: Analysis, doc: DocProfile) -> int:
    if not analysis.bodies:
        return 0
    if doc.bodies & set(analysis.bodies):
        return 1
    return -1 if doc.bodies else 0


def prior(analysis: Analysis, profiles: Mapping[str, DocProfile], allowed: Collection[str]) -> Prior:
    """Agreement of every allowed document; a document about another place is left out (contradiction)."""
    if not allowed:
        return Prior(reason="no_evidence", message="No documents are available with the current filters.")
    agreements = {d: Agreement(_place(analysis, profiles[d]), _year(analysis, profiles[d]), _body(analysis, profiles[d]))
                  for d in allowed}
    docs = {d: a for d, a in agreements.items() if a.place >= 0}
    if analysis.places and not any(a.place > 0 or any(p.lower() in profiles[d].text for p in analysis.places)
                                   for d, a in docs.items()):
        covered = sorted({p for d in allowed for p in profiles[d].places})
        listed = ", ".join(covered[:12]) + (" and others" if len(covered) > 12 else "")
        return Prior(
            reason="not_in_index",
            message=f"None of the documents is about {', '.join(analysis.places)}"
            + (f" (they cover {listed})." if covered else "."),
        )
    must_mention: tuple[str, ...] = ()
    if analysis.places and any(a.place > 0 for a in docs.values()):
        # Documents about the named place, and those about no place at all (national pages, undated notes).
        docs = {d: a for d, a in docs.items() if a.place > 0 or not profiles[d].places}
    elif analysis.places:
        must_mention = analysis.places
    if analysis.years and any(a.year == 2 for a in docs.values()):
        # Papers of the year named, and those with no year of their own (unknown is not contradiction).
        docs = {d: a for d, a in docs.items() if a.year == 2 or not profiles[d].years}
    if not docs:
        return Prior(reason="scope_contradiction", message="Every document is about somewhere else.")
    if analysis.years and all(a.year < 0 for a in docs.values()):
        years = ", ".join(map(str, analysis.years))
        dates = sorted({str(y) for d in docs for y in profiles[d].years})
        return Prior(reason="scope_contradiction",
                     message=f"None of the documents covers {years}" + (f" (they are from {', '.join(dates)})." if dates else "."))
    docs = _with_latest(docs, profiles)
    notes = []
    if analysis.years and docs and not any(a.year > 0 for a in docs.values()):
        years = ", ".join(map(str, analysis.years))
        if all(a.year == 0 for a in docs.values()):
            notes.append(f"The documents in question do not give a year, so this may not be {years}.")
    for d, a in docs.items():
        prof = profiles[d]
        if a.year == 2 and prof.when_source == "file name" and not any(str(y) in prof.text for y in analysis.years):
            notes.append(f"The year of {d} is read from its file name; the paper itself does not state it.")
    return Prior(docs=docs, notes=tuple(notes), must_mention=must_mention)


def _with_latest(docs: dict[str, Agreement], profiles: Mapping[str, DocProfile]) -> dict[str, Agreement]:
    """Mark each dated paper about a place as that place's newest in scope (1) or an older one (0)."""
    newest: dict[str, str] = {}
    for d in docs:
        prof = profiles[d]
        for place in prof.places:
            if prof.when and prof.when > newest.get(place, ""):
                newest[place] = prof.when
    out = {}
    for d, a in docs.items():
        prof = profiles[d]
        latest = 0.5
        if prof.when and prof.places:
            latest = 1.0 if any(newest.get(p) == prof.when for p in prof.places) else 0.0
        out[d] = Agreement(a.place, a.year, a.body, latest)
    return out
