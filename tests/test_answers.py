"""Answers over the real corpus: what a councillor asks, what they get, and where it is cited."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from assistant.types import Answer, Turn
from tests.conftest import ROOT

BEXLEY = "hmip-inspection-youth-justice-services-bexley-2024-07"
TOWER_HAMLETS = "tower-hamlets-children-education-scrutiny-2022-10-yjs-spotlight"
LEWISHAM_2024 = "lewisham-cyp-select-committee-2024-11-06-yjs-inspection-findings"
LEWISHAM_2017 = "lewisham-safer-stronger-select-committee-2017-06-yos-improvement-plan"
PRESS_2016 = "hmip-press-release-lewisham-yos-inspection-2016-12"


def _verified(assistant, answer: Answer) -> None:  # type: ignore[no-untyped-def]
    """Every marker resolves, and every quote is verbatim in the paragraph it cites."""
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.marker for c in answer.citations}
    for c in answer.citations:
        paragraph = assistant.paragraph(c.document, c.paragraph)
        assert paragraph is not None and c.quote in paragraph.text


def _ask(assistant, question: str, history: tuple[Turn, ...] = ()) -> Answer:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question, history)
    _verified(assistant, answer)
    return answer


def _cites(answer: Answer, document: str, quote_has: str | None = None, label: str | None = None) -> bool:
    return any(
        c.document == document
        and (quote_has is None or quote_has.lower() in c.quote.lower())
        and (label is None or c.label == label)
        for c in answer.citations
    )


@pytest.mark.parametrize(
    ("question", "document", "expected", "year"),
    [
        ("How did inspectors rate Bexley?", BEXLEY, "Good", "2024"),
        ("What overall rating did Tower Hamlets get?", TOWER_HAMLETS, "Requires improvement", "2022"),
        ("What rating did Bexley get for staff?", BEXLEY, "Outstanding", "2024"),
    ],
)
def test_ratings_come_from_the_right_inspection(corpus_assistant, question, document, expected, year) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, question)
    assert not answer.refused
    assert expected.lower() in answer.text.lower()
    assert _cites(answer, document, expected)
    assert year in answer.text  # the answer says which inspection it relies on


def test_score_is_quoted_from_its_report(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "What score did Tower Hamlets achieve out of 36?")
    assert re.search(r"\b8\s*(/|out of)\s*36\b", answer.text)
    assert _cites(answer, TOWER_HAMLETS)


def test_recommendation_count(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "How many recommendations did the inspectors make for Bexley?")
    assert re.search(r"\b(5|five)\b", answer.text)
    assert _cites(answer, BEXLEY)


def test_named_person_with_the_paragraph_that_names_them(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "Who led the Bexley inspection?")
    assert "Sara Pordham" in answer.text
    assert _cites(answer, BEXLEY, "Sara Pordham")


def test_budget_cites_the_numbered_paragraph(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "What is the General Fund budget for the Lewisham Youth Justice Service?")
    assert "£1.7m" in answer.text
    assert _cites(answer, LEWISHAM_2024, "£1.7m", label="6.1")
    cite = next(c for c in answer.citations if c.label == "6.1")
    assert cite.section and "Financial" in cite.section and cite.page is None  # a .txt file has no pages


def test_definition_from_the_glossary(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "What does TIARRA stand for?")
    assert "Trauma" in answer.text and "Restorative" in answer.text
    assert _cites(answer, LEWISHAM_2024, "TIARRA")


def test_date_of_fieldwork(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "When did the inspectors start fieldwork in Bexley?")
    assert "April 2024" in answer.text
    assert _cites(answer, BEXLEY)


def test_cross_document_comparison_names_both_inspections(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "Which scored higher, Bexley or Tower Hamlets?")
    assert "27/36" in answer.text and re.search(r"8\s*(/|out of)\s*36", answer.text)
    assert _cites(answer, BEXLEY) and _cites(answer, TOWER_HAMLETS)


def test_follow_up_resolves_against_the_conversation(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    first = _ask(corpus_assistant, "How did inspectors rate Bexley?")
    follow = _ask(corpus_assistant, "And how many recommendations were there?", (Turn(first.question, first),))
    assert follow.resolved_question and "Bexley" in follow.resolved_question
    assert re.search(r"\b(5|five)\b", follow.text)
    assert all(c.document == BEXLEY for c in follow.citations)
    other = _ask(corpus_assistant, "What about Tower Hamlets?", (Turn(first.question, first),))
    assert "requires improvement" in other.text.lower() and _cites(other, TOWER_HAMLETS)


@pytest.mark.parametrize(
    "question",
    [
        "How did inspectors rate Greenwich?",  # a borough no document is about
        "What is Bexley's budget?",  # a fact the Bexley report never states (Lewisham's must not answer it)
        "How was Bexley rated in 2019?",  # a year no Bexley document covers
        "What did Ofsted say about Bexley's youth justice service?",  # a body the Bexley report does not quote
        "Who is the chair of Bexley's youth justice management board?",  # named nowhere
    ],
)
def test_unanswerable_questions_are_refused_with_no_citations(corpus_assistant, question) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, question)
    assert answer.refused, answer.text
    assert answer.citations == ()
    assert "don't say" in answer.text
    assert "£" not in answer.text and "Good" not in answer.text


def test_retrieval_puts_the_gold_paragraph_near_the_top(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    passages = corpus_assistant.retrieve("What did inspectors recommend to the Metropolitan Police in Bexley?", k=5)
    assert any(p.paragraph.doc_id == BEXLEY and "Outcome 22" in p.paragraph.text for p in passages)


def test_onnx_query_encoder_gives_the_models_vectors(corpus_settings, real_embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.embedding import OnnxQueryEmbedder, onnx_file

    path = onnx_file(corpus_settings.model, corpus_settings.cache_dir)
    assert path.exists(), "ingest exports the query encoder"
    fast = OnnxQueryEmbedder(corpus_settings.model, path)
    texts = ["How did inspectors rate Bexley?", "What did they say about work with victims? " * 30]
    for a, b in zip(fast.embed(texts), real_embedder.embed(texts), strict=True):
        assert sum(x * y for x, y in zip(a, b, strict=True)) > 0.99999


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_ask_json_contract(corpus_settings) -> None:  # type: ignore[no-untyped-def]
    done = _cli("ask", "Who led the Bexley inspection?", "--index", str(corpus_settings.index_dir), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"question", "answer", "refused", "citations"} <= set(data)
    assert data["refused"] is False
    cite = data["citations"][0]
    assert set(cite) >= {"marker", "source", "document", "title", "section", "label", "paragraph", "page", "quote"}
    assert cite["source"].endswith(f"{BEXLEY}.txt") and cite["page"] is None


def test_cli_jsonl_answers_a_list_in_order(corpus_settings) -> None:  # type: ignore[no-untyped-def]
    questions = ["Who led the Bexley inspection?", "How did inspectors rate Greenwich?", "What does TIARRA stand for?"]
    done = _cli("ask", "--jsonl", "-", "--index", str(corpus_settings.index_dir), stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert [r["refused"] for r in rows] == [False, True, False]


def test_cli_missing_index_is_one_line_naming_ingest(tmp_path) -> None:
    done = _cli("ask", "How did inspectors rate Bexley?", "--index", str(tmp_path / "nothing"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "ingest" in done.stderr and "Traceback" not in done.stderr


def test_when_a_committee_received_a_paper_is_the_date_on_its_cover(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = _ask(corpus_assistant, "On what date did the CYP Select Committee receive the report on the YJS inspection findings?")
    assert "06 November 2024" in answer.text
    assert _cites(answer, LEWISHAM_2024, "November 2024")
    # a question about an inspection, not a paper, is not answered with a cover date
    other = _ask(corpus_assistant, "When was Lewisham's youth justice service inspected before the 2024 inspection?")
    assert "06 November 2024" not in other.text
