"""The bench's outputs: targets (pass/miss), the table for a terminal, results.json and the plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _get(d: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _tier(results: dict[str, Any], n: int) -> dict[str, Any]:
    return next((r for r in results.get("scale", []) if r["documents"] == n), {})


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and pass / miss (None when not measured in this run)."""
    spec = [
        ("accuracy vs stock starter", ">= 1.3x", _get(results, "quality", "accuracy_ratio_vs_stock"),
         lambda v: v >= 1.3),
        ("warm p95 at 500 docs", "<= 100 ms", _tier(results, 500).get("warm_p95_ms"), lambda v: v <= 100),
        ("warm p95 at 2,000 docs", "<= 250 ms", _tier(results, 2000).get("warm_p95_ms"), lambda v: v <= 250),
        ("cold start (ask)", "<= 3 s", _get(results, "speed", "cold_start_s"), lambda v: v <= 3),
        ("ingest / raw, generated docs", "<= 1.25x",
         _get(results, "speed", "ingest_generated", "ratio_ingest_to_raw"), lambda v: v <= 1.25),
        ("ingest / raw, corpus/ (5 files)", "<= 1.25x", _get(results, "speed", "ingest", "ratio_ingest_to_raw"),
         lambda v: v <= 1.25),
        ("UI serving peak RSS", "<= 1,536 MB", _get(results, "speed", "ui", "peak_rss_mb"), lambda v: v <= 1536),
        ("re-ingest unchanged corpus", "< 2 s", _get(results, "speed", "reingest", "wall_s"), lambda v: v < 2),
        ("ingest / raw, real PDFs", "<= 1.25x", _get(results, "real_pdfs", "ratio_ingest_to_raw"), lambda v: v <= 1.25),
        ("warm p95, real PDFs", "<= 100 ms", _get(results, "real_pdfs", "warm_p95_ms"), lambda v: v <= 100),
    ]
    return [{"name": name, "target": goal, "value": value,
             "status": None if value is None else ("pass" if check(value) else "miss")}
            for name, goal, value, check in spec]


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3g}{unit}" if abs(v) < 100 else f"{v:,.0f}{unit}"
    return f"{v}{unit}"


def _pct(v: Any) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def format_table(results: dict[str, Any]) -> str:
    """The human report: quality, speed, scale and the targets."""
    m = results.get("machine", {})
    lines = [f"Benchmark on {m.get('cpu_count')} CPU(s) ({m.get('cpu_model')}), Python {m.get('python')}, "
             f"model {m.get('embedding_model')}; load average at start {m.get('load_average_at_start')}", ""]
    q = results.get("quality")
    if q:
        lines += [f"Quality on {q['eval_set']}", f"  {'system':<22}{'accuracy':>10}{'passed':>10}{'recall@5':>10}"
                  f"{'MRR':>8}"]
        for key, name in (("assistant", "this project"), ("stock_llamaindex", "llama-index starter"),
                          ("bm25_only", "BM25 alone"), ("dense_only", "dense alone")):
            r = q.get(key)
            if r is None:
                continue
            lines.append(f"  {name:<22}{_pct(r['answer_accuracy']):>10}{r['passed']:>6}/{r['questions']:<3}"
                         f"{_pct(r['recall_at_5']):>10}{_fmt(r['mrr']):>8}")
        lines += [f"  accuracy ratio vs stock {_fmt(q['accuracy_ratio_vs_stock'])}x, "
                  f"vs BM25 {_fmt(q['accuracy_ratio_vs_bm25'])}x; warm ask p50 {_fmt(q['warm_ask_p50_ms'], ' ms')}, "
                  f"p95 {_fmt(q['warm_ask_p95_ms'], ' ms')}", ""]
    s = results.get("speed")
    if s:
        ing, re_, ui = s.get("ingest", {}), s.get("reingest", {}), s.get("ui", {})
        gen = s.get("ingest_generated")
        lines += ["Speed and memory",
                  f"  cold start `python -m assistant ask`  {_fmt(s.get('cold_start_s'), ' s')} "
                  f"(median of {s.get('cold_start_runs_s')})",
                  f"  fresh ingest of corpus/  {_fmt(ing.get('ingest_s'), ' s')}: {ing.get('chunks')} chunks, "
                  f"{_fmt(ing.get('chunks_per_s'))} chunks/s, {_fmt(ing.get('tokens_per_s'))} tokens/s "
                  f"(model load {_fmt(ing.get('model_load_s'), ' s')} not included)",
                  f"  bare model on the same texts  {_fmt(ing.get('raw_embed_s'), ' s')}: "
                  f"{_fmt(ing.get('raw_chunks_per_s'))} chunks/s, {_fmt(ing.get('raw_tokens_per_s'))} tokens/s; "
                  f"ingest/raw {_fmt(ing.get('ratio_ingest_to_raw'))}x (median of {ing.get('ratio_runs')})",
                  *([f"  {gen.get('documents')} generated documents  ingest {_fmt(gen.get('ingest_s'), ' s')} vs bare "
                     f"model {_fmt(gen.get('raw_embed_s'), ' s')} on {gen.get('embedded_texts')} texts: ingest/raw "
                     f"{_fmt(gen.get('ratio_ingest_to_raw'))}x (median of {gen.get('ratio_runs')})"] if gen else []),
                  f"  re-ingest unchanged  {_fmt(re_.get('wall_s'), ' s')} wall "
                  f"({_fmt(re_.get('in_process_s'), ' s')} in process, {re_.get('skipped_unchanged')} skipped)",
                  f"  peak RSS: ingest {_fmt(ing.get('peak_rss_mb'), ' MB')}, re-ingest "
                  f"{_fmt(re_.get('peak_rss_mb'), ' MB')}, UI serving {_fmt(ui.get('peak_rss_mb'), ' MB')}"
                  + (f" ({ui.get('note')})" if ui.get("note") else ""), ""]
    rows = results.get("scale") or []
    if rows:
        lines += ["Scale (generated corpus)",
                  f"  {'docs':>6}{'chunks':>8}{'ingest':>10}{'CPU':>10}{'index':>10}{'open':>8}{'p50':>9}{'p95':>9}"
                  f"{'accuracy':>10}"]
        for r in rows:
            lines.append(f"  {r['documents']:>6}{r['chunks']:>8}{_fmt(r['ingest_s'], ' s'):>10}"
                         f"{_fmt(r.get('ingest_cpu_s'), ' s'):>10}{_fmt(r['index_mb'], ' MB'):>10}{_fmt(r['open_s'], ' s'):>8}"
                         f"{_fmt(r['warm_p50_ms'], ' ms'):>9}{_fmt(r['warm_p95_ms'], ' ms'):>9}"
                         f"{_pct(r['answer_accuracy']):>10} ({r['questions']} q)")
        lines.append("")
    real = results.get("real_pdfs")
    if real:
        lines += [f"Real PDFs ({real['folder']})",
                  f"  {real['documents']} documents, {real['pages']} pages, {real['chunks']} chunks: ingest "
                  f"{_fmt(real['ingest_s'], ' s')} against bare embedding {_fmt(real['raw_embed_s'], ' s')} = "
                  f"{_fmt(real['ratio_ingest_to_raw'])}x; {_fmt(real['pages_per_s'])} pages/s; index "
                  f"{_fmt(real['index_mb'], ' MB')}; open {_fmt(real['open_s'], ' s')}",
                  f"  question set: {_pct(real.get('answer_accuracy'))} of {real.get('questions')}; warm p50 "
                  f"{_fmt(real.get('warm_p50_ms'), ' ms')} / p95 {_fmt(real.get('warm_p95_ms'), ' ms')}",
                  f"  judgements table against the gold file: {real.get('judgements_vs_gold')}"]
        lines += [f"  third party wrong: {d}" for d in real.get("third_party_disagreements", [])]
        lines.append("")
    lines.append("Targets")
    for t in results.get("targets", []):
        lines.append(f"  {t['name']:<30}{t['target']:>12}  {_fmt(t['value']):>8}  {t['status'] or 'not measured'}")
    lines.append(f"\n{results.get('seconds', '?')} s in all")
    return "\n".join(lines)


def write_outputs(results: dict[str, Any], out: Path) -> list[Path]:
    """results.json and the latency/accuracy plot into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.json"]
    written[0].write_text(json.dumps(results, indent=2), encoding="utf-8")
    plot = write_plot(results, out / "scale.png")
    if plot:
        written.append(plot)
    return written


def write_plot(results: dict[str, Any], path: Path) -> Path | None:
    """Warm latency and answer accuracy against corpus size: the real corpus apart, the generated tiers as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter

    q = results.get("quality")
    rows = results.get("scale", [])
    if not q and not rows:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    xs = [r["documents"] for r in rows]
    if rows:
        left.plot(xs, [r["warm_p50_ms"] for r in rows], "o-", label="p50, generated")
        left.plot(xs, [r["warm_p95_ms"] for r in rows], "s-", label="p95, generated")
        right.plot(xs, [100 * r["answer_accuracy"] for r in rows], "o-", label="planted questions")
    if q:
        left.plot([5], [q["warm_ask_p50_ms"]], "o", color="grey", label="p50, real corpus")
        left.plot([5], [q["warm_ask_p95_ms"]], "s", color="black", label="p95, real corpus")
        right.plot([5], [100 * q["assistant"]["answer_accuracy"]], "D", color="black", label="real corpus eval set")
        xs = [5, *xs]
    for ax in (left, right):
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(xs))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.set_xlabel("documents in the index")
        ax.legend(fontsize=8)
    left.set(ylabel="warm ask latency (ms)", title="Latency")
    right.set(ylabel="answer accuracy (%)", ylim=(0, 105), title="Accuracy")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
