"""Per-question results and a run's aggregate metrics: accuracy, citations, refusals, retrieval, latency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class QuestionResult:
    """Everything the run learned about one question; one line of ``results.jsonl``."""

    id: str
    question: str
    history: tuple[str, ...]
    tags: tuple[str, ...]
    answer: str
    refused: bool
    expected_refusal: bool
    citations: tuple[dict[str, Any], ...]  # each: document, label, paragraph, quote, quote_valid, precise
    checks: dict[str, dict[str, Any]]  # name -> {"passed": bool, "message": str}
    passed: bool
    latency_ms: float
    gold_rank: int | None = (
        None  # 1-based rank of the first gold paragraph in retrieve(k); None: not in top k
    )
    retrieval_checked: bool = False
    resolved_question: str | None = None
    split: str | None = None
    trace: dict[str, Any] | None = None  # the answer's decision trace (decision, score, threshold, reason)

    def failures(self) -> list[str]:
        """The messages of the failed checks, in check order."""
        return [f"{name}: {c['message']}" for name, c in self.checks.items() if not c["passed"]]

    def to_json(self) -> dict[str, Any]:
        """The JSON object written to ``results.jsonl``."""
        return {
            "id": self.id,
            "question": self.question,
            "history": list(self.history),
            "tags": list(self.tags),
            "answer": self.answer,
            "resolved_question": self.resolved_question,
            "refused": self.refused,
            "expected_refusal": self.expected_refusal,
            "citations": list(self.citations),
            "checks": self.checks,
            "passed": self.passed,
            "latency_ms": round(self.latency_ms, 1),
            "retrieval": {"checked": self.retrieval_checked, "gold_rank": self.gold_rank},
            "split": self.split,
            "trace": self.trace,
        }


@dataclass(frozen=True)
class Metrics:
    """Aggregate scores of a run; a metric with nothing to measure is None."""

    questions: int
    passed: int
    answer_accuracy: float
    citation_precision: float | None
    quote_validity: float | None
    refusal_precision: float | None
    refusal_recall: float | None
    retrieval_recall_at_k: float | None
    mrr: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    k: int
    per_tag: dict[str, dict[str, float]] = field(default_factory=dict)
    answered_right: float | None = None  # of the answers given (not refused), the share that passed
    wrong_entity: int = 0  # answers about a place that cite no document about that place
    refusal_reasons: dict[str, int] = field(default_factory=dict)
    per_split: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, floats rounded for reading."""
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            out[name] = round(value, 4) if isinstance(value, float) else value
        return out


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def compute_metrics(results: Sequence[QuestionResult], k: int) -> Metrics:
    """Aggregate the per-question results of one run."""
    n = len(results)
    passed = sum(r.passed for r in results)
    cited = [c for r in results for c in r.citations if c.get("precise") is not None]
    quotes = [c for r in results for c in r.citations if c.get("quote_valid") is not None]
    refused = [r for r in results if r.refused]
    expected = [r for r in results if r.expected_refusal]
    true_refusals = sum(1 for r in refused if r.expected_refusal)
    retrieval = [r for r in results if r.retrieval_checked]
    ranks = [r.gold_rank for r in retrieval]
    return Metrics(
        questions=n,
        passed=passed,
        answer_accuracy=passed / n if n else 0.0,
        citation_precision=_share(sum(bool(c["precise"]) for c in cited), len(cited)),
        quote_validity=_share(sum(bool(c["quote_valid"]) for c in quotes), len(quotes)),
        refusal_precision=_share(true_refusals, len(refused)),
        refusal_recall=_share(true_refusals, len(expected)),
        retrieval_recall_at_k=_share(sum(rank is not None for rank in ranks), len(ranks)),
        mrr=(sum(1 / rank for rank in ranks if rank) / len(ranks)) if ranks else None,
        latency_p50_ms=percentile([r.latency_ms for r in results], 50),
        latency_p95_ms=percentile([r.latency_ms for r in results], 95),
        k=k,
        per_tag=per_tag_accuracy(results),
        answered_right=_share(sum(r.passed for r in results if not r.refused), sum(not r.refused for r in results)),
        wrong_entity=sum(1 for r in results if not r.checks.get("wrong_entity", {}).get("passed", True)),
        refusal_reasons=refusal_reasons(results),
        per_split=per_split(results),
    )


def refusal_reasons(results: Sequence[QuestionResult]) -> dict[str, int]:
    """How many refusals each recorded reason gave (``unrecorded`` when an answer carries no trace)."""
    counts: dict[str, int] = {}
    for r in results:
        if r.refused:
            reason = str((r.trace or {}).get("reason") or "unrecorded")
            counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items()))


def per_split(results: Sequence[QuestionResult]) -> dict[str, dict[str, Any]]:
    """The headline figures for each split ("fit", "heldout") of a set written for fitting."""
    out: dict[str, dict[str, Any]] = {}
    for split in sorted({r.split for r in results if r.split}):
        part = [r for r in results if r.split == split]
        expected = [r for r in part if r.expected_refusal]
        given = [r for r in part if not r.refused]
        out[split] = {
            "questions": len(part),
            "passed": sum(r.passed for r in part),
            "accuracy": round(sum(r.passed for r in part) / len(part), 4),
            "refusals_expected": len(expected),
            "refusal_recall": _round(_share(sum(r.refused for r in expected), len(expected))),
            "answered_right": _round(_share(sum(r.passed for r in given), len(given))),
            "wrong_entity": sum(1 for r in part if not r.checks.get("wrong_entity", {}).get("passed", True)),
        }
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def per_tag_accuracy(results: Sequence[QuestionResult]) -> dict[str, dict[str, float]]:
    """For each tag: questions, passed and accuracy, tags sorted by name."""
    table: dict[str, list[int]] = {}
    for r in results:
        for tag in r.tags or ("untagged",):
            row = table.setdefault(tag, [0, 0])
            row[0] += 1
            row[1] += int(r.passed)
    return {
        tag: {"questions": total, "passed": ok, "accuracy": round(ok / total, 4)}
        for tag, (total, ok) in sorted(table.items())
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
