"""The UI's API over a real index (bundled model), driven with gradio_client; and the briefing export."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.briefing import briefing_docx, briefing_markdown
from assistant.types import Answer, Citation, Turn
from tests.conftest import CORPUS, free_port

BEXLEY = "How did inspectors rate Bexley?"
FOLLOW_UP = "And how many recommendations were there?"
# A document whose text looks like HTML: the UI must show it as text, never run it.
HOSTILE_NAME = "zephyrvale-allotments-notice.txt"
HOSTILE_TEXT = """Zephyrvale Allotments Committee notice

1. The Zephyrvale allotments committee reviewed the website banner, which read \
<script>window.__pwned=1</script> before it was removed.

2. The committee also noted a broken image tag <img src=x onerror="window.__pwned=1"> pasted into the \
allotment newsletter.
"""
HOSTILE_QUESTION = "What did the Zephyrvale allotments committee say about the website banner?"


@dataclass(frozen=True)
class RunningUI:
    """The app serving on a free local port over a temporary index."""

    url: str
    assistant: Any
    index_dir: Path
    feedback: Path


@functools.cache
def running_ui() -> RunningUI:
    """Ingest the corpus (+ the hostile fixture) with the bundled model and serve the UI: once per test process.

    Shared by this module and the browser tests so the ~index build and model load happen once.
    """
    from assistant.config import Settings
    from assistant.engine import Assistant
    from ingest.pipeline import ingest

    root = Path(tempfile.mkdtemp(prefix="ui-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    extra = root / "extra"
    extra.mkdir()
    (extra / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    settings = Settings(index_dir=root / "index")
    report = ingest([CORPUS, extra], settings, progress=False)
    assert not report.failed, report.failed
    feedback = root / "feedback.jsonl"
    os.environ["ASSISTANT_FEEDBACK"] = str(feedback)
    try:
        import ui

        assistant = Assistant(settings)
        app = ui.build_app(assistant)
    finally:
        del os.environ["ASSISTANT_FEEDBACK"]
    port = free_port()
    ui.launch(app, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    atexit.register(app.close)
    return RunningUI(f"http://127.0.0.1:{port}/", assistant, root / "index", feedback)


@pytest.fixture(scope="module")
def server() -> RunningUI:
    return running_ui()


@pytest.fixture(scope="module")
def client(server: RunningUI):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(server.url, verbose=False, download_files=tempfile.mkdtemp(prefix="ui-client-"))


# ---------------------------------------------------------------------------------------------------------------
# The API over the real app
# ---------------------------------------------------------------------------------------------------------------


def test_only_the_public_api_is_exposed(client) -> None:  # type: ignore[no-untyped-def]
    endpoints = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert endpoints == {"/ask", "/export", "/context", "/facts", "/judgements"}


def test_ask_rates_bexley_good_and_cites_the_bexley_report(client, server) -> None:  # type: ignore[no-untyped-def]
    result = client.predict(BEXLEY, "[]", api_name="/ask")
    assert result["question"] == BEXLEY
    assert not result["refused"]
    assert "Good" in result["answer"]
    assert "[1]" in result["answer"]
    bexley = [c for c in result["citations"] if "bexley" in c["document"].lower()]
    assert bexley, result["citations"]
    for c in result["citations"]:
        paragraph = server.assistant.paragraph(c["document"], c["paragraph"])
        assert paragraph is not None and c["quote"] in paragraph.text


def test_follow_up_uses_the_earlier_question(client) -> None:  # type: ignore[no-untyped-def]
    result = client.predict(FOLLOW_UP, json.dumps([BEXLEY]), api_name="/ask")
    assert not result["refused"]
    assert "5" in result["answer"] or "five" in result["answer"].lower()
    assert any("bexley" in c["document"].lower() for c in result["citations"])


def test_export_writes_a_briefing_with_quotes_and_sources(client) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as WordDocument

    asked = [
        client.predict(BEXLEY, "[]", api_name="/ask"),
        client.predict(FOLLOW_UP, json.dumps([BEXLEY]), api_name="/ask"),
    ]
    citations = [c for a in asked for c in a["citations"]]
    assert citations
    files = client.predict(json.dumps([BEXLEY, FOLLOW_UP]), "2024-11-06", api_name="/export")
    paths = [Path(f) for f in files]
    assert sorted(p.suffix for p in paths) == [".docx", ".md"]
    doc = WordDocument(str(next(p for p in paths if p.suffix == ".docx")))
    texts = [p.text for p in doc.paragraphs]
    full = "\n".join(texts)
    assert "As at 6 November 2024" in full
    assert any(t.startswith("1. ") and BEXLEY in t for t in texts)
    assert any(t.startswith("2. ") and FOLLOW_UP in t for t in texts)
    notes = texts[texts.index("Notes") :]
    assert all(any(c["quote"] in t for t in notes) for c in citations)
    assert "Annex: sources" in texts
    annex = texts[texts.index("Annex: sources") :]
    assert all(any(c["title"] in t for t in annex) for c in citations)
    markdown = next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")
    assert "[^1]" in markdown and "As at 6 November 2024" in markdown


def test_context_returns_the_paragraph_and_its_neighbours(client) -> None:  # type: ignore[no-untyped-def]
    fact = next(r for r in client.predict(api_name="/facts") if r["kind"] == "overall_rating")
    rows = client.predict(fact["document"], fact["paragraph"], api_name="/context")
    ordinals = [r["paragraph"] for r in rows]
    assert fact["paragraph"] in ordinals and len(rows) > 1
    assert all(abs(o - fact["paragraph"]) <= 3 for o in ordinals)
    assert fact["quote"] in next(r["text"] for r in rows if r["paragraph"] == fact["paragraph"])


def test_facts_name_their_source_paragraph(client, server) -> None:  # type: ignore[no-untyped-def]
    rows = client.predict(api_name="/facts")
    ratings = [r for r in rows if r["kind"] == "overall_rating" and "bexley" in (r["subject"] or "").lower()]
    assert ratings and {r["value"] for r in ratings} == {"Good"}
    for r in ratings:
        paragraph = server.assistant.paragraph(r["document"], r["paragraph"])
        assert paragraph is not None and r["quote"] in paragraph.text


def test_feedback_lines_become_draft_questions(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import ui
    from evals.feedback import drafts_from_feedback

    first = Turn(BEXLEY, server.assistant.ask(BEXLEY))
    follow = Turn(FOLLOW_UP, server.assistant.ask(FOLLOW_UP, (first,)))
    log = tmp_path / "feedback.jsonl"
    ui.append_feedback(log, follow, (first,), "down", "should name the report")
    ui.append_feedback(log, first, (), "up", "")
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [x["rating"] for x in lines] == ["down", "up"]
    assert lines[0]["history"] == [BEXLEY] and lines[0]["citations"] and lines[0]["timestamp"]
    drafts = drafts_from_feedback(log)
    assert FOLLOW_UP in drafts and BEXLEY in drafts  # the down-rated follow-up, with its history


def test_feedback_goes_next_to_the_index_unless_configured(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import ui
    from assistant.config import Settings

    settings = Settings(index_dir=tmp_path / "idx")
    assert ui.feedback_path(settings) == tmp_path / "feedback.jsonl"
    monkeypatch.setenv("ASSISTANT_FEEDBACK", str(tmp_path / "elsewhere.jsonl"))
    assert ui.feedback_path(settings) == tmp_path / "elsewhere.jsonl"


def test_missing_index_is_a_clear_message_not_a_traceback(monkeypatch, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import ui

    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "no-index"))
    monkeypatch.setattr(ui, "launch", lambda *a, **k: pytest.fail("must not serve without an index"))
    assert ui.main() == 2
    err = capsys.readouterr().err
    assert "make run" in err and "python -m assistant ingest corpus" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------------------------
# Rendering helpers: untrusted text stays text
# ---------------------------------------------------------------------------------------------------------------


def test_source_panel_marks_the_quote_and_escapes_html() -> None:
    import ui
    from assistant.types import Paragraph

    quote = "read <script>window.__pwned=1</script> today"
    paragraphs = [
        Paragraph("d", 1, "Before <b>bold</b>.", section="1.0 Purpose"),
        Paragraph("d", 2, f"It {quote}.", label="1.1", section="1.0 Purpose"),
    ]
    out = ui.render_context(paragraphs, 2, quote, "Title <i>", "meta")
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "<mark>read &lt;script&gt;window.__pwned=1&lt;/script&gt; today</mark>" in out
    assert out.count("para cited") == 1 and "data-paragraph='2'" in out.split("para cited")[1][:40]


def test_chat_markdown_cannot_carry_html_or_lose_numbers() -> None:
    import ui

    text = ui.escape_markdown('1. see <img src=x onerror="alert(1)"> and *this* [2]')
    assert "<img" not in text and "&lt;img" in text
    assert text.startswith("1\\.") and "\\*this\\*" in text and "\\[2\\]" in text
    assert "Not in the documents" in ui.render_answer("The documents don't say.", refused=True)
    assert "Not in the documents" not in ui.render_answer("Rated Good [1].", refused=False)


def test_streaming_splits_after_sentences_keeping_markers() -> None:
    import ui

    assert ui.sentences("Rated Good [1]. It made 5 recommendations [2]. Score 27/36 [3].") == [
        "Rated Good [1].", "It made 5 recommendations [2].", "Score 27/36 [3].",
    ]


# ---------------------------------------------------------------------------------------------------------------
# briefing.py
# ---------------------------------------------------------------------------------------------------------------


def _citation(marker: int, document: str, quote: str, label: str | None = "6.1") -> Citation:
    return Citation(
        marker=marker, source=f"corpus/{document}.txt", document=document, title=f"Report {document}",
        section="6 Findings", label=label, paragraph=12, page=None, quote=quote, date="2024-07",
    )


def _turns() -> list[Turn]:
    a1 = Answer(
        "How was A rated?", "A was rated Good [1]. It made five recommendations [2].", False,
        (_citation(1, "alpha", "A was rated 'Good'."), _citation(2, "alpha", "We made five recommendations.", None)),
    )
    a2 = Answer("And B?", "B was rated *Inadequate* [1].", False, (_citation(1, "beta", "B <b>Inadequate</b>"),))
    a3 = Answer("What about C?", "The documents don't say.", True)
    return [Turn(a1.question, a1), Turn(a2.question, a2), Turn(a3.question, a3), Turn("unanswered")]


def test_briefing_markdown_numbers_paragraphs_and_renumbers_notes() -> None:
    md = briefing_markdown(_turns(), date(2024, 11, 6))
    assert md.startswith("# Committee briefing note")
    assert "As at 6 November 2024" in md
    assert "## 1. How was A rated?" in md and "## 2. And B?" in md and "## 3. What about C?" in md
    assert "unanswered" not in md
    # The second answer's [1] is the briefing's third note.
    assert "A was rated Good[^1]" in md and "recommendations[^2]" in md and "Inadequate\\*[^3]" in md
    assert "[^2]: \u201cWe made five recommendations.\u201d \u2014 Report alpha (July 2024), 6 Findings." in md
    note1 = next(line for line in md.splitlines() if line.startswith("[^1]:"))
    assert "\u201cA was rated 'Good'.\u201d" in note1 and "paragraph 6.1" in note1
    assert "<b>" not in md and "&lt;b&gt;" in md
    annex = md.split("## Annex: sources")[1]
    assert "corpus/alpha.txt" in annex and annex.count("Report alpha") == 1 and annex.count("Report beta") == 1


def test_briefing_docx_has_superscript_notes_quotes_and_annex(tmp_path: Path) -> None:
    from docx import Document as WordDocument

    path = briefing_docx(_turns(), date(2024, 11, 6), tmp_path / "out" / "b.docx")
    doc = WordDocument(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Committee briefing note" and "As at 6 November 2024" in texts
    assert "1. How was A rated?" in texts and "3. What about C?" in texts
    body = next(p for p in doc.paragraphs if p.text.startswith("1.1 "))
    supers = [r.text for r in body.runs if r.font.superscript]
    assert supers == ["1", "2"]
    notes = texts[texts.index("Notes") + 1 : texts.index("Annex: sources")]
    assert len(notes) == 3 and notes[2].startswith("3") and "B <b>Inadequate</b>" in notes[2]
    annex = texts[texts.index("Annex: sources") + 1 :]
    assert annex == ["1. Report alpha (July 2024) \u2014 corpus/alpha.txt", "2. Report beta (July 2024) \u2014 corpus/beta.txt"]


def test_briefing_of_nothing_says_so(tmp_path: Path) -> None:
    assert "No answered questions" in briefing_markdown([], date(2024, 1, 2))
    from docx import Document as WordDocument

    doc = WordDocument(str(briefing_docx([], date(2024, 1, 2), tmp_path / "e.docx")))
    assert any("No answered questions" in p.text for p in doc.paragraphs)
    assert not any(p.text == "Notes" for p in doc.paragraphs)


def test_ratings_chart_ranks_each_grade_on_its_own_scale() -> None:
    import ui
    from assistant.types import Fact

    def rating(subject: str, value: str, scale: str, year: int) -> Fact:
        return Fact(subject, "overall_rating", value, "d", "s", 1, value, scale=scale, year=year)

    facts = [
        rating("A YJS", "Good", "hmip_youth_2018", 2024),
        rating("B YOS", "good", "hmip_joint_legacy", 2015),
        rating("C YJS", "Inadequate", "hmip_youth_2018", 2019),
        Fact("A YJS", "score", "27/36", "d", "s", 2, "27/36", year=2024),
    ]
    ax = ui.ratings_figure(facts).axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == [3, 4, 1]  # Good is second of four on the 2018 scale, "good" top of the legacy one
    assert [t.get_text() for t in ax.texts] == ["Good", "good", "Inadequate"]
