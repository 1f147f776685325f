"""CI's regression gate: the corpus question set, run against the real index, must not get worse than its baseline.

The baseline (evals/baselines/corpus-v1/) is the committed run of the set; questions it already failed are known
failures, listed in its report. Anything that passed there and fails now fails this test, by id, with its answer.
"""

from __future__ import annotations

import json

from evals.runner import run_eval
from tests.conftest import ROOT

SET = ROOT / "evals" / "sets" / "corpus-v1.yaml"
BASELINE = ROOT / "evals" / "baselines" / "corpus-v1"


def test_corpus_set_has_no_regressions_against_its_baseline(corpus_assistant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    summary = run_eval(SET, corpus_assistant, tmp_path / "run", baseline_dir=BASELINE, progress=False)
    results = {
        r["id"]: r for r in map(json.loads, (tmp_path / "run" / "results.jsonl").read_text().splitlines())
    }
    detail = [f"{qid}: {results[qid]['question']!r} -> {results[qid]['answer'][:160]!r}" for qid in summary.regressions]
    assert not summary.regressions, "regressions against the baseline:\n" + "\n".join(detail)
    baseline = json.loads((BASELINE / "summary.json").read_text())["metrics"]
    assert summary.metrics.passed >= baseline["passed"]
    assert summary.metrics.quote_validity == 1.0  # every quote verbatim in its paragraph
