"""Load benchmark (not a test): N concurrent sessions x M questions against a running UI, or the library directly.

    python ui.py &                                     # serve the UI (default http://127.0.0.1:7860)
    python scripts/load_test.py --url http://127.0.0.1:7860 --sessions 16 --questions 20
    python scripts/load_test.py --direct               # no UI: threads share one Assistant over the local index

Each answer is checked (well formed; cited unless refused; the expected words for questions that have them; refused
where it must refuse); errors and latency p50/p95/max are printed. Exit code 1 when any request failed a check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (question, words the answer must contain, must it refuse?) - about the shipped corpus.
QUESTIONS: list[tuple[str, tuple[str, ...], bool]] = [
    ("What rating did Bexley get?", ("Good",), False),
    ("How was Bexley Youth Justice Service rated overall?", ("Good",), False),
    ("What rating did Croydon youth justice service get?", (), True),
    ("What did inspectors say about Lewisham in 2016?", (), False),
    ("What are the recommendations for Bexley?", (), False),
    ("What does the Tower Hamlets youth justice spotlight cover?", (), False),
    ("What progress did Lewisham report on its improvement plan in 2017?", (), False),
    ("What were the findings of the 2024 Lewisham inspection?", (), False),
    ("Who leads the Bexley youth justice partnership?", (), False),
    ("What is the weather in Paris tomorrow?", (), True),
]


@dataclass
class Result:
    seconds: float
    error: str | None


def check(answer: dict[str, Any], expect: tuple[str, ...], must_refuse: bool) -> str | None:
    """Why ``answer`` fails its checks, or None."""
    if not isinstance(answer, dict) or not isinstance(answer.get("answer"), str) or not answer["answer"].strip():
        return f"malformed answer: {str(answer)[:200]}"
    if must_refuse and not answer.get("refused"):
        return f"should have refused: {answer['answer'][:120]}"
    if not answer.get("refused") and not answer.get("citations") and not must_refuse:
        return f"answer without citations: {answer['answer'][:120]}"
    missing = [w for w in expect if w.lower() not in answer["answer"].lower()]
    if missing:
        return f"missing {missing}: {answer['answer'][:120]}"
    return None


def ui_asker(url: str) -> Callable[[], Callable[[str, list[str]], dict[str, Any]]]:
    """One gradio_client per session, calling the UI's /ask endpoint."""

    def make() -> Callable[[str, list[str]], dict[str, Any]]:
        from gradio_client import Client

        client = Client(url, verbose=False)

        def ask(question: str, earlier: list[str]) -> dict[str, Any]:
            out = client.predict(question, json.dumps(earlier), api_name="/ask")
            return out if isinstance(out, dict) else json.loads(out)

        return ask

    return make


def direct_asker() -> Callable[[], Callable[[str, list[str]], dict[str, Any]]]:
    """Threads sharing one Assistant over the configured index (the UI's process, without HTTP)."""
    from assistant.__main__ import answer_json
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.types import Turn

    assistant = Assistant(load_settings())

    def make() -> Callable[[str, list[str]], dict[str, Any]]:
        turns: list[Turn] = []

        def ask(question: str, earlier: list[str]) -> dict[str, Any]:
            answer = assistant.ask(question, history=tuple(turns[-len(earlier):]) if earlier else ())
            turns.append(Turn(question, answer))
            return answer_json(answer)

        return ask

    return make


def session(make: Callable[[], Callable[[str, list[str]], dict[str, Any]]], n: int, offset: int) -> list[Result]:
    """One user: ``n`` questions in a conversation, starting at a different question per session."""
    ask = make()
    earlier: list[str] = []
    results = []
    for i in range(n):
        question, expect, must_refuse = QUESTIONS[(offset + i) % len(QUESTIONS)]
        started = time.perf_counter()
        try:
            # each question stands alone (no follow-up wording), so history must not change the checks
            error = check(ask(question, earlier[-3:]), expect, must_refuse)
        except Exception as exc:  # noqa: BLE001 - a load test counts every failure, whatever it is
            error = f"{exc.__class__.__name__}: {exc}"[:200]
        results.append(Result(time.perf_counter() - started, error))
        earlier.append(question)
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860", help="the running UI")
    parser.add_argument("--direct", action="store_true", help="drive the Assistant API in-process instead of the UI")
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args(argv)

    make = direct_asker() if args.direct else ui_asker(args.url)
    lock = threading.Lock()
    started = time.perf_counter()
    all_results: list[Result] = []
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        futures = [pool.submit(session, make, args.questions, s) for s in range(args.sessions)]
        for f in futures:
            with lock:
                all_results.extend(f.result())
    wall = time.perf_counter() - started

    times = [r.seconds for r in all_results]
    errors = [r.error for r in all_results if r.error]
    target = "in-process Assistant" if args.direct else args.url
    print(f"{args.sessions} sessions x {args.questions} questions against {target}: {len(all_results)} requests "
          f"in {wall:.1f} s ({len(all_results) / wall:.1f} req/s)")
    print(f"latency p50 {percentile(times, 0.5):.3f} s, p95 {percentile(times, 0.95):.3f} s, "
          f"max {max(times):.3f} s, mean {statistics.mean(times):.3f} s")
    print(f"errors: {len(errors)}")
    for e in sorted(set(errors))[:20]:
        print(f"  {errors.count(e)} x {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
