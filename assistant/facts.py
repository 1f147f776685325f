"""Inspection facts as a table: conflicts between documents, rows for ``facts --json|--csv``, and answers.

The rating vocabularies live in ``assistant.fact_vocab`` and the question answering in
``assistant.fact_answers``; both are re-exported here so callers need one import.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from assistant.fact_answers import answer_from_facts
from assistant.fact_vocab import (
    DOMAINS,
    FRAMEWORK_FROM_YEAR,
    LEGACY,
    RATING_KINDS,
    SCALES,
    STANDARDS,
    YOUTH_2018,
    choose_scale,
    is_valid_rating,
    name_key,
    place_of,
    rating_key,
    scales_of,
    spell,
    squeeze,
)
from assistant.types import Fact

__all__ = [
    "DOMAINS",
    "FRAMEWORK_FROM_YEAR",
    "LEGACY",
    "RATING_KINDS",
    "SCALES",
    "STANDARDS",
    "TABLE_COLUMNS",
    "YOUTH_2018",
    "answer_from_facts",
    "choose_scale",
    "facts_table",
    "flag_conflicts",
    "is_valid_rating",
    "name_key",
    "place_of",
    "rating_key",
    "scales_of",
    "spell",
    "squeeze",
    "to_csv",
]

# Kinds where two documents stating different values about the same inspection is a disagreement worth showing
# (not recommendation wording, which committees paraphrase).
_COMPARABLE_KINDS = RATING_KINDS | {"score", "recommendation_count", "fieldwork_date", "publication_date"}


def _value_key(fact: Fact) -> str:
    return fact.value.strip().lower()


def _dates_agree(a: str, b: str) -> bool:
    """ISO dates agree when one is a prefix of the other ("2024-04" and "2024-04-08")."""
    return a.startswith(b) or b.startswith(a)


def flag_conflicts(facts: Sequence[Fact]) -> list[Fact]:
    """The facts, each with ``conflicts_with`` = the other documents that contradict it.

    Two documents contradict each other when they state different values for the same fact: same place, kind,
    name and inspection year (dates only when neither is a refinement of the other: "2024-04" agrees with
    "2024-04-08"). An overall rating also contradicts ratings of the same inspection on another scale: a
    2018-framework grade for a 2016 inspection cannot have been given, whatever the legacy areas say.
    Facts whose service is unknown are never compared (nothing says they are about the same inspection).
    """
    clashes: dict[int, set[str]] = defaultdict(set)
    same_fact: dict[tuple[str, str, str, int | None], list[int]] = defaultdict(list)
    same_inspection: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        place = place_of(f.subject)
        if not place:
            continue
        if f.kind in _COMPARABLE_KINDS:
            same_fact[(place, f.kind, name_key(f.name), f.year)].append(i)
        if f.kind in RATING_KINDS and f.scale:
            same_inspection[(place, f.year)].append(i)
    for members in same_fact.values():
        for i, j in _pairs(facts, members):
            a, b = facts[i], facts[j]
            if (
                not _dates_agree(a.value, b.value)
                if a.kind.endswith("_date")
                else _value_key(a) != _value_key(b)
            ):
                clashes[i].add(b.document)
    for members in same_inspection.values():
        for i, j in _pairs(facts, members):
            a, b = facts[i], facts[j]
            if a.scale != b.scale and "overall_rating" in (a.kind, b.kind):
                clashes[i].add(b.document)
    return [
        replace(f, conflicts_with=tuple(sorted(set(f.conflicts_with) | clashes[i]))) if clashes[i] else f
        for i, f in enumerate(facts)
    ]


def _pairs(facts: Sequence[Fact], members: Sequence[int]) -> Iterable[tuple[int, int]]:
    """Ordered pairs of facts from different documents."""
    return ((i, j) for i in members for j in members if facts[i].document != facts[j].document)


TABLE_COLUMNS = (
    "subject",
    "kind",
    "name",
    "value",
    "scale",
    "year",
    "document",
    "source",
    "paragraph",
    "label",
    "quote",
    "conflicts_with",
)


def facts_table(facts: Iterable[Fact]) -> list[dict[str, object]]:
    """One row per fact for ``facts --json|--csv``; ``extra`` fields become their own keys."""
    rows: list[dict[str, object]] = []
    for f in facts:
        row: dict[str, object] = {
            "subject": f.subject,
            "kind": f.kind,
            "name": f.name,
            "value": f.value,
            "scale": f.scale,
            "year": f.year,
            "document": f.document,
            "source": f.source,
            "paragraph": f.paragraph,
            "label": f.label,
            "quote": f.quote,
            "conflicts_with": list(f.conflicts_with),
        }
        for key, value in f.extra:
            row.setdefault(key, value)
        rows.append(row)
    return rows


def to_csv(rows: Sequence[Mapping[str, object]]) -> str:
    """CSV text of ``rows`` (the table's columns first, extra fields after); lists are joined with ';'."""
    columns = list(TABLE_COLUMNS)
    for row in rows:
        columns += [k for k in row if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: ";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()
