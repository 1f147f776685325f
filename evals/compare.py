"""Comparing a run with a baseline run directory: regressions, fixes, and settings that differ."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from evals.metrics import QuestionResult

# index_info keys whose change makes a comparison of answers less meaningful.
_WATCHED = ("model", "fingerprint", "chunking", "corpus_hash", "corpus")


@dataclass(frozen=True)
class Baseline:
    """What a comparison needs from an earlier run: pass/fail per question and its summary."""

    path: str
    passed: dict[str, bool]
    summary: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    """Per-question changes against the baseline and warnings about what else changed."""

    baseline: str
    regressions: tuple[str, ...]  # passed before, fail now
    fixes: tuple[str, ...]  # failed before, pass now
    new: tuple[str, ...]  # not in the baseline
    warnings: tuple[str, ...]
    baseline_metrics: dict[str, Any]


def load_baseline(run_dir: str | Path) -> Baseline:
    """Read ``results.jsonl`` and ``summary.json`` of an earlier run.

    Raises:
        ConfigError: the directory is not a finished run (bad ``--baseline``).
    """
    run = Path(run_dir)
    results, summary = run / "results.jsonl", run / "summary.json"
    if not results.is_file() or not summary.is_file():
        raise ConfigError(
            f"{run}: not an eval run directory (needs results.jsonl and summary.json); "
            "pass the --out directory of an earlier run"
        )
    passed: dict[str, bool] = {}
    try:
        for line in results.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                passed[str(row["id"])] = bool(row["passed"])
        meta = json.loads(summary.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise ConfigError(f"{run}: unreadable baseline ({err}); re-run the baseline") from None
    return Baseline(str(run), passed, meta if isinstance(meta, dict) else {})


def compare(
    results: Sequence[QuestionResult],
    baseline: Baseline,
    index_info: dict[str, str],
    set_sha256: str,
) -> Comparison:
    """Regressions and fixes per question id, and warnings when index or set differ."""
    regressions = tuple(r.id for r in results if baseline.passed.get(r.id) is True and not r.passed)
    fixes = tuple(r.id for r in results if baseline.passed.get(r.id) is False and r.passed)
    new = tuple(r.id for r in results if r.id not in baseline.passed)
    warnings: list[str] = []
    before = baseline.summary.get("index_info") or {}
    if isinstance(before, dict):
        keys = sorted(set(before) | set(index_info))
        watched = [key for key in keys if any(w in key.lower() for w in _WATCHED)] or keys
        changed = [key for key in watched if str(before.get(key)) != str(index_info.get(key))]
        if changed:
            detail = "; ".join(f"{key}: {before.get(key)!r} -> {index_info.get(key)!r}" for key in changed)
            warnings.append(f"index differs from the baseline ({detail}): answers may change for that reason")
    before_set = (baseline.summary.get("set") or {}).get("sha256")
    if before_set and before_set != set_sha256:
        warnings.append(
            "the question set differs from the baseline's (sha256 changed): "
            "baselined sets should not be edited; add a new version instead"
        )
    metrics = baseline.summary.get("metrics")
    return Comparison(
        baseline.path, regressions, fixes, new, tuple(warnings), metrics if isinstance(metrics, dict) else {}
    )
