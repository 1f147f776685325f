"""The judgements table across councils: one row per inspection with a framework's judgement table, every cell cited.

Built from the facts ``ingest.facts_judgements`` stores (overall and area judgements, lead inspector, inspection
and publication dates), so each cell carries the document, page, paragraph and verbatim quote it was read from.
``python -m assistant facts --judgements [--csv|--json]`` prints it; the UI offers it as a download.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.frameworks import BY_KEY, Framework
from assistant.types import Fact

_COVER_KINDS = ("inspection_dates", "publication_date", "lead_inspector")


@dataclass(frozen=True)
class Cell:
    """One judgement or cover field with where it was read."""

    value: str
    document: str
    page: int | None
    paragraph: int
    quote: str

    def cite(self) -> str:
        page = f" p.{self.page}" if self.page is not None else ""
        return f"{self.document}{page} ¶{self.paragraph}"


@dataclass(frozen=True)
class Inspection:
    """One report's row: the council, the framework, and its cells keyed by area (``overall`` for overall)."""

    council: str | None
    framework: Framework
    document: str
    source: str
    year: int | None
    cells: dict[str, Cell] = field(default_factory=dict)
    improvements: tuple[Cell, ...] = ()  # "What needs to improve?": each point, in order
    earlier: tuple[tuple[int, Cell], ...] = ()  # (year, cell): an earlier inspection's judgement this report states

    @property
    def start(self) -> str | None:
        dates = self.cells.get("inspection_dates")
        return dates.value.split(" to ")[0] if dates else None


def inspections(facts: Iterable[Fact]) -> list[Inspection]:
    """The inspections the facts hold a judgement table for, by council and then date (latest last)."""
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        by_doc[f.document].append(f)
    out: list[Inspection] = []
    for doc, group in by_doc.items():
        keys = {dict(f.extra).get("framework") for f in group if f.kind in ("overall_rating", "area_rating")}
        keys.discard(None)
        if len(keys) != 1:
            continue
        framework = BY_KEY[keys.pop()]  # type: ignore[arg-type]
        cells: dict[str, Cell] = {}
        points: list[tuple[int, Cell]] = []
        earlier: list[tuple[int, Cell]] = []
        for f in group:
            extra = dict(f.extra)
            if f.kind == "overall_rating" and extra.get("framework") == framework.key:
                key = "overall"
            elif f.kind == "area_rating":
                key = extra.get("area", f.name or "")
            elif f.kind in _COVER_KINDS:
                key = f.kind
            elif f.kind == "earlier_rating" and f.year:
                earlier.append((f.year, Cell(f.value, f.document, f.page, f.paragraph, f.quote)))
                continue
            elif f.kind == "improvement":
                points.append((int(f.name or 0), Cell(f.value, f.document, f.page, f.paragraph, f.quote)))
                continue
            else:
                continue
            cells.setdefault(key, Cell(f.value, f.document, f.page, f.paragraph, f.quote))
        year = next((f.year for f in group if f.kind == "overall_rating" and f.year), None)
        out.append(Inspection(group[0].subject, framework, doc, group[0].source, year, cells,
                              tuple(c for _, c in sorted(points, key=lambda p: p[0])), tuple(earlier)))
    return sorted(out, key=lambda i: ((i.council or "").lower(), i.start or "", i.document))


def _area_keys(rows: Sequence[Inspection]) -> list[str]:
    keys: list[str] = []
    for framework in dict.fromkeys(r.framework for r in rows):
        keys += [a.key for a in framework.areas if a.key not in keys]
    return keys


def table_rows(rows: Sequence[Inspection]) -> list[dict[str, object]]:
    """JSON-ready rows: each cell as {value, document, page, paragraph, quote}."""
    out: list[dict[str, object]] = []
    for r in rows:
        row: dict[str, object] = {
            "council": r.council,
            "inspectorate": r.framework.inspectorate,
            "framework": r.framework.key,
            "document": r.document,
        }
        for key in ("inspection_dates", "publication_date", "lead_inspector", "overall", *_area_keys([r])):
            cell = r.cells.get(key)
            row[key] = None if cell is None else _cell_json(cell)
        row["what_needs_to_improve"] = [_cell_json(c) for c in r.improvements]
        out.append(row)
    return out


def _cell_json(cell: Cell) -> dict[str, object]:
    return {"value": cell.value, "document": cell.document, "page": cell.page, "paragraph": cell.paragraph,
            "quote": cell.quote}


def to_csv(rows: Sequence[Inspection]) -> str:
    """One line per inspection; each cell followed by its citation ("document p.1 ¶6")."""
    keys = ["inspection_dates", "publication_date", "lead_inspector", "overall", *_area_keys(rows)]
    columns = ["council", "inspectorate", "framework", "document"]
    for key in keys:
        columns += [key, f"{key}_cited"]
    columns.append("points_to_improve")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        line: list[object] = [r.council or "", r.framework.inspectorate, r.framework.key, r.document]
        for key in keys:
            cell = r.cells.get(key)
            line += [cell.value, cell.cite()] if cell else ["", ""]
        line.append(len(r.improvements) if r.improvements else "")
        writer.writerow(line)
    return buf.getvalue()
