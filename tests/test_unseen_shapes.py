"""Documents in shapes the corpus does not have (an inspectorate press release, committee minutes), no manifest.

The fixtures describe a fictional inspection of a real borough the corpus never mentions, so nothing here can be
answered from memory of the five corpus files: the rules have to follow how such documents are written.
"""

from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from ingest.pipeline import ingest
from tests.conftest import FIXTURES

PRESS = "croydon-press-release"
MINUTES = "croydon-cyp-minutes-2025-04"


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    settings = Settings(index_dir=tmp_path_factory.mktemp("unseen-index"))
    report = ingest([FIXTURES / "unseen"], settings, embedder=real_embedder, progress=False)
    assert report.failed == () and report.documents == 2
    return Assistant(settings)


def _quotes_verbatim(bot: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    for c in answer.citations:
        paragraph = bot.paragraph(c.document, c.paragraph)
        assert paragraph is not None and c.quote in paragraph.text


@pytest.mark.parametrize(
    ("question", "expected", "document"),
    [
        ("How was Croydon rated?", r"requires improvement", PRESS),
        ("What did Croydon score out of 36?", r"\b15\b", PRESS),
        ("How many recommendations did the inspectors make for Croydon?", r"\b(4|four)\b", PRESS),
        ("When will the new diversion panel start?", r"june 2025", MINUTES),
        ("Who will lead the diversion panel?", r"tom archer", MINUTES),
    ],
)
def test_facts_and_sentences_from_unseen_shapes(unseen: Assistant, question: str, expected: str, document: str) -> None:
    answer = unseen.ask(question)
    assert not answer.refused, answer.text
    assert re.search(expected, answer.text.lower())
    assert any(c.document == document for c in answer.citations)
    _quotes_verbatim(unseen, answer)


def test_a_quotation_is_given_with_its_speaker(unseen: Assistant) -> None:
    answer = unseen.ask("What did the chief inspector say about Croydon?")
    assert "Martin Jones" in answer.text and "committed workforce" in answer.text
    _quotes_verbatim(unseen, answer)


def test_facts_name_the_borough_without_a_manifest(unseen: Assistant) -> None:
    facts = unseen.facts()
    overall = [f for f in facts if f.kind == "overall_rating"]
    assert {f.document for f in overall} == {PRESS, MINUTES}
    assert all(f.value == "Requires improvement" and f.subject and "Croydon" in f.subject for f in overall)
    assert all(f.quote in (unseen.paragraph(f.document, f.paragraph) or f).text for f in facts)  # type: ignore[union-attr]


def test_other_boroughs_are_refused(unseen: Assistant) -> None:
    for question in ("How was Sutton rated?", "What did Bexley score?"):
        answer = unseen.ask(question)
        assert answer.refused and answer.citations == ()


def test_meeting_date_from_the_minutes_heading(unseen: Assistant) -> None:
    answer = unseen.ask("When did the Croydon Children and Young People Sub-Committee meet?")
    assert "8 April 2025" in answer.text and any(c.document == MINUTES for c in answer.citations)
    _quotes_verbatim(unseen, answer)
