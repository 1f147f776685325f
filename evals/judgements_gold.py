"""Score the judgements table against the hand-read gold file, and list the third-party table's disagreements.

    python -m evals.judgements_gold --index IDX [--gold evals/gold/ilacs-judgements.jsonl]
        [--third-party ../shared/real-docs/ofsted-ilacs/third-party-judgements.csv] [--json OUT]

IDX is an index holding the reports the gold file names (ingested from ``../shared/real-docs/ofsted-ilacs``).
A cell is right when the table has it with the gold value, its quote is verbatim in the cited paragraph and the
paragraph is on the gold page; wrong when the value differs; missing when the table lacks it; extra when the table
has a cell the report does not grade. Figures per split (``tune``/``heldout``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.judgements import inspections

_THIRD_PARTY_COLUMNS = {
    "overall": "overall_effectiveness_grade",
    "leaders": "impact_of_leaders_grade",
    "help_and_protection": "help_and_protection_grade",
    "in_care": "in_care_grade",
    "care_leavers": "care_leavers_grade",
}


def _grade(text: str) -> str:
    text = text.strip().lower()
    return "Requires improvement to be good" if text.startswith("requires improvement") else text.capitalize()


def score(assistant: Assistant, gold_rows: list[dict]) -> dict:
    table = {i.document: i for i in inspections(assistant.facts())}
    gold: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in gold_rows:
        gold[Path(r["document"]).stem][r["cell"]] = r
    counts: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for doc, cells in sorted(gold.items()):
        row = table.get(doc)
        split = next(iter(cells.values()))["split"]
        for key, g in cells.items():
            cell = row.cells.get(key) if row else None
            if cell is None:
                counts[split, "missing"] += 1
                misses.append(f"missing {doc} {key}: gold {g['value']!r}")
                continue
            para = assistant.paragraph(cell.document, cell.paragraph)
            verbatim = para is not None and cell.quote in para.text and para.page == cell.page
            if cell.value != g["value"]:
                counts[split, "wrong"] += 1
                misses.append(f"wrong {doc} {key}: {cell.value!r}, gold {g['value']!r} ({cell.quote[:60]!r})")
            elif not verbatim or cell.page != g["page"]:
                counts[split, "misplaced"] += 1
                misses.append(f"misplaced {doc} {key}: page {cell.page}, gold page {g['page']}")
            else:
                counts[split, "right"] += 1
        for key in (row.cells if row else {}):
            if key not in cells and key != "publication_date":  # the gold file does not read publication dates
                counts[split, "extra"] += 1
                misses.append(f"extra {doc} {key}: {row.cells[key].value!r}")
    return {"counts": {f"{s}/{k}": n for (s, k), n in sorted(counts.items())}, "misses": misses}


def third_party(gold_rows: list[dict], path: Path) -> list[str]:
    """Cells of the third-party table (latest ILACS report per council) that the report contradicts."""
    latest: dict[str, dict[str, dict]] = {}
    by_doc: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in gold_rows:
        by_doc[r["document"]][r["cell"]] = r
    for cells in by_doc.values():
        first = next(iter(cells.values()))
        if first["framework"] != "ilacs" or "inspection_dates" not in cells:
            continue
        council = first["council"]
        if council not in latest or cells["inspection_dates"]["value"] > latest[council]["inspection_dates"]["value"]:
            latest[council] = cells
    out: list[str] = []
    for t in csv.DictReader(path.open(encoding="utf-8")):
        council = t["local_authority"].replace(" & ", "-").replace(" ", "-")
        cells = latest.get(council)
        if cells is None:
            out.append(f"{council}: no report in the gold file")
            continue
        combined = "in_care_and_care_leavers" in cells
        for key, column in _THIRD_PARTY_COLUMNS.items():
            if combined and key == "in_care":
                key = "in_care_and_care_leavers"
            said, g = t[column], cells.get(key)
            if said == "inspection_pre_dates_judgement":
                if g:
                    out.append(f"{council} {key}: third party has no grade, the report says {g['value']!r}")
            elif g is None:
                out.append(f"{council} {key}: third party says {said!r}, the report grades no such area")
            elif _grade(said) != g["value"]:
                out.append(f"{council} {key}: third party says {said!r}, the report {g['value']!r} (p.{g['page']})")
        lead = cells.get("lead_inspector")
        if lead and t["inspector_name"].strip().lower() != lead["value"].lower():
            out.append(f"{council} lead_inspector: third party says {t['inspector_name']!r}, the report {lead['value']!r}")
        dates, said = cells.get("inspection_dates"), " to ".join(
            "-".join(reversed(d.split("/"))) for d in (t["inspection_start_date"], t["inspection_end_date"]))
        if dates and said != dates["value"]:
            out.append(f"{council} inspection_dates: third party says {said!r}, the report {dates['value']!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.judgements_gold", description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--gold", type=Path, default=Path("evals/gold/ilacs-judgements.jsonl"))
    p.add_argument("--third-party", type=Path, default=Path("../shared/real-docs/ofsted-ilacs/third-party-judgements.csv"))
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    gold_rows = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    assistant = Assistant(load_settings(index_dir=args.index))
    result = score(assistant, gold_rows)
    if args.third_party.exists():
        result["third_party_disagreements"] = third_party(gold_rows, args.third_party)
    for line in result["misses"]:
        print(line)
    print(json.dumps(result["counts"]))
    for line in result.get("third_party_disagreements", []):
        print("third party:", line)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
