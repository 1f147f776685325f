"""Fit the answer scorer on labelled candidates and write ``assistant/data/scorer.json``: one command.

    python -m evals.fit_scorer [--real-docs ../shared/real-docs] [--cache .fit-indexes] [--out evals/scorer]

Every question of the development sets (corpus-v1, unseen-v1/v2) and the ``fit`` split of the real-document sets
is asked; each candidate the assistant considers is labelled positive when, quoted alone and cited, it passes the
question's checks (its gold strings, rating, number, documents). A logistic regression (scikit-learn) is fitted
on standardised features; the answer/refuse threshold is chosen on cross-validated predictions grouped by place,
as the lowest that keeps the answers given right at least ``--precision`` of the time. ``heldout`` questions are
never read here. Writes the scorer, ``candidates.jsonl.gz`` (the labelled data: ``--rows`` refits from it without
any index), ``questions.jsonl``, ``fit.json`` and a reliability plot.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.answering.features import FEATURES
from assistant.conversation import points_back, resolve
from assistant.types import Answer, Citation, Turn
from evals.schema import Question, load_set
from evals.scoring import check_answer

ROOT = Path(__file__).resolve().parent.parent
GATED = ("corpus-v1",)  # the sets CI's eval gate runs: their cross-validated accuracy must stay >= 0.95


@dataclass(frozen=True)
class Source:
    """A question set and the folder of documents its index is built from."""

    name: str
    set_path: Path
    docs: Path


def sources(real_docs: Path) -> list[Source]:
    sets = ROOT / "evals" / "sets"
    return [
        Source("corpus-v1", sets / "corpus-v1.yaml", ROOT / "corpus"),
        Source("unseen-v1", sets / "unseen-v1.yaml", sets / "unseen-v1"),
        Source("unseen-v2", sets / "unseen-v2.yaml", sets / "unseen-v2"),
        Source("real-web-v1", sets / "real-web-v1.yaml", real_docs / "web-pages" / "docs"),
        Source("real-web-pages-v0", sets / "real-web-pages-v0.yaml", real_docs / "web-pages" / "docs"),
        Source("real-ilacs-v1", sets / "real-ilacs-v1.yaml", real_docs / "ofsted-ilacs"),
    ]


def ensure_index(docs: Path, index: Path) -> None:
    """Ingest ``docs`` into ``index`` (unchanged files are skipped, so a built index costs seconds)."""
    cmd = [sys.executable, "-m", "assistant", "ingest", str(docs), "--index", str(index), "--prune", "--json"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def neutral_scorer() -> Any:
    """A scorer with no weights: collecting candidates and their features must not depend on an earlier fit."""
    from assistant.answering.decide import Logistic, Scorer
    from assistant.answering.features import QUESTION_FEATURES

    def zero(names: Sequence[str]) -> Logistic:
        return Logistic(tuple(names), (0.0,) * len(names), (1.0,) * len(names), (0.0,) * len(names), 0.0)

    return Scorer(zero(FEATURES), zero(QUESTION_FEATURES), 0.5, {"note": "neutral: for collecting candidates"}, 0.0)


def candidate_answer(question: str, c: Any) -> Answer:
    """A candidate quoted alone, cited to its paragraph: what the checks read."""
    if c.kind == "rules" and c.answer is not None:
        return c.answer
    p = c.passage.paragraph
    cite = Citation(1, c.passage.source, p.doc_id, c.passage.meta.title, p.section, p.cited_label, p.ordinal,
                    p.page, c.quote)
    return Answer(question=question, text=f"{c.statement} [1]", refused=False, citations=(cite,))


def passes(q: Question, question: str, c: Any) -> bool:
    """Quoted alone, the candidate passes the question's checks (what the evaluation asks of an answer)."""
    if q.expect.refuse:
        return False
    checks = check_answer(q.expect, candidate_answer(question, c))
    return all(r.passed for r in checks if r.name not in ("answered",))


def label(q: Question, question: str, c: Any, passed: bool) -> bool:
    """Positive for ranking: it passes and, where the set gives the gold sentence, says what that sentence says
    (a row of another area that happens to share the grade is not the answer)."""
    return passed and (q.support is None or supports(q.support, c.statement))


def supports(gold: str, text: str) -> bool:
    """Whether ``text`` shares most of the gold sentence's content words (or the gold sentence holds most of it)."""
    from assistant.retrieve import terms

    g, t = set(terms(gold)), set(terms(text))
    if not g or not t:
        return False
    return len(g & t) / min(len(g), len(t)) >= 0.6


def collect(assistant: Any, qset_path: Path, set_name: str) -> list[dict[str, Any]]:
    """Every candidate of every non-heldout question, with features and label."""
    qset = load_set(qset_path)
    rows = []
    for q in qset.questions:
        if q.split == "heldout":
            continue
        history: list[Turn] = []
        for earlier in q.history:
            history.append(Turn(earlier, assistant.ask(earlier, tuple(history))))
        resolved = resolve(q.question, history)
        _, pr, _, scored = assistant.candidates(resolved, None, assistant.settings.role,
                                                points_back(q.question, history))
        group = f"{set_name}:{q.place or q.id}"
        if not scored:
            rows.append({"set": set_name, "id": q.id, "group": group, "refuse": q.expect.refuse, "gate": pr.reason,
                         "features": None, "label": False})
        for s in scored:
            rows.append({
                "set": set_name, "id": q.id, "group": group, "refuse": q.expect.refuse, "gate": pr.reason,
                "kind": s.candidate.kind, "document": s.candidate.doc_id, "text": s.candidate.statement[:300],
                "features": s.features, "passes": (ok := passes(q, q.question, s.candidate)),
                "label": label(q, q.question, s.candidate, ok),
            })
    return rows


def choose_threshold(
    per_question: list[tuple[float, bool, bool]], precision: float | None, wrong_cost: float,
    gated: list[list[tuple[float, bool, bool]]] | None = None, gate_accuracy: float = 0.95,
) -> tuple[float, dict[str, Any]]:
    """The threshold the decision answers at: the best utility, where a right answer or a due refusal earns 1,
    a refusal of an answerable question 0 and a wrong answer costs ``wrong_cost`` (a wrong rating in front of a
    committee is worse than an honest "the documents don't say"), among thresholds whose answers are right at
    least ``precision`` of the time (when any reaches it).

    ``per_question``: (confidence, the answer composed would be right, the question expects a refusal)."""
    rows = []
    n = len(per_question)
    for step in range(5, 100):
        t = step / 100
        answered = [(ok, ref) for p, ok, ref in per_question if p >= t]
        right = sum(1 for ok, ref in answered if ok and not ref)
        wrong = len(answered) - right
        refused_right = sum(1 for p, _, ref in per_question if p < t and ref)
        rows.append({
            "threshold": t,
            "accuracy": round((right + refused_right) / n, 4) if n else 0.0,
            "answered_right": round(right / len(answered), 4) if answered else 1.0,
            "answered": len(answered),
            "questions": n,
            "utility": round((right + refused_right - wrong_cost * wrong) / n, 4) if n else 0.0,
        })
    def gate_ok(t: float) -> bool:
        # A set CI gates (corpus-v1) must keep its accuracy and give no wrong answer at that threshold.
        for part in gated or []:
            right = sum(1 for p, ok, ref in part if (p >= t and ok and not ref) or (p < t and ref))
            wrong = sum(1 for p, ok, ref in part if p >= t and not (ok and not ref))
            if part and (right / len(part) < gate_accuracy or wrong):
                return False
        return True

    eligible = [r for r in rows if (precision is None or r["answered_right"] >= precision) and gate_ok(r["threshold"])]
    if not eligible:
        return -1.0, {"utility": float("-inf")}
    best = max(eligible, key=lambda r: (r["utility"], r["accuracy"]))
    return float(best["threshold"]), {**best, "wrong_cost": wrong_cost, "precision_floor": precision,
                                      "curve": [r for r in rows if round(r["threshold"] * 100) % 10 == 0]}


def _logistic(X: Any, y: Any, names: Sequence[str], weight: Any = None) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    model = LogisticRegression(C=1.0, max_iter=3000).fit(scaler.transform(X), y, sample_weight=weight)
    return {
        "features": list(names),
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) if v > 0 else 1.0 for v in scaler.scale_],
        "weights": [float(v) for v in model.coef_[0]],
        "bias": float(model.intercept_[0]),
    }


def _cross_validated(X: Any, y: Any, groups: Any, names: Sequence[str], weight: Any = None) -> Any:
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from assistant.answering.decide import Logistic

    out = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(X, y, groups):
        model = Logistic.of(_logistic(X[train], y[train], names, None if weight is None else weight[train]),
                            tuple(names))
        out[test] = [model.probability(row) for row in X[test]]
    return out


def question_rows(rows: list[dict[str, Any]], probability: Any) -> list[dict[str, Any]]:
    """One row per question: the decision's features from its candidates ranked by ``probability``, and whether
    the answer composed from them is right (the best candidate, or a close second that is)."""
    from assistant.answering.compose import CLOSE
    from assistant.answering.features import question_vector

    data = [r for r in rows if r["features"] is not None]
    ranked: dict[tuple[str, str], list[tuple[float, dict[str, Any]]]] = {}
    for r, p in zip(data, probability, strict=True):
        ranked.setdefault((r["set"], r["id"]), []).append((float(p), r))
    out = []
    for key in dict.fromkeys((r["set"], r["id"]) for r in rows):
        first = next(r for r in rows if (r["set"], r["id"]) == key)
        cands = sorted(ranked.get(key, []), key=lambda t: -t[0])
        if not cands:
            continue  # no candidate at all: refused as no_evidence, not the threshold's business
        (p1, best), rest = cands[0], cands[1:]
        right = not first["refuse"] and (
            best.get("passes", best["label"])
            or bool(rest and rest[0][1].get("passes", rest[0][1]["label"]) and rest[0][0] >= max(0.5, p1 - CLOSE))
        )
        ruled = [r for _, r in cands if r.get("kind") == "rules"]
        out.append({"set": key[0], "id": key[1], "group": first["group"], "refuse": first["refuse"],
                    "features": question_vector([p for p, _ in cands[:10]], best["features"], bool(ruled)),
                    "right": bool(right),
                    # The rule-based answer is given where it answers (engine._decide): its own result decides.
                    "rules_right": (bool(ruled[0].get("passes", ruled[0]["label"])) and not first["refuse"])
                    if ruled else None,
                    "rules_p": next((p for p, r in cands if r.get("kind") == "rules"), None)})
    return out


def fit(rows: list[dict[str, Any]], precision: float | None, out: Path, wrong_cost: float = 1.0) -> dict[str, Any]:
    import numpy as np

    from assistant.answering.features import QUESTION_FEATURES

    data = [r for r in rows if r["features"] is not None]
    X = np.array([r["features"] for r in data], dtype=float)
    y = np.array([r["label"] for r in data], dtype=int)
    groups = np.array([r["group"] for r in data])
    cv_prob = _cross_validated(X, y, groups, FEATURES)
    qrows = question_rows(rows, cv_prob)
    QX = np.array([q["features"] for q in qrows], dtype=float)
    QY = np.array([q["right"] for q in qrows], dtype=int)
    QG = np.array([q["group"] for q in qrows])
    # Each set weighs the same in the decision: the many Ofsted questions must not set the confidence a short
    # press release or a committee minute gets.
    sizes: dict[str, int] = {}
    for q in qrows:
        sizes[q["set"]] = sizes.get(q["set"], 0) + 1
    QW = np.array([len(qrows) / (len(sizes) * sizes[q["set"]]) for q in qrows])
    q_prob = _cross_validated(QX, QY, QG, QUESTION_FEATURES, QW)
    # Questions with no candidate at all are refused whatever the threshold: right only when a refusal is due.
    empty = [(0.0, False, r["refuse"]) for r in rows if r["features"] is None]
    best: tuple[float, float, dict[str, Any]] | None = None
    for floor in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 1.01):
        # The rule-based answer is given as it stands when the ranker gives it at least ``floor``.
        per_question = [
            (1.0, bool(q["rules_right"]), bool(q["refuse"]))
            if q["rules_right"] is not None and q["rules_p"] >= floor
            else (float(p), bool(q["right"]), bool(q["refuse"]))
            for p, q in zip(q_prob, qrows, strict=True)
        ] + empty
        gated_parts = [
            [pq for pq, q in zip(per_question, qrows, strict=False) if q["set"] == name] for name in GATED
        ]
        t, st = choose_threshold(per_question, precision, wrong_cost, gated_parts)
        if t < 0:
            continue
        if best is None or st["utility"] > best[2]["utility"]:
            best = (floor, t, {**st, "rules_floor": floor})
    assert best is not None
    rules_floor, threshold, stats = best
    for q in qrows:
        if q["rules_right"] is not None and q["rules_p"] < rules_floor:
            q["rules_right"] = None  # decided by the threshold, like any other question
    stats["per_set"] = _per_set(qrows, q_prob, threshold)
    bins = reliability(q_prob, QY, out / "reliability.png")
    with (out / "questions.jsonl").open("w") as fh:
        for q, p in zip(qrows, q_prob, strict=True):
            fh.write(json.dumps({**q, "cv_confidence": round(float(p), 4)}) + "\n")
    return {
        "candidate": _logistic(X, y, FEATURES),
        "question": _logistic(QX, QY, QUESTION_FEATURES, QW),
        "threshold": threshold,
        "rules_floor": rules_floor,
        "fitted": {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "candidates": len(data),
            "positives": int(y.sum()),
            "questions": len(qrows),
            "sets": sorted({r["set"] for r in rows}),
            "precision_floor": precision,
            "wrong_cost": wrong_cost,
            "cross_validated": stats,
            "reliability": bins,
        },
    }


def _per_set(qrows: list[dict[str, Any]], q_prob: Any, threshold: float) -> dict[str, dict[str, float]]:
    """Cross-validated accuracy and answers-given-right of each set at the chosen threshold."""
    out: dict[str, dict[str, float]] = {}
    for name in sorted({q["set"] for q in qrows}):
        part = [(p, q) for p, q in zip(q_prob, qrows, strict=True) if q["set"] == name]
        decided = [(1.0, q["rules_right"], q) if q["rules_right"] is not None else (p, q["right"], q) for p, q in part]
        answered = [ok for p, ok, _ in decided if p >= threshold]
        right = sum(answered) + sum(1 for p, _, q in decided if p < threshold and q["refuse"])
        out[name] = {"questions": len(part), "accuracy": round(right / len(part), 4),
                     "answered_right": round(sum(answered) / len(answered), 4) if answered else 1.0}
    return out


def reliability(prob: Sequence[float], y: Sequence[int], path: Path) -> list[dict[str, float]]:
    """Predicted probability against observed share of right candidates, in ten bins; plotted to ``path``."""
    bins = []
    for i in range(10):
        lo, hi = i / 10, (i + 1) / 10
        idx = [j for j, p in enumerate(prob) if lo <= p < hi or (i == 9 and p == 1.0)]
        if idx:
            bins.append({"from": lo, "to": hi, "n": len(idx), "predicted": round(sum(prob[j] for j in idx) / len(idx), 4),
                         "observed": round(sum(y[j] for j in idx) / len(idx), 4)})
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
        ax.plot([b["predicted"] for b in bins], [b["observed"] for b in bins], "o-", label="answer scorer (cross-validated)")
        ax.set_xlabel("predicted probability the answer given is right")
        ax.set_ylabel("share of answers that are right")
        ax.set_title("Reliability of the answer scorer")
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    except Exception as err:  # the plot is a report, not the fit
        print(f"warning: no reliability plot ({err})", file=sys.stderr)
    return bins


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit_scorer", description=__doc__.splitlines()[0])
    parser.add_argument("--real-docs", type=Path, default=ROOT.parent / "shared" / "real-docs")
    parser.add_argument("--cache", type=Path, default=ROOT / ".fit-indexes", help="where the sets' indexes are kept")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "scorer")
    parser.add_argument("--scorer", type=Path, default=ROOT / "assistant" / "data" / "scorer.json")
    parser.add_argument("--precision", type=float, default=None,
                        help="a floor on the share of answers given that are right (default: none, see --wrong-cost)")
    parser.add_argument("--wrong-cost", type=float, default=1.0,
                        help="what a wrong answer costs, a refused answerable question costing 0 and a right answer earning 1 (default 1)")
    parser.add_argument("--only", nargs="*", default=None, help="set names to use (default: all)")
    parser.add_argument("--rows", type=Path, default=None, help="refit from an earlier candidates.jsonl")
    args = parser.parse_args(argv)

    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.offline import go_offline

    go_offline()
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    if args.rows:
        opener = gzip.open if args.rows.suffix == ".gz" else open
        with opener(args.rows, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
    else:
        for src in sources(args.real_docs):
            if args.only and src.name not in args.only:
                continue
            if not src.docs.exists():
                print(f"skipping {src.name}: {src.docs} not found", file=sys.stderr)
                continue
            key = src.docs.parent.name if src.docs.name == "docs" else src.docs.name
            index = args.cache / key
            ensure_index(src.docs, index)
            assistant = Assistant(load_settings(index_dir=index), scorer=neutral_scorer())
            found = collect(assistant, src.set_path, src.name)
            print(f"{src.name}: {len({r['id'] for r in found})} questions, {len(found)} candidates, "
                  f"{sum(r['label'] for r in found)} positive", file=sys.stderr)
            rows += found
        with gzip.open(args.out / "candidates.jsonl.gz", "wt", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
    scorer = fit(rows, args.precision, args.out, args.wrong_cost)
    args.scorer.write_text(json.dumps(scorer, indent=1) + "\n")
    (args.out / "fit.json").write_text(json.dumps(scorer["fitted"], indent=1) + "\n")
    print(json.dumps(scorer["fitted"]["cross_validated"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
