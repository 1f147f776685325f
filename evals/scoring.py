"""Checks of one answer against one question's expectations; each check is pass/fail with a reason."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.numbers import TENS, UNITS
from assistant.types import Answer, Citation
from evals.schema import RATINGS_CURRENT, RATINGS_LEGACY, Expect, canonical_rating

_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212-]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})

_UNITS = {**UNITS, "nil": 0}
_TENS = TENS
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD_RUN = re.compile(
    r"\b(?:" + "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True)) + r")"
    r"(?:[\s-]+(?:and[\s-]+)?(?:"
    + "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
    + r"))*\b"
)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?")
_SCORE = re.compile(r"(?<![\w.])(\d+)\s*(?:/|out of|of a possible|from a possible)\s*(\d+)(?![\w])")

# A lower-case everyday adjective ("good work") is a rating only where the sentence frames it as one.
_RATING_CUES = re.compile(
    r"(?:\brat(?:ed|ing|ings)\b|\bjudge?(?:d|ment)\b|\bgrad(?:ed|e)\b|\bas\b|\bwas\b|\bwere\b|\bis\b|"
    r"\bbeen\b|\bbe\b|\bremains?\b|[:'\"(=|-])\s*$"
)


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome; ``message`` says what was expected and what the answer did."""

    name: str
    passed: bool
    message: str


def normalise(text: str) -> str:
    """Case-, whitespace-, quote- and dash-insensitive form of ``text`` without citation markers."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKER.sub("", text).translate(_QUOTES)
    text = _DASHES.sub(" ", text)
    return " ".join(text.lower().split())


def words_to_digits(text: str) -> str:
    """``text`` with runs of number words ("twenty-seven") replaced by digits ("27")."""

    def convert(match: re.Match[str]) -> str:
        total, current = 0, 0
        for word in re.split(r"[\s-]+", match.group(0).lower()):
            if word == "and" or not word:
                continue
            if word in _UNITS:
                current += _UNITS[word]
            elif word in _TENS:
                current += _TENS[word]
            elif word == "hundred":
                current = max(current, 1) * 100
            else:  # thousand / million close a group
                total += max(current, 1) * _SCALES[word]
                current = 0
        return str(total + current)

    return _WORD_RUN.sub(convert, text)


def parse_expected_number(text: str) -> tuple[float, ...] | None:
    """An expected number as a tuple: ``(n,)`` for a number, ``(a, b)`` for a score; None if neither."""
    cleaned = words_to_digits(normalise(text)).replace("£", "").replace("%", "").strip()
    score = _SCORE.fullmatch(cleaned)
    if score:
        return (float(score.group(1)), float(score.group(2)))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", cleaned):
        return (float(cleaned.replace(",", "")),)
    return None


def numbers_in(text: str) -> tuple[list[float], list[tuple[float, float]]]:
    """The plain numbers and the scores ("27/36", "27 out of 36") stated in ``text``, words included."""
    clean = words_to_digits(normalise(text))
    scores = [(float(a), float(b)) for a, b in _SCORE.findall(clean)]
    plain = [float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(clean)]
    return plain, scores


def stated_ratings(text: str) -> list[str]:
    """The vocabulary ratings ``text`` states, canonically spelt, in order of mention."""
    text = _MARKER.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    # Longest first so "unsatisfactory" is never read as "satisfactory" and "requires improvement" wins.
    vocabulary = sorted(set(RATINGS_CURRENT) | set(RATINGS_LEGACY), key=len, reverse=True)
    for rating in vocabulary:
        words = r"\s+".join(map(re.escape, rating.split()))
        if rating.lower() == "requires improvement":
            words += r"(?:\s+to\s+be\s+good)?"  # Ofsted's name for the same grade: one judgement, not two
        pattern = re.compile(r"(?<![\w-])" + words + r"(?![\w-])", re.I)
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if _is_rating_statement(text, start, match.group(0)):
                taken.append((start, end))
                found.append((start, canonical_rating(match.group(0)) or rating))
    # "good" and "Good" are the same word on both scales; report the current-scale spelling once.
    ordered: list[str] = []
    for _, rating in sorted(found):
        name = "Good" if rating.lower() == "good" else rating
        if name not in ordered:
            ordered.append(name)
    return ordered


def _is_rating_statement(text: str, start: int, word: str) -> bool:
    """Whether the vocabulary word at ``start`` is used as a rating rather than an ordinary adjective."""
    if " " in word.strip():  # "requires improvement" is a judgement wherever it appears
        return True
    before = text[max(0, start - 40) : start]
    sentence_start = start == 0 or not text[:start].strip() or re.search(r"[.!?\n]\s*$", before) is not None
    if word[0].isupper() and not sentence_start:
        return True
    if word.isupper() and len(word) > 1:
        return True
    return _RATING_CUES.search(before) is not None


def rating_matches(answer_text: str, expected: str) -> CheckResult:
    """The answer states ``expected`` and no other rating of either vocabulary."""
    expected = canonical_rating(expected) or expected
    want = "Good" if expected.lower() == "good" else expected
    stated = stated_ratings(answer_text)
    others = [r for r in stated if r != want]
    if want not in stated:
        said = f"states {_quoted(others)}" if others else "states no rating"
        return CheckResult("rating", False, f"expected rating '{expected}' but the answer {said}")
    if others:
        return CheckResult(
            "rating", False, f"expected rating '{expected}' but the answer also states {_quoted(others)}"
        )
    return CheckResult("rating", True, f"states rating '{expected}'")


def number_matches(answer_text: str, expected: str) -> CheckResult:
    """The answer states the expected number (digits or words) or score ("27/36", "27 out of 36")."""
    want = parse_expected_number(expected)
    if want is None:
        return CheckResult("number", False, f"expected number {expected!r} cannot be parsed")
    plain, scores = numbers_in(answer_text)
    if len(want) == 2:
        ok = any(_close(a, want[0]) and _close(b, want[1]) for a, b in scores)
        seen = ", ".join(f"{_fmt(a)}/{_fmt(b)}" for a, b in scores) or "no score"
    else:
        ok = any(_close(n, want[0]) for n in plain)
        seen = ", ".join(_fmt(n) for n in plain[:8]) or "no number"
    if ok:
        return CheckResult("number", True, f"states {expected}")
    return CheckResult("number", False, f"expected number {expected} but the answer states {seen}")


def _says(expected: str, text: str, answer_text: str) -> bool:
    """The answer says ``expected``: as a substring, or, for an expected count ("4", "four"), the number written
    either way ("4 points" says "four")."""
    if re.fullmatch(r"\d{1,4}|[a-z]+(?:-[a-z]+)?", normalise(expected)) and parse_expected_number(expected):
        return number_matches(answer_text, expected).passed
    return normalise(expected) in text


def check_answer(expect: Expect, answer: Answer) -> list[CheckResult]:
    """Every check ``expect`` asks for, plus the implicit answered/refused check."""
    results: list[CheckResult] = []
    text = normalise(answer.text)
    if expect.refuse:
        if answer.refused and not answer.citations:
            results.append(CheckResult("refuse", True, "refused without citations"))
        elif answer.refused:
            results.append(
                CheckResult("refuse", False, f"refused but still cites {len(answer.citations)} source(s)")
            )
        else:
            results.append(
                CheckResult("refuse", False, f"expected a refusal but the answer was: {_clip(answer.text)}")
            )
    else:
        results.append(
            CheckResult(
                "answered",
                not answer.refused,
                "answered" if not answer.refused else f"refused an answerable question: {_clip(answer.text)}",
            )
        )
    if expect.contains:
        missing = [s for s in expect.contains if not _says(s, text, answer.text)]
        results.append(
            CheckResult(
                "contains",
                not missing,
                f"the answer lacks {_quoted(missing)}"
                if missing
                else f"contains {_quoted(list(expect.contains))}",
            )
        )
    if expect.any:
        hit = [s for s in expect.any if _says(s, text, answer.text)]
        results.append(
            CheckResult(
                "any",
                bool(hit),
                f"contains {_quoted(hit[:1])}"
                if hit
                else f"the answer contains none of {_quoted(list(expect.any))}",
            )
        )
    if expect.not_contains:
        bad = [s for s in expect.not_contains if _says(s, text, answer.text)]
        results.append(
            CheckResult(
                "not_contains",
                not bad,
                f"the answer must not contain {_quoted(bad)}"
                if bad
                else "contains none of the excluded strings",
            )
        )
    if expect.rating:
        results.append(rating_matches(answer.text, expect.rating))
    if expect.number:
        results.append(number_matches(answer.text, expect.number))
    if expect.documents:
        cited = sorted({c.document for c in answer.citations})
        ok = any(c.document in expect.documents for c in answer.citations)
        results.append(
            CheckResult(
                "documents",
                ok,
                f"cites {_quoted(cited)}"
                if ok
                else f"expected a citation into {_quoted(list(expect.documents))} "
                f"but the answer cites {_quoted(cited) or 'nothing'}",
            )
        )
    if expect.paragraphs:
        ok = any(citation_is_gold(c, expect) for c in answer.citations)
        cited = [_cite_name(c) for c in answer.citations]
        results.append(
            CheckResult(
                "paragraphs",
                ok,
                "cites a gold paragraph"
                if ok
                else f"expected a citation of paragraph {_quoted([str(p) for p in expect.paragraphs])} "
                f"but the answer cites {_quoted(cited) or 'nothing'}",
            )
        )
    return results


def normalise_label(label: str) -> str:
    """Comparable form of a paragraph label: "Recommendation 3." -> "3", "2.2." -> "2.2"."""
    label = " ".join(label.lower().split()).strip(" .:)")
    return re.sub(r"^(?:recommendation|rec|paragraph|para|section|§)\s*", "", label).strip(" .:)")


def is_gold(document: str, label: str | None, ordinal: int, expect: Expect) -> bool:
    """Whether a paragraph is one of ``expect.paragraphs`` (in one of ``expect.documents`` when given)."""
    if expect.documents and document not in expect.documents:
        return False
    for gold in expect.paragraphs:
        if isinstance(gold, int):
            if gold == ordinal:
                return True
        elif label is not None and normalise_label(gold) == normalise_label(label):
            return True
    return False


def citation_is_gold(citation: Citation, expect: Expect) -> bool:
    """Whether ``citation`` points at a gold paragraph."""
    return is_gold(citation.document, citation.label, citation.paragraph, expect)


def holds_expected(text: str, expect: Expect) -> bool:
    """Whether ``text`` (a quote or paragraph) holds any expected fact: a string, the rating or the number."""
    clean = normalise(text)
    strings = [*expect.contains, *expect.any]
    if any(normalise(s) in clean for s in strings):
        return True
    if expect.rating and expect.rating.lower() in [r.lower() for r in stated_ratings(text)]:
        return True
    return bool(expect.number) and number_matches(text, expect.number or "").passed


def has_evidence(expect: Expect) -> bool:
    """Whether ``expect`` names anything a cited paragraph could be checked against."""
    return bool(expect.contains or expect.any or expect.rating or expect.number or expect.paragraphs)


def quote_is_verbatim(quote: str, paragraph_text: str) -> bool:
    """The quote occurs in the paragraph, allowing only whitespace differences."""
    quote = " ".join(quote.split())
    return bool(quote) and quote in " ".join(paragraph_text.split())


def _cite_name(c: Citation) -> str:
    """How a citation is shown in messages: document §label (or #ordinal)."""
    return f"{c.document} §{c.label}" if c.label else f"{c.document} #{c.paragraph}"


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
