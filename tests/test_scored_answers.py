"""The scored decision end to end, on a real index: every answer says why, refusals have reasons, scope is a
prior (unknown passes, another council does not), and paraphrases, misspellings and spacing get one decision."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, assistant_over_paper

REASONS = {"no_evidence", "below_threshold", "scope_contradiction", "not_in_index", "ambiguous_place", "not_graded"}

# Each question in three phrasings (formal, casual, misspelt or run together): one decision, one fact.
PARAPHRASES = [
    (
        ("How many recommendations did the inspectors make for Bexley?",
         "how many recomendations did bexley get",
         "how many recommendations did bexly get"),
        "5",
    ),
    (
        ("What overall rating did HM Inspectorate of Probation give Bexley's youth justice service?",
         "how did bexly do in its youth justice inspection",
         "Bexley YJS overall rating?"),
        "Good",
    ),
    (
        ("Who led the Bexley inspection?",
         "who was the lead inspector for bexley",
         "bexley inspection - who led it?"),
        "Sara Pordham",
    ),
    (
        ("What rating did Newport Youth Justice Service get from HMI Probation?",
         "newport yjs rating?",
         "How was Newport's youth justice service rated in 2024?"),
        None,
    ),
    (
        ("What overall grade did Ofsted give Cumberland's children's services?",
         "cumberland childrens services ofsted overall grade?",
         "Cumberland ofsted grade"),
        None,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("phrasings", "fact"), PARAPHRASES, ids=[p[0][0][:40] for p in PARAPHRASES])
def test_three_phrasings_get_the_same_decision(corpus_assistant, phrasings, fact) -> None:  # type: ignore[no-untyped-def]
    answers = [corpus_assistant.ask(q) for q in phrasings]
    decisions = {a.refused for a in answers}
    assert len(decisions) == 1, [(q, a.text[:120]) for q, a in zip(phrasings, answers, strict=True)]
    if fact is None:
        assert all(a.refused and not a.citations for a in answers)
    else:
        for q, a in zip(phrasings, answers, strict=True):
            assert fact.lower() in a.text.lower(), (q, a.text)


@pytest.mark.slow
def test_every_answer_and_refusal_carries_its_trace(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answered = corpus_assistant.ask("How did inspectors rate Bexley?")
    assert not answered.refused
    trace = answered.trace or {}
    assert trace["decision"] == "answer" and trace["score"] >= trace["threshold"]
    assert trace["candidates"] and set(trace["candidates"][0]["features"]) >= {"coverage", "typed", "place"}
    refused = corpus_assistant.ask("What rating did Newport Youth Justice Service get?")
    assert refused.refused and (refused.trace or {}).get("reason") in REASONS
    # A refusal says what the papers do cover.
    assert "Bexley" in refused.text


@pytest.mark.slow
def test_a_council_nowhere_in_the_index_is_refused_not_answered_from_another(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("cumberland childrens services ofsted overall grade?")
    assert answer.refused and (answer.trace or {}).get("reason") == "not_in_index"


@pytest.mark.slow
def test_a_council_written_as_one_word_is_still_that_council(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("towerhamlets overall rating?")
    # Never Lewisham's or Bexley's rating: either Tower Hamlets' own paper or an honest refusal.
    assert answer.refused or all("tower-hamlets" in c.document for c in answer.citations), answer.text
    assert ["towerhamlets", "Tower Hamlets"] in (answer.trace or {}).get("corrections", [])


@pytest.mark.slow
def test_ask_json_prints_the_trace(corpus_settings) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "How many recommendations did Bexley get?", "--json",
         "--index", str(corpus_settings.index_dir)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )
    data = json.loads(out.stdout)
    assert data["trace"]["decision"] == "answer" and data["trace"]["candidates"]


PRESS_RELEASE = """Westminster Youth Justice Service rated 'Good' by HM Inspectorate of Probation

Westminster Youth Justice Service (YJS) has received an overall rating of 'Good' following an inspection by His
Majesty's Inspectorate of Probation.

Inspectors found that leaders had a clear vision for the service. The report makes four recommendations.
"""


def test_a_year_the_paper_does_not_state_is_unknown_not_a_contradiction(tmp_path_factory, real_embedder) -> None:  # type: ignore[no-untyped-def]
    # Filed under a later year: the press release never prints the year of the inspection.
    assistant = assistant_over_paper(
        tmp_path_factory, real_embedder, "hmip-press-release-westminster-yjs-2025-02.txt", PRESS_RELEASE
    )
    with_year = assistant.ask("What overall rating was Westminster Youth Justice Service given in its 2024 inspection?")
    without = assistant.ask("What overall rating was Westminster Youth Justice Service given?")
    assert not with_year.refused and not without.refused, (with_year.text, without.text)
    assert "Good" in with_year.text and "Good" in without.text
    assert "2024" in " ".join((with_year.trace or {}).get("notes", []))  # it says the year is not stated


CODE_NAME = """Youth justice staffing review

1.1 The confidential code name of the youth justice staffing review is KESTREL-4471.

1.2 The review will report to the Children and Young People Select Committee in March 2026.
"""


def test_a_name_that_is_not_a_person_is_still_answered(tmp_path_factory, real_embedder) -> None:  # type: ignore[no-untyped-def]
    assistant = assistant_over_paper(tmp_path_factory, real_embedder, "staffing-review-2025-11.txt", CODE_NAME)
    for q in ("What is the code name of the youth justice staffing review?",
              "what's the codename of the staffing review?"):
        answer = assistant.ask(q)
        assert not answer.refused and "KESTREL-4471" in answer.text, (q, answer.text)
