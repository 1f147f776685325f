"""Paragraph splitting: labels, sections, table rows and pages, on the corpus and on synthetic documents."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from assistant.types import Document, DocumentMeta, Page, Paragraph
from ingest.paragraphs import split_paragraphs
from tests.conftest import CORPUS

CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
KINDS = {"text", "list_item", "table_row", "heading"}


def _doc(*pages: Page, doc_id: str = "doc") -> Document:
    return Document(doc_id, f"{doc_id}.txt", "h" * 64, pages, DocumentMeta())


def _corpus(stem_part: str) -> tuple[Document, list[Paragraph]]:
    path = next(p for p in CORPUS_FILES if stem_part in p.name)
    doc = _doc(Page(None, path.read_text(encoding="utf-8")), doc_id=path.stem)
    return doc, split_paragraphs(doc)


def _text(text: str) -> list[Paragraph]:
    return split_paragraphs(_doc(Page(None, text)))


def _leftover(page_text: str, paragraphs: list[Paragraph]) -> str:
    """What remains of the page after removing each paragraph's text, in order (must be only whitespace)."""
    rest, pos = [], 0
    for p in paragraphs:
        at = page_text.find(p.text, pos)
        assert at >= 0, f"paragraph {p.ordinal} is not verbatim page text (in order): {p.text[:80]!r}"
        rest.append(page_text[pos:at])
        pos = at + len(p.text)
    rest.append(page_text[pos:])
    return "".join(rest)


def _one(paragraphs: list[Paragraph], **want: object) -> Paragraph:
    hits = [p for p in paragraphs if all(getattr(p, k) == v for k, v in want.items())]
    assert len(hits) == 1, f"expected one paragraph with {want}, got {len(hits)}"
    return hits[0]


def _heading_name(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*#]", "", text)).strip().rstrip(":").strip()


# -- properties every document must have --------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem[:40])
def test_corpus_document_is_split_losslessly_and_verbatim(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = _doc(Page(None, text), doc_id=path.stem)
    paragraphs = split_paragraphs(doc)
    assert len(paragraphs) > 15
    assert [p.ordinal for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    assert paragraphs == split_paragraphs(doc)  # stable: same input, same paragraphs and ordinals
    for p in paragraphs:
        assert p.doc_id == path.stem and p.page is None and p.kind in KINDS
        # trimmed, except a table row's leading tab: an empty first cell keeps the columns aligned
        assert p.text.strip() and p.text.strip(" \n") == p.text and p.text in text
    assert _leftover(text, paragraphs).strip() == ""  # nothing lost
    for h in (p for p in paragraphs if p.kind == "heading"):
        assert h.section is not None and h.section.endswith(_heading_name(h.text)), h


# -- corpus documents: what a reader of each would look for -------------------------------------------------


def test_committee_report_numbered_paragraphs_sections_and_action_plan() -> None:
    _, paras = _corpus("lewisham-cyp-select-committee-2024")
    budget = _one(paras, label="6.1")
    assert "£1.7m" in budget.text and budget.section == "6. Financial implications"
    assert budget.kind == "list_item"
    heading = _one(paras, text="6. Financial implications")
    assert (heading.kind, heading.label, heading.section) == ("heading", "6", "6. Financial implications")
    rows = [p for p in paras if p.kind == "table_row" and p.context and "Lead" in p.context]
    assert [p.label for p in rows if p.label] == ["1", "2", "3", "4", "5", "6"]
    assert all(p.section and p.section.startswith("2. Recommendations") for p in rows)
    assert "Pinaki Ghoshal" in next(p.text for p in rows if p.label == "1")
    # the recommendations listed in the outline are numbered items of their own
    listed = [p for p in paras if p.kind == "list_item" and p.label in {"1", "2", "3", "4", "5", "6"}]
    assert len(listed) == 6 and "Metropolitan Police" in listed[-1].text
    # an empty template heading is still a heading, and the next heading takes over
    assert _one(paras, text="12. Background papers").kind == "heading"
    assert _one(paras, text="13. Glossary").kind == "heading"
    glossary = next(p for p in paras if p.text.startswith("TIARRA"))
    assert glossary.section == "13. Glossary" and glossary.context == "Term\tDefinition"
    summary = next(p for p in paras if p.text.startswith("The full inspection report is attached"))
    assert summary.section == "5. Summary of Inspection Outcomes"


def test_inspection_report_ratings_table_recommendations_and_standards() -> None:
    _, paras = _corpus("bexley")
    planning = _one(paras, text="2.2\tPlanning\tRequires improvement")
    assert planning.kind == "table_row" and planning.label == "2.2"
    assert planning.context and "Score" in planning.context and "27/36" in planning.context
    assert planning.section == "Ratings > 2. Court disposals"  # the divider row names the domain
    staff = _one(paras, label="1.2", kind="table_row", section="Ratings > 1. Organisational delivery")
    assert "Outstanding" in staff.text  # icon debris stays on its row, the rating is not lost
    recs = [p for p in paras if p.section == "Recommendations" and p.kind == "list_item"]
    assert [p.label for p in recs] == ["1", "2", "3", "4", "5"]
    assert "Outcome 22" in recs[-1].text
    # "1.1. Governance and leadership The governance ..." opens its standard's section
    governance = _one(paras, label="1.1", kind="text")
    assert governance.section == "1.1. Governance and leadership"
    strengths = next(p for p in paras if p.text.startswith("- The Youth Justice Management Board (YJMB)"))
    assert strengths.section == "1.1. Governance and leadership > Strengths"
    safe = next(p for p in paras if p.text.startswith("Planning to keep others safe required development"))
    assert safe.section == "2.2. Planning" and safe.kind == "text"
    assert (
        _one(paras, text="Domain two: Court disposals", kind="heading").section
        == "Domain two: Court disposals"
    )
    # a wrapped bullet stays one paragraph
    wrapped = next(
        p for p in paras if "review\n of disproportionality and diversity practice is used" in p.text
    )
    assert wrapped.text.startswith("- The board and operation") and wrapped.text.count("\n") == 3
    # a standalone rating is a finding, not a heading
    assert all(p.kind != "heading" for p in paras if p.text in {"Good", "Outstanding"})
    assert _one(paras, text="Contents").kind == "heading"


def test_presentation_recommendations_and_column_table() -> None:
    _, paras = _corpus("tower-hamlets")
    first = _one(paras, label="Recommendation 1")
    assert first.text.startswith("Recommendation 1") and "Review its membership" in first.text
    for n in (5, 6, 7):  # "Recommendation 5\tRecommendation 6\tRecommendation 7" over a row of cells
        cell = _one(paras, label=f"Recommendation {n}")
        assert cell.kind == "table_row" and cell.text.startswith("<p>") and "\t" not in cell.text
    assert "contingency plans" in _one(paras, label="Recommendation 6").text
    gov = _one(paras, label="1.1", kind="table_row")
    assert gov.text == "1.1 Governance and leadership\tInadequate"
    priorities = [p for p in paras if p.context and p.context.startswith("No\tTheme in Plan")]
    assert [p.label for p in priorities] == ["1", "2", "3", "4", "5", "6"]


def test_improvement_plan_report_numbered_headings_and_quotes() -> None:
    _, paras = _corpus("safer-stronger")
    quote = _one(paras, label="5.4")
    assert "broader range of performance information" in quote.text and quote.kind == "text"
    purpose = _one(paras, label="1.0")
    assert purpose.kind == "heading" and purpose.section == "1.0 Purpose of the Report"
    six = "6.0 HMIP Improvement Plan: Additional Steps to be actioned in next Six Months"
    assert _one(paras, label="6.1").section == six
    assert next(p for p in paras if p.text.startswith("- high levels of knowledge")).section == six
    # "5.2 Progress Updates:" is a heading, but paragraph 5.3 is its sibling, not its child
    assert _one(paras, label="5.3").section == "5. HMIP Improvement Plan Activities"
    assert _one(paras, label="7.1").section == "7.0 Financial Implications"
    roman = _one(paras, label="ii")
    assert roman.kind == "list_item" and roman.text.startswith("- ii) Developed")
    # a short last item of a "1) ... 5)" list stays a list item
    priorities = [p for p in paras if p.section and p.section.endswith("Key priorities now") and p.label]
    assert [(p.label, p.kind) for p in priorities] == [(str(n), "list_item") for n in range(1, 6)]
    dashboard = next(p for p in paras if p.text.startswith("Speech and Language - Number Identified"))
    assert dashboard.context == "National KPIs\tRA G" and dashboard.section is not None
    assert dashboard.section.endswith("> HEALTH")  # the divider row before the blank line still applies


def test_press_release_bullets_and_notes() -> None:
    _, paras = _corpus("press-release")
    bullets = [p for p in paras if p.text.startswith("•")]
    assert len(bullets) == 5 and all(p.kind == "list_item" for p in bullets)
    notes = [p for p in paras if p.section == "NOTES TO EDITORS" and p.kind == "list_item"]
    assert [p.label for p in notes] == ["1", "2", "3", "4", "5", "6"]
    assert "four ratings" in notes[3].text


# -- synthetic documents: the rules, not the corpus wording -------------------------------------------------

COMMITTEE = """Overview and Scrutiny Committee

Report title: Waste services performance

1.0 **Purpose of the Report**

1.1 This report updates members on missed bin collections.

1.2 Members are asked to note the improvement plan.

2.0 Recommendations

Recommendation 1

Agree the revised collection timetable.

Recommendation 2: Receive a further update in March.

3.0 Financial Implications

3.1 The service budget is £4.2m in 2024/25, of which 2.5 million is for staff.

(a) vehicle costs rise by 3 per cent;
(b) fuel costs are stable.

No.\tAction\tLead\tWhen
1.\tReplace two vehicles\tHead of Waste\tApr-25
2.\tRecruit drivers\tHR\tJun-25
"""


def test_synthetic_committee_report_generalises() -> None:
    paras = _text(COMMITTEE)
    assert _one(paras, label="1.0").kind == "heading"
    p11 = _one(paras, label="1.1")
    assert p11.section == "1.0 Purpose of the Report" and p11.kind == "text"
    rec1 = _one(paras, label="Recommendation 1")
    assert "Agree the revised collection timetable." in rec1.text and rec1.section == "2.0 Recommendations"
    assert "March" in _one(paras, label="Recommendation 2").text
    budget = _one(paras, label="3.1")
    assert "£4.2m" in budget.text and budget.section == "3.0 Financial Implications"
    assert [p.label for p in paras if p.kind == "list_item"] == ["a", "b"]
    rows = [p for p in paras if p.context == "No.\tAction\tLead\tWhen"]
    assert [(p.label, p.kind) for p in rows] == [("1", "table_row"), ("2", "table_row")]
    assert _leftover(COMMITTEE, paras).strip() == ""


def test_quantities_and_plain_prose_get_no_label() -> None:
    paras = _text(
        "1.5 million people live in the county and the figure is rising every year.\n\n"
        "20 children were seen in the period covered by the inspection.\n\n"
        "2024 was a difficult year for the service and its partners."
    )
    assert [p.label for p in paras] == [None, None, None]
    assert all(p.kind == "text" for p in paras)


MARKDOWN = """# Annual youth justice plan

Introductory text about the plan and what it covers for the year ahead.

## 2. Findings

The board met six times. Attendance was good across partners.

1. Improve governance
2. Review planning
3. Strengthen oversight

### 2.1 Performance

| not a table, just text with a pipe |

- first point made about performance
- second point, which wraps
  onto a second line
"""


def test_markdown_headings_nest_and_short_numbered_lists_stay_lists() -> None:
    paras = _text(MARKDOWN)
    assert [p.text for p in paras if p.kind == "heading"] == [
        "# Annual youth justice plan",
        "## 2. Findings",
        "### 2.1 Performance",
    ]
    assert _one(paras, text="## 2. Findings").section == "2. Findings"
    items = [p for p in paras if p.label in {"1", "2", "3"} and p.kind != "heading"]
    assert [p.kind for p in items] == ["list_item"] * 3 and all(p.section == "2. Findings" for p in items)
    wrapped = _one(paras, text="- second point, which wraps\n  onto a second line")
    assert wrapped.section == "2.1 Performance" and wrapped.kind == "list_item"
    assert _leftover(MARKDOWN, paras).strip() == ""


def test_two_page_document_keeps_pages_sections_and_table_header() -> None:
    page3 = (
        "4. Performance\n\nThe service improved on most measures this year.\n\n"
        "Measure\tTarget\tActual\nFirst-time entrants\t40\t35"
    )
    page4 = (
        "Reoffending\t30%\t28%\nCustody\t5\t3\n\n4.1 The reoffending rate fell for the third year running."
    )
    doc = _doc(Page(3, page3), Page(4, page4))
    paras = split_paragraphs(doc)
    assert {p.page for p in paras} == {3, 4}
    for p in paras:
        assert p.text in (page3 if p.page == 3 else page4)
    assert _leftover(page3, [p for p in paras if p.page == 3]).strip() == ""
    assert _leftover(page4, [p for p in paras if p.page == 4]).strip() == ""
    custody = _one(paras, text="Custody\t5\t3")
    assert (
        custody.page == 4 and custody.context == "Measure\tTarget\tActual"
    )  # the table goes on over the page
    last = _one(paras, label="4.1")
    assert last.page == 4 and last.section == "4. Performance"
    assert [p.ordinal for p in paras] == list(range(1, len(paras) + 1))


def test_pdf_table_cells_wrapped_over_lines_stay_one_row() -> None:
    """Text extracted from a PDF breaks a long cell over lines; each row is still one paragraph, under its header."""
    text = (
        "7. Action plan\n\n"
        "No.\tIssue\tWhat we will do\tOwner\tBy when\tProgress\n"
        "R1\tSupervision\tIntroduce monthly group supervision for\n"
        "all case managers in the court team\tPat Okafor, Operations\n"
        "Manager\t31/07/2026\tGreen\n"
        "R2\tSafety planning\tTrain every practitioner in contingency\n"
        "planning for children at risk of exploitation, with\n"
        "refresher sessions each year\tLee Marsh,\n"
        "Practice Lead\t30/09/2026\tRed\n"
        "Court work\tGood\tInadequate (court and community work were\n"
        "judged together in 2021)\t\t\t\n\n"
        "7.1 The panel is asked to note the plan."
    )
    paras = _text(text)
    assert _leftover(text, paras).strip() == ""
    rows = [p for p in paras if p.kind == "table_row" and p.context]
    assert [r.text.split("\t")[0] for r in rows] == ["R1", "R2", "Court work"]
    second = rows[1]
    assert second.context.startswith("No.\tIssue") and second.text.endswith("Practice Lead\t30/09/2026\tRed")
    assert "refresher sessions each year" in second.text.split("\t")[2]  # the wrapped action stays in its cell
    assert rows[2].text.endswith("Inadequate (court and community work were\njudged together in 2021)")
    assert _one(paras, label="7.1").kind == "text"


def test_a_short_row_does_not_swallow_the_next_row() -> None:
    """Dividers and rows with empty trailing cells are rows of their own, not wrapped cells."""
    text = (
        "Measure\tTarget\tActual\n"
        "EDUCATION\n"
        "Attendance\t90%\t85%\n"
        "HEALTH\t\n"
        "Health assessments\t100%\n"
        "2.1\tCustody\t3"
    )
    rows = [p.text for p in _text(text) if p.kind == "table_row"]
    assert "Attendance\t90%\t85%" in rows and "2.1\tCustody\t3" in rows
    assert not any("\n" in r for r in rows)


def test_empty_and_junk_documents() -> None:
    assert split_paragraphs(_doc()) == []
    assert split_paragraphs(_doc(Page(1, ""), Page(2, "  \n\t\n"))) == []
    paras = _text("${}$\n\nFirst real paragraph of the document.\n\n$\\overrightarrow{\\mathbf{x}}$")
    assert len(paras) == 1 and "First real paragraph" in paras[0].text  # debris joins its neighbour


def test_random_structured_noise_never_crashes_and_loses_nothing() -> None:
    pieces = ["- ", "• ", "1. ", "2.3 ", "ii) ", "(a) ", "# ", "**", "\t", "\n", "\n\n", "Recommendation 4",
              "${}$", "Strengths:", "Part 2", "word ", "The board met. ", "Good", "\u00a0", "  ", "A.", "—",
              "7)"]  # fmt: skip
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        paras = split_paragraphs(_doc(Page(1, text)))
        assert [p.ordinal for p in paras] == list(range(1, len(paras) + 1))
        left = _leftover(text, paras)
        assert re.sub(r"\$[^$\n]*\$", "", left).strip() == "" or not re.search(r"\w", left), repr(text)
