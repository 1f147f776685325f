"""The evaluation harness: set validation, every check type, runs, reports, baselines, feedback drafts."""

from __future__ import annotations

import json
import re
import signal
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from assistant.errors import EvalSetError
from assistant.types import Answer, Citation, DocumentMeta, Fact, Filters, Paragraph, Passage, Turn
from evals.feedback import drafts_from_feedback
from evals.feedback import main as feedback_main
from evals.runner import main, run_eval
from evals.schema import Expect, load_set
from evals.scoring import check_answer, normalise, number_matches, rating_matches, stated_ratings

ROOT = Path(__file__).resolve().parent.parent
CORPUS_SET = ROOT / "evals" / "sets" / "corpus-v1.yaml"
DOC = "hmip-inspection-youth-justice-services-sample-2024-07"
OTHER = "sample-select-committee-2024-11-06"

PARAGRAPHS = [
    Paragraph(DOC, 1, "Overall, Sample YJS was rated as 'Good' with a score of 27/36.", None),
    Paragraph(DOC, 2, "2.2\tPlanning\tRequires improvement", "2.2", kind="table_row"),
    Paragraph(DOC, 3, "As a result of our inspection findings, we have made five recommendations.", None),
    Paragraph(DOC, 4, "3. strengthen the quality of planning in court disposals", "3", kind="list_item"),
    Paragraph(DOC, 5, "This inspection was led by HM Inspector Ada Lovelace.", None),
    Paragraph(OTHER, 1, "6.1 The General Fund budget for the service is £1.7m.", "6.1"),
]


def _cite(doc: str, ordinal: int, quote: str, marker: int = 1) -> Citation:
    """A citation of a fake paragraph, with its real label."""
    label = next(p.label for p in PARAGRAPHS if p.doc_id == doc and p.ordinal == ordinal)
    return Citation(marker, f"corpus/{doc}.txt", doc, None, None, label, ordinal, None, quote)


class FakeAnswerer:
    """A deterministic FAKE Answerer: canned answers, word-overlap retrieval, refusal otherwise."""

    def __init__(
        self, answers: dict[str, tuple[str, Sequence[Citation]]], info: dict[str, str] | None = None
    ) -> None:
        self.answers = answers
        self.info = info or {"model": "fake-model", "fingerprint": "abc123", "corpus_hash": "c0ffee"}
        self.calls: list[tuple[str, tuple[Turn, ...]]] = []

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        self.calls.append((question, tuple(history)))
        key = (
            question
            if question in self.answers
            else f"{history[-1].question} >> {question}"
            if history
            else ""
        )
        if key in self.answers:
            text, citations = self.answers[key]
            return Answer(question, text, False, tuple(citations))
        return Answer(question, "The documents do not say.", True)

    def retrieve(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        words = set(re.findall(r"\w+", question.lower()))

        def overlap(p: Paragraph) -> tuple[int, int]:
            return (-len(words & set(re.findall(r"\w+", p.text.lower()))), p.ordinal)

        ranked = sorted(PARAGRAPHS, key=overlap)[:k]
        return [Passage(p, DocumentMeta(), f"corpus/{p.doc_id}.txt") for p in ranked]

    def facts(self) -> list[Fact]:
        return []

    def context(self, document: str, paragraph: int, radius: int = 3) -> list[Paragraph]:
        return [p for p in PARAGRAPHS if p.doc_id == document and abs(p.ordinal - paragraph) <= radius]

    def index_info(self) -> dict[str, str]:
        return dict(self.info)


GOOD_ANSWERS: dict[str, tuple[str, Sequence[Citation]]] = {
    "What overall rating did Sample get?": (
        "Sample YJS was rated 'Good' overall [1].",
        [_cite(DOC, 1, "Sample YJS was rated as 'Good'")],
    ),
    "How was planning rated?": (
        "Planning was rated Requires improvement [1].",
        [_cite(DOC, 2, "Planning\tRequires improvement")],
    ),
    "What did Sample score?": (
        "It scored twenty-seven out of thirty-six [1].",
        [_cite(DOC, 1, "a score of 27/36")],
    ),
    "Who led the inspection?": (
        "It was led by Ada Lovelace [1].",
        [_cite(DOC, 5, "led by HM Inspector Ada Lovelace")],
    ),
    "How was Sample rated? >> And how many recommendations were there?": (
        "The inspectors made five recommendations [1].",
        [_cite(DOC, 3, "we have made five recommendations")],
    ),
    "How was Sample rated?": ("Good [1].", [_cite(DOC, 1, "rated as 'Good'")]),
}

SMALL_SET = """\
name: sample
version: 1
description: a small set for the harness tests
questions:
  - id: overall
    question: What overall rating did Sample get?
    expect: {rating: Good, documents: [%(doc)s]}
    tags: [rating]
  - id: planning
    question: How was planning rated?
    expect: {rating: Requires improvement, documents: [%(doc)s], paragraphs: ["2.2"]}
    tags: [rating]
  - id: score
    question: What did Sample score?
    expect: {number: "27/36", documents: [%(doc)s]}
    tags: [score]
  - id: lead
    question: Who led the inspection?
    expect: {contains: [Ada Lovelace], documents: [%(doc)s]}
    tags: [person]
  - id: recs-followup
    history: ["How was Sample rated?"]
    question: And how many recommendations were there?
    expect: {number: 5, documents: [%(doc)s], paragraphs: [3]}
    tags: [count, followup]
  - id: greenwich
    question: What rating did Greenwich get?
    expect: {refuse: true}
    tags: [refusal]
""".replace("%(doc)s", DOC)


@pytest.fixture()
def small_set(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    return path


def _answer(text: str, citations: Sequence[Citation] = (), refused: bool = False) -> Answer:
    return Answer("q", text, refused, tuple(citations))


def _failed(results: list, name: str) -> bool:
    return any(r.name == name and not r.passed for r in results)


def _passed(results: list, name: str) -> bool:
    return any(r.name == name and r.passed for r in results)


# ------------------------------------------------------------------ check types


def test_contains_is_case_and_whitespace_insensitive_and_names_what_is_missing() -> None:
    expect = Expect(contains=("Sara  Pordham", "April 2024"))
    assert _passed(check_answer(expect, _answer("led by SARA\npordham in april 2024 [1]")), "contains")
    results = check_answer(expect, _answer("led by Sara Pordham"))
    assert _failed(results, "contains")
    assert "'April 2024'" in next(r.message for r in results if r.name == "contains")


def test_any_needs_one_of_the_alternatives() -> None:
    expect = Expect(any=("four times", "4 times"))
    assert _passed(check_answer(expect, _answer("It reached 4 times as many families.")), "any")
    assert _failed(check_answer(expect, _answer("It reached more families.")), "any")


def test_not_contains_fails_when_the_excluded_text_appears() -> None:
    expect = Expect(not_contains=("Greenwich was rated",))
    assert _passed(check_answer(expect, _answer("The documents do not cover Greenwich.")), "not_contains")
    results = check_answer(expect, _answer("Greenwich  was RATED good."))
    assert _failed(results, "not_contains")


def test_rating_passes_only_when_the_expected_rating_is_stated() -> None:
    assert rating_matches("Bexley was rated 'Good' overall [1].", "Good").passed
    wrong = rating_matches("The service was rated Requires Improvement [1].", "Good")
    assert not wrong.passed
    assert wrong.message == "expected rating 'Good' but the answer states 'Requires improvement'"
    assert "states no rating" in rating_matches("The report is long.", "Good").message


def test_rating_fails_when_the_answer_also_states_another_rating() -> None:
    result = rating_matches("Overall it was Good, but planning was rated Inadequate.", "Good")
    assert not result.passed
    assert "also states 'Inadequate'" in result.message


def test_rating_ignores_everyday_adjectives_but_reads_legacy_ratings() -> None:
    assert stated_ratings("There was some good work and poor practice; it was rated Outstanding.") == [
        "Outstanding"
    ]
    assert rating_matches("Work to reduce reoffending was unsatisfactory.", "unsatisfactory").passed
    # "unsatisfactory" must not be read as "satisfactory"
    assert not rating_matches("Work to reduce reoffending was unsatisfactory.", "satisfactory").passed


def test_ofsteds_requires_improvement_to_be_good_is_one_judgement() -> None:
    answer = "Overall effectiveness: Requires improvement to be good. Help and protection: Good."
    assert stated_ratings(answer) == ["Requires improvement", "Good"]
    assert rating_matches("Grade: Requires improvement to be good [1].", "Requires improvement").passed
    assert not rating_matches("Grade: Requires improvement to be good [1].", "Good").passed


@pytest.mark.parametrize(
    "text", ["27/36", "27 out of 36", "twenty-seven out of thirty-six", "a score of 27 / 36"]
)
def test_number_reads_scores_in_digits_and_words(text: str) -> None:
    assert number_matches(f"Bexley scored {text} [2].", "27/36").passed


@pytest.mark.parametrize(
    ("text", "expected", "ok"),
    [
        ("They made five recommendations.", "5", True),
        ("They made 5 recommendations.", "5", True),
        ("The population is 246,472.", "246472", True),
        ("Reoffending was 15.5 per cent.", "15.5", True),
        ("They made six recommendations [5].", "5", False),  # a citation marker is not a stated number
        ("Bexley scored 8/36.", "27/36", False),
        ("Bexley scored 27 and Tower Hamlets 36.", "27/36", False),
    ],
)
def test_number_digits_words_and_misses(text: str, expected: str, ok: bool) -> None:
    result = number_matches(text, expected)
    assert result.passed is ok
    if not ok:
        assert result.message.startswith(f"expected number {expected} but the answer states")


def test_refuse_requires_a_refusal_without_citations() -> None:
    expect = Expect(refuse=True)
    assert _passed(check_answer(expect, _answer("The documents do not say.", refused=True)), "refuse")
    cited = check_answer(expect, _answer("No.", [_cite(DOC, 1, "Good")], refused=True))
    assert _failed(cited, "refuse")
    answered = check_answer(expect, _answer("Greenwich was rated Good."))
    assert "expected a refusal" in next(r.message for r in answered if r.name == "refuse")


def test_an_answerable_question_fails_when_refused() -> None:
    assert _failed(
        check_answer(Expect(contains=("Good",)), _answer("I cannot say.", refused=True)), "answered"
    )


def test_documents_requires_a_citation_into_one_of_them() -> None:
    expect = Expect(documents=(DOC,))
    assert _passed(check_answer(expect, _answer("Good [1].", [_cite(DOC, 1, "Good")])), "documents")
    results = check_answer(expect, _answer("Good [1].", [_cite(OTHER, 1, "£1.7m")]))
    assert _failed(results, "documents")
    assert OTHER in next(r.message for r in results if r.name == "documents")


def test_paragraphs_match_labels_and_ordinals_in_the_expected_document() -> None:
    by_label = Expect(documents=(DOC,), paragraphs=("Recommendation 3",))
    assert _passed(check_answer(by_label, _answer("[1]", [_cite(DOC, 4, "strengthen")])), "paragraphs")
    by_ordinal = Expect(documents=(DOC,), paragraphs=(3,))
    assert _passed(check_answer(by_ordinal, _answer("[1]", [_cite(DOC, 3, "five")])), "paragraphs")
    wrong_doc = Expect(documents=(DOC,), paragraphs=("6.1",))
    assert _failed(check_answer(wrong_doc, _answer("[1]", [_cite(OTHER, 1, "£1.7m")])), "paragraphs")


def test_normalise_drops_markers_and_unifies_dashes_and_quotes() -> None:
    assert normalise("Keble\u2013Cross [2]  \u2018Good\u2019") == "keble cross 'good'"


# ------------------------------------------------------------------ runs, reports, baselines


def test_a_wrong_expectation_fails_with_a_clear_message(tmp_path: Path, small_set: Path) -> None:
    wrong = small_set.read_text().replace("{rating: Good,", "{rating: Outstanding,")
    (tmp_path / "wrong.yaml").write_text(wrong)
    summary = run_eval(tmp_path / "wrong.yaml", FakeAnswerer(GOOD_ANSWERS), tmp_path / "run", progress=False)
    assert summary.failed == ("overall",)
    assert summary.exit_code == 1
    junit = ET.parse(tmp_path / "run" / "junit.xml").getroot()
    failure = junit.find(".//testcase[@name='overall']/failure")
    assert failure is not None
    assert failure.get("message") == "rating: expected rating 'Outstanding' but the answer states 'Good'"
    report = (tmp_path / "run" / "report.md").read_text()
    assert "expected rating 'Outstanding' but the answer states 'Good'" in report


def test_run_writes_every_report_file(tmp_path: Path, small_set: Path) -> None:
    fake = FakeAnswerer(GOOD_ANSWERS)
    summary = run_eval(small_set, fake, tmp_path / "run", progress=False)
    out = tmp_path / "run"
    assert summary.ok and summary.exit_code == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["overall", "planning", "score", "lead", "recs-followup", "greenwich"]
    assert rows[0]["checks"]["rating"] == {"passed": True, "message": "states rating 'Good'"}
    assert rows[0]["citations"][0]["quote_valid"] is True
    meta = json.loads((out / "summary.json").read_text())
    assert meta["set"]["name"] == "sample" and len(meta["set"]["sha256"]) == 64
    assert meta["index_info"]["model"] == "fake-model"
    m = meta["metrics"]
    assert m["answer_accuracy"] == 1.0 and m["refusal_precision"] == 1.0 and m["refusal_recall"] == 1.0
    assert m["quote_validity"] == 1.0 and m["citation_precision"] == 1.0
    assert m["latency_p50_ms"] is not None and m["latency_p95_ms"] >= m["latency_p50_ms"]
    assert len(ET.parse(out / "junit.xml").getroot().findall(".//testcase")) == 6
    report = (out / "report.md").read_text()
    assert report.index("## Failures") < report.index("## Summary") < report.index("## Accuracy by tag")
    assert "](accuracy_by_tag.png)" in report
    assert (out / "accuracy_by_tag.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_follow_ups_ask_the_history_first_and_pass_it_on(tmp_path: Path, small_set: Path) -> None:
    fake = FakeAnswerer(GOOD_ANSWERS)
    run_eval(small_set, fake, tmp_path / "run", progress=False)
    asked = [(q, h) for q, h in fake.calls if q == "And how many recommendations were there?"]
    assert len(asked) == 1
    history = asked[0][1]
    assert [t.question for t in history] == ["How was Sample rated?"]
    assert history[0].answer is not None and history[0].answer.text == "Good [1]."
    assert [q for q, _ in fake.calls].index("How was Sample rated?") < [q for q, _ in fake.calls].index(
        "And how many recommendations were there?"
    )


def test_retrieval_metrics_and_invalid_quotes(tmp_path: Path, small_set: Path) -> None:
    answers = dict(GOOD_ANSWERS)
    # A quote that is not in the cited paragraph, cited from a paragraph that holds no expected fact.
    answers["Who led the inspection?"] = (
        "It was led by Ada Lovelace [1].",
        [_cite(DOC, 3, "led by Ada Lovelace")],
    )
    summary = run_eval(small_set, FakeAnswerer(answers), tmp_path / "run", k=3, progress=False)
    rows = {
        r["id"]: r for r in map(json.loads, (tmp_path / "run" / "results.jsonl").read_text().splitlines())
    }
    assert rows["lead"]["checks"]["quotes"]["passed"] is False
    assert "not in the paragraph" in rows["lead"]["checks"]["quotes"]["message"]
    assert rows["lead"]["citations"][0]["precise"] is False
    assert summary.metrics.quote_validity is not None and summary.metrics.quote_validity < 1
    assert summary.metrics.citation_precision is not None and summary.metrics.citation_precision < 1
    ranked = [
        (p.paragraph.doc_id, p.paragraph.ordinal)
        for p in FakeAnswerer({}).retrieve("How was planning rated?", 3)
    ]
    assert rows["planning"]["retrieval"] == {"checked": True, "gold_rank": ranked.index((DOC, 2)) + 1}
    assert rows["score"]["retrieval"] == {"checked": False, "gold_rank": None}  # no gold paragraphs given
    assert summary.metrics.retrieval_recall_at_k is not None
    assert summary.metrics.mrr == pytest.approx(
        sum(1 / r["retrieval"]["gold_rank"] for r in rows.values() if r["retrieval"]["gold_rank"]) / 2
    )


def test_a_crashing_answerer_fails_that_question_only(tmp_path: Path, small_set: Path) -> None:
    class Crashing(FakeAnswerer):
        def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
            if question == "Who led the inspection?":
                raise RuntimeError("model went away")
            return super().ask(question, history, filters)

    summary = run_eval(small_set, Crashing(GOOD_ANSWERS), tmp_path / "run", progress=False)
    assert summary.failed == ("lead",)
    assert "RuntimeError: model went away" in (tmp_path / "run" / "report.md").read_text()


def test_a_regression_against_the_baseline_is_reported_and_exits_1(
    tmp_path: Path, small_set: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base"
    assert (
        main([str(small_set), "--out", str(base), "--no-progress"], lambda _: FakeAnswerer(GOOD_ANSWERS)) == 0
    )
    worse = dict(GOOD_ANSWERS)
    worse["What overall rating did Sample get?"] = (
        "Sample YJS was rated Requires improvement [1].",
        [_cite(DOC, 2, "Requires improvement")],
    )
    changed = {"model": "other-model", "fingerprint": "abc123", "corpus_hash": "c0ffee"}
    code = main(
        [str(small_set), "--out", str(tmp_path / "new"), "--baseline", str(base), "--no-progress"],
        lambda _: FakeAnswerer(worse, changed),
    )
    assert code == 1
    captured = capsys.readouterr()
    assert "1 regression(s): overall" in captured.out
    assert "index differs from the baseline" in captured.err and "other-model" in captured.err
    meta = json.loads((tmp_path / "new" / "summary.json").read_text())
    assert meta["baseline"]["regressions"] == ["overall"]
    report = (tmp_path / "new" / "report.md").read_text()
    assert "`overall` (REGRESSION)" in report
    assert report.index("(REGRESSION)") < report.index("## Summary")


def test_a_fix_against_the_baseline_is_reported(tmp_path: Path, small_set: Path) -> None:
    worse = dict(GOOD_ANSWERS)
    del worse["Who led the inspection?"]
    run_eval(small_set, FakeAnswerer(worse), tmp_path / "base", progress=False)
    summary = run_eval(
        small_set, FakeAnswerer(GOOD_ANSWERS), tmp_path / "new", tmp_path / "base", progress=False
    )
    assert summary.fixes == ("lead",) and summary.regressions == () and summary.exit_code == 0


def test_a_missing_baseline_is_bad_usage(tmp_path: Path, small_set: Path) -> None:
    code = main(
        [str(small_set), "--out", str(tmp_path / "r"), "--baseline", str(tmp_path / "nope"), "--no-progress"],
        lambda _: FakeAnswerer(GOOD_ANSWERS),
    )
    assert code == 2


# ------------------------------------------------------------------ malformed sets


def _question(**changes: object) -> dict[str, object]:
    q: dict[str, object] = {"id": "q1", "question": "What rating?", "expect": {"rating": "Good"}}
    q.update(changes)
    return q


@pytest.mark.parametrize(
    ("questions", "field", "qid"),
    [
        ([_question(expect={"ratng": "Good"})], "expect.ratng", "q1"),
        ([_question(colour="red")], "colour", "q1"),
        ([_question(question="   ")], "question", "q1"),
        ([_question(), _question()], "id", "q1"),
        ([_question(expect={"rating": "Brilliant"})], "expect.rating", "q1"),
        ([_question(expect={"contains": [27]})], "expect.contains", "q1"),
        ([_question(expect={"paragraphs": [6.1]})], "expect.paragraphs", "q1"),
        ([_question(expect={"number": "lots"})], "expect.number", "q1"),
        ([_question(expect={"refuse": True, "documents": ["x"]})], "expect.documents", "q1"),
        ([_question(expect={"refuse": "yes"})], "expect.refuse", "q1"),
        ([_question(history="How was Bexley rated?")], "history", "q1"),
        ([_question(expect={})], "expect", "q1"),
        ([{"question": "no id", "expect": {"refuse": True}}], "id", "#1"),
    ],
)
def test_a_malformed_set_names_file_question_and_field(
    tmp_path: Path, questions: list[dict[str, object]], field: str, qid: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"name": "bad", "version": 1, "description": "", "questions": questions}))
    with pytest.raises(EvalSetError) as err:
        load_set(path)
    message = str(err.value)
    assert str(path) in message and f"question '{qid}'" in message and f"field '{field}'" in message
    assert "\n" not in message


def test_malformed_top_level_and_yaml_syntax(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nversion: 1\nquestions: []\nauthor: me\n")
    with pytest.raises(EvalSetError, match="field 'author'"):
        load_set(path)
    path.write_text("name: x\nversion: 1\nquestions: []\n")
    with pytest.raises(EvalSetError, match="field 'questions'"):
        load_set(path)
    path.write_text("name: [unclosed\n")
    with pytest.raises(EvalSetError, match=r"bad\.yaml: line \d+"):
        load_set(path)


def test_main_exits_2_on_a_malformed_set_without_building_the_answerer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump({"name": "bad", "version": 1, "questions": [_question(expect={"numbr": 5})]})
    )

    def never(_: Path | None) -> FakeAnswerer:
        raise AssertionError("the answerer must not be built for a malformed set")

    assert main([str(path), "--out", str(tmp_path / "run"), "--no-progress"], never) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "bad.yaml" in err and "question 'q1'" in err and "field 'expect.numbr'" in err


# ------------------------------------------------------------------ the corpus set


def test_corpus_set_loads_and_covers_every_document() -> None:
    qset = load_set(CORPUS_SET)
    questions = qset.questions
    assert len(questions) >= 100
    assert sum(q.expect.refuse for q in questions) >= 15
    corpus_docs = {p.stem for p in (ROOT / "corpus").glob("*.txt")}
    cited = {d for q in questions for d in q.expect.documents}
    assert cited <= corpus_docs, cited - corpus_docs
    assert cited == corpus_docs
    assert all(q.expect.documents for q in questions if not q.expect.refuse)
    assert any(q.history for q in questions)
    assert all(q.tags for q in questions)


def test_corpus_set_expectations_are_stated_in_their_documents() -> None:
    """Every expected string, number and rating occurs in one of the question's documents (typo guard)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")}
    problems = []
    for q in load_set(CORPUS_SET).questions:
        if q.expect.refuse:
            continue
        text = "\n".join(texts[d] for d in q.expect.documents)
        clean = normalise(text)
        problems += [(q.id, s) for s in q.expect.contains if normalise(s) not in clean]
        if q.expect.any and not any(normalise(s) in clean for s in q.expect.any):
            problems.append((q.id, q.expect.any))
        if q.expect.number and not number_matches(text, q.expect.number).passed:
            problems.append((q.id, q.expect.number))
        if q.expect.rating and q.expect.rating.lower() not in text.lower():
            problems.append((q.id, q.expect.rating))
    assert problems == []


# ------------------------------------------------------------------ feedback drafts


def test_feedback_down_votes_become_draft_questions(tmp_path: Path) -> None:
    lines = [
        {
            "question": "How did Bexley do?",
            "history": [],
            "answer": "Outstanding [1]",
            "rating": "down",
            "comment": "Wrong: it was Good",
            "timestamp": "2024-11-06T10:00:00Z",
            "citations": [{"document": "bexley", "label": "1.2", "paragraph": 40}],
        },
        {
            "question": "Who led it?",
            "history": ["How did Bexley do?"],
            "answer": "Sara Pordham",
            "rating": "up",
        },
        {
            "question": "And the score?",
            "history": [{"question": "How did Bexley do?"}],
            "answer": "8/36",
            "rating": "down",
            "comment": "",
            "timestamp": "2024-11-06T10:01:00Z",
        },
    ]
    path = tmp_path / "feedback.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    text = drafts_from_feedback(path)
    data = yaml.safe_load(text)
    drafts = data["questions"]
    assert [d["question"] for d in drafts] == ["How did Bexley do?", "And the score?"]
    assert drafts[0]["notes"] == "Wrong: it was Good" and drafts[0]["tags"] == ["from-feedback"]
    assert drafts[1]["history"] == ["How did Bexley do?"]
    assert all(d["id"].startswith("fb-") for d in drafts) and "expect" not in drafts[0]
    assert text.count("TODO expect") == 2 and "bexley §1.2" in text
    # A draft is not a valid question until the evaluator fills in `expect`.
    (tmp_path / "drafts.yaml").write_text("name: d\nversion: 1\n" + text)
    with pytest.raises(EvalSetError, match="field 'expect'"):
        load_set(tmp_path / "drafts.yaml")
    out = tmp_path / "out.yaml"
    assert feedback_main([str(path), "--out", str(out)]) == 0
    assert out.read_text() == text


def test_feedback_rejects_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"question": "ok", "rating": "down"}\nnot json\n')
    with pytest.raises(EvalSetError, match="line 2"):
        drafts_from_feedback(path)
    assert feedback_main([str(path)]) == 2


def test_the_eval_command_never_prunes_an_index_it_was_pointed_at(tmp_path: Path, real_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`assistant eval SET --index DIR` brings corpus/ in, but the council's other papers in DIR stay."""
    from assistant.__main__ import main as cli
    from assistant.config import Settings
    from assistant.store import open_store
    from ingest.pipeline import ingest

    archive, corpus, index = tmp_path / "archive", tmp_path / "corpus", tmp_path / "index"
    archive.mkdir()
    corpus.mkdir()
    (archive / "minutes-2019.txt").write_text("Minutes of the Audit Committee, 3 March 2019.\n", encoding="utf-8")
    (corpus / "update.txt").write_text("The Youth Justice Service was rated Good in 2024.\n", encoding="utf-8")
    ingest([archive], Settings(index_dir=index), embedder=real_embedder, progress=False)
    qset = tmp_path / "set.yaml"
    qset.write_text(
        "name: tiny\nversion: 1\nquestions:\n  - id: q1\n    question: How was the service rated?\n"
        "    expect:\n      rating: Good\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    sigpipe = signal.getsignal(signal.SIGPIPE)  # the CLI resets SIGPIPE for `| head`; not for the rest of pytest
    try:
        assert cli(["eval", str(qset), "--index", str(index), "--out", str(tmp_path / "run")]) == 0
    finally:
        signal.signal(signal.SIGPIPE, sigpipe)
    assert set(open_store(Settings(index_dir=index)).documents()) == {"minutes-2019", "update"}
