"""Smoke test of `assistant bench` on a tiny generated corpus: the table and valid JSON come out (no timings asserted)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from assistant.config import Settings
from evals.bench import BenchPlan, main
from evals.bench.synth import NUMBER_WORDS, generate, write_question_set


def test_synthetic_corpus_is_reproducible_and_answerable(tmp_path: Path) -> None:
    """Same seed, same documents; every planted answer is stated in its document."""
    a = generate(tmp_path / "a", 6, seed=3, planted=6)
    b = generate(tmp_path / "b", 6, seed=3, planted=6)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    assert a.questions == b.questions and a.questions
    for q in a.questions:
        text = (tmp_path / "a" / f"{q.expect['documents'][0]}.txt").read_text()  # type: ignore[index]
        if q.id.endswith("-recs"):  # the report says "we have made five recommendations"
            wanted = f"made {NUMBER_WORDS[int(str(q.expect['number']))]} recommendations"
        else:
            wanted = str(q.expect.get("rating") or q.expect.get("number") or q.expect["contains"][0])  # type: ignore[index]
        assert wanted in text


@pytest.mark.slow  # real model, a stock llama-index build and child processes: about 1-3 min on 2 shared CPUs
def test_quick_bench_prints_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tiny run prints the human table and one parseable JSON object with the headline figures."""
    corpus = generate(tmp_path / "corpus", 3, seed=1, planted=3)
    qset = write_question_set(tmp_path / "set.yaml", corpus, "tiny")
    plan = BenchPlan(corpus=corpus.folder, eval_set=qset, tiers=(4,), cold_runs=1, ui=False, planted=2, probe_docs=2, probe_runs=1,
                     tmp_parent=tmp_path / "tmp")
    args = argparse.Namespace(json=True, out=tmp_path / "out", quick=True, full=False, index=None)
    settings = Settings(index_dir=tmp_path / "unused", cache_dir=tmp_path / "cache")
    assert main(args, settings, plan) == 0
    captured = capsys.readouterr()
    results = json.loads(captured.out)
    for key in ("accuracy_ratio_vs_stock", "accuracy_ratio_vs_bm25"):
        assert key in results["quality"]
    for system in ("assistant", "stock_llamaindex", "bm25_only", "dense_only"):  # side by side
        assert {"answer_accuracy", "recall_at_5", "mrr"} <= set(results["quality"][system])
    assert results["machine"]["cpu_count"]
    assert [r["documents"] for r in results["scale"]] == [4]
    assert results["speed"]["ingest_generated"]["documents"] == 2  # the throughput probe beside corpus/
    assert "Targets" in captured.err and "llama-index starter" in captured.err and "dense alone" in captured.err
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == results
    assert (tmp_path / "out" / "scale.png").exists()
    assert not any((tmp_path / "tmp").iterdir())  # temporary indexes removed
