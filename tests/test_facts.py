"""Facts extracted from inspection and committee documents, conflicts between them, and answers from them.

Expected values were read off the corpus documents by hand; the fixtures below are written in other shapes
(a press release, committee minutes, a mangled ratings table, another action-plan layout) so the rules are
checked against how such documents are written, not against one file's wording.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.facts import (
    LEGACY,
    SCALES,
    YOUTH_2018,
    answer_from_facts,
    facts_table,
    flag_conflicts,
    to_csv,
)
from assistant.types import Document, DocumentMeta, Fact, Page, Paragraph
from ingest.extract_facts import extract_facts
from ingest.paragraphs import split_paragraphs
from ingest.readers.text import read

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BEXLEY = "hmip-inspection-youth-justice-services-bexley-2024-07"
PRESS_2016 = "hmip-press-release-lewisham-yos-inspection-2016-12"
LEWISHAM_2024 = "lewisham-cyp-select-committee-2024-11-06-yjs-inspection-findings"
LEWISHAM_2017 = "lewisham-safer-stronger-select-committee-2017-06-yos-improvement-plan"
TOWER_HAMLETS = "tower-hamlets-children-education-scrutiny-2022-10-yjs-spotlight"


# -- building documents --------------------------------------------------------------------------


def make_doc(doc_id: str, text: str, **meta: str | None) -> Document:
    return Document(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        content_hash="h",
        pages=(Page(None, text),),
        meta=DocumentMeta(**meta),  # type: ignore[arg-type]
    )


def naive_paragraphs(doc: Document) -> list[Paragraph]:
    """A splitter with none of the real one's structure: blank-line blocks, one paragraph per tab row."""
    out: list[Paragraph] = []
    for block in re.split(r"\n\s*\n", doc.pages[0].text):
        if not block.strip():
            continue
        if "\t" in block:
            out += [
                Paragraph(doc.doc_id, len(out) + 1, line, kind="table_row")
                for line in block.split("\n")
                if line.strip()
            ]
        else:
            out.append(Paragraph(doc.doc_id, len(out) + 1, block.strip()))
    return [Paragraph(p.doc_id, i + 1, p.text, kind=p.kind) for i, p in enumerate(out)]


@cache
def _manifest() -> dict[str, dict[str, str | None]]:
    return yaml.safe_load((CORPUS / "manifest.yaml").read_text())["documents"]


@cache
def corpus_doc(doc_id: str) -> Document:
    entry = _manifest()[f"{doc_id}.txt"]
    meta = DocumentMeta(
        **{k: entry.get(k) for k in ("title", "body", "date", "kind", "service", "classification")}
    )
    source = read(CORPUS / f"{doc_id}.txt")
    return Document(
        doc_id=doc_id, source=f"corpus/{doc_id}.txt", content_hash="h", pages=source.pages, meta=meta
    )


@cache
def corpus_paragraphs(doc_id: str) -> tuple[Paragraph, ...]:
    return tuple(split_paragraphs(corpus_doc(doc_id)))


@cache
def corpus_facts(doc_id: str) -> tuple[Fact, ...]:
    return tuple(extract_facts(corpus_doc(doc_id), corpus_paragraphs(doc_id)))


ALL_IDS = (BEXLEY, PRESS_2016, LEWISHAM_2024, LEWISHAM_2017, TOWER_HAMLETS)


@cache
def all_facts() -> tuple[Fact, ...]:
    return tuple(flag_conflicts([f for d in ALL_IDS for f in corpus_facts(d)]))


def titles() -> dict[str, str]:
    return {d: corpus_doc(d).meta.title or d for d in ALL_IDS}


def of(facts: Sequence[Fact], kind: str, name: str | None = None) -> list[Fact]:
    return [f for f in facts if f.kind == kind and (name is None or f.name == name)]


def value(facts: Sequence[Fact], kind: str, name: str | None = None) -> str:
    found = {f.value for f in of(facts, kind, name)}
    assert len(found) == 1, f"{kind} {name}: {found}"
    return found.pop()


def extra(fact: Fact) -> dict[str, str]:
    return dict(fact.extra)


# -- the corpus, document by document ------------------------------------------------------------

BEXLEY_STANDARDS = {
    "1.1 Governance and leadership": "Good",
    "1.2 Staff": "Outstanding",
    "1.3 Partnerships and services": "Good",
    "1.4 Information and facilities": "Outstanding",
    "2.1 Assessment": "Good",
    "2.2 Planning": "Requires improvement",
    "2.3 Implementation and delivery": "Outstanding",
    "2.4 Reviewing": "Good",
    "3.1 Assessment": "Good",
    "3.2 Planning": "Good",
    "3.3 Implementation and delivery": "Outstanding",
    "3.4 Out-of-court disposal policy and provision": "Good",
}


def test_bexley_inspection_report() -> None:
    facts = corpus_facts(BEXLEY)
    assert {f.subject for f in facts} == {"Bexley Youth Justice Service"}
    assert {f.year for f in facts} == {2024}
    assert value(facts, "service") == "Bexley Youth Justice Service"
    assert value(facts, "inspectorate") == "HM Inspectorate of Probation"
    assert value(facts, "overall_rating") == "Good"
    assert {f.scale for f in of(facts, "overall_rating")} == {YOUTH_2018}
    assert value(facts, "score") == "27/36"
    ratings = {f.name: f.value for f in of(facts, "standard_rating")}
    assert ratings == BEXLEY_STANDARDS  # 4.1 was not rated: no resettlement cases
    assert value(facts, "fieldwork_date") == "2024-04-08"
    assert value(facts, "publication_date") == "2024-07"
    assert value(facts, "recommendation_count") == "5"
    assert "five recommendations" in of(facts, "recommendation_count")[0].quote
    recs = {f.name: f for f in of(facts, "recommendation")}
    assert sorted(recs) == ["1", "2", "3", "4", "5"]
    assert {n: extra(f)["addressed_to"] for n, f in recs.items()} == {
        "1": "The Bexley Youth Justice Management Board",
        "2": "The Bexley Youth Justice Management Board",
        "3": "The Bexley Youth Justice Service",
        "4": "The Bexley Youth Justice Service",
        "5": "The Metropolitan Police",
    }
    assert recs["3"].value.startswith("strengthen the quality of planning in court disposals")
    assert (
        "Outcome 22 or other deferred prosecution" in recs["5"].value
    )  # the footnote mark is not in the value
    assert not of(facts, "action")


def test_bexley_footnotes_about_upgraded_ratings_are_not_ratings() -> None:
    # "increase the rating for planning from Requires Improvement to Good" must not yield a 3.2 rating of RI.
    facts = corpus_facts(BEXLEY)
    assert all("Professional discretion" not in f.quote for f in facts)


TOWER_HAMLETS_STANDARDS = {
    "1.1 Governance and leadership": "Inadequate",
    "1.2 Staff": "Requires improvement",
    "1.3 Partnerships and services": "Requires improvement",
    "1.4 Information and facilities": "Inadequate",
    "2.1 Assessment": "Good",
    "2.2 Planning": "Requires improvement",
    "2.3 Implementation and delivery": "Requires improvement",
    "2.4 Reviewing": "Requires improvement",
    "3.1 Assessment": "Requires improvement",
    "3.2 Planning": "Inadequate",
    "3.3 Implementation and delivery": "Inadequate",
    "3.4 Out-of-court disposal policy and provision": "Inadequate",
    "4.1 Resettlement policy and provision": "Requires improvement",
}


def test_tower_hamlets_presentation() -> None:
    facts = corpus_facts(TOWER_HAMLETS)
    assert {f.subject for f in facts} == {"Tower Hamlets and City of London Youth Justice Service"}
    assert {f.year for f in facts} == {2022}
    assert value(facts, "overall_rating") == "Requires improvement"  # slide text says "Requires Improvement"
    assert value(facts, "score") == "8/36"
    assert {f.name: f.value for f in of(facts, "standard_rating")} == TOWER_HAMLETS_STANDARDS
    assert value(facts, "fieldwork_date") == "2022-04"
    assert value(facts, "publication_date") == "2022-07"
    totals = [f for f in of(facts, "recommendation_count") if f.name is None]
    assert {f.value for f in totals} == {"7"}
    by_recipient = {f.name: f.value for f in of(facts, "recommendation_count") if f.name}
    assert by_recipient["The Executive Board"] == "4"
    assert by_recipient["The Head of Youth Justice Service"] == "3"
    recs = {f.name: f for f in of(facts, "recommendation")}
    assert sorted(recs) == [str(n) for n in range(1, 8)]
    for n in "1234":
        assert "Executive Board" in extra(recs[n])["addressed_to"]
    for n in "567":
        assert "Head of the Youth Justice Service" in extra(recs[n])["addressed_to"]
    assert recs["1"].value.startswith("Review its membership")
    assert recs["7"].value == (
        "Make sure safeguarding and public protection arrangements are comprehensive and understood by all staff."
    )  # the slide's <p> tags are not part of the value
    actions = {f.name: f for f in of(facts, "action")}
    assert sorted(actions) == [str(n) for n in range(1, 7)]
    assert actions["5"].value == "First Time Entrants"
    assert extra(actions["5"])["lead"] == "Luke Norbury, Youth Justice Abzal Ali, Young People"
    assert extra(actions["6"])["lead"].startswith("Annick Keble-Cross")
    assert extra(actions["1"])["theme"] == "Governance"


def test_lewisham_2024_committee_report() -> None:
    facts = corpus_facts(LEWISHAM_2024)
    assert {f.subject for f in facts} == {"Lewisham Youth Justice Service"}
    current = [f for f in facts if f.year == 2024]
    assert value(current, "overall_rating") == "Good"
    assert value(current, "publication_date") == "2024-09"
    assert value(current, "fieldwork_date") == "2024-06"  # the timeline's "Inspection commenced"
    assert value(current, "recommendation_count") == "6"
    # "last inspected in 2016, with a recommendation of Requires Improvement" is about the 2016 inspection.
    past = of(facts, "overall_rating")
    assert {(f.year, f.value) for f in past} == {(2024, "Good"), (2016, "Requires improvement")}
    recs = {f.name: f for f in of(facts, "recommendation")}
    assert sorted(recs) == [str(n) for n in range(1, 7)]
    addressed = {n: extra(f)["addressed_to"] for n, f in recs.items()}
    assert addressed["1"] == "The statutory youth justice partners within Lewisham"
    assert addressed["2"] == addressed["3"] == "The Integrated Adolescent and Youth Justice Partnership Board"
    assert addressed["4"] == addressed["5"] == "The Youth Justice Service"
    assert addressed["6"] == "The Metropolitan Police"
    assert recs["6"].value.startswith("Review the use of Outcome 22 ")
    actions = {f.name: f for f in of(facts, "action")}
    assert sorted(actions) == [str(n) for n in range(1, 7)]
    assert extra(actions["1"])["lead"] == "Pinaki Ghoshal"
    assert extra(actions["1"])["deadline"] == "Mar-25"
    assert extra(actions["2"])["lead"] == "Maleeka Dachi / Donna Simeon"
    assert extra(actions["4"])["deadline"] == "Ongoing"
    assert extra(actions["6"])["lead"] == "Met Police"
    assert extra(actions["6"])["deadline"] == "TBC"
    assert actions["1"].value.startswith("The Board Chair has reviewed the membership")
    assert "status" not in extra(actions["1"])  # none of the Off-track/On-track/Completed cells is marked


LEGACY_AREAS = {
    "work to reduce reoffending": "unsatisfactory",
    "work to protect the public and actual or potential victims": "unsatisfactory",
    "work to protect children and reduce their vulnerability": "unsatisfactory",
    "work to deliver interventions to reduce reoffending": "unsatisfactory",
    "work to ensure the sentence was served": "good",
}


def test_lewisham_2016_press_release_rates_areas_on_the_legacy_scale() -> None:
    facts = corpus_facts(PRESS_2016)
    assert {f.subject for f in facts} == {"Lewisham Youth Offending Service"}
    assert {f.year for f in facts} == {2016}
    areas = of(facts, "standard_rating")
    assert {f.name.lower(): f.value for f in areas if f.name} == LEGACY_AREAS
    assert {f.scale for f in areas} == {LEGACY}
    # "Governance and partnership arrangements were ineffective": not a term of the scale, so not a rating.
    assert not any("ineffective" in f.quote for f in areas)
    assert not of(facts, "overall_rating")  # the release rates areas; it gives no overall grade
    assert value(facts, "publication_date") == "2016-12-08"
    assert value(facts, "inspectorate") == "HM Inspectorate of Probation"


def test_lewisham_2017_report_repeats_the_2016_headlines() -> None:
    facts = corpus_facts(LEWISHAM_2017)
    assert {f.year for f in facts} == {2016}  # a 2017 paper about the September 2016 inspection
    assert value(facts, "fieldwork_date") == "2016-09"
    assert value(facts, "publication_date") == "2016-12"  # "published in Dec 16"
    areas = of(facts, "standard_rating")
    assert {f.name.lower(): f.value for f in areas if f.name} == LEGACY_AREAS
    assert {f.scale for f in areas} == {LEGACY}
    assert not of(facts, "overall_rating")
    recs = of(facts, "recommendation")
    assert len(recs) == 9 and all(f.name is None for f in recs)  # the report does not number them
    assert extra(recs[0])["addressed_to"] == "The local authority Chief Executive"
    assert {extra(f)["addressed_to"] for f in recs[1:]} == {"The YOS Head of Service"}
    # The committee's own "2.0 Recommendation: Note the progress" is not an inspection recommendation.
    assert not any("Note the progress" in f.value for f in recs)
    # The KPI dashboard ("Monthly Case Audits: Good, Satisfactory, Not Satisfactory, Poor | Yellow") is no
    # ratings table and no action plan.
    assert not any("Monthly Case Audits" in f.quote for f in facts)
    assert not of(facts, "action")


# -- properties over every fact ------------------------------------------------------------------


def _fixture_facts() -> list[tuple[Fact, Sequence[Paragraph]]]:
    out = []
    for doc in FIXTURE_DOCS:
        paras = split_paragraphs(doc)
        out += [(f, paras) for f in extract_facts(doc, paras)]
        paras = naive_paragraphs(doc)
        out += [(f, paras) for f in extract_facts(doc, paras)]
    return out


def test_every_quote_is_verbatim_in_its_cited_paragraph() -> None:
    pairs = [(f, corpus_paragraphs(f.document)) for f in all_facts()] + _fixture_facts()
    assert len(pairs) > 100
    for fact, paras in pairs:
        para = next(p for p in paras if p.ordinal == fact.paragraph)
        assert fact.quote and fact.quote in para.text, fact
        assert fact.label == para.label


def test_no_rating_outside_the_closed_vocabularies() -> None:
    facts = list(all_facts()) + [f for f, _ in _fixture_facts()]
    ratings = [f for f in facts if f.kind in ("overall_rating", "standard_rating")]
    assert len(ratings) > 50
    for f in ratings:
        assert f.scale in SCALES and f.value in SCALES[f.scale], f
        if f.scale == LEGACY:
            assert f.kind == "standard_rating" or f.year is None or f.year < 2018, f
        if f.value in ("Requires improvement", "Outstanding", "Inadequate"):
            assert f.scale == YOUTH_2018


@pytest.mark.parametrize("doc_id", ALL_IDS)
def test_extraction_does_not_depend_on_the_splitter(doc_id: str) -> None:
    """Ratings, scores and counts come out the same from plain blank-line blocks as from the real splitter."""
    doc = corpus_doc(doc_id)
    kinds = {
        "overall_rating",
        "standard_rating",
        "score",
        "recommendation_count",
        "recommendation",
        "fieldwork_date",
        "publication_date",
    }

    def key(facts: Sequence[Fact]) -> set[tuple[str, str | None, str, int | None]]:
        return {(f.kind, f.name, f.value, f.year) for f in facts if f.kind in kinds}

    assert key(extract_facts(doc, naive_paragraphs(doc))) == key(corpus_facts(doc_id))


# -- other shapes --------------------------------------------------------------------------------

PRESS_RELEASE = """\
Youth justice services in Thornbury: inspectors find a service that must improve

Thornbury Youth Justice Service has received an overall rating of 'Requires improvement' following an inspection by HM Inspectorate of Probation.

Inspectors visited the service in the week of 14 November 2022. The full report was published on 9 February 2023.

The service scored 12 out of 36. Inspectors have made four recommendations.

The service aims to be rated 'Outstanding' at its next inspection.
"""

MINUTES = """\
Minutes of the Children's Scrutiny Panel, 12 March 2024

5. Youth Offending Team inspection

Members noted that Marsh Vale YOT had been judged 'Good' by inspectors, and that the service had not achieved a rating of 'Outstanding' in any area.

The Head of Service explained that fieldwork took place in October 2023, with the report published in December 2023.

Members asked about the previous 2017 inspection, when work to reduce reoffending was unsatisfactory.
"""

MANGLED_TABLE = """\
Ratings

Fieldwork started: May 2023\tScore\t15/36
Overa\tall rating\tRequires\tImprovement
1.\tOrganisational delivery
1.1\tGovernance and leadership\tInadeq uate\t${}$
1.2\tStaff\tGood
2.\tCourt disposals
2.2\tPlanning\tRequires improvement\t$\\overrightarrow{\\mathbf{x}}$
3.\tOut-of-court disposals
3.2\tPlanning\tOutstanding
3.4\tOut-of-court disposal policy an\tion Good

2.1. Assessment

Assessment is well-informed, analytical and personalised.

Requires
Improvement

² Professional discretion was used to increase the rating for planning from Requires Improvement to Good.

When asked to rate the YJS on a scale of one to 10, with one being 'poor', responses were positive.

Monthly Case Audits: Good, Satisfactory, Not Satisfactory, Poor\tYellow
"""

ACTION_PLAN = """\
Appendix A: HMIP action plan

Ref\tRecommendation\tAction\tLead officer\tDeadline\tRAG status
1\tThe board should review its membership\tRefresh terms of reference and invite health lead\tJo Bloggs, Director of Children's Services\t31 March 2025\tGreen
2\tImprove victim work\tCommission a new restorative justice offer\tSam Smith\tSeptember 2025\tAmber

Next steps are described below.
"""

FIXTURE_DOCS = (
    make_doc("press", PRESS_RELEASE, kind="press_release", date="2023-02"),
    make_doc("minutes", MINUTES, kind="minutes", date="2024-03-12"),
    make_doc(
        "mangled",
        MANGLED_TABLE,
        kind="inspection_report",
        date="2023-08",
        service="Westford Youth Justice Service",
    ),
    make_doc(
        "plan", ACTION_PLAN, kind="committee_report", date="2025-01", service="Eastmoor Youth Justice Service"
    ),
)


@pytest.fixture(params=["real", "naive"])
def splitter(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return split_paragraphs if request.param == "real" else naive_paragraphs


def _facts(doc_id: str, splitter) -> list[Fact]:  # type: ignore[no-untyped-def]
    doc = next(d for d in FIXTURE_DOCS if d.doc_id == doc_id)
    return extract_facts(doc, splitter(doc))


def test_press_release_sentences(splitter) -> None:  # type: ignore[no-untyped-def]
    facts = _facts("press", splitter)
    assert {f.subject for f in facts} == {"Thornbury Youth Justice Service"}  # inferred: the meta names none
    assert value(facts, "overall_rating") == "Requires improvement"
    assert {f.year for f in facts} == {2022}  # fieldwork in 2022, published 2023: the 2022 inspection
    assert value(facts, "fieldwork_date") == "2022-11-14"
    assert value(facts, "publication_date") == "2023-02-09"
    assert value(facts, "score") == "12/36"
    count = of(facts, "recommendation_count")[0]
    assert count.value == "4" and "four recommendations" in count.quote
    assert "Outstanding" not in {f.value for f in facts}  # an aspiration, not a rating


def test_minutes_paraphrasing_a_rating(splitter) -> None:  # type: ignore[no-untyped-def]
    facts = _facts("minutes", splitter)
    assert {f.subject for f in facts} == {"Marsh Vale Youth Offending Team"}
    assert value(facts, "overall_rating") == "Good"
    assert "Outstanding" not in {f.value for f in facts}  # "had not achieved a rating of 'Outstanding'"
    assert value(facts, "fieldwork_date") == "2023-10"
    assert value(facts, "publication_date") == "2023-12"
    assert {f.year for f in of(facts, "overall_rating")} == {2023}
    # The legacy judgement is about the 2017 inspection, on the legacy scale, as an area rating.
    legacy = of(facts, "standard_rating")
    assert [(f.name, f.value, f.scale, f.year) for f in legacy] == [
        ("Work to reduce reoffending", "unsatisfactory", LEGACY, 2017)
    ]


def test_mangled_ratings_table(splitter) -> None:  # type: ignore[no-untyped-def]
    facts = _facts("mangled", splitter)
    assert value(facts, "overall_rating") == "Requires improvement"
    assert value(facts, "score") == "15/36"
    assert value(facts, "fieldwork_date") == "2023-05"
    ratings = {f.name: f.value for f in of(facts, "standard_rating")}
    assert ratings == {
        "1.1 Governance and leadership": "Inadequate",
        "1.2 Staff": "Good",
        "2.2 Planning": "Requires improvement",
        "3.2 Planning": "Outstanding",
        "3.4 Out-of-court disposal policy and provision": "Good",
        "2.1 Assessment": "Requires improvement",  # the rating broken over two lines under its heading
    }
    assert all(f.value != "poor" and "Monthly" not in f.quote for f in facts)


def test_action_plan_in_another_layout(splitter) -> None:  # type: ignore[no-untyped-def]
    facts = _facts("plan", splitter)
    actions = {f.name: f for f in of(facts, "action")}
    assert sorted(actions) == ["1", "2"]
    assert actions["1"].value == "Refresh terms of reference and invite health lead"
    assert extra(actions["1"]) == {
        "recommendation": "The board should review its membership",
        "lead": "Jo Bloggs, Director of Children's Services",
        "deadline": "31 March 2025",
        "status": "Green",
    }
    assert extra(actions["2"])["status"] == "Amber"


def test_action_status_from_marked_tracking_column(splitter) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Action plan\n\n"
        "No.\tArea for improvement\tKey actions\tWhen\tOff-track\tOn-track\tCompleted\tLead\n"
        "1\tVictim work\tRecruit a victim worker\tJun-25\t\tX\t\tA. Person\n"
        "2\tData\tMove reporting to the BI team\tDec-24\t\t\t\u2713\tB. Person\n"
    )
    doc = make_doc("flags", text, service="Northwick Youth Justice Service", date="2024-11")
    actions = {f.name: extra(f) for f in extract_facts(doc, splitter(doc)) if f.kind == "action"}
    assert actions["1"]["status"] == "On-track" and actions["1"]["deadline"] == "Jun-25"
    assert actions["2"]["status"] == "Completed" and actions["2"]["lead"] == "B. Person"


def test_legacy_ratings_table_before_2018(splitter) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Full joint inspection of youth offending work in Southby\n\n"
        "Inspectors visited in March 2014.\n\n"
        "Area\tJudgement\n"
        "Reducing the likelihood of reoffending\tUnsatisfactory\n"
        "Protecting the public\tSatisfactory\n"
        "Governance and partnerships\tGood\n"
    )
    doc = make_doc("legacy", text, kind="inspection_report", date="2014-05")
    facts = extract_facts(doc, splitter(doc))
    assert {f.subject for f in facts} == {"Southby Youth Offending Service"}
    ratings = {(f.name, f.value, f.scale, f.year) for f in facts if f.kind == "standard_rating"}
    assert ratings == {
        ("Reducing the likelihood of reoffending", "unsatisfactory", LEGACY, 2014),
        ("Protecting the public", "satisfactory", LEGACY, 2014),
        ("Governance and partnerships", "good", LEGACY, 2014),
    }


def test_recommendations_with_inline_addressee_carry_forward() -> None:
    text = (
        "We have made three recommendations.\n\n"
        "1. The Youth Justice Board should: publish clear guidance on diversion for all partners.\n\n"
        "2. Review the quality assurance framework so that it covers out-of-court work.\n\n"
        "3. Kent Police should: review the use of Outcome 22 across the county as a priority.\n\n"
        "Background\n\nThe service is based in the council.\n\n"
        "4. This numbered paragraph is not a recommendation because the list has ended.\n"
    )
    facts = extract_facts(
        make_doc("r", text, service="Kent Youth Justice Service", date="2024-05"),
        naive_paragraphs(make_doc("r", text)),
    )
    recs = {f.name: extra(f).get("addressed_to") for f in of(facts, "recommendation")}
    assert recs == {"1": "The Youth Justice Board", "2": "The Youth Justice Board", "3": "Kent Police"}
    assert value(facts, "recommendation_count") == "3"


# -- conflicts -----------------------------------------------------------------------------------


def test_lewisham_2016_result_is_flagged_as_a_conflict() -> None:
    facts = all_facts()
    claim = [
        f for f in facts if f.document == LEWISHAM_2024 and f.kind == "overall_rating" and f.year == 2016
    ]
    assert len(claim) == 1
    assert set(claim[0].conflicts_with) == {PRESS_2016, LEWISHAM_2017}
    areas = [f for f in facts if f.document == PRESS_2016 and f.kind == "standard_rating"]
    assert areas and all(f.conflicts_with == (LEWISHAM_2024,) for f in areas)
    # The 2024 result, and every other service's facts, agree with everything else.
    assert not any(f.conflicts_with for f in facts if f.year != 2016)


def _fact(doc: str, kind: str, value: str, **kw: object) -> Fact:
    base: dict[str, object] = dict(
        subject="Bexley Youth Justice Service",
        document=doc,
        source=f"{doc}.txt",
        paragraph=1,
        quote=value,
        year=2024,
    )
    base.update(kw)
    return Fact(kind=kind, value=value, **base)  # type: ignore[arg-type]


def test_flag_conflicts_rules() -> None:
    facts = [
        _fact("a", "score", "27/36"),
        _fact("b", "score", "26/36", subject="Bexley YJS"),  # same place, other spelling of the service
        _fact("c", "score", "27/36"),
        _fact("d", "score", "20/36", year=2019),  # another inspection
        _fact("e", "score", "8/36", subject="Tower Hamlets Youth Justice Service"),
        _fact("a", "fieldwork_date", "2024-04-08"),
        _fact("b", "fieldwork_date", "2024-04"),  # less precise, not different
        _fact("a", "standard_rating", "Good", name="2.2 Planning", scale=YOUTH_2018),
        _fact("b", "standard_rating", "Requires improvement", name="2.2. Planning", scale=YOUTH_2018),
        _fact("c", "standard_rating", "Good", name="3.2 Planning", scale=YOUTH_2018),
        _fact("a", "recommendation", "review Outcome 22", name="5"),
        _fact("b", "recommendation", "Review the use of Outcome 22", name="5"),  # wording, not a conflict
    ]
    flagged = flag_conflicts(facts)
    conflicts = [f.conflicts_with for f in flagged]
    assert conflicts[:5] == [("b",), ("a", "c"), ("b",), (), ()]
    assert conflicts[5:7] == [(), ()]
    assert conflicts[7:10] == [("b",), ("a",), ()]
    assert conflicts[10:] == [(), ()]


# -- the facts table -----------------------------------------------------------------------------


def test_facts_table_and_csv() -> None:
    rows = facts_table(all_facts())
    assert len(rows) == len(all_facts())
    conflicted = next(r for r in rows if r["document"] == LEWISHAM_2024 and r["year"] == 2016)
    assert conflicted["conflicts_with"] == [PRESS_2016, LEWISHAM_2017]
    assert {
        "subject",
        "kind",
        "name",
        "value",
        "scale",
        "document",
        "source",
        "paragraph",
        "quote",
        "year",
        "label",
        "conflicts_with",
    } <= set(rows[0])
    action = next(r for r in rows if r["kind"] == "action" and r["document"] == LEWISHAM_2024)
    assert action["lead"] == "Pinaki Ghoshal" and action["deadline"] == "Mar-25"
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(parsed) == len(rows)
    back = next(r for r in parsed if r["document"] == LEWISHAM_2024 and r["year"] == "2016")
    assert back["conflicts_with"] == f"{PRESS_2016};{LEWISHAM_2017}"
    assert any("\t" in r["quote"] for r in parsed)  # table rows survive CSV quoting


# -- answers -------------------------------------------------------------------------------------


def ask(question: str):  # type: ignore[no-untyped-def]
    return answer_from_facts(question, all_facts(), titles())


def check_citations(answer) -> None:  # type: ignore[no-untyped-def]
    """Every marker resolves to a citation whose quote is verbatim in its paragraph, and vice versa."""
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.marker for c in answer.citations}
    assert [c.marker for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        para = next(p for p in corpus_paragraphs(c.document) if p.ordinal == c.paragraph)
        assert c.quote in para.text
        assert c.title == titles()[c.document]
        assert c.page is None and c.section is None


def cited_docs(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.document for c in answer.citations}


def test_answer_which_services_were_rated_good() -> None:
    answer = ask("Which services were rated Good?")
    check_citations(answer)
    assert "Bexley" in answer.text and "Lewisham" in answer.text and "Tower Hamlets" not in answer.text
    assert "2024" in answer.text
    assert cited_docs(answer) == {BEXLEY, LEWISHAM_2024}


def test_answer_which_scored_higher() -> None:
    answer = ask("Which scored higher, Bexley or Tower Hamlets?")
    check_citations(answer)
    assert "27/36" in answer.text and "8/36" in answer.text
    assert re.search(r"Bexley[^\n]*scored higher", answer.text)
    assert cited_docs(answer) == {BEXLEY, TOWER_HAMLETS}


def test_answer_how_lewisham_changed_since_2016_shows_the_conflict() -> None:
    answer = ask("How has Lewisham's rating changed since 2016?")
    check_citations(answer)
    assert "2016" in answer.text and "2024" in answer.text
    assert "'Good'" in answer.text and "Requires improvement" in answer.text
    assert "disagree" in answer.text and "unsatisfactory" in answer.text
    assert cited_docs(answer) == {LEWISHAM_2024, PRESS_2016, LEWISHAM_2017}
    assert answer.text.index("2016") < answer.text.index("(2024 inspection)")  # in time order


def test_answer_which_inspections_asked_the_police_about_outcome_22() -> None:
    answer = ask("Which inspections asked the police to review Outcome 22?")
    check_citations(answer)
    assert cited_docs(answer) == {BEXLEY, LEWISHAM_2024}
    assert answer.text.count("Metropolitan Police") == 2
    assert "recommendation 5" in answer.text and "recommendation 6" in answer.text
    again = ask("What recommendations were made to the Metropolitan Police?")
    check_citations(again)
    assert cited_docs(again) == {BEXLEY, LEWISHAM_2024}


@pytest.mark.parametrize(
    "question",
    [
        "What was Greenwich's overall rating?",
        "How did Greenwich score?",
        "What was Lewisham's rating in 2019?",
        "What is the weather like in Bexley?",
        "What did the committee discuss about knife crime?",
        "What was the overall rating?",  # several services have one: not for the facts table to pick
    ],
)
def test_answer_refusals_return_none(question: str) -> None:
    assert ask(question) is None


@pytest.mark.parametrize(
    ("question", "must", "doc"),
    [
        ("What rating did Bexley get overall?", ["'Good'", "Bexley", "2024"], BEXLEY),
        (
            "What was Tower Hamlets rated for out-of-court planning?",
            ["3.2 Planning", "'Inadequate'"],
            TOWER_HAMLETS,
        ),
        ("What score did Tower Hamlets get?", ["8/36", "2022"], TOWER_HAMLETS),
        ("How many recommendations did Bexley's inspection make?", ["5 recommendations"], BEXLEY),
        ("What is recommendation 3 for Bexley?", ["strengthen the quality of planning"], BEXLEY),
        ("Who was Lewisham recommendation 6 addressed to?", ["Metropolitan Police"], LEWISHAM_2024),
        ("Who leads the First Time Entrants priority in Tower Hamlets?", ["Luke Norbury"], TOWER_HAMLETS),
        ("What is the deadline for Lewisham action 1?", ["Mar-25"], LEWISHAM_2024),
        ("When did fieldwork for the Bexley inspection begin?", ["8 April 2024"], BEXLEY),
        ("When was the Tower Hamlets inspection report published?", ["July 2022"], TOWER_HAMLETS),
    ],
)
def test_answer_single_fact_questions(question: str, must: list[str], doc: str) -> None:
    answer = ask(question)
    assert answer is not None and not answer.refused
    check_citations(answer)
    for text in must:
        assert text in answer.text
    assert cited_docs(answer) == {doc}


def test_answer_planning_at_bexley_gives_both_domains() -> None:
    answer = ask("How was Bexley rated for planning?")
    check_citations(answer)
    assert re.search(r"2\.2 Planning \(court disposals\): 'Requires improvement'", answer.text)
    assert re.search(r"3\.2 Planning \(out-of-court disposals\): 'Good'", answer.text)


# -- answering only what the facts hold -----------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What score did children and parents give Bexley YJS in the text survey?",
        "In Bexley court cases, what percentage of planning focused sufficiently on keeping other people safe?",
        "When was the Lewisham youth justice inspection announced?",
        "Which year's Joint Strategic Needs Assessment do YOS health services have to reflect?",
        "Who led the 2024 HMIP inspection of Lewisham?",
        "Why was Bexley's out-of-court planning rated Good rather than Requires improvement?",
        "How were governance and partnership arrangements in Lewisham judged in 2016?",
    ],
)
def test_questions_about_something_else_are_left_to_free_text(question: str) -> None:
    # A fact kind's keyword ("score", "Assessment", "led", "judged") is not enough: every other content word
    # must be accounted for by the facts cited, or the question is about something the table does not hold.
    assert ask(question) is None


def test_listing_the_standards_given_one_rating() -> None:
    answer = ask("Which areas of Bexley's work were rated Outstanding?")
    check_citations(answer)
    cited = {c.label or c.quote.split("\t")[0] for c in answer.citations}
    assert {"1.2", "1.4", "2.3", "3.3"} <= cited
    assert all("Outstanding" in c.quote for c in answer.citations)  # never a rating its quote lacks
    assert "1.1" not in answer.text and "'Good'" not in answer.text

    inadequate = ask("Which Tower Hamlets standards were judged Inadequate?")
    check_citations(inadequate)
    assert "Governance and leadership" in inadequate.text and "Information and facilities" in inadequate.text
    assert "Staff" not in inadequate.text

    only = ask("Which was the only standard rated Good in Tower Hamlets?")
    assert "2.1 Assessment (court disposals)" in only.text and len(only.citations) == 1


def test_anything_rated_lists_the_matching_standard_not_the_overall_grade() -> None:
    answer = ask("Was anything in Bexley rated Requires improvement?")
    check_citations(answer)
    assert "2.2 Planning" in answer.text and "overall" not in answer.text


def test_a_standard_the_report_did_not_rate_is_said_to_be_unrated() -> None:
    answer = ask("What rating did Bexley get for resettlement policy and provision?")
    check_citations(answer)
    assert "was not rated" in answer.text
    assert "not rated" in answer.citations[0].quote
    assert not re.search(r"'(?:Good|Outstanding|Inadequate|Requires improvement)'", answer.text)


def test_not_rated_extraction_needs_a_named_standard(splitter) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc(
        "nr",
        "An inspection of youth justice services in Exampleton\n\n"
        "We also inspected resettlement policy and provision, which was not rated as there were no cases.\n\n"
        "The chair said the new app was not rated by users yet.",
        kind="inspection_report",
        date="2024-07",
        service="Exampleton Youth Justice Service",
    )
    facts = of(extract_facts(doc, splitter(doc)), "standard_not_rated")
    assert [(f.name, f.value) for f in facts] == [("4.1 Resettlement policy and provision", "not rated")]


def test_casual_and_misspelt_questions_still_find_the_service() -> None:
    assert "'Requires improvement' overall" in ask("tower hamlets yjs - good or not?").text
    score = ask("How many points out of 36 did Tower Hamblets score?")
    assert "8/36" in score.text and "27/36" not in score.text
    assert "'Good' overall" in ask("how did bexly do in its youth justice inspection").text


def test_comparing_recommendation_counts() -> None:
    answer = ask("Did Tower Hamlets get more recommendations than Bexley?")
    check_citations(answer)
    assert re.search(r"Tower Hamlets[^\n]*received more \(7\) than Bexley[^\n]*\(5\)", answer.text)


def test_any_service_with_a_rating_for_one_standard() -> None:
    answer = ask("Did any youth justice service get an Outstanding rating for its staff?")
    check_citations(answer)
    assert "Bexley" in answer.text and "1.2 Staff" in answer.text and "Tower Hamlets" not in answer.text


@pytest.mark.parametrize(
    ("question", "area", "rating"),
    [
        ("How was Lewisham's work to reduce reoffending rated in 2016?", "Work to reduce reoffending:", "unsatisfactory"),
        ("lewisham 2016 - work to deliver interventions, what rating?", "Work to deliver interventions", "unsatisfactory"),
        ("How did Lewisham YOS do on making sure sentences were served, in the 2016 inspection?", "sentence", "good"),
    ],
)
def test_a_2016_area_question_gets_that_area_without_the_overall_note(question: str, area: str, rating: str) -> None:
    answer = ask(question)
    check_citations(answer)
    assert area in answer.text and f"'{rating}'" in answer.text
    assert "Requires improvement" not in answer.text  # the overall-result disagreement is another question
    assert answer.text.count("Work to") == 1


def test_the_overall_2016_result_keeps_the_disagreement_note() -> None:
    answer = ask("How has Lewisham's rating changed since 2016?")
    assert "disagree" in answer.text and "Requires improvement" in answer.text


def test_who_was_asked_names_the_recipient() -> None:
    answer = ask("Who was asked to review the use of Outcome 22 in Bexley?")
    check_citations(answer)
    assert "Metropolitan Police" in answer.text and "Lewisham" not in answer.text


def test_action_status_and_inspection_before_a_year() -> None:
    status = ask("What's the status of the Outcome 22 action in Lewisham?")
    check_citations(status)
    assert "deadline: TBC" in status.text and "Outcome 22" in status.text
    before = ask("When was Lewisham's youth justice service inspected before the 2024 inspection?")
    assert "2016" in before.text and "2024" not in before.text


def test_unknown_words_refuse_on_made_up_facts() -> None:
    fact = Fact(
        subject="Exampleton Youth Justice Service",
        kind="score",
        value="20/36",
        document="d",
        source="d.txt",
        paragraph=1,
        quote="Exampleton scored 20/36.",
        year=2023,
    )
    assert "20/36" in answer_from_facts("What did Exampleton score?", [fact], {"d": "T"}).text
    assert answer_from_facts("What did Exampleton score in the staff survey?", [fact], {"d": "T"}) is None


def test_a_shared_service_is_told_by_its_name_and_a_single_one_is_not_guessed() -> None:
    joint = "Camden and Islington Youth Justice Service"  # a fictional joint service
    facts = [
        _fact("k", "service", joint, subject=joint, quote=f"The {joint} was inspected in May 2024."),
        _fact("b", "service", "Bexley Youth Justice Service"),
    ]
    titles = {"k": "Camden paper", "b": "Bexley paper"}
    answer = answer_from_facts("Which other borough shares its youth justice service with Islington?", facts, titles)
    assert answer is not None and joint in answer.text and "Camden" in answer.text
    assert [c.document for c in answer.citations] == ["k"]
    # Bexley's service names one borough: nothing says it is shared, so the facts do not answer.
    assert answer_from_facts("Does Bexley share its youth justice service with another borough?", facts, titles) is None


def test_the_children_a_standard_is_about_do_not_stop_the_facts_answering() -> None:
    """"Planning for children on court disposals" names standard 2.2: every standard is about children."""
    answer = ask("What rating did inspectors give planning for children on court disposals in Bexley?")
    check_citations(answer)
    assert "2.2" in answer.text and "Requires improvement" in answer.text and "3.2" not in answer.text


def test_an_inspection_dates_cover_field_is_the_fieldwork_date() -> None:
    """Ofsted and joint inspections print "Inspection dates: 4 to 15 May 2025" on the cover; fieldwork began on the 4th."""
    for text, expected in (
        ("**Inspection dates:** 3 March 2025 to 14 March 2025\n\nLeaders know their services well.", "2025-03-03"),
        ("Dates of inspection: 4 to 15 May 2025\n\nLeaders know their services well.", "2025-05-04"),
    ):
        doc = make_doc("cover", text, kind="inspection_report", date="2025-07", service="Westford Youth Justice Service")
        assert value(extract_facts(doc, split_paragraphs(doc)), "fieldwork_date") == expected


def test_an_earlier_inspection_named_in_the_sentence_before_or_wrapped_over_lines() -> None:
    """"At that inspection it was rated ..." takes the year of the sentence before; a sentence a PDF wrapped over
    lines is read whole, so "in 2019, it was / rated 'Good'" is 2019's rating, not this inspection's."""
    text = (
        "2.1\tThe service was last inspected in March 2019. At that inspection it was rated 'Good', with a "
        "score of 26/36.\n\n"
        "Overall, Westford YJS was rated 'Requires improvement', with a score of 17 out of a possible 36. When we\n"
        "last inspected the service, in 2019, it was\nrated 'Good' with a score of 26/36."
    )
    doc = make_doc("westford", text, kind="inspection_report", date="2025-06", service="Westford Youth Justice Service")
    facts = extract_facts(doc, split_paragraphs(doc))
    ratings = {(f.value, f.year) for f in of(facts, "overall_rating")}
    scores = {(f.value, f.year) for f in of(facts, "score")}
    assert ("Good", 2019) in ratings and all(v != "Good" or y == 2019 for v, y in ratings), ratings
    assert ("26/36", 2019) in scores and all(v != "26/36" or y == 2019 for v, y in scores), scores
    assert any(v == "Requires improvement" and y != 2019 for v, y in ratings), ratings
    assert any(v == "17/36" and y != 2019 for v, y in scores), scores
