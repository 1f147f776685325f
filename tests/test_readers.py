"""The document readers: real small fixtures in, SourceText or a clear UnreadableFile out."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from assistant.errors import UnreadableFile
from ingest.readers import SUPPORTED_EXTENSIONS, read_file
from ingest.readers._text import normalise

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent.parent / "corpus"


def reason_for(path: Path, **kwargs: int) -> str:
    """The reason ``read_file`` gives for refusing ``path`` (fails the test if it reads the file)."""
    with pytest.raises(UnreadableFile) as info:
        read_file(path, **kwargs)
    assert info.value.path == str(path)
    assert "\n" not in info.value.reason
    return info.value.reason


# --- PDF ---------------------------------------------------------------------------------------------------


def test_pdf_pages_are_numbered_from_one_and_text_lands_on_its_page() -> None:
    source = read_file(FIXTURES / "report.pdf")
    assert [p.number for p in source.pages] == [1, 2, 3]
    assert "rated as Good" in source.pages[0].text
    assert "2.2 Planning was rated as Requires improvement." in source.pages[1].text
    assert "Requires improvement" not in source.pages[0].text + source.pages[2].text
    assert "Recommendation 3: improve the quality of planning for safety." in source.pages[2].text


@pytest.mark.parametrize("name", ["restricted.pdf", "restricted_aes.pdf"])
def test_pdf_with_empty_user_password_is_read(name: str) -> None:
    source = read_file(FIXTURES / name)
    assert [p.number for p in source.pages] == [1, 2, 3]
    assert "Recommendation 3" in source.pages[2].text


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("encrypted.pdf", "encrypted"),
        ("corrupt.pdf", "corrupt"),
        ("truncated.pdf", "truncated"),
        ("scanned.pdf", "no text layer"),
    ],
)
def test_bad_pdfs_are_refused_with_the_problem_named(name: str, problem: str) -> None:
    assert problem in reason_for(FIXTURES / name)


def test_pdf_that_is_not_a_pdf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "minutes.pdf"
    fake.write_text("<html>Access denied</html>")
    assert "not a PDF" in reason_for(fake)


def test_pdf_parser_warnings_are_silenced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A wrong startxref offset makes pypdf warn while it repairs the file; the user only needs the text.
    data = (FIXTURES / "report.pdf").read_bytes()
    broken = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n" + str(int(m.group(1)) + 7).encode(), data)
    assert broken != data
    path = tmp_path / "repaired.pdf"
    path.write_bytes(broken)
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = read_file(path)
    assert "rated as Good" in source.pages[0].text
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    assert caught == []


# --- DOCX --------------------------------------------------------------------------------------------------


def test_docx_keeps_body_order_with_the_table_between_paragraphs() -> None:
    source = read_file(FIXTURES / "findings.docx")
    assert [p.number for p in source.pages] == [None]
    blocks = source.text.split("\n\n")
    assert blocks == [
        "# Youth Justice Inspection Findings",
        "# 1.0 Purpose",
        "1.1 This report sets out the findings of the inspection.",
        "- Governance was strong.",
        "- Planning requires improvement.",
        "## 2.0 Ratings",
        "The ratings are shown below.",
        # The merged cell in the last row appears once.
        "Standard\tArea\tRating\n1.1\tGovernance\tGood\n2.2\tPlanning requires improvement",
        "2.1 The table above lists each standard.",
        "1. Recruit a data analyst.",
        "Classification: Part 1 (public)",
    ]


def test_docx_automatic_paragraph_numbers_are_kept() -> None:
    lines = [line for line in read_file(FIXTURES / "numbered.docx").text.split("\n") if line]
    assert lines == [
        "# 1.0 Purpose",
        "1.1 This report updates the committee.",
        "1.2 The inspection took place in March.",
        "# 2.0 Recommendations",
        "2.1 The committee is recommended to:",
        "(a) note the findings;",
        "(b) agree the action plan.",
        "2.2 Progress will be reported in six months.",
        "# Appendix",
        # A list restarted with Word's "restart numbering" starts again from 1.
        "# 1.0 Background papers",
        "1.1 None.",
    ]


def _office_zip(path: Path, main_member: str, filler_mb: int) -> Path:
    """A zip shaped like an Office file with an extra ``filler_mb`` MB of zeros (tiny once deflated)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_member, "<document/>")
        with archive.open("media/filler.bin", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(filler_mb):
                member.write(chunk)
    return path


def test_zip_bomb_disguised_as_docx_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _office_zip(tmp_path / "report.docx", "word/document.xml", filler_mb=260)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    reason = reason_for(bomb)
    assert "zip bomb" in reason and "260 MB" in reason


def test_absurdly_compressed_docx_is_refused(tmp_path: Path) -> None:
    bomb = _office_zip(tmp_path / "report.docx", "word/document.xml", filler_mb=30)
    assert "compression ratio" in reason_for(bomb)


def test_zip_bomb_disguised_as_pptx_is_refused(tmp_path: Path) -> None:
    bomb = _office_zip(tmp_path / "deck.pptx", "ppt/presentation.xml", filler_mb=30)
    assert "zip bomb" in reason_for(bomb)


def test_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "report.docx"
    fake.write_text("This was renamed from .txt")
    assert "not a valid .docx" in reason_for(fake)


def test_zip_without_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "word/document.xml" in reason_for(path)


# --- HTML --------------------------------------------------------------------------------------------------


def test_html_keeps_visible_text_only_with_structure() -> None:
    text = read_file(FIXTURES / "page.html").text
    assert "secret" not in text and "injected" not in text and "document.write" not in text
    assert "color" not in text and "Enable JavaScript" not in text
    assert "<" not in text and ">" not in text
    assert text.split("\n\n") == [
        "# Select Committee",
        "The committee met on 6 November 2024.\nIt considered the inspection.",
        "## Findings",
        "- Governance was good\n- Planning requires improvement",
        "Area\tRating\nAssessment\tGood",
        "Contact the clerk & the chair.",
    ]


def test_pretty_printed_html_keeps_rows_and_items_together(tmp_path: Path) -> None:
    path = tmp_path / "cms.html"
    path.write_text(
        """<html><body>
  <ul>
    <li><p>Governance was good</p></li>
    <li>
      <p>Planning requires improvement</p>
    </li>
    <li></li>
  </ul>
  <table>
    <thead>
      <tr><th>Area</th>  <th>Rating</th></tr>
    </thead>
    <tbody>
      <tr>
        <td>2.2 Planning</td>
        <td></td>
      </tr>
    </tbody>
  </table>
  <p>First line<br>second line<br><br>new paragraph</p>
  <pre>  Standard   Rating
  2.2        Good</pre>
</body></html>"""
    )
    blocks = read_file(path).text.split("\n\n")
    assert blocks == [
        "- Governance was good",
        "- Planning requires improvement",
        "Area\tRating\n2.2 Planning\t",
        "First line\nsecond line",
        "new paragraph",
        "  Standard   Rating\n  2.2        Good",
    ]


def test_html_without_charset_in_windows_1252_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes("<p>Cost £5m – agreed by the council’s cabinet</p>".encode("cp1252"))
    assert read_file(path).text == "Cost £5m – agreed by the council’s cabinet"


def test_nested_html_list_stays_one_list(tmp_path: Path) -> None:
    path = tmp_path / "list.html"
    path.write_text("<ul><li>Domain one<ul><li>1.1 Governance</li></ul></li><li>Domain two</li></ul>")
    assert read_file(path).text == "- Domain one\n- 1.1 Governance\n- Domain two"


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    depth = 20_000
    path = tmp_path / "deep.htm"
    path.write_text(
        "<html><body>" + "<div><span>" * depth + "Deep text" + "</span></div>" * depth + "</body></html>"
    )
    assert "Deep text" in read_file(path).text


def test_html_without_visible_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><script>x = 1</script></head><body>  </body></html>")
    assert "no visible text" in reason_for(path)


# --- PPTX --------------------------------------------------------------------------------------------------


def test_pptx_one_page_per_slide_with_slide_numbers_kept() -> None:
    source = read_file(FIXTURES / "update.pptx")
    # Slide 3 is blank: it yields no page, and the slides after it keep their own numbers.
    assert [p.number for p in source.pages] == [1, 2, 4]
    first, second, fourth = source.pages
    assert first.text.split("\n\n") == [
        "# Youth Justice Service Update",
        "Children and Young People Select Committee",
    ]
    assert second.text.split("\n\n") == [
        "# Inspection ratings",
        "Overall rating: Good\nThree recommendations were made",
        "Domain\tRating\nCourt disposals\tGood\nResettlement\tOutstanding",
    ]
    assert fourth.text == "# Next steps\n\nAction plan by March"  # the text box sits inside a group shape


# --- TXT and MD --------------------------------------------------------------------------------------------


def test_markdown_pipe_table_becomes_tab_separated_rows() -> None:
    text = read_file(FIXTURES / "notes.md").text
    assert text == (
        "# Action plan\n\n"
        "Action\tLead\tDeadline\n"
        "Improve planning\tHead of Service\tMarch 2025\n"
        "Recruit analyst\tYJS Manager\tJune 2025\n\n"
        "## Progress\nWork has started."
    )


def test_cp1252_text_is_decoded_correctly() -> None:
    assert read_file(FIXTURES / "cp1252.txt").text == "The budget is £5m – up 5% on last year’s."


def test_utf8_bom_and_crlf_are_normalised() -> None:
    assert read_file(FIXTURES / "bom_crlf.txt").text == "Line one\nLine two\n\nLine three"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.txt", "file is empty"),
        ("whitespace.txt", "file is empty"),
        ("binary.txt", "binary data"),
        ("garbage.txt", "not UTF-8"),
    ],
)
def test_bad_text_files_are_refused_with_the_problem_named(name: str, problem: str) -> None:
    assert problem in reason_for(FIXTURES / name)


def test_text_with_many_control_characters_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"header\n" + bytes(range(1, 9)) * 50)
    assert "binary data" in reason_for(path)


def test_pdf_renamed_to_txt_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    shutil.copy(FIXTURES / "report.pdf", path)
    assert "PDF" in reason_for(path)


# --- dispatch and file-system problems ---------------------------------------------------------------------


def test_extension_match_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.PDF"
    shutil.copy(FIXTURES / "report.pdf", path)
    assert [p.number for p in read_file(path).pages] == [1, 2, 3]
    assert {".txt", ".md", ".pdf", ".docx", ".html", ".htm", ".pptx"} == SUPPORTED_EXTENSIONS


def test_unsupported_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04")
    reason = reason_for(path)
    assert "unsupported file type '.xlsx'" in reason and "convert to PDF" in reason


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    reason = reason_for(path, max_bytes=1024)
    assert "over the 1 KB limit" in reason and "ASSISTANT_MAX_FILE_MB" in reason
    assert read_file(path, max_bytes=10_000).text.startswith("word word")


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    os.symlink(b, a)
    os.symlink(a, b)
    assert "symlink loop" in reason_for(a)


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    assert "not found" in reason_for(tmp_path / "gone.pdf")
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert "directory" in reason_for(folder)


def test_parser_crash_becomes_unreadable_file(tmp_path: Path) -> None:
    # A zip that passes the checks but is not a Word package: python-docx raises its own error.
    path = tmp_path / "odd.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "not xml at all")
    assert "could not parse this DOCX file" in reason_for(path)


def test_importing_the_package_loads_no_parser() -> None:
    code = (
        "import sys, ingest.readers; "
        "parsers = ('pypdf', 'docx', 'pptx', 'bs4', 'lxml', 'charset_normalizer'); "
        "print([m for m in parsers if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- normalisation and the corpus --------------------------------------------------------------------------


def test_normalise_keeps_text_verbatim_apart_from_whitespace_rules() -> None:
    raw = "Title  \r\n\r\n\r\n\r\n  Indented\tcell\t\r\nLast\rline"
    assert normalise(raw) == "Title\n\n  Indented\tcell\t\nLast\nline"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_text_files_read_verbatim(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    text = read_file(path).text
    assert text == normalise(raw)
    # Independently of normalise(): the same non-blank lines in the same order, table tabs untouched.
    expected_lines = [line.rstrip(" ") for line in raw.splitlines() if line.strip(" ")]
    assert [line for line in text.split("\n") if line] == expected_lines
    assert text.count("\t") == raw.count("\t")
