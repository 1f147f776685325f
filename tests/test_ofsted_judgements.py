"""Ofsted children's services reports read with their framework: the page-1 judgement table (two-line area names,
the older combined area, a grade a PDF put on a line of its own), the SIF summary, ungraded visits, a grade that
was *not* achieved; the judgements table across councils; answers from it, cited cell by cell."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.types import Document, DocumentMeta, Page
from ingest.extract_facts import extract_facts
from ingest.paragraphs import split_paragraphs
from tests.conftest import FIXTURES, ROOT

REAL = FIXTURES / "ofsted"
GOLD = ROOT / "evals" / "gold" / "ilacs-judgements.jsonl"


def _facts_of(pages: list[str], name: str = "report"):  # type: ignore[no-untyped-def]
    doc = Document(name, f"{name}.pdf", "h", tuple(Page(i + 1, t) for i, t in enumerate(pages)), DocumentMeta())
    paragraphs = split_paragraphs(doc)
    return extract_facts(doc, paragraphs), paragraphs


def _cells(facts) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for f in facts:
        extra = dict(f.extra)
        if f.kind == "area_rating":
            out[extra["area"]] = f.value
        elif f.kind == "overall_rating":
            out["overall"] = f.value
        elif f.kind in ("lead_inspector", "inspection_dates"):
            out[f.kind] = f.value
    return out


ILACS_PAGE_1 = """Inspection of Anyshire local authority
children's services
Inspection dates: 6 to 10 February 2023
Lead inspector: Ann Example, His Majesty's Inspector
Judgement Grade
The impact of leaders on social work
practice with children and families
Requires improvement
to be good
The experiences and progress of
children who need help and protection
Good
The experiences and progress of
children in care
Inadequate
The experiences and progress of care
leavers
Outstanding
Overall effectiveness Requires improvement to be good
Leaders have not done enough. This has prevented the authority from achieving a judgement of good at this
inspection. Since the last inspection in 2018, when the local authority was judged good overall, services have
declined.
"""
FOOTER = "Inspection of Anyshire local authority children's services\n6 to 10 February 2023 {n}\n"


def test_a_page_one_table_with_two_line_area_names_gives_every_cell() -> None:
    facts, _ = _facts_of([ILACS_PAGE_1, FOOTER.format(n=2) + "What needs to improve?\n◼ Planning."])
    assert _cells(facts) == {
        "leaders": "Requires improvement to be good",
        "help_and_protection": "Good",
        "in_care": "Inadequate",
        "care_leavers": "Outstanding",
        "overall": "Requires improvement to be good",
        "lead_inspector": "Ann Example",
        "inspection_dates": "2023-02-06 to 2023-02-10",
    }
    ratings = [f for f in facts if f.kind in ("overall_rating", "area_rating")]
    # "prevented ... from achieving a judgement of good" and the 2018 grade in prose are not this report's grades;
    # the scale is Ofsted's, not the youth justice one.
    assert {f.scale for f in ratings} == {"ofsted_ilacs"}
    assert all("prevented" not in f.quote and "2018" not in f.quote for f in ratings)
    assert all(f.page == 1 for f in ratings)


def test_the_older_combined_area_is_one_cell_and_no_care_leavers_grade_is_invented() -> None:
    page = ILACS_PAGE_1.replace(
        "The experiences and progress of\nchildren in care\nInadequate\nThe experiences and progress of care\nleavers\n"
        "Outstanding\n",
        "The experiences and progress of children in care and care leavers Good\n",
    )
    cells = _cells(_facts_of([page])[0])
    assert cells["in_care_and_care_leavers"] == "Good"
    assert "care_leavers" not in cells and "in_care" not in cells


SIF_PAGE_1 = """Anyshire County Council
Inspection of services for children in need of help and protection, children
looked after and care leavers
and
Review of the effectiveness of the local safeguarding children board
Inspection date: 14 January 2014 – 5 February 2014
Report published: 21 March 2014
Children's services in Anyshire require improvement to be good
1. Children who need help and protection
Requires improvement
2. Children looked after and achieving permanence Good
2.1 Adoption performance Good
2.2 Experiences and progress of care leavers Inadequate
3. Leadership, management and governance Requires improvement
The effectiveness of the Local Safeguarding Children Board (LSCB) is
good.
"""


def test_a_sif_summary_gives_the_overall_statement_its_rows_and_the_lscb() -> None:
    cells = _cells(_facts_of([SIF_PAGE_1])[0])
    assert cells == {
        "overall": "Requires improvement to be good",
        "help_and_protection": "Requires improvement to be good",
        "looked_after": "Good",
        "adoption": "Good",
        "care_leavers": "Inadequate",
        "leadership": "Requires improvement to be good",
        "lscb": "Good",
        "inspection_dates": "2014-01-14 to 2014-02-05",
    }


def test_a_focused_visit_stores_no_judgement_whatever_its_prose_says() -> None:
    page = """Focused visit to Anyshire local authority children's services
Inspection dates: 4 to 5 June 2024
Lead inspector: Ann Example
This visit looked at the front door. At the last inspection in 2022, the local authority was judged good overall.
Overall effectiveness Good
"""
    facts, _ = _facts_of([page])
    assert not [f for f in facts if f.kind in ("overall_rating", "area_rating", "standard_rating")]
    assert _cells(facts)["inspection_dates"] == "2024-06-04 to 2024-06-05"


def test_a_scale_description_that_starts_like_a_row_is_no_row() -> None:
    page = SIF_PAGE_1.replace(
        "3. Leadership, management and governance Requires improvement\n",
        "3. Leadership, management and governance Good\n"
        "Leadership, management and governance require improvement when any\nwidespread failures are found.\n",
    )
    assert _cells(_facts_of([page])[0])["leadership"] == "Good"


@pytest.mark.parametrize("pdf", sorted(REAL.glob("*.pdf")), ids=lambda p: p.stem.split("-children")[0])
def test_real_reports_match_the_hand_read_gold_cells(pdf: Path) -> None:
    from ingest.readers import read_file

    gold = [json.loads(line) for line in GOLD.open(encoding="utf-8") if pdf.name in line]
    assert gold, f"no gold cells for {pdf.name}"
    source = read_file(pdf, max_bytes=50_000_000)
    doc = Document(pdf.stem, str(pdf), "h", source.pages, DocumentMeta())
    paragraphs = split_paragraphs(doc)
    facts = extract_facts(doc, paragraphs)
    cells = _cells(facts)
    assert {g["cell"]: g["value"] for g in gold} == cells
    by_ordinal = {p.ordinal: p for p in paragraphs}
    for f in facts:
        if f.kind in ("overall_rating", "area_rating", "lead_inspector", "inspection_dates"):
            para = by_ordinal[f.paragraph]
            assert f.quote in para.text and f.page == para.page
    gold_pages = {g["cell"]: g["page"] for g in gold}
    for f in facts:
        key = dict(f.extra).get("area") or ("overall" if f.kind == "overall_rating" else f.kind)
        if key in gold_pages:
            assert f.page == gold_pages[key], key


@pytest.fixture(scope="module")
def ofsted_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    from assistant.config import Settings
    from ingest.pipeline import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("ofsted-index"))
    report = ingest(sorted(REAL.glob("*.pdf")), settings, embedder=real_embedder, progress=False)
    assert report.failed == () and report.documents == 3
    return settings


@pytest.fixture(scope="module")
def ofsted(ofsted_settings):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(ofsted_settings)


def test_the_judgements_table_has_one_cited_row_per_inspection(ofsted_settings) -> None:  # type: ignore[no-untyped-def]
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "facts", "--judgements", "--csv", "--index", str(ofsted_settings.index_dir)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    rows = {r["document"].split("-children")[0]: r for r in csv.DictReader(io.StringIO(run.stdout))}
    assert set(rows) == {"barnet", "isles-of-scilly", "oxfordshire"}
    assert rows["barnet"]["overall"] == "Good" and rows["barnet"]["in_care_and_care_leavers"] == "Good"
    assert rows["barnet"]["care_leavers"] == ""  # the 2019 report graded one combined area
    assert rows["isles-of-scilly"]["overall"] == "Inadequate"
    assert rows["oxfordshire"]["framework"] == "ofsted_sif" and rows["oxfordshire"]["lscb"] == "Good"
    assert rows["isles-of-scilly"]["lead_inspector"] == "Tracey Ledder"
    assert rows["barnet"]["overall_cited"].startswith("barnet-children-s-services-inspection-01-july-2019 p.1 ¶")


def test_a_rating_question_is_answered_from_the_table_with_its_page(ofsted) -> None:  # type: ignore[no-untyped-def]
    answer = ofsted.ask("how did ofsted rate the isles of scilly children's services overall?")
    assert not answer.refused and "Inadequate" in answer.text
    assert answer.citations[0].page == 1 and "Overall effectiveness" in answer.citations[0].quote
    assert (answer.trace or {}).get("decided_by") == "judgements"


def test_an_area_the_framework_did_not_grade_separately_is_said_to_be_not_graded(ofsted) -> None:  # type: ignore[no-untyped-def]
    answer = ofsted.ask("What separate grade did Barnet's care leavers get at the 2019 inspection?")
    assert answer.refused and "did not grade" in answer.text and not answer.citations  # a refusal cites nothing
    assert "children in care and care leavers" in answer.text  # what it did grade, to ask about instead
    assert (answer.trace or {}).get("reason") == "not_graded"
    combined = ofsted.ask("How were Barnet's care leavers judged in 2019?")  # asked plainly: the combined area
    assert not combined.refused and "children in care and care leavers: Good" in combined.text


def test_a_comparison_gives_each_side_cited_and_says_which_is_better(ofsted) -> None:  # type: ignore[no-untyped-def]
    answer = ofsted.ask("Which was judged better overall, Barnet or the Isles of Scilly?")
    assert not answer.refused
    assert "Good" in answer.text and "Inadequate" in answer.text and "Barnet was judged better" in answer.text
    assert {c.document.split("-children")[0] for c in answer.citations} == {"barnet", "isles-of-scilly"}


def test_lead_inspector_and_dates_come_from_the_cover(ofsted) -> None:  # type: ignore[no-untyped-def]
    lead = ofsted.ask("Who was the lead inspector for Oxfordshire?")
    assert not lead.refused and "Oxfordshire" in lead.text
    dates = ofsted.ask("When were inspectors on site in Barnet?")
    assert not dates.refused and "13 May to 24 May 2019" in dates.text


def test_what_needs_to_improve_is_each_point_across_a_page_break_in_order() -> None:
    page_2 = (FOOTER.format(n=2) + "What needs to improve?1\n◼ The quality of plans for children in need.\n"
              "◼ Oversight of pre-proceedings work.\n")
    page_3 = FOOTER.format(n=3) + "◼ Support for care leavers aged 21 to 25.\n"
    body = ("The experiences and progress of children who need help and\nprotection: good\n"
            "1. Early help is strong and families benefit from it.\n")
    facts, _ = _facts_of([ILACS_PAGE_1, page_2, page_3 + body, FOOTER.format(n=4) + "Nothing more."])
    points = [f.value for f in sorted((f for f in facts if f.kind == "improvement"), key=lambda f: int(f.name))]
    assert points == [
        "The quality of plans for children in need.",
        "Oversight of pre-proceedings work.",
        "Support for care leavers aged 21 to 25.",
    ]


def test_numbered_recommendations_end_where_numbered_findings_begin() -> None:
    page_2 = """What does the local authority need to improve?
Priority and immediate action
1. Ensure that children at risk of sexual exploitation are identified.
2. The local authority should improve the timeliness of assessments.
3. The local authority benefits from consistent and stable leadership.
4. Complex cases are referred promptly.
"""
    facts, _ = _facts_of([SIF_PAGE_1, page_2])
    assert [f.value[:25] for f in facts if f.kind == "improvement"] == [
        "1. Ensure that children a", "2. The local authority sh",
    ]


def test_how_many_points_to_improve_is_counted_and_each_cited(ofsted) -> None:  # type: ignore[no-untyped-def]
    answer = ofsted.ask("How many things did Ofsted say Barnet needs to improve in 2019?")
    assert not answer.refused and "lists 4 points" in answer.text
    assert len(answer.citations) == 4 and all(c.page == 2 for c in answer.citations)


def test_the_ui_download_is_the_judgements_csv(tmp_path: Path) -> None:
    import ui
    from assistant.types import Fact

    facts = [
        Fact("Anyshire", "overall_rating", "Good", "anyshire-2023", "a.pdf", 3, "Overall effectiveness Good",
             name="Overall effectiveness", scale="ofsted_ilacs", year=2023, extra=(("framework", "ofsted_ilacs"),),
             page=1),
    ]
    path = Path(ui.write_judgements(facts, tmp_path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0]["council"] == "Anyshire" and rows[0]["overall"] == "Good"
    assert rows[0]["overall_cited"] == "anyshire-2023 p.1 ¶3"


def test_an_earlier_inspections_judgement_is_its_own_fact_with_its_year() -> None:
    page = ILACS_PAGE_1 + (
        "Since the last inspection in 2019, when services were judged to be inadequate, leaders have acted.\n"
        "The last inspection of the adoption service was in March 2011 and judged provision as good.\n"
    )
    facts, _ = _facts_of([page])
    earlier = [(f.year, f.value) for f in facts if f.kind == "earlier_rating"]
    # the page states 2018 (good); the adoption service's 2011 inspection is another inspection's grade
    assert earlier == [(2018, "Good"), (2019, "Inadequate")]
    assert _cells(facts)["overall"] == "Requires improvement to be good"  # this report's own grade is unchanged


RUTLAND = (
    ILACS_PAGE_1.replace("Anyshire", "Rutland")
    + "Since the last inspection in 2019, when services were judged to be inadequate, leaders have acted.\n\n"
    + "Rutland shares its out-of-hours service with Cornwall Council under a contract agreed in 2022.\n"
)


@pytest.fixture(scope="module")
def rutland(tmp_path_factory, real_embedder):  # type: ignore[no-untyped-def]
    from tests.conftest import assistant_over_paper

    return assistant_over_paper(tmp_path_factory, real_embedder, "rutland-ilacs-2023.txt", RUTLAND)


def test_a_year_with_no_report_is_answered_from_the_later_report_or_refused(rutland) -> None:  # type: ignore[no-untyped-def]
    stated = rutland.ask("What was Rutland judged at its 2019 inspection?")
    assert not stated.refused and "Inadequate" in stated.text
    assert "judged to be inadequate" in stated.citations[0].quote
    none = rutland.ask("What did Ofsted rate Rutland in 2021?")
    assert none.refused and not none.citations and "2021" in none.text
    assert (none.trace or {}).get("reason") == "scope_contradiction"


def test_a_council_only_mentioned_in_passing_gets_no_judgement(rutland) -> None:  # type: ignore[no-untyped-def]
    answer = rutland.ask("What is Cornwall's Ofsted rating for children's services?")
    assert answer.refused and not answer.citations and "Cornwall" in answer.text
    assert (answer.trace or {}).get("reason") == "not_in_index"


def test_page_furniture_is_never_quoted(ofsted) -> None:  # type: ignore[no-untyped-def]
    for question in ("What is the Ofsted textphone number in the Barnet report?",
                     "Barnet Crown copyright licence",
                     "Inspection of Barnet local authority children's services 13 May to 24 May 2019"):
        answer = ofsted.ask(question)
        for c in answer.citations:
            assert "Textphone" not in c.quote and "Crown copyright" not in c.quote, (question, c.quote)
            assert c.quote.strip() != "Inspection of children’s social care services", question


def test_which_councils_lists_each_latest_judgement_with_that_grade_cited(ofsted) -> None:  # type: ignore[no-untyped-def]
    answer = ofsted.ask("Which councils were judged inadequate overall?")
    assert not answer.refused and "Isles of Scilly" in answer.text
    assert "Barnet" not in answer.text and "Oxfordshire" not in answer.text  # judged good
    assert [c.document.split("-children")[0] for c in answer.citations] == ["isles-of-scilly"]
    good = ofsted.ask("Which councils were rated good overall at their latest inspection?")
    assert "Barnet" in good.text and "Oxfordshire" in good.text and "Isles of Scilly" not in good.text


def test_a_committee_minute_about_an_ofsted_inspection_stores_its_rating_on_ofsteds_scale() -> None:
    minute = ("Children's Services Overview and Scrutiny Committee, 14 January 2020\n\n"
              "Ofsted Inspection of Local Authority Children's Services\n\n"
              "The report outlined the Ofsted inspection of November 2019. The outcome from the inspection showed "
              "that the Council was providing a 'Good' service, improved from 'Requires Improvement' in 2016. "
              "Ofsted found that leaders know their services well.\n")
    facts, _ = _facts_of([minute], "minutes")
    ratings = [f for f in facts if f.kind == "overall_rating"]
    assert ratings and {f.scale for f in ratings} == {"ofsted_ilacs"}
    assert "Good" in {f.value for f in ratings}
