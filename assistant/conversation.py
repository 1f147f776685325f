"""Follow-up resolution: "And how many recommendations?" after a question about Bexley is about Bexley.

Shared by the UI, the CLI and the evaluation harness, so a conversation means the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieve import terms
from assistant.scope import Scope, scope_of
from assistant.types import Turn

_CONNECTOR = re.compile(
    r"^\s*(?:(?:ok|okay|right|thanks|great)\b[\s,.!-]*)?(and|but|so|also|then|what about|how about|and what about"
    r"|same for|what of)\b",
    re.I,
)
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|there|that|this|those|these|he|she|his|her|the same|the service|"
    r"the inspection|the report|the inspectors|the lead inspector|the dates|the board|the council"
    r"|which one|that one|this one|the first one|the last one|which of them)\b",
    re.I,
)
_ELLIPTICAL = re.compile(r"^\s*(and|what about|how about|and what about|same for|what of)\s+(.*?)\??\s*$", re.I)


_COMPARATIVE = re.compile(r"\b(?:better|worse|compare[sd]?|comparison|higher|lower)\b", re.I)


def _last_scope(history: Sequence[Turn]) -> tuple[Scope, str] | None:
    """The most recent earlier turn that named a place or year, with its (resolved) question."""
    for turn in reversed(history):
        text = turn.answer.resolved_question if turn.answer and turn.answer.resolved_question else turn.question
        scope = scope_of(text)
        if scope.places or scope.years:
            return scope, text
    return None


# "that action", "this recommendation", "it": the follow-up is about what the previous answer quoted.
_POINTS_BACK = re.compile(r"\b(that|this|those|these|it|its|which one|which of them)\b(?!\s+(is|was|are|were)\b)", re.I)


def points_back(question: str, history: Sequence[Turn]) -> tuple[tuple[str, int], ...]:
    """The paragraphs (document, ordinal) the last answer cited, when ``question`` refers back to them."""
    if not history or not _POINTS_BACK.search(question):
        return ()
    last = history[-1].answer
    if last is None or last.refused:
        return ()
    return tuple((c.document, c.paragraph) for c in last.citations)


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier turn (a connector, a pronoun, or a short capital-free fragment)?"""
    if _CONNECTOR.search(question) or _ANAPHORA.search(question):
        return True
    words = re.findall(r"[A-Za-z']+", question)
    return len(words) <= 4 and not any(w[0].isupper() for w in words[1:])


def resolve(question: str, history: Sequence[Turn]) -> str:
    """The question with the scope (places, years) it inherits from the conversation made explicit."""
    if not history:
        return question
    own = scope_of(question)
    last = _last_scope(history)
    if last is None:
        return question
    last_scope, last_text = last
    elliptical = _ELLIPTICAL.match(question)
    if own.places and elliptical and len(re.findall(r"\w+", elliptical.group(2))) <= 6:
        # "What about Tower Hamlets?" after "How did inspectors rate Bexley?": the same question, new place.
        swapped = last_text
        for old, new in zip(last_scope.places, own.places, strict=False):
            swapped = re.sub(re.escape(old), new, swapped, flags=re.I)
        if last_scope.places and swapped != last_text:
            return swapped
    if own.places and last_scope.places and _COMPARATIVE.search(question) and not set(last_scope.places) & set(own.places):
        # "Is Wirral doing any better?" after a question about Knowsley: better than Knowsley.
        return f"{question.rstrip(' ?')} (compared with {' and '.join(last_scope.places)})?"
    if own.places or not is_follow_up(question):
        return question
    if not terms(question):
        # Nothing of its own to ask ("Why was that?"): it is about the previous question's subject.
        return f"{question.rstrip(' ?')} ({last_text.rstrip(' ?')})?"
    if elliptical and own.years and last_scope.years and not terms(re.sub(r"\b(?:in\s+)?(?:19|20)\d\d\b", " ", elliptical.group(2))):
        # "And in 2019?" after "Who led Slough's 2023 inspection?": the same question, another year.
        return re.sub(str(last_scope.years[0]), str(own.years[0]), last_text)
    inherited = list(last_scope.places)
    if not own.years:
        inherited += [str(y) for y in last_scope.years]
    if not inherited:
        return question
    return f"{question.rstrip(' ?')} ({', '.join(inherited)})?"
