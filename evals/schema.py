"""Question sets: the versioned YAML format, loaded and validated strictly into frozen dataclasses.

A malformed set raises :class:`assistant.errors.EvalSetError` whose one-line message names the file, the
question id and the field, so the author can fix it without reading the loader.
"""

from __future__ import annotations

import hashlib
import re
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
    split: str | None = None  # "fit" or "heldout" (sets written for fitting the scorer); None: not split
    place: str | None = None  # the council or service the question is about (wrong_entity check)
    support: str | None = None  # the gold sentence, verbatim from a gold document


@dataclass(frozen=True)
class QuestionSet:
    """A named, versioned list of questions; ``sha256`` identifies the exact file contents."""

    name: str
    version: str
    description: str
    questions: tuple[Question, ...]
    path: str
    sha256: str
    places: tuple[tuple[str, str], ...] = ()  # (document id, the place it is about), from the places file


def doc_slug(name: str) -> str:
    """The document id ingest gives a file name ("hmip_cardiff_yjs_2022.txt" -> "hmip-cardiff-yjs-2022")."""
    stem = Path(name).stem if Path(name).suffix else name
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:80] or "document"


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
    sha = hashlib.sha256(raw_bytes).hexdigest()
    if isinstance(data, list):
        return _parse_flat(data, path, sha)
    return _parse_set(data, str(path), sha)


# The flat format of ../shared/real-docs/web-pages/questions.yaml and the real-document sets: a YAML list of
# questions with q / all / any / docs / support / refuse (+ optional id, kind, history, split, place, why).
_FLAT_KEYS = {"id", "q", "all", "any", "none", "docs", "support", "support2", "refuse", "kind", "history", "split", "place", "why"}


def _parse_flat(items: list[Any], path: Path, sha: str) -> QuestionSet:
    """A flat question list, with its places file (``<stem>-places.yaml``) when there is one."""
    file = str(path)
    places, heldout = _load_places(path)
    questions: list[Question] = []
    seen: set[str] = set()
    for number, item in enumerate(items, 1):
        label = f"#{number}"
        if not isinstance(item, dict):
            raise _fail(file, label, "(question)", "expected a mapping with q and all/any or refuse")
        qid = str(item.get("id") or f"q{number:03d}").strip()
        unknown = sorted(set(map(str, item)) - _FLAT_KEYS)
        if unknown:
            raise _fail(file, qid, unknown[0], f"unknown key; allowed: {', '.join(sorted(_FLAT_KEYS))}")
        if qid in seen:
            raise _fail(file, qid, "id", "duplicate id; every question needs its own")
        seen.add(qid)
        text = _nonempty_str(item.get("q"), file, qid, "q")
        refuse = item.get("refuse", False)
        if not isinstance(refuse, bool):
            raise _fail(file, qid, "refuse", "must be true or false")
        contains = _str_list(item.get("all", []) or [], file, qid, "all")
        anyof = _str_list(item.get("any", []) or [], file, qid, "any")
        docs = _str_list(item.get("docs", []) or [], file, qid, "docs")
        if refuse and (contains or anyof):
            raise _fail(file, qid, "all", "contradicts refuse: true (a refusal has no content)")
        if not refuse and not (contains or anyof):
            raise _fail(file, qid, "all", "an answerable question needs all or any (or refuse: true)")
        split = item.get("split")
        place = item.get("place")
        if split is None:
            doc_places = {places.get(doc_slug(d)) for d in docs} - {None}
            if doc_places:
                split = "heldout" if doc_places & heldout else "fit"
            elif places:
                split = "heldout"  # a refusal with no document is held back unless the author says otherwise
        if split is not None and split not in ("fit", "heldout"):
            raise _fail(file, qid, "split", "must be fit or heldout")
        if place is None and docs and places:
            place = places.get(doc_slug(docs[0]))
        kind = item.get("kind")
        tags = tuple(t for t in (str(kind) if kind else None, f"split:{split}" if split else None) if t)
        questions.append(
            Question(
                id=qid,
                question=text,
                expect=Expect(
                    contains=contains,
                    any=anyof,
                    not_contains=_str_list(item.get("none", []) or [], file, qid, "none"),
                    refuse=refuse,
                    documents=tuple(doc_slug(d) for d in docs) if not refuse else (),
                ),
                history=_str_list(item.get("history", []) or [], file, qid, "history", allow_single=False),
                tags=tags,
                notes=item.get("why") if isinstance(item.get("why"), str) else None,
                split=split,
                place=str(place) if place else None,
                support=item.get("support") if isinstance(item.get("support"), str) else None,
            )
        )
    if not questions:
        raise _fail(file, None, "(top level)", "the question list is empty")
    return QuestionSet(path.stem, "1", f"flat question list {path.name}", tuple(questions), file, sha,
                       tuple(sorted(places.items())))


def _load_places(path: Path) -> tuple[dict[str, str], set[str]]:
    """``<stem>-places.yaml``: ``places`` (file name -> place) and ``heldout`` (places kept out of fitting)."""
    sidecar = path.with_name(f"{path.stem}-places.yaml")
    if not sidecar.exists():
        return {}, set()
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as err:
        raise EvalSetError(f"{sidecar}: cannot read the places file ({err}); fix or remove it") from None
    if not isinstance(data, dict) or not isinstance(data.get("places", {}), dict):
        raise EvalSetError(f"{sidecar}: field 'places': must map file names to places")
    places = {doc_slug(str(k)): str(v) for k, v in (data.get("places") or {}).items()}
    heldout = {str(p) for p in data.get("heldout") or []}
    return places, heldout


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
