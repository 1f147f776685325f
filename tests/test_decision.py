"""The scored answering stages on their own: reading the question, scope as a prior, candidates, the decision."""

from __future__ import annotations

import json
from importlib import resources

from assistant.answering.analyse import analyse
from assistant.answering.candidates import bullet_items, spans, table_rows
from assistant.answering.decide import decide, default_scorer, scorer_from
from assistant.answering.features import FEATURES, QUESTION_FEATURES, repeated_lines
from assistant.answering.prior import DocProfile, prior


def _idf(_: str) -> float:
    return 1.0


VOCAB = frozenset({"recommendations", "inspection", "overall", "rating", "services", "reading", "code", "name"})


def test_places_written_without_spaces_or_misspelt_are_read() -> None:
    assert analyse("towerhamlets overall rating?", _idf, VOCAB).places == ("Tower Hamlets",)
    assert analyse("how many recomendations did bexly get", _idf, VOCAB).places == ("Bexley",)
    assert analyse("cumberland childrens services ofsted overall grade?", _idf, VOCAB).places == ("Cumberland",)


def test_an_ordinary_word_is_not_a_misspelt_place() -> None:
    # "reading" is a word the documents use; lower case it is not the council.
    assert analyse("what is the reading of the overall rating?", _idf, VOCAB).places == ()
    assert analyse("Which services in Reading were rated good?", _idf, VOCAB).places == ("Reading",)


def test_vocabulary_misspellings_are_corrected_to_the_index_spelling() -> None:
    a = analyse("how many recomendations did bexly get", _idf, VOCAB)
    assert "recommendations" in a.normalised and "Bexley" in a.normalised
    assert ("recomendations", "recommendations") in a.corrections


def _doc(doc_id: str, places: set[str], years: set[int], text: str, dated: bool = True) -> DocProfile:
    return DocProfile(doc_id, frozenset(places), frozenset(years), dated, frozenset(), text.lower())


def test_an_undated_paper_is_not_evidence_against_a_year() -> None:
    docs = {"westminster": _doc("westminster", {"Westminster"}, set(), "Westminster YJS rated Good", dated=False)}
    pr = prior(analyse("What rating did Westminster get in its 2024 inspection?", _idf), docs, set(docs))
    assert pr.reason is None and pr.docs["westminster"].year == 0
    assert pr.notes  # the answer says the year is not given


def test_a_paper_about_another_council_is_left_out_and_an_unknown_council_is_not_in_the_index() -> None:
    docs = {
        "bexley": _doc("bexley", {"Bexley"}, {2024}, "Bexley"),
        "lewisham": _doc("lewisham", {"Lewisham"}, {2024}, "Lewisham"),
        "national": _doc("national", set(), {2021}, "annual report"),
    }
    pr = prior(analyse("How was Bexley rated?", _idf), docs, set(docs))
    assert set(pr.docs) == {"bexley", "national"}
    missing = prior(analyse("towerhamlets overall rating?", _idf, VOCAB), docs, set(docs))
    assert missing.reason == "not_in_index" and "Tower Hamlets" in (missing.message or "")


def test_a_year_every_paper_contradicts_is_refused_but_one_unknown_paper_keeps_it_open() -> None:
    dated = {"bexley": _doc("bexley", {"Bexley"}, {2024}, "Bexley 2024")}
    pr = prior(analyse("How was Bexley rated in 2019?", _idf), dated, set(dated))
    assert pr.reason == "scope_contradiction" and "2024" in (pr.message or "")
    both = {**dated, "note": _doc("note", {"Bexley"}, set(), "Bexley youth justice note", dated=False)}
    pr = prior(analyse("How was Bexley rated in 2019?", _idf), both, set(both))
    assert pr.reason is None and pr.docs["bexley"].year == -1 and pr.docs["note"].year == 0


def test_a_judgement_table_a_pdf_printed_as_lines_is_read_row_by_row() -> None:
    block = (
        "Judgement Grade\nThe impact of leaders on social work practice with\nchildren and families\nRequires improvement\n"
        "to be good\nThe experiences and progress of care\nleavers\nOutstanding\nOverall effectiveness Good"
    )
    rows = dict((said, quote) for quote, said in table_rows(block))
    assert "The experiences and progress of care leavers: Outstanding" in rows
    assert "Overall effectiveness: Good" in rows
    # A grade wrapped over two lines is one grade, never "good".
    assert any(s.endswith(": Requires improvement to be good") and "leaders" in s for s in rows)
    assert not any("leaders" in s and s.endswith(": good") for s in rows)
    assert all(q in block for q in rows.values())


def test_a_bulleted_list_is_read_item_by_item_without_the_heading_after_it() -> None:
    text = (
        "What needs to improve?\n◼ The identification of young carers.\n◼ Consistently impactful management "
        "oversight of\nfrontline practice.\nThe experiences and progress of children who need help and\nprotection: good"
    )
    items = bullet_items(text)
    assert len(items) == 2 and items[1].endswith("frontline practice.")
    assert all(i in text for i in items)


def test_spans_are_verbatim_and_a_block_of_short_lines_is_read_line_by_line() -> None:
    text = "Judgement Grade\nThe impact of leaders on social work\npractice with children and families\nGood\nOverall effectiveness Good"
    found = spans(text)
    assert all(s in text for s in found)
    assert "Overall effectiveness Good" in found
    prose = "The service was rated Good. It made 5 recommendations. Leaders were effective."
    assert spans(prose)[:3] == ["The service was rated Good.", "It made 5 recommendations.", "Leaders were effective."]


def test_running_headers_are_recognised_per_document() -> None:
    pages = [(n, f"Inspection of Bexley local authority children's services\n6 to 10 February 2023 {n}\nText {n}") for n in range(1, 5)]
    repeated = repeated_lines(pages)
    assert "inspection of bexley local authority children's services" in repeated
    assert "# to # february # #" in repeated  # the dates glued to the page number: figures ignored
    assert not repeated_lines(pages[:2])


def test_the_decision_is_one_threshold_over_the_confidence() -> None:
    scorer = default_scorer()
    assert decide(None, scorer).reason == "no_evidence"
    assert decide(scorer.threshold + 0.01, scorer).answer
    low = decide(scorer.threshold - 0.01, scorer)
    assert not low.answer and low.reason == "below_threshold"


def test_the_committed_scorer_is_fitted_data_for_these_features() -> None:
    data = json.loads(resources.files("assistant").joinpath("data", "scorer.json").read_text())
    assert data["candidate"]["features"] == list(FEATURES)
    assert data["question"]["features"] == list(QUESTION_FEATURES)
    scorer = scorer_from(data)
    assert 0.0 < scorer.threshold < 1.0
    assert data["fitted"].get("candidates", 0) > 1000  # fitted on labelled data, not hand-set
    # The candidate model ranks a typed, covering candidate above an untyped, uncovering one.
    good = [0.0] * len(FEATURES)
    bad = [0.0] * len(FEATURES)
    for name, value in (("coverage", 1.0), ("coverage_text", 1.0), ("typed", 1.0), ("complete", 1.0)):
        good[FEATURES.index(name)] = value
    assert scorer.probability(good) > scorer.probability(bad)
