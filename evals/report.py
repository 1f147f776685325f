"""Writing a run's files: results.jsonl, summary.json, junit.xml, report.md and the per-tag chart."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.compare import Comparison
from evals.metrics import Metrics, QuestionResult

CHART_NAME = "accuracy_by_tag.png"

_METRIC_NAMES = (
    ("answer_accuracy", "Answer accuracy"),
    ("citation_precision", "Citation precision"),
    ("quote_validity", "Quote validity"),
    ("refusal_precision", "Refusal precision"),
    ("refusal_recall", "Refusal recall"),
    ("answered_right", "Answers given right"),
    ("wrong_entity", "Wrong-entity answers"),
    ("retrieval_recall_at_k", "Retrieval recall@k"),
    ("mrr", "Retrieval MRR"),
    ("latency_p50_ms", "Latency p50 (ms)"),
    ("latency_p95_ms", "Latency p95 (ms)"),
)


def write_results(path: Path, results: Sequence[QuestionResult]) -> None:
    """One JSON object per question."""
    with path.open("w", encoding="utf-8") as out:
        for r in results:
            out.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    """The run's summary as indented JSON."""
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_junit(path: Path, suite: str, results: Sequence[QuestionResult], seconds: float) -> None:
    """JUnit XML: one testcase per question, failures carrying the failed checks' messages."""
    failures = sum(not r.passed for r in results)
    root = ET.Element("testsuites", name=suite, tests=str(len(results)), failures=str(failures))
    node = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
    )
    for r in results:
        case = ET.SubElement(
            node,
            "testcase",
            classname=f"{suite}.{r.tags[0] if r.tags else 'untagged'}",
            name=r.id,
            time=f"{r.latency_ms / 1000:.3f}",
        )
        if not r.passed:
            messages = r.failures()
            failure = ET.SubElement(
                case, "failure", message=messages[0] if messages else "failed", type="EvalFailure"
            )
            failure.text = "\n".join([*messages, "", f"question: {r.question}", f"answer: {r.answer}"])
        out = ET.SubElement(case, "system-out")
        out.text = r.answer
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_chart(path: Path, metrics: Metrics) -> bool:
    """A horizontal bar chart of accuracy per tag (PNG); False when there is nothing to draw."""
    if not metrics.per_tag:
        return False
    # The Agg backend is chosen here, not at import, so importing evals never changes a host app's backend.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tags = list(metrics.per_tag)
    values = [metrics.per_tag[t]["accuracy"] * 100 for t in tags]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(tags) + 1.2))
    bars = ax.barh(
        tags, values, color=["#2e7d32" if v >= 80 else "#f9a825" if v >= 50 else "#c62828" for v in values]
    )
    for bar, tag in zip(bars, tags, strict=True):
        row = metrics.per_tag[tag]
        ax.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            f"{int(row['passed'])}/{int(row['questions'])}",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, 110)
    ax.invert_yaxis()
    ax.set_xlabel("accuracy (%)")
    ax.set_title("Answer accuracy by tag")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def write_markdown(
    path: Path,
    title: str,
    results: Sequence[QuestionResult],
    metrics: Metrics,
    index_info: dict[str, str],
    comparison: Comparison | None,
    chart: str | None,
    warnings: Sequence[str],
) -> None:
    """The human report: failures first, then the summary, then accuracy by tag."""
    failed = [r for r in results if not r.passed]
    regressions = set(comparison.regressions) if comparison else set()
    lines = [f"# Evaluation: {title}", ""]
    lines.append(
        f"**{metrics.passed}/{metrics.questions} passed ({metrics.answer_accuracy:.1%})**"
        + (f", {len(regressions)} regression(s) against `{comparison.baseline}`" if comparison else "")
    )
    lines.append("")
    for warning in warnings:
        lines.append(f"> **Warning:** {warning}")
        lines.append("")
    lines.append(f"## Failures ({len(failed)})")
    lines.append("")
    if not failed:
        lines.append("None.")
        lines.append("")
    # Regressions lead: they are what changed since the last accepted run.
    for r in sorted(failed, key=lambda r: (r.id not in regressions, r.id)):
        flag = " (REGRESSION)" if r.id in regressions else ""
        lines.append(f"### `{r.id}`{flag}: {_md(r.question)}")
        lines.append("")
        if r.history:
            lines.append("History: " + " / ".join(_md(h) for h in r.history))
            lines.append("")
        for message in r.failures():
            lines.append(f"- ✗ {_md(message)}")
        lines.append("")
        lines.append("> " + _md(" ".join(r.answer.split()))[:600])
        cites = ", ".join(
            f"{c['document']} §{c.get('label') or '#' + str(c['paragraph'])}" for c in r.citations
        )
        lines.append("")
        lines.append(f"Cited: {cites or 'nothing'}")
        lines.append("")
    if comparison:
        lines.append("## Changes against the baseline")
        lines.append("")
        lines.append(
            f"- Regressions ({len(comparison.regressions)}): " + (", ".join(comparison.regressions) or "none")
        )
        lines.append(f"- Fixes ({len(comparison.fixes)}): " + (", ".join(comparison.fixes) or "none"))
        if comparison.new:
            lines.append(f"- New questions ({len(comparison.new)}): " + ", ".join(comparison.new))
        lines.append("")
    lines.append("## Summary")
    lines.append("")
    header = "| metric | value |" + (" baseline |" if comparison else "")
    lines.append(header)
    lines.append("|---|---|" + ("---|" if comparison else ""))
    for key, name in _METRIC_NAMES:
        label = name.replace("@k", f"@{metrics.k}")
        row = f"| {label} | {_fmt(key, getattr(metrics, key))} |"
        if comparison:
            row += f" {_fmt(key, comparison.baseline_metrics.get(key))} |"
        lines.append(row)
    lines.append("")
    if metrics.per_split:
        lines.append("## By split (fit: used to fit the scorer; heldout: never seen by fitting)")
        lines.append("")
        lines.append("| split | passed | accuracy | refusal recall | answers given right | wrong entity |")
        lines.append("|---|---|---|---|---|---|")
        for split, row in metrics.per_split.items():
            lines.append(
                f"| {split} | {row['passed']}/{row['questions']} | {_fmt('a', row['accuracy'])} | "
                f"{_fmt('a', row['refusal_recall'])} | {_fmt('a', row['answered_right'])} | {row['wrong_entity']} |"
            )
        lines.append("")
    if metrics.refusal_reasons:
        lines.append("Refusals by reason: " + ", ".join(f"{k} {v}" for k, v in metrics.refusal_reasons.items()))
        lines.append("")
    if index_info:
        lines.append("Index: " + ", ".join(f"{k}={v}" for k, v in sorted(index_info.items())))
        lines.append("")
    lines.append("## Accuracy by tag")
    lines.append("")
    if chart:
        lines.append(f"![Accuracy by tag]({chart})")
        lines.append("")
    lines.append("| tag | passed | accuracy |")
    lines.append("|---|---|---|")
    for tag, counts in metrics.per_tag.items():
        lines.append(
            f"| {tag} | {int(counts['passed'])}/{int(counts['questions'])} | {counts['accuracy']:.0%} |"
        )
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _fmt(key: str, value: Any) -> str:
    """A metric as text: milliseconds whole, shares as percentages, missing as an em dash."""
    if value is None:
        return "—"
    if key.startswith("latency"):
        return f"{value:.0f}"
    if key == "mrr":
        return f"{value:.3f}"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1%}"


def _md(text: str) -> str:
    """Text safe inside a Markdown line (no stray table pipes or line breaks)."""
    return " ".join(text.split()).replace("|", "\\|")
