"""Decision -> Answer: the chosen candidates as statements with verified citations, or a refusal that says what
was missing and what the papers do cover; every answer carries its trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.answer import NOT_IN_DOCUMENTS, build_answer
from assistant.answering.analyse import Analysis
from assistant.answering.candidates import Candidate
from assistant.answering.decide import Decision
from assistant.answering.features import named
from assistant.answering.prior import Prior
from assistant.types import Answer

CLOSE = 0.15  # a second statement must score within this of the best candidate (and at least _FLOOR)
_FLOOR = 0.5
_TRACE_TOP = 5


@dataclass(frozen=True)
class Scored:
    """A candidate with its features and probability."""

    candidate: Candidate
    features: list[float]
    probability: float


def trace(analysis: Analysis, pr: Prior, decision: Decision, scored: Sequence[Scored], rules: Answer | None,
          message: str | None = None) -> dict[str, Any]:
    """The JSON trace of one decision."""
    return {
        "decision": "answer" if decision.answer else "refuse",
        "score": round(decision.score, 4),
        "threshold": round(decision.threshold, 4),
        "reason": decision.reason,
        "message": message,
        "question_read_as": analysis.normalised if analysis.normalised != analysis.question else None,
        "corrections": [list(c) for c in analysis.corrections],
        "answer_type": analysis.qtype,
        "places": list(analysis.places),
        "years": list(analysis.years),
        "bodies": list(analysis.bodies),
        "documents_in_scope": len(pr.docs),
        "notes": list(pr.notes),
        "rules": None if rules is None else ("refused: " + rules.text if rules.refused else "answered"),
        "decided_by": "scorer",
        "candidates": [
            {
                "kind": s.candidate.kind,
                "document": s.candidate.doc_id,
                "paragraph": s.candidate.passage.paragraph.ordinal if s.candidate.passage else None,
                "text": " ".join(s.candidate.statement.split())[:200],
                "score": round(s.probability, 4),
                "features": dict(named(s.features)),
            }
            for s in scored[:_TRACE_TOP]
        ],
    }


def refuse(question: str, analysis: Analysis, pr: Prior, decision: Decision, scored: Sequence[Scored],
           rules: Answer | None, message: str) -> Answer:
    """An honest refusal: what was missing, and what the papers do cover."""
    return Answer(
        question=question,
        text=message if decision.reason == "ambiguous_place" else f"{NOT_IN_DOCUMENTS} {message}".strip(),
        refused=True,
        trace=trace(analysis, pr, decision, scored, rules, message),
    )


def _picked(analysis: Analysis, scored: Sequence[Scored], decision: Decision,
            place_of: dict[str, frozenset[str]]) -> list[Scored]:
    """The best candidate, then (for a comparison) the best for each other place named, else one more close one."""
    best = scored[0]
    picked = [best]
    seen = {_where(best.candidate)}
    if analysis.compares and len(analysis.places) >= 2:
        for place in analysis.places:
            if any(place in place_of.get(s.candidate.doc_id, frozenset()) for s in picked):
                continue
            for s in scored[1:]:
                if place in place_of.get(s.candidate.doc_id, frozenset()) and s.probability >= _FLOOR * 0.6:
                    picked.append(s)
                    seen.add(_where(s.candidate))
                    break
        return picked
    for s in scored[1:]:
        if len(picked) >= 2:
            break
        if (
            s.candidate.kind != "rules"
            and _where(s.candidate) not in seen
            and s.probability >= max(_FLOOR, best.probability - CLOSE)
        ):
            picked.append(s)
            seen.add(_where(s.candidate))
    return picked


def _statements(c: Candidate) -> list[tuple[str, Any, str]]:
    """What a candidate says, as (statement, passage, verbatim quote): a list item by item, its count first."""
    if c.parts:
        head = c.statement.split(":", 1)[0]
        first = c.parts[0]
        return [(f"{head}: {first[0]}", first[1], first[2]), *c.parts[1:]]
    return [(c.statement, c.passage, c.quote)]


def _where(c: Candidate) -> tuple[str, int | None, str]:
    return (c.doc_id, c.passage.paragraph.ordinal if c.passage else None, c.quote if c.kind == "rules" else "")


def answer(question: str, analysis: Analysis, pr: Prior, decision: Decision, scored: Sequence[Scored],
           rules: Answer | None, place_of: dict[str, frozenset[str]]) -> Answer:
    """The answer from the chosen candidates (the rule-based answer as it stands when it is the best)."""
    picked = _picked(analysis, scored, decision, place_of)
    if analysis.compares and len(analysis.places) >= 2:
        docs = {c.document for s in picked if s.candidate.answer for c in s.candidate.answer.citations}
        docs |= {s.candidate.doc_id for s in picked}
        covered = {p for d in docs for p in place_of.get(d, frozenset())}
        missing = [p for p in analysis.places if p not in covered]
        if missing:
            # A comparison with one side unanswered is no comparison: say which side the papers leave out.
            return refuse(question, analysis, pr, replace(decision, answer=False, reason="below_threshold"), scored,
                          rules, f"They do not answer it for {' and '.join(missing)}.")
    notes = " ".join(pr.notes)
    if picked[0].candidate.kind == "rules" and picked[0].candidate.answer is not None:
        base = picked[0].candidate.answer
        extra = [s for s in picked[1:] if s.candidate.passage is not None]
        text = base.text
        citations = list(base.citations)
        if extra:
            more = build_answer(question, [(s.candidate.statement, s.candidate.passage, s.candidate.quote)
                                           for s in extra if s.candidate.passage is not None])
            if not more.refused and not any(c.document == m.document and c.paragraph == m.paragraph
                                            for c in citations for m in more.citations):
                shift = len(citations)
                body = more.text
                for m in sorted(more.citations, key=lambda c: -c.marker):
                    body = body.replace(f"[{m.marker}]", f"[{m.marker + shift}]")
                text = f"{text} {body}"
                citations += [replace(m, marker=m.marker + shift) for m in more.citations]
        text = f"{text} {notes}".strip()
        return replace(base, question=question, text=text, citations=tuple(citations),
                       trace=trace(analysis, pr, decision, scored, rules))
    statements = [part for s in picked if s.candidate.passage is not None for part in _statements(s.candidate)]
    built = build_answer(question, statements)
    if built.refused:
        return refuse(question, analysis, pr, replace(decision, answer=False, reason="no_evidence"), scored, rules,
                      "No sentence could be quoted verbatim.")
    text = f"{built.text} {notes}".strip()
    return replace(built, text=text, trace=trace(analysis, pr, decision, scored, rules))
