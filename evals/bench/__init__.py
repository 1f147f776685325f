"""`python -m assistant bench`: quality against the stock llama-index starter and BM25, speed, memory and scale.

A benchmark, not a test: it prints figures and marks each target pass/miss; it never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import Settings
from evals.bench.run import BenchPlan

__all__ = ["BenchPlan", "main", "plan_from_args"]


_REAL_PDFS = Path(__file__).resolve().parents[2].parent / "shared" / "real-docs" / "ofsted-ilacs"


def plan_from_args(args: argparse.Namespace) -> BenchPlan:
    """--quick: the corpus and 50 generated documents; default adds 500; --full adds 2,000 and the real-PDF tier
    (``../shared/real-docs/ofsted-ilacs`` when present); --real-pdfs DIR runs that tier on its own folder (alone,
    or with --quick/--full beside the rest)."""
    tiers = (50,) if args.quick else (50, 500, 2000) if args.full else (50, 500)
    real = getattr(args, "real_pdfs", None)
    if real is None and args.full and _REAL_PDFS.is_dir():
        real = _REAL_PDFS
    alone = real is not None and not (args.quick or args.full)  # `bench --real-pdfs DIR`: that tier alone
    return BenchPlan(tiers=tiers, tmp_parent=args.index, real_pdfs=Path(real) if real else None, only_real=alone)


def main(args: argparse.Namespace, settings: Settings, plan: BenchPlan | None = None) -> int:
    """Run the bench; the table on stdout (stderr with --json, which prints one JSON object); files into --out."""
    from evals.bench.report import format_table, write_outputs
    from evals.bench.run import run

    plan = plan or plan_from_args(args)
    out = Path(args.out) if args.out else Path("bench-out")
    results = run(plan, settings, out)
    written = write_outputs(results, out)
    table = format_table(results) + "\nwritten: " + ", ".join(map(str, written))
    if args.json:
        print(table, file=sys.stderr)
        print(json.dumps(results))
    else:
        print(table)
    return 0
