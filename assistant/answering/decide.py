"""The one place that decides: a fitted logistic scorer over candidate features and one threshold.

The weights, the threshold and how they were fitted ship as data (``assistant/data/scorer.json``, written by
``python -m evals.fit_scorer``); asking never imports scikit-learn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assistant.answering.features import FEATURES, QUESTION_FEATURES


@dataclass(frozen=True)
class Logistic:
    """Standardise, then a logistic model."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (v - m) / (s or 1.0) for w, v, m, s in zip(self.weights, values, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def of(cls, data: dict[str, Any], expected: tuple[str, ...]) -> Logistic:
        names = tuple(data["features"])
        if names != expected:
            raise ValueError("scorer.json was fitted on other features; run `make fit` to refit it")
        return cls(names, tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(map(float, data["weights"])), float(data["bias"]))


@dataclass(frozen=True)
class Scorer:
    """P(candidate answers the question) ranks candidates; P(the answer given is right) decides, at one threshold."""

    candidate: Logistic
    question: Logistic
    threshold: float
    fitted: dict[str, Any]
    rules_floor: float = 0.0  # the rule-based answer is given as it stands when ranked at least this probable

    def probability(self, values: Sequence[float]) -> float:
        return self.candidate.probability(values)

    def confidence(self, values: Sequence[float]) -> float:
        return self.question.probability(values)


def scorer_from(data: dict[str, Any]) -> Scorer:
    return Scorer(
        Logistic.of(data["candidate"], FEATURES),
        Logistic.of(data["question"], QUESTION_FEATURES),
        float(data["threshold"]),
        dict(data.get("fitted", {})),
        float(data.get("rules_floor", 0.0)),
    )


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The committed scorer (``assistant/data/scorer.json``)."""
    text = resources.files("assistant").joinpath("data", "scorer.json").read_text(encoding="utf-8")
    return scorer_from(json.loads(text))


@dataclass(frozen=True)
class Decision:
    """Answer or refuse, with the score and threshold that decided it and the reason for a refusal."""

    answer: bool
    score: float
    threshold: float
    reason: str | None  # None when answering; no_evidence | below_threshold | not_in_index | ...


def decide(confidence: float | None, scorer: Scorer) -> Decision:
    """Answer when the confidence that the answer is right reaches the threshold (None: no candidate at all)."""
    if confidence is None:
        return Decision(False, 0.0, scorer.threshold, "no_evidence")
    if confidence >= scorer.threshold:
        return Decision(True, confidence, scorer.threshold, None)
    return Decision(False, confidence, scorer.threshold, "below_threshold")
