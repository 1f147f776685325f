"""Running a question set against an Answerer and writing the run's results, metrics and reports."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.api import Answerer
from assistant.errors import AssistantError, ConfigError, EvalSetError
from assistant.types import Answer, Citation, Turn
from evals import report
from evals.compare import Comparison, compare, load_baseline
from evals.metrics import Metrics, QuestionResult, compute_metrics
from evals.schema import Question, load_set
from evals.scoring import (
    CheckResult,
    check_answer,
    citation_is_gold,
    has_evidence,
    holds_expected,
    is_gold,
    quote_is_verbatim,
)


@dataclass(frozen=True)
class EvalSummary:
    """The outcome of one run: metrics, changes against the baseline and where the files are."""

    set_name: str
    set_version: str
    set_sha256: str
    out_dir: str
    metrics: Metrics
    failed: tuple[str, ...]
    regressions: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    index_info: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        """Everything passed and nothing regressed."""
        return not self.failed and not self.regressions

    @property
    def exit_code(self) -> int:
        """0 when everything passed, 1 on any failure or regression."""
        return 0 if self.ok else 1


def run_eval(
    set_path: str | Path,
    answerer: Answerer,
    out_dir: str | Path,
    baseline_dir: str | Path | None = None,
    k: int = 5,
    progress: bool = True,
) -> EvalSummary:
    """Ask every question of a set, score it, and write the run's files into ``out_dir``.

    Args:
        set_path: the question set (YAML).
        answerer: the assistant (or a fake) to evaluate.
        out_dir: where results.jsonl, summary.json, junit.xml, report.md and the chart go (created).
        baseline_dir: an earlier run's ``out_dir`` to report regressions and fixes against.
        k: how many passages ``retrieve`` returns for recall@k and MRR.
        progress: show a progress bar on stderr.

    Returns:
        The run's summary.

    Raises:
        EvalSetError: the set is malformed (file, question id and field named).
        ConfigError: ``baseline_dir`` is not an eval run.
    """
    qset = load_set(set_path)
    baseline = load_baseline(baseline_dir) if baseline_dir is not None else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info = _index_info(answerer)
    started = time.perf_counter()
    places = dict(qset.places)
    results = [
        _run_question(q, answerer, k, places)
        for q in _progress(qset.questions, progress, f"{qset.name} v{qset.version}")
    ]
    seconds = time.perf_counter() - started
    metrics = compute_metrics(results, k)
    comparison: Comparison | None = compare(results, baseline, info, qset.sha256) if baseline else None
    warnings = comparison.warnings if comparison else ()

    report.write_results(out / "results.jsonl", results)
    chart = report.CHART_NAME if report.write_chart(out / report.CHART_NAME, metrics) else None
    report.write_junit(out / "junit.xml", qset.name, results, seconds)
    report.write_markdown(
        out / "report.md", f"{qset.name} v{qset.version}", results, metrics, info, comparison, chart, warnings
    )
    failed = tuple(r.id for r in results if not r.passed)
    summary = EvalSummary(
        set_name=qset.name,
        set_version=qset.version,
        set_sha256=qset.sha256,
        out_dir=str(out),
        metrics=metrics,
        failed=failed,
        regressions=comparison.regressions if comparison else (),
        fixes=comparison.fixes if comparison else (),
        warnings=warnings,
        index_info=tuple(sorted(info.items())),
    )
    report.write_summary(out / "summary.json", _summary_json(summary, qset.path, seconds, comparison))
    return summary


def _run_question(q: Question, answerer: Answerer, k: int, places: dict[str, str] | None = None) -> QuestionResult:
    """Ask one question (its history first), then score answer, citations and retrieval."""
    checks: list[CheckResult] = []
    history: list[Turn] = []
    answer: Answer | None = None
    latency_ms = 0.0
    try:
        for earlier in q.history:
            history.append(Turn(earlier, answerer.ask(earlier, tuple(history))))
        start = time.perf_counter()
        answer = answerer.ask(q.question, tuple(history))
        latency_ms = (time.perf_counter() - start) * 1000
    except Exception as err:  # one crashing question is a failed question, not a failed run
        checks.append(CheckResult("error", False, f"ask() raised {type(err).__name__}: {err}"))
    if answer is None:
        answer = Answer(question=q.question, text="", refused=False)
    checks.extend(check_answer(q.expect, answer))
    if places and q.place in set(places.values()) and not answer.refused and answer.citations:
        # The worst failure: an answer about a place that cites nothing about that place.
        about = [c.document for c in answer.citations if places.get(c.document) == q.place]
        checks.append(
            CheckResult(
                "wrong_entity",
                bool(about),
                f"cites a document about {q.place}"
                if about
                else f"the question is about {q.place} but the answer cites only "
                + ", ".join(sorted({f"{c.document} ({places.get(c.document, '?')})" for c in answer.citations})),
            )
        )

    citations: list[dict[str, Any]] = []
    invalid: list[str] = []
    for c in answer.citations:
        valid, problem = _quote_valid(answerer, c)
        if not valid:
            invalid.append(f"[{c.marker}] {c.document} #{c.paragraph}: {problem}")
        precise: bool | None = None
        if not q.expect.refuse and has_evidence(q.expect):
            # An invented quote earns nothing; the cited paragraph's own text still counts.
            precise = (
                citation_is_gold(c, q.expect)
                or (valid and holds_expected(c.quote, q.expect))
                or holds_expected(_paragraph_text(answerer, c) or "", q.expect)
            )
        citations.append(
            {
                "marker": c.marker,
                "document": c.document,
                "label": c.label,
                "paragraph": c.paragraph,
                "page": c.page,
                "quote": c.quote,
                "quote_valid": valid,
                "precise": precise,
            }
        )
    if answer.citations:
        checks.append(
            CheckResult(
                "quotes",
                not invalid,
                "every quote is verbatim in its paragraph"
                if not invalid
                else "quote not verbatim: " + "; ".join(invalid),
            )
        )

    gold_rank: int | None = None
    if q.expect.paragraphs:
        gold_rank = _gold_rank(answerer, answer.resolved_question or q.question, q, k, checks)

    return QuestionResult(
        id=q.id,
        question=q.question,
        history=q.history,
        tags=q.tags,
        answer=answer.text,
        refused=answer.refused,
        expected_refusal=q.expect.refuse,
        citations=tuple(citations),
        checks={c.name: {"passed": c.passed, "message": c.message} for c in checks},
        passed=all(c.passed for c in checks),
        latency_ms=latency_ms,
        gold_rank=gold_rank,
        retrieval_checked=bool(q.expect.paragraphs),
        resolved_question=answer.resolved_question,
        split=q.split,
        trace=getattr(answer, "trace", None),
    )


def _gold_rank(
    answerer: Answerer, question: str, q: Question, k: int, checks: list[CheckResult]
) -> int | None:
    """1-based rank of the first gold paragraph among ``retrieve(question, k)``; None when absent."""
    try:
        passages = answerer.retrieve(question, k)
    except Exception as err:  # retrieval metrics are diagnostic; record the error, keep the run going
        checks.append(CheckResult("retrieve", False, f"retrieve() raised {type(err).__name__}: {err}"))
        return None
    for rank, passage in enumerate(passages[:k], 1):
        p = passage.paragraph
        if is_gold(p.doc_id, p.cited_label, p.ordinal, q.expect):
            return rank
    return None


def _paragraph_text(answerer: Answerer, citation: Citation) -> str | None:
    """The cited paragraph's text via ``context(radius=0)``; None when the answerer cannot find it."""
    try:
        paragraphs = answerer.context(citation.document, citation.paragraph, radius=0)
    except Exception:  # an unknown document or paragraph is reported by the quote check
        return None
    for p in paragraphs:
        if p.ordinal == citation.paragraph and p.doc_id == citation.document:
            return p.text
    return None


def _quote_valid(answerer: Answerer, citation: Citation) -> tuple[bool, str]:
    """Whether the citation's quote is verbatim in the paragraph it names, and why not."""
    text = _paragraph_text(answerer, citation)
    if text is None:
        return False, "the cited paragraph does not exist"
    if not citation.quote.strip():
        return False, "empty quote"
    if not quote_is_verbatim(citation.quote, text):
        return False, f"{citation.quote[:80]!r} is not in the paragraph"
    return True, ""


def _index_info(answerer: Answerer) -> dict[str, str]:
    """``answerer.index_info()`` as strings, or a note of why it is unavailable."""
    try:
        return {str(k): str(v) for k, v in answerer.index_info().items()}
    except Exception as err:  # a run without index info still evaluates answers
        return {"error": f"{type(err).__name__}: {err}"}


def _progress(items: Sequence[Question], enabled: bool, desc: str) -> Any:
    """``items`` wrapped in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="q", file=sys.stderr)


def _summary_json(
    summary: EvalSummary, set_path: str, seconds: float, comparison: Comparison | None
) -> dict[str, Any]:
    """The contents of ``summary.json``."""
    return {
        "set": {
            "name": summary.set_name,
            "version": summary.set_version,
            "sha256": summary.set_sha256,
            "path": set_path,
        },
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "index_info": dict(summary.index_info),
        "metrics": summary.metrics.to_json(),
        "failed": list(summary.failed),
        "baseline": None
        if comparison is None
        else {
            "path": comparison.baseline,
            "regressions": list(comparison.regressions),
            "fixes": list(comparison.fixes),
            "new": list(comparison.new),
        },
        "warnings": list(summary.warnings),
        "passed": summary.ok,
    }


def build_parser(prog: str = "assistant eval") -> argparse.ArgumentParser:
    """The command line of an evaluation run."""
    parser = argparse.ArgumentParser(prog=prog, description="Run a question set against the assistant.")
    parser.add_argument("set", metavar="SET.yaml", type=Path, help="question set to run")
    parser.add_argument("--index", metavar="DIR", type=Path, default=None, help="index directory to evaluate")
    parser.add_argument(
        "--baseline",
        metavar="RUN_DIR",
        type=Path,
        default=None,
        help="an earlier run's output directory to compare against",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=None,
        help="output directory (default: eval-runs/<set>-v<version>-<timestamp>)",
    )
    parser.add_argument("-k", type=int, default=5, help="passages retrieved for recall@k and MRR (default 5)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--gate",
        choices=("all", "regressions"),
        default="all",
        help="what fails the run: any failing question (all, default) or only regressions against --baseline",
    )
    return parser


def main(argv: Sequence[str] | None, make_answerer: Callable[[Path | None], Answerer]) -> int:
    """Run a set from the command line; 0 all passed, 1 failures or regressions, 2 malformed set or bad usage.

    Args:
        argv: the arguments after the subcommand.
        make_answerer: builds the Answerer for ``--index`` (the CLI owns index construction).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage; keep the exit code contract
        return 0 if exit_.code == 0 else 2
    if args.k < 1:
        print("error: -k must be at least 1", file=sys.stderr)
        return 2
    if args.gate == "regressions" and args.baseline is None:
        print("error: --gate regressions needs --baseline RUN_DIR", file=sys.stderr)
        return 2
    try:
        qset = load_set(args.set)  # validate before building the answerer: a typo costs no model load
        out = args.out or Path("eval-runs") / (
            f"{_slug(qset.name)}-v{_slug(qset.version)}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
        )
        answerer = make_answerer(args.index)
        summary = run_eval(args.set, answerer, out, args.baseline, k=args.k, progress=not args.no_progress)
    except EvalSetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except AssistantError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, ConfigError) else 1
    print(_one_line(summary))
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.gate == "regressions":
        # Known failures (failing in the baseline too) are reported, not fatal; anything that got worse is.
        return 1 if summary.regressions else 0
    return summary.exit_code


def _one_line(summary: EvalSummary) -> str:
    """The human summary printed at the end of a run."""
    m = summary.metrics
    parts = [
        f"{summary.set_name} v{summary.set_version}: "
        f"{m.passed}/{m.questions} passed ({m.answer_accuracy:.1%})"
    ]
    if summary.regressions:
        parts.append(f"{len(summary.regressions)} regression(s): {', '.join(summary.regressions)}")
    if summary.fixes:
        parts.append(f"{len(summary.fixes)} fix(es)")
    parts.append(f"report: {Path(summary.out_dir) / 'report.md'}")
    return "; ".join(parts)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)
