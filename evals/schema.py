"""Question sets: the versioned YAML format, loaded and validated strictly into frozen dataclasses.

A malformed set raises :class:`assistant.errors.EvalSetError` whose one-line message names the file, the
question id and the field, so the author can fix it without reading the loader.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import EvalSetError

# The closed rating vocabularies: HMIP youth inspections since 2018, and the legacy joint-inspection scale.
RATINGS_CURRENT: tuple[str, ...] = ("Outstanding", "Good", "Requires improvement", "Inadequate")
RATINGS_LEGACY: tuple[str, ...] = ("good", "satisfactory", "unsatisfactory", "poor")

_TOP_KEYS = {"name", "version", "description", "questions"}
_QUESTION_KEYS = {"id", "question", "history", "expect", "tags", "notes"}
_EXPECT_KEYS = {
    "contains",
    "any",
    "not_contains",
    "rating",
    "number",
    "refuse",
    "documents",
    "paragraphs",
}
# A refusal expects no content, so these keys contradict ``refuse: true``.
_CONTENT_KEYS = ("contains", "any", "rating", "number", "documents", "paragraphs")


@dataclass(frozen=True)
class Expect:
    """What a correct answer must (and must not) contain; empty fields are not checked."""

    contains: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    rating: str | None = None
    number: str | None = None
    refuse: bool = False
    documents: tuple[str, ...] = ()
    paragraphs: tuple[str | int, ...] = ()  # str: the document's label ("6.1"); int: the paragraph ordinal


@dataclass(frozen=True)
class Question:
    """One question of a set, with the earlier questions of its conversation."""

    id: str
    question: str
    expect: Expect
    history: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class QuestionSet:
    """A named, versioned list of questions; ``sha256`` identifies the exact file contents."""

    name: str
    version: str
    description: str
    questions: tuple[Question, ...]
    path: str
    sha256: str


def canonical_rating(value: str) -> str | None:
    """The vocabulary spelling of ``value`` (case-insensitive), or None when it is no rating."""
    wanted = " ".join(value.split()).lower()
    for rating in RATINGS_CURRENT + RATINGS_LEGACY:
        if rating.lower() == wanted:
            return rating
    return None


def load_set(path: str | Path) -> QuestionSet:
    """Read and validate a question set.

    Args:
        path: the YAML file.

    Returns:
        The validated set.

    Raises:
        EvalSetError: the file is missing, not YAML, or breaks the format (file, id and field named).
    """
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise EvalSetError(f"{path}: cannot read the question set ({err.strerror}); check the path") from None
    try:
        data = yaml.safe_load(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise EvalSetError(f"{path}: not UTF-8 text; save the set as UTF-8") from None
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise EvalSetError(f"{path}:{line}: {problem}; fix the YAML syntax") from None
    return _parse_set(data, str(path), hashlib.sha256(raw_bytes).hexdigest())


def _fail(file: str, qid: str | None, field: str, problem: str) -> EvalSetError:
    """An error naming the file, the question (when there is one) and the field."""
    where = f"question '{qid}', " if qid is not None else ""
    return EvalSetError(f"{file}: {where}field '{field}': {problem}")


def _parse_set(data: Any, file: str, sha: str) -> QuestionSet:
    """Validate the top level, then every question."""
    if not isinstance(data, dict):
        raise _fail(
            file, None, "(top level)", "expected a mapping with name, version, description, questions"
        )
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise _fail(file, None, unknown[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    for key in ("name", "version", "questions"):
        if key not in data:
            raise _fail(file, None, key, "missing")
    name = _nonempty_str(data["name"], file, None, "name")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, (int, str)) or str(version).strip() == "":
        raise _fail(file, None, "version", "must be a non-empty string or integer")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(file, None, "description", "must be a string")
    items = data["questions"]
    if not isinstance(items, list) or not items:
        raise _fail(file, None, "questions", "must be a non-empty list")
    questions: list[Question] = []
    seen: set[str] = set()
    for number, item in enumerate(items, 1):
        question = _parse_question(item, file, number)
        if question.id in seen:
            raise _fail(file, question.id, "id", "duplicate id; every question needs its own")
        seen.add(question.id)
        questions.append(question)
    return QuestionSet(name, str(version), description, tuple(questions), file, sha)


def _parse_question(item: Any, file: str, number: int) -> Question:
    """Validate one question mapping."""
    label = f"#{number}"
    if not isinstance(item, dict):
        raise _fail(file, label, "(question)", "expected a mapping with id, question, expect")
    raw_id = item.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        qid = raw_id.strip()
    else:
        raise _fail(file, label, "id", "missing or not a non-empty string")
    unknown = sorted(set(map(str, item)) - _QUESTION_KEYS)
    if unknown:
        raise _fail(file, qid, unknown[0], f"unknown key; allowed: {', '.join(sorted(_QUESTION_KEYS))}")
    text = _nonempty_str(item.get("question"), file, qid, "question")
    history = _str_list(item.get("history", []), file, qid, "history", allow_single=False)
    tags = _str_list(item.get("tags", []), file, qid, "tags", allow_single=False)
    notes = item.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise _fail(file, qid, "notes", "must be a string")
    if "expect" not in item:
        raise _fail(file, qid, "expect", "missing; say what a correct answer contains (or refuse: true)")
    expect = _parse_expect(item["expect"], file, qid)
    return Question(qid, text, expect, history, tags, notes)


def _parse_expect(raw: Any, file: str, qid: str) -> Expect:
    """Validate the ``expect`` mapping of one question."""
    if not isinstance(raw, dict) or not raw:
        raise _fail(file, qid, "expect", "must be a non-empty mapping of checks")
    unknown = sorted(set(map(str, raw)) - _EXPECT_KEYS)
    if unknown:
        raise _fail(
            file, qid, f"expect.{unknown[0]}", f"unknown check; allowed: {', '.join(sorted(_EXPECT_KEYS))}"
        )
    refuse = raw.get("refuse", False)
    if not isinstance(refuse, bool):
        raise _fail(file, qid, "expect.refuse", "must be true or false")
    if refuse:
        clash = [key for key in _CONTENT_KEYS if key in raw]
        if clash:
            raise _fail(
                file, qid, f"expect.{clash[0]}", "contradicts refuse: true (a refusal has no content)"
            )
    rating = raw.get("rating")
    if rating is not None:
        if not isinstance(rating, str) or canonical_rating(rating) is None:
            allowed = ", ".join(RATINGS_CURRENT + RATINGS_LEGACY)
            raise _fail(file, qid, "expect.rating", f"{rating!r} is not a rating; use one of: {allowed}")
        rating = canonical_rating(rating)
    number = raw.get("number")
    if number is not None:
        number = _parse_number_field(number, file, qid)
    paragraphs = raw.get("paragraphs", [])
    if not isinstance(paragraphs, list) or (not paragraphs and "paragraphs" in raw):
        raise _fail(file, qid, "expect.paragraphs", "must be a non-empty list of labels (quoted) or ordinals")
    for value in paragraphs:
        if (
            isinstance(value, bool)
            or not isinstance(value, (str, int))
            or (isinstance(value, str) and not value.strip())
        ):
            raise _fail(
                file,
                qid,
                "expect.paragraphs",
                f'{value!r} is not a label or ordinal; quote labels like "6.1" so YAML keeps them as text',
            )
    return Expect(
        contains=_str_list(raw.get("contains", []), file, qid, "expect.contains"),
        any=_str_list(raw.get("any", []), file, qid, "expect.any", nonempty="any" in raw),
        not_contains=_str_list(raw.get("not_contains", []), file, qid, "expect.not_contains"),
        rating=rating,
        number=number,
        refuse=refuse,
        documents=_str_list(raw.get("documents", []), file, qid, "expect.documents"),
        paragraphs=tuple(v.strip() if isinstance(v, str) else v for v in paragraphs),
    )


def _parse_number_field(value: Any, file: str, qid: str) -> str:
    """``number`` as text: an integer, a decimal, or a score "A/B"."""
    # Imported here to keep the schema importable on its own; scoring owns number parsing.
    from evals.scoring import parse_expected_number

    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _fail(file, qid, "expect.number", 'must be a number or a score like "27/36"')
    text = str(value).strip()
    if parse_expected_number(text) is None:
        raise _fail(file, qid, "expect.number", f'{text!r} is not a number or a score like "27/36"')
    return text


def _nonempty_str(value: Any, file: str, qid: str | None, field: str) -> str:
    """A required non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, qid, field, "missing or empty; must be non-empty text")
    return value.strip()


def _str_list(
    value: Any, file: str, qid: str, field: str, *, allow_single: bool = True, nonempty: bool = False
) -> tuple[str, ...]:
    """A list of non-blank strings; a single string is accepted where ``allow_single``."""
    if allow_single and isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(file, qid, field, "must be a list of strings")
    if nonempty and not value:
        raise _fail(file, qid, field, "must not be empty")
    out: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not entry.strip():
            raise _fail(file, qid, field, f"{entry!r} is not non-empty text (quote numbers and dates)")
        out.append(entry.strip())
    return tuple(out)
