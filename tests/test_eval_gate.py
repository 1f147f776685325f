"""CI's gate: the corpus question set, run against a freshly built index, must pass in full.

Any failing question fails this test, by id, with its answer and the checks it failed; a question that passed in
the committed baseline (evals/baselines/corpus-v1/) and fails now is also named as a regression.
"""

from __future__ import annotations

import json

from evals.runner import run_eval
from tests.conftest import ROOT

SET = ROOT / "evals" / "sets" / "corpus-v1.yaml"
BASELINE = ROOT / "evals" / "baselines" / "corpus-v1"


def test_the_corpus_set_passes_in_full(corpus_assistant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    summary = run_eval(SET, corpus_assistant, tmp_path / "run", baseline_dir=BASELINE, progress=False)
    results = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    failed = [r for r in results if not r["passed"]]
    detail = [
        f"{r['id']}{' (regression)' if r['id'] in summary.regressions else ''}: {r['question']!r} -> "
        f"{r['answer'][:160]!r}; {[c['message'] for c in r['checks'].values() if not c['passed']]}"
        for r in failed
    ]
    assert not failed, f"{len(failed)} of {len(results)} questions fail:\n" + "\n".join(detail)
    assert summary.ok  # no failure and no regression: what `python -m assistant eval` exits 0 on
    assert summary.metrics.quote_validity == 1.0  # every quote verbatim in its paragraph
