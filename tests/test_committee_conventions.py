"""How committee progress reports are written, on a fictional report about a borough the corpus never mentions.

The fixture (tests/fixtures/progress/) follows the conventions of council scrutiny papers rather than the wording
of the five corpus files: numbered paragraphs with bullets beneath them, an acronym the paper defines once, an
inspection's recommendations listed without a total, an action plan with When and Lead columns, and a person
"leading on" something other than what a question asks about, a dashboard of Red/Amber/Green cells, and a
letter attached as an appendix that only the body of the report calls a letter.
"""

from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.types import Answer, Turn
from ingest.pipeline import ingest
from tests.conftest import FIXTURES

DOC = "merton-scrutiny-2025-09-yjs-progress"


@pytest.fixture(scope="module")
def merton(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    settings = Settings(index_dir=tmp_path_factory.mktemp("progress-index"))
    report = ingest([FIXTURES / "progress"], settings, embedder=real_embedder, progress=False)
    assert report.failed == () and report.documents == 1
    return Assistant(settings)


def _verbatim(bot: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        paragraph = bot.paragraph(c.document, c.paragraph)
        assert paragraph is not None and c.quote in paragraph.text


def test_the_title_is_the_reports_not_the_letterhead(merton: Assistant) -> None:
    meta = merton.retriever.documents[DOC].meta
    assert meta.title == "Youth Justice Service: progress on the HMIP inspection improvement plan"
    assert meta.date == "2025-09-17"


def test_bullets_are_cited_by_the_numbered_paragraph_they_sit_in(merton: Assistant) -> None:
    answer = merton.ask("What has been done about the multi-agency exploitation panel?")
    assert not answer.refused
    # The progress bullets say "MAEP", which the paper defined once: the answer has to read them as the panel.
    assert "terms of reference were rewritten" in answer.text
    bullet = next(c for c in answer.citations if "terms of reference" in c.quote)
    assert bullet.label == "3.2"
    _verbatim(merton, answer)


def test_a_list_of_recommendations_without_a_total_is_counted_and_says_so(merton: Assistant) -> None:
    answer = merton.ask("How many recommendations did the inspection make to Merton?")
    assert re.search(r"\b5\b", answer.text) and "no total" in answer.text
    assert len(answer.citations) == 5 and all(c.label == "2.2" for c in answer.citations)
    _verbatim(merton, answer)


def test_someone_leading_on_something_else_did_not_lead_the_inspection(merton: Assistant) -> None:
    answer = merton.ask("Who led the inspection of Merton?")
    assert answer.refused and "Okafor" not in answer.text and answer.citations == ()


def test_the_lead_column_answers_who_and_a_follow_up_reads_its_when_column(merton: Assistant) -> None:
    first = merton.ask("Who leads the action on deferred prosecution?")
    assert "Merton Police" in first.text
    then = merton.ask("And when is that due?", history=[Turn("Who leads the action on deferred prosecution?", first)])
    assert "March 2026" in then.text and "December 2025" not in then.text
    _verbatim(merton, then)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Over what period does the improvement plan run?", r"18 months"),
        ("Why did inspectors choose Merton?", r"first-time entrants had risen"),  # "choose" / "chose"
        # a dashboard whose header never says "RAG": the Red/Amber/Green cells do
        ("What RAG status did staff vacancies have on the dashboard?", r"Staff vacancies\W+Red\b"),
        # an appendix is what the body says it is; a letter's date line is read with the title under it
        ("What date is on the chair's letter to the Panel?", r"12 September 2025"),
    ],
)
def test_durations_and_reasons(merton: Assistant, question: str, expected: str) -> None:
    answer = merton.ask(question)
    assert not answer.refused and re.search(expected, answer.text), answer.text
    _verbatim(merton, answer)
