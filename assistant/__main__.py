"""The CLI edge: `python -m assistant ingest|ask|facts|eval|bench`; errors become one line and an exit code.

Exit codes: 0 ok, 1 failure (some files failed, an eval failed), 2 bad usage or a missing index.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from assistant.config import load_settings
from assistant.errors import AssistantError, ConfigError, EvalSetError, IndexMissing
from assistant.offline import go_offline


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, help="index folder (default .index, env ASSISTANT_INDEX)")
    p.add_argument("--chroma-url", default=None, help="a `chroma run` server URL (env ASSISTANT_CHROMA_URL)")
    p.add_argument("--model", default=None, help="embedding model: sentence-transformers name or path")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest files or folders into the index")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--prune", action="store_true", help="drop indexed documents whose files are not among PATHs")
    _common(p)

    p = sub.add_parser("ask", help="ask a question; answers cite report and paragraph")
    p.add_argument("question", nargs="?", help="the question (or use --jsonl -)")
    p.add_argument("--jsonl", metavar="FILE", help="one question per line ('-' for stdin); one JSON object per line out")
    p.add_argument("--json", action="store_true")
    p.add_argument("--role", default=None, help="public (default), councillor or officer")
    _common(p)

    p = sub.add_parser("facts", help="the table of extracted facts")
    p.add_argument("--judgements", action="store_true",
                   help="one row per inspection with a judgement table (council, framework, dates, lead inspector, "
                        "each area's judgement, overall), every cell cited")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    _common(p)

    p = sub.add_parser("eval", help="run a question set and score it")
    p.add_argument("set", type=Path, metavar="SET.yaml")
    p.add_argument("--baseline", type=Path, default=None)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--corpus", type=Path, default=None,
                   help="folder the index must hold exactly (ingested first, other documents pruned); "
                        "by default corpus/ is brought up to date and nothing else in the index is touched")
    p.add_argument("--gate", choices=("all", "regressions"), default=None, help="fail on any failure or on regressions")
    _common(p)

    p = sub.add_parser("bench", help="benchmarks (not tests): quality, speed, scale")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--full", action="store_true")
    p.add_argument("--real-pdfs", type=Path, default=None, metavar="DIR",
                   help="add the real-PDF tier over DIR (e.g. ../shared/real-docs/ofsted-ilacs; about 15 minutes)")
    _common(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    go_offline()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `assistant ask ... | head` ends quietly
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(
            index_dir=args.index, chroma_url=args.chroma_url, model=args.model, role=getattr(args, "role", None)
        )
        handler = {"ingest": _ingest, "ask": _ask, "facts": _facts, "eval": _eval, "bench": _bench}[args.command]
        return handler(args, settings)
    except (IndexMissing, ConfigError, EvalSetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _ingest(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from ingest.pipeline import ingest

    report = ingest(args.paths, settings, prune=args.prune, progress=None if not args.json else False)
    summary = {
        "documents": report.documents,
        "skipped_unchanged": report.skipped_unchanged,
        "failed": [asdict(f) for f in report.failed],
        "pruned": report.pruned,
        "paragraphs": report.paragraphs,
        "chunks": report.chunks,
        "facts": report.facts,
        "seconds": report.seconds,
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"ingested {report.documents} document(s), skipped {report.skipped_unchanged} unchanged, "
            f"{len(report.failed)} failed, {report.pruned} pruned; {report.paragraphs} paragraphs, "
            f"{report.chunks} chunks, {report.facts} facts in {report.seconds:.1f} s"
        )
        for f in report.failed:
            print(f"  failed: {f.path}: {f.reason}")
    return 1 if report.failed else 0


def format_answer(answer) -> str:  # type: ignore[no-untyped-def]
    """An answer for a terminal: the text, then its numbered sources with their quotes."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
    for c in answer.citations:
        where = ", ".join(
            x
            for x in (
                c.section,
                f"para {c.label}" if c.label else None,
                f"paragraph #{c.paragraph}",
                f"p. {c.page}" if c.page is not None else None,
            )
            if x
        )
        lines.append(f"[{c.marker}] {c.title or c.document} ({c.date or 'undated'}) - {where}")
        lines.append(f"    \u201c{c.quote}\u201d")
    return "\n".join(lines)


def _ask(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from assistant.api import answer_json
    from assistant.engine import Assistant

    if not args.question and not args.jsonl:
        raise ConfigError("give a QUESTION or --jsonl FILE ('-' for stdin)")
    assistant = Assistant(settings)
    if args.jsonl:
        stream = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")  # noqa: SIM115
        with stream:
            for line in stream:
                question = line.strip()
                if not question:
                    continue
                print(json.dumps(answer_json(assistant.ask(question)), ensure_ascii=False), flush=True)
        return 0
    answer = assistant.ask(args.question)
    print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0


def _facts(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant
    from assistant.facts import facts_table, to_csv

    if args.judgements:
        return _judgements(args, Assistant(settings).facts())
    rows = facts_table(Assistant(settings).facts())
    if args.csv:
        sys.stdout.write(to_csv(rows))
    elif args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            name = f" {r['name']}" if r.get("name") else ""
            print(f"{r['subject']}: {r['kind']}{name} = {r['value']}  [{r['document']} #{r['paragraph']}]")
    return 0


def _judgements(args: argparse.Namespace, facts) -> int:  # type: ignore[no-untyped-def]
    from assistant import judgements

    rows = judgements.inspections(facts)
    if args.csv:
        sys.stdout.write(judgements.to_csv(rows))
    elif args.json:
        print(json.dumps(judgements.table_rows(rows), ensure_ascii=False, indent=2))
    else:
        for r in rows:
            cells = ", ".join(f"{k} {c.value}" for k, c in r.cells.items() if k not in ("publication_date",))
            print(f"{r.council}: {r.framework.label}: {cells}  [{r.document}]")
    return 0


def _eval(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from evals.runner import main as eval_main

    def make_answerer(index_dir: Path | None):  # type: ignore[no-untyped-def]
        from assistant.engine import Assistant
        from ingest.pipeline import ingest

        here = replace(settings, index_dir=index_dir) if index_dir else settings
        # Builds or updates the index from the corpus; only a folder named with --corpus prunes, so an evaluation
        # never deletes documents someone else indexed.
        folder = args.corpus or Path("corpus")
        if folder.exists():
            report = ingest([folder], here, prune=args.corpus is not None, progress=False)
            for f in report.failed:
                print(f"warning: {f.path}: {f.reason}", file=sys.stderr)
        return Assistant(here)

    argv = [str(args.set)]
    if args.index:
        argv += ["--index", str(args.index)]
    if args.baseline:
        argv += ["--baseline", str(args.baseline)]
    if args.out:
        argv += ["--out", str(args.out)]
    if args.gate:
        argv += ["--gate", args.gate]
    if not sys.stderr.isatty():
        argv += ["--no-progress"]
    return int(eval_main(argv, make_answerer))


def _bench(args: argparse.Namespace, settings) -> int:  # type: ignore[no-untyped-def]
    from evals.bench import main as bench_main

    return bench_main(args, settings)


if __name__ == "__main__":
    sys.exit(main())
