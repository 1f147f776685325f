"""A committee paper as text extracted from its PDF: a cover sheet of "Key:   value" fields, a title wrapped onto an
indented line, and an action-plan table whose cells wrap over several lines.

The fixture is a fictional paper about a borough the corpus never mentions (Calderdale), written the way such
papers are laid out; every question asks for something that sits in a wrapped cell or on the cover sheet.
"""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from tests.conftest import assistant_over_paper

# ruff: noqa: E501 - lines are as a PDF extractor leaves them

PAPER = """Report for:     Children's Services Scrutiny Panel – 17/09/2025

Item number:    5

Title:          Inspection of Calderdale Youth Justice Service: Action Plan
                Progress Report

Report author:  Imogen Tate, Youth Justice Service Manager
                imogen.tate@calderdale.gov.uk

Ward(s) affected: All

1.      Describe the issue under consideration

1.1     HM Inspectorate of Probation published its report on Calderdale Youth Justice Service in
        April 2025. This report updates the panel on the action plan.

2.      Action plan

2.1     Each action has a RAG status: Green on track, Amber some slippage, Red off track.

No.\tRecommendation\tAction\tLead\tTarget date\tRAG status
R1\tHealth\tAgree a pathway with the community paediatric
speech and language therapy service so that every child is
screened at the start of their order\tOwen Fairley, Clinical
Lead, NHS West Yorkshire ICB\t31/12/2025\tRed
R2\tVictims\tRecruit a second restorative justice worker to
contact victims within ten working days\tPriya Nandra,
Victims Coordinator\t30/11/2025\tGreen

3.      Recommendation

3.1     The panel is asked to note the progress made.
"""


@pytest.fixture(scope="module")
def calderdale(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    return assistant_over_paper(tmp_path_factory, real_embedder, "item5.txt", PAPER)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the lead for the speech and language screening action in Calderdale?", "Owen Fairley"),
        ("In Calderdale's action plan, who leads on contacting victims?", "Priya Nandra"),
        ("What is the RAG status of the speech and language therapy action?", "Red"),
        ("When is the restorative justice worker due to be recruited by?", "30/11/2025"),
        ("When did the Children's Services Scrutiny Panel consider the Calderdale action plan?", "17/09/2025"),
    ],
)
def test_answers_come_from_wrapped_cells_and_the_cover_sheet(calderdale: Assistant, question: str, expected: str) -> None:
    answer = calderdale.ask(question)
    assert not answer.refused, answer.text
    assert expected in answer.text, answer.text
    assert answer.citations and all(c.document == "item5" for c in answer.citations)


def test_the_cover_sheet_is_the_papers_metadata(calderdale: Assistant) -> None:
    meta = calderdale.retriever.documents["item5"].meta
    assert meta.title == "Inspection of Calderdale Youth Justice Service: Action Plan Progress Report"
    assert meta.body is not None and meta.body.endswith("Children's Services Scrutiny Panel")
    assert (meta.date, meta.kind) == ("2025-09-17", "committee_report")
