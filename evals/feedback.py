"""Turning thumbs-down feedback from the UI into draft questions for the next question-set version.

python -m evals.feedback FEEDBACK.jsonl [--out drafts.yaml]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import EvalSetError

_HEADER = """\
# Draft questions from UI feedback ({count} thumbs-down, from {source}).
# For each: read the right answer off the documents, fill in `expect` (contains / rating / number /
# documents / paragraphs, or refuse: true), add tags, then copy it into a NEW set version
# (baselined sets are never edited). The loader rejects drafts until `expect` is filled in.
"""


def drafts_from_feedback(feedback_jsonl: Path) -> str:
    """Draft YAML questions for every feedback line rated "down".

    Args:
        feedback_jsonl: JSON lines with question, history, answer, citations, rating, comment, timestamp.

    Returns:
        YAML text: a ``questions:`` list with id, question, history, tags, notes, and a TODO for ``expect``.

    Raises:
        EvalSetError: the file cannot be read or a line is not a JSON object with a question.
    """
    path = Path(feedback_jsonl)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise EvalSetError(f"{path}: cannot read the feedback file ({err}); check the path") from None
    seen: set[str] = set()
    blocks: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalSetError(
                f"{path}: line {number}: not JSON ({err.msg}); fix or remove the line"
            ) from None
        if not isinstance(row, dict):
            raise EvalSetError(f"{path}: line {number}: expected a JSON object")
        if str(row.get("rating", "")).strip().lower() != "down":
            continue
        question = row.get("question")
        if not isinstance(question, str) or not question.strip():
            raise EvalSetError(f"{path}: line {number}: field 'question': missing or empty")
        history = [h for h in _history(row.get("history")) if h]
        key = json.dumps([question.strip(), history])
        if key in seen:  # the same complaint twice makes one draft
            continue
        seen.add(key)
        blocks.append(_draft(row, question.strip(), history))
    header = _HEADER.format(count=len(blocks), source=path.name)
    if not blocks:
        return header + "questions: []\n"
    return header + "questions:\n" + "\n".join(blocks)


def _history(raw: Any) -> list[str]:
    """Earlier questions from the feedback's history (strings, or turns with a question)."""
    if not isinstance(raw, list):
        return []
    out: list[str] = []
    for turn in raw:
        if isinstance(turn, str):
            out.append(turn.strip())
        elif isinstance(turn, dict) and isinstance(turn.get("question"), str):
            out.append(turn["question"].strip())
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            out.append(turn[0].strip())  # Gradio-style [user, assistant] pairs
    return out


def _draft(row: dict[str, Any], question: str, history: list[str]) -> str:
    """One draft question as an indented YAML list item with TODO comments."""
    stamp = str(row.get("timestamp") or "")
    digest = hashlib.sha1(json.dumps([question, history, stamp]).encode()).hexdigest()[:8]
    item: dict[str, Any] = {"id": f"fb-{digest}", "question": question}
    if history:
        item["history"] = history
    item["tags"] = ["from-feedback"]
    comment = row.get("comment")
    item["notes"] = str(comment).strip() if comment else "thumbs-down without a comment"
    body = yaml.safe_dump(item, sort_keys=False, allow_unicode=True, width=100).rstrip("\n").splitlines()
    lines = ["  - " + body[0], *("    " + line for line in body[1:])]
    answer = " ".join(str(row.get("answer") or "").split())
    lines.append(f"    # TODO expect: fill in from the documents (feedback of {stamp or 'unknown time'}).")
    if answer:
        lines.append(f"    #   the assistant answered: {answer[:300]}")
    cites = _citations(row.get("citations"))
    if cites:
        lines.append(f"    #   it cited: {cites}")
    lines.append("    # expect:")
    lines.append("    #   contains: []")
    lines.append("    #   documents: []")
    return "\n".join(lines) + "\n"


def _citations(raw: Any) -> str:
    """The feedback's citations as "document §label" text."""
    if not isinstance(raw, list):
        return ""
    names = []
    for c in raw:
        if isinstance(c, dict):
            where = c.get("label") or (f"#{c['paragraph']}" if c.get("paragraph") is not None else "")
            names.append(f"{c.get('document', '?')} §{where}".strip())
    return "; ".join(names)


def main(argv: Sequence[str] | None = None) -> int:
    """Write draft questions from a feedback file to ``--out`` or stdout; 2 on unreadable input."""
    parser = argparse.ArgumentParser(
        prog="python -m evals.feedback", description="Draft eval questions from thumbs-down UI feedback."
    )
    parser.add_argument("feedback", metavar="FEEDBACK.jsonl", type=Path)
    parser.add_argument("--out", metavar="drafts.yaml", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        text = drafts_from_feedback(args.feedback)
    except EvalSetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {text.count('  - id: ')} draft question(s) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
