"""A paper reporting an inspection also cites the one before it; answers must not mix the two. And counts.

The fixture is a fictional committee report about a real borough the corpus never mentions (Wakefield). It
writes the way committee papers do: the new result without a year, the previous one "last inspected in 2019,
when ...", and the inspectorate spelt out in full while councillors ask for "HMIP".
"""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.types import Turn
from tests.conftest import assistant_over_paper

# ruff: noqa: E501 - the paper's paragraphs are one line each, as extracted

PAPER = """WAKEFIELD COUNCIL

Children and Young People Overview and Scrutiny Committee

Outcome of the inspection of Wakefield Youth Justice Service

Date of meeting\t12 May 2025
Status\tPart 1 – public report. Appendix C is Part 2 – exempt under paragraph 1 of Schedule 12A.

1. Background

1.1\tHM Inspectorate of Probation inspected Wakefield Youth Justice Service in January 2025.

1.2\tThe service was last inspected in October 2019, when it was rated 'Inadequate' with a score of 9/36.

2. Findings

2.1\tThe overall rating of Wakefield YJS is 'Good', with a score of 25/36. This is a marked improvement on the 2019 inspection.

2.2\tInspectors made three recommendations, all addressed to the Youth Justice Management Board.

3. Performance

Indicator\tWakefield 2022/23\tWakefield 2023/24\tEngland 2023/24
First-time entrants (rate per 100,000 children aged 10-17)\t171\t162\t154

3.2\tAround 12% of the children supervised had three or more changes of case manager during their order.
"""


@pytest.fixture(scope="module")
def wakefield(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    return assistant_over_paper(tmp_path_factory, real_embedder, "wakefield-oss-committee-2025-05-yjs-inspection.txt", PAPER)


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        ("What score did Wakefield YJS get?", "25/36", "9/36"),
        ("How was Wakefield's youth justice service rated?", "Good", "Inadequate"),
        ("What was Wakefield rated at its previous inspection in 2019?", "Inadequate", "Good"),
        ("What did Wakefield score in 2019?", "9/36", "25/36"),
    ],
)
def test_the_current_inspection_unless_the_question_asks_for_the_earlier_one(
    wakefield: Assistant, question: str, expected: str, not_expected: str
) -> None:
    answer = wakefield.ask(question)
    assert not answer.refused, answer.text
    assert expected in answer.text and not_expected not in answer.text, answer.text


def test_a_public_report_with_an_exempt_appendix_is_read_by_the_public(wakefield: Assistant) -> None:
    answer = wakefield.ask("How many recommendations did HMIP make to Wakefield?")  # the paper never writes "HMIP"
    assert not answer.refused, answer.text
    assert "3" in answer.text or "three" in answer.text.lower(), answer.text
    assert answer.classification == "part1"


def test_a_table_row_reads_with_its_header_year(wakefield: Assistant) -> None:
    answer = wakefield.ask("first time entrants wakefield 2023/24?")
    assert not answer.refused and "162" in answer.text, answer.text


def test_a_count_of_something_else_does_not_answer_how_many(wakefield: Assistant) -> None:
    # "three or more changes of case manager" counts changes; "12%" is a share; "3.2" is the paragraph's number
    answer = wakefield.ask("How many children does the Wakefield youth justice service supervise?")
    assert answer.refused, answer.text


def test_a_reporting_year_the_table_lacks_is_not_answered_with_another(wakefield: Assistant) -> None:
    # The paper is dated 2025 and its table has 2022/23 and 2023/24 columns: 2024/25 is not there.
    answer = wakefield.ask("What was Wakefield's first-time entrant rate in 2024/25?")
    assert answer.refused, answer.text
    answer = wakefield.ask("What was Wakefield's first-time entrant rate in 2023-24?")
    assert not answer.refused, answer.text
    # the figure is read with the column it sits in, so a reader can tell 162 from 171 and 154
    assert "Wakefield 2023/24: 162" in answer.text, answer.text


def test_a_standard_the_paper_does_not_rate_is_not_answered_with_the_overall_rating(wakefield: Assistant) -> None:
    answer = wakefield.ask("How was resettlement rated in Wakefield's last HMIP inspection?")
    assert answer.refused and "Good" not in answer.text, answer.text



@pytest.fixture(scope="module")
def rotherham(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Assistant:  # type: ignore[no-untyped-def]
    return assistant_over_paper(
        tmp_path_factory,
        real_embedder,
        "rotherham-scrutiny-2025-07-yjs.txt",
        "Improving Lives Select Commission\n\nYouth Justice Service inspection: outcome\n\n"
        "Date of meeting\t9 July 2025\n\n"
        "1. Recommendations\n\n"
        "1.1\tThat the Committee notes the outcome of the inspection of Rotherham Youth Justice Service.\n\n"
        "1.2\tThat the Committee endorses the improvement plan at Appendix 1.\n\n"
        "2. Background\n\n"
        "2.1\tHM Inspectorate of Probation rated Rotherham Youth Justice Service 'Good' and made five "
        "recommendations to the Youth Justice Management Board.\n",
    )


def test_recommendations_put_to_the_committee_are_not_the_inspectorates(rotherham: Assistant) -> None:
    """A paper's Recommendations section asks its committee things; HMIP's recommendations are another count."""
    answer = rotherham.ask("How many recommendations does the Rotherham report put to the committee?")
    assert not answer.refused, answer.text
    assert "2 recommendations" in answer.text and "five" not in answer.text, answer.text
    assert {c.label for c in answer.citations} == {"1.1", "1.2"}, answer.citations
    meta = rotherham.retriever.documents["rotherham-scrutiny-2025-07-yjs"].meta
    assert meta.kind == "committee_report" and meta.body == "Rotherham Improving Lives Select Commission"
    # "2.1<TAB>HM Inspectorate ... made five recommendations": a numbered paragraph, read as prose
    answer = rotherham.ask("How many recommendations did HMIP make to Rotherham?")
    assert not answer.refused and ("five" in answer.text or "5" in answer.text), answer.text


def test_last_inspected_in_2019_is_not_this_inspections_fieldwork(wakefield: Assistant) -> None:
    answer = wakefield.ask("When did HMIP inspect Wakefield?")
    assert not answer.refused, answer.text
    assert "January 2025" in answer.text and "2019" not in answer.text, answer.text
    answer = wakefield.ask("What rating did HMIP give Wakefield Youth Justice Service?")
    assert "Good" in answer.text and "Inadequate" not in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        ("what did Wakefield YJS get from the inspectorate?", "Good", "Inadequate"),
        ("When did the inspectors go into Wakefield?", "January 2025", "2019"),
        ("how many recs did HMIP make to Wakefield?", "3", "9/36"),
    ],
)
def test_how_councillors_say_it(wakefield: Assistant, question: str, expected: str, not_expected: str) -> None:
    answer = wakefield.ask(question)
    assert not answer.refused, answer.text
    assert expected in answer.text and not_expected not in answer.text, answer.text


def test_the_inspection_before_the_latest(wakefield: Assistant) -> None:
    answer = wakefield.ask("What was Wakefield rated at its previous inspection?")
    assert not answer.refused, answer.text
    assert "Inadequate" in answer.text and "Good" not in answer.text, answer.text
    first = "What score did Wakefield YJS get?"
    follow = wakefield.ask("and what did it score the time before?", history=[Turn(first, wakefield.ask(first))])
    assert "9/36" in follow.text and "25/36" not in follow.text, follow.text
    change = wakefield.ask("How has Wakefield's rating changed since the previous inspection?")
    assert "Inadequate" in change.text and "Good" in change.text, change.text  # a change question gets both
