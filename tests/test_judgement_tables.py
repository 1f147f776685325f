"""A judgements table with a column for the inspection before: the answer gives the judgement now, unless the
question asks how it changed.

The fixture is a fictional scrutiny report on an Ofsted inspection of children's services in a borough the corpus
never mentions (Stockport), laid out the way such reports are: the grades in a table beside the previous grades,
and a narrative that recalls the last inspection.
"""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from tests.conftest import assistant_over_paper

# ruff: noqa: E501 - the paper's paragraphs are one line each, as extracted

PAPER = """Children and Families Scrutiny Committee

Ofsted inspection of Stockport children's services: outcome

Date of meeting\t20 January 2026

1. Background

1.1\tOfsted inspected Stockport's children's services in October 2025 under its inspection of local authority children's services framework.

1.2\tWhen the services were last inspected, in 2021, they were judged to be inadequate overall, and help and protection was judged inadequate.

2. Judgements

Judgement area\tGrade\tGrade at 2021 inspection
Impact of leaders on social work practice\tGood\tRequires improvement to be good
Experiences and progress of children who need help and protection\tGood\tInadequate
Experiences and progress of children in care\tRequires improvement to be good\tRequires improvement to be good
Overall effectiveness\tGood\tInadequate

2.1\tThe committee is asked to note the improved judgements.
"""


@pytest.fixture(scope="module")
def stockport(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    return assistant_over_paper(tmp_path_factory, real_embedder, "stockport-cfsc-2026-01-ofsted-outcome.txt", PAPER)


@pytest.mark.parametrize(
    "question",
    [
        "What was the overall effectiveness judgement for Stockport's children's services?",
        "How did Ofsted judge help and protection for children in Stockport?",
    ],
)
def test_the_judgement_now_not_the_one_before(stockport: Assistant, question: str) -> None:
    answer = stockport.ask(question)
    assert not answer.refused, answer.text
    assert "Good" in answer.text and "nadequate" not in answer.text, answer.text
    # the quote keeps the whole row: nothing is hidden from a reader who opens the citation
    assert any("Inadequate" in c.quote for c in answer.citations), answer.citations


def test_a_question_about_change_gets_both(stockport: Assistant) -> None:
    answer = stockport.ask("How has Stockport's overall effectiveness judgement changed since 2021?")
    assert not answer.refused, answer.text
    assert "Good" in answer.text and "Inadequate" in answer.text, answer.text
    assert "Grade at 2021 inspection: Inadequate" in answer.text  # said with the column it comes from


def test_when_the_named_inspectorate_inspected(stockport: Assistant) -> None:
    answer = stockport.ask("When did Ofsted inspect Stockport?")
    assert not answer.refused and "October 2025" in answer.text, answer.text


def test_how_was_it_rated_is_the_overall_judgement(stockport: Assistant) -> None:
    # Ofsted "judges" and "grades"; councillors ask how a service was "rated"
    answer = stockport.ask("How was Stockport rated?")
    assert not answer.refused, answer.text
    assert "Good" in answer.text and "nadequate" not in answer.text, answer.text
    assert any(c.quote.startswith("Overall effectiveness") for c in answer.citations), answer.citations
