"""Metadata: inference from what each document says about itself, the manifest reader, and merging the two."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.types import DocumentMeta
from ingest.metadata import infer_meta, load_manifest, merge_meta
from tests.conftest import CORPUS

# Values read off each document (cover, report template, first pages); None where the document does not say.
EXPECTED = {
    "hmip-inspection-youth-justice-services-bexley-2024-07.txt": DocumentMeta(
        title="An inspection of youth justice services in Bexley",
        body="HM Inspectorate of Probation",
        date="2024-07",  # "HM Inspectorate of Probation, July 2024" on the cover
        kind="inspection_report",
        service="Bexley Youth Justice Service",
        classification=None,  # an inspection report carries no Part 1 / Part 2 mark
    ),
    "hmip-press-release-lewisham-yos-inspection-2016-12.txt": DocumentMeta(
        title="Inspection of youth offending work: some good work but Lewisham needs to improve",
        body="HM Inspectorate of Probation",
        date="2016-12",  # the text has no cover date: from the file name
        kind="press_release",  # "– ENDS –", "NOTES TO EDITORS"
        service="Lewisham Youth Offending Service",
        classification=None,
    ),
    "lewisham-cyp-select-committee-2024-11-06-yjs-inspection-findings.txt": DocumentMeta(
        title="Findings from the Youth Justice Service HMIP inspection",
        body="Lewisham CYP Select Committee",  # "CYP Select Committee" of the council the paper names
        date="2024-11-06",  # "Date: 06 November 2024"
        kind="committee_report",
        service="Lewisham Youth Justice Service",
        classification=None,  # "Class: Either Part 1 or Part 2." is an unfilled template
    ),
    "lewisham-safer-stronger-select-committee-2017-06-yos-improvement-plan.txt": DocumentMeta(
        title="Full Joint Inspection into Lewisham Youth Offending Work – Progress of Improvement Plan",
        body="Lewisham Safer, Stronger Select Committee",
        date="2017-06",  # "Date: June 2017"
        kind="committee_report",
        service=None,  # it names the "Youth Offending Service" only without its place
        classification="part1",  # "Class\tPart 1"
    ),
    "tower-hamlets-children-education-scrutiny-2022-10-yjs-spotlight.txt": DocumentMeta(
        title="Youth Justice Spotlight",
        body="Tower Hamlets Children and Education Scrutiny Sub-Committee",
        date="2022-10",  # "October 2022" on the title slide
        kind="presentation",  # ends on a "Questions" slide
        service="Tower Hamlets and City of London Youth Justice Service",
        classification=None,
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n[:40])
def test_infer_meta_reads_each_corpus_document(name: str) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert infer_meta(text, name) == EXPECTED[name]


def test_text_date_wins_over_file_name_and_file_name_fills_in() -> None:
    assert (
        infer_meta("Cabinet\n\nDate: 3 April 2023\n\nReport text.", "cabinet-2021-01-05.txt").date
        == "2023-04-03"
    )
    assert infer_meta("Some notes about the service.", "notes-2024-11-06.txt").date == "2024-11-06"
    assert infer_meta("Some notes about the service.", "notes_2024_07.txt").date == "2024-07"
    assert infer_meta("Some notes about the service.", "plan-2024-25.txt").date is None  # a financial year


def test_nothing_is_invented_for_a_bare_text() -> None:
    meta = infer_meta(
        "The service continues to improve.\n\nStaff are positive about the changes.", "notes.txt"
    )
    assert (meta.body, meta.date, meta.kind, meta.service, meta.classification) == (None,) * 5
    assert infer_meta("", "empty.txt") == DocumentMeta()


def test_part2_exempt_cabinet_paper() -> None:
    text = (
        "Cabinet\n\nReport title: Disposal of land at Mill Lane\n\nDate: 12 March 2023\n\n"
        "Class: Part 2 – exempt information under paragraph 3 of Schedule 12A\n\n"
        "1. Purpose\n\nThe report seeks approval to dispose of the site."
    )
    meta = infer_meta(text, "mill-lane.docx")
    assert meta == DocumentMeta(
        title="Disposal of land at Mill Lane", body="Cabinet", date="2023-03-12", kind="committee_report",
        service=None, classification="part2",
    )  # fmt: skip
    unmarked_class = (
        "Housing Scrutiny Committee\n\nNOT FOR PUBLICATION\n\nThe appendix contains commercial terms."
    )
    assert infer_meta(unmarked_class, "x.txt").classification == "part2"
    assert (
        infer_meta("Audit Committee\n\nPart 1\n\nThe annual audit letter.", "x.txt").classification == "part1"
    )
    assert infer_meta("Audit Committee\n\nClass: Part 1 (open)\n\nText.", "x.txt").classification == "part1"


def test_a_public_report_with_an_exempt_appendix_is_part1() -> None:
    """Committee papers mark the report and its appendices separately; only the appendix is withheld."""
    status = (
        "Overview and Scrutiny Committee\n\nReport title: Youth justice inspection action plan\n\n"
        "Status\tPart 1 – public report. Appendix B is Part 2 – exempt under paragraph 2 of Schedule 12A to the "
        "Local Government Act 1972.\n\n1. Purpose\n\n1.1 To present the action plan."
    )
    assert infer_meta(status, "x.docx").classification == "part1"
    both_exempt = "Cabinet\n\nClass: Part 2 – exempt. Appendix A is also exempt.\n\n1. Purpose\n\nText."
    assert infer_meta(both_exempt, "x.txt").classification == "part2"


def test_minutes() -> None:
    text = (
        "Minutes of the meeting of the Overview and Scrutiny Committee held on Tuesday, 4 March 2024\n\n"
        "Present: Councillors Ahmed, Brown and Clarke\n\nApologies: Councillor Davies\n\n"
        "1. Minutes of the previous meeting\n\nThe minutes were agreed as a correct record."
    )
    meta = infer_meta(text, "os-minutes.pdf")
    assert (meta.kind, meta.body, meta.date) == ("minutes", "Overview and Scrutiny Committee", "2024-03-04")


def test_press_release() -> None:
    text = (
        "PRESS RELEASE\n\nInspectors praise youth justice work in Anytown\n\n"
        "HM Inspectorate of Probation today published its report on Anytown Youth Justice Service, "
        "rated Good.\n\n"
        "ENDS\n\nNotes to editors\n\n1. The report is available online."
    )
    meta = infer_meta(text, "anytown.txt")
    assert meta.kind == "press_release" and meta.title == "Inspectors praise youth justice work in Anytown"
    assert meta.body == "HM Inspectorate of Probation" and meta.service == "Anytown Youth Justice Service"
    assert meta.date is None


def test_other_inspectorates_are_recognised() -> None:
    text = "An inspection of local authority children's services\n\nOfsted, May 2023\n\nInspectors found..."
    meta = infer_meta(text, "ilacs.pdf")
    assert (meta.body, meta.date, meta.kind) == ("Ofsted", "2023-05", "inspection_report")


def test_cover_sheet_conventions_name_the_committee_date_and_title() -> None:
    """Cover sheets put the committee after "Report for:" or in a "Meeting" row, the date after it or on a weekday
    line, and wrap a long title onto indented lines; "Report of the Director ..." says who reports, not the title."""
    pdf_cover = (
        "Report for:     Corporate Parenting Advisory Panel – 14/10/2025\n\n"
        "Item number:    6\n\n"
        "Title:          Ofsted Focused Visit to Children in Care Services:\n"
        "                Response and Next Steps\n\n"
        "Report author:  Dana Ellis, Head of Service\n\n"
        "1. Describe the issue under consideration\n\n1.1 The panel is asked to note the response."
    )
    meta = infer_meta(pdf_cover, "item6.txt")
    assert meta.body == "Corporate Parenting Advisory Panel" and meta.date == "2025-10-14"
    assert meta.title == "Ofsted Focused Visit to Children in Care Services: Response and Next Steps"
    assert meta.kind == "committee_report"

    word_cover = (
        "ANYSHIRE COUNTY COUNCIL\n\n"
        "Report of the Corporate Director, People, to the Health Scrutiny Committee\n\n"
        "# Youth offending team inspection: action plan\n\n"
        "Meeting\tHealth Scrutiny Committee (Annual Meeting)\n"
        "Date of meeting\tWednesday 3 December 2025\n"
        "Status\tPart 1 – open\n\n1. Purpose\n\n1.1 To present the plan."
    )
    meta = infer_meta(word_cover, "hsc.docx")
    assert meta.title == "Youth offending team inspection: action plan"
    assert meta.body is not None and meta.body.endswith("Health Scrutiny Committee") and meta.date == "2025-12-03"

    deck = "# Youth Justice Annual Report\n\nFamilies and Communities Committee\nThursday 5th March 2026\n\n# Questions"
    meta = infer_meta(deck, "deck.pptx")
    assert (meta.date, meta.kind) == ("2026-03-05", "presentation")


def test_an_ofsted_children_services_report_without_its_name_in_the_text() -> None:
    """Ofsted titles its children's services reports by the framework; the markdown of one need not say "Ofsted"."""
    text = (
        "# Anytown Council\n\n## Inspection of children's social care services\n\n"
        "**Inspection dates:** 2 June 2025 to 13 June 2025\n\n**Date published:** 25/07/2025\n\n"
        "| Judgement | Grade |\n|---|---|\n| Overall effectiveness | Good |\n\nChildren are safe."
    )
    meta = infer_meta(text, "anytown.md")
    assert (meta.body, meta.date, meta.kind) == ("Ofsted", "2025-07-25", "inspection_report")


# -- manifest ---------------------------------------------------------------------------------------------


def test_load_corpus_manifest() -> None:
    manifest = load_manifest(CORPUS)
    assert set(manifest) == set(EXPECTED)
    bexley = manifest["hmip-inspection-youth-justice-services-bexley-2024-07.txt"]
    assert bexley.classification == "part1" and bexley.date == "2024-07" and bexley.url is None
    assert manifest["lewisham-cyp-select-committee-2024-11-06-yjs-inspection-findings.txt"].body == (
        "Lewisham Children and Young People Select Committee"
    )


def test_missing_manifest_is_empty_and_unquoted_dates_become_iso(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}
    (tmp_path / "manifest.yaml").write_text("documents:\n  a.txt:\n    date: 2024-11-06\n    kind: minutes\n")
    assert load_manifest(tmp_path) == {"a.txt": DocumentMeta(date="2024-11-06", kind="minutes")}


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("documents: [a, b]\n", "documents"),
        ("documents:\n  a.txt:\n    colour: red\n", "colour"),
        ("documents:\n  a.txt:\n    kind: leaflet\n", "kind"),
        ("documents:\n  a.txt:\n    classification: secret\n", "classification"),
        ("documents:\n  a.txt:\n    date: last year\n", "date"),
        ("documents:\n  a.txt:\n    title: [1, 2]\n", "title"),
        ("documents:\n  a.txt: just a string\n", "a.txt"),
        ("documents:\n  a.txt:\n    title: 'unclosed\n", "manifest.yaml"),
    ],
)
def test_malformed_manifest_names_file_and_field(tmp_path: Path, content: str, named: str) -> None:
    (tmp_path / "manifest.yaml").write_text(content)
    with pytest.raises(ConfigError) as err:
        load_manifest(tmp_path)
    assert "manifest.yaml" in str(err.value) and named in str(err.value)


def test_merge_manifest_wins_and_inferred_fills_gaps() -> None:
    manifest = DocumentMeta(title="Official title", body=None, date="2024-11", classification="part1")
    inferred = DocumentMeta(title="Guessed", body="Cabinet", date="2024-11-06", kind="committee_report")
    merged = merge_meta(manifest, inferred)
    assert merged == DocumentMeta(
        title="Official title",
        body="Cabinet",
        date="2024-11",
        kind="committee_report",
        classification="part1",
    )
    assert merge_meta(None, inferred) == inferred
