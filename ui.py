"""The chat UI: Gradio Blocks over the library's public API (`python ui.py`, served on 127.0.0.1:7860).

Tabs: Chat (streamed answers, numbered sources, filters, briefing export, thumbs up/down feedback), Facts (the
facts table and a ratings chart), Evaluators (run a question set). A side panel shows a cited paragraph in context.

API endpoints (gradio_client): ``/ask``, ``/export``, ``/context``, ``/facts``, ``/judgements``; every UI event is private.
Untrusted text (documents, questions) is escaped before it is rendered: it is shown, never executed.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assistant.offline import go_offline

# Gradio reads its telemetry switch when imported, so the offline switches must be set first.
go_offline()

import gradio as gr  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from assistant import judgements  # noqa: E402
from assistant.api import answer_json  # noqa: E402
from assistant.briefing import briefing_docx, briefing_markdown, where  # noqa: E402
from assistant.config import Settings, load_settings  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.errors import AssistantError, IndexMissing  # noqa: E402
from assistant.facts import SCALES, facts_table  # noqa: E402
from assistant.numbers import date_text  # noqa: E402
from assistant.types import Citation, Fact, Filters, Paragraph, Turn  # noqa: E402
from assistant.users import load_users, normalise_role, users_file, verify  # noqa: E402

ROOT = Path(__file__).resolve().parent
EVAL_SETS = ROOT / "evals" / "sets"
EXAMPLES = [
    "How did inspectors rate Bexley?",
    "How many recommendations did the inspection make?",
    "What did the committee report say about the inspection findings?",
    "Which areas were rated requires improvement?",
]
PRIVATE = "private"  # Gradio 6: internal events are hidden from the API docs and from client libraries
FACT_COLUMNS = ["subject", "kind", "name", "value", "year", "document", "paragraph", "label", "quote", "conflicts_with"]
CSS = """
.source-panel .para { padding: .4em .6em; margin: .3em 0; border-left: 3px solid transparent; color: #555; }
.source-panel .para.cited { border-left-color: #d97706; background: #fff7e6; color: inherit; font-weight: 500; }
.source-panel mark { background: #fde047; padding: 0 .1em; }
.source-panel .label { font-weight: 600; margin-right: .4em; }
.source-panel .meta { color: #666; font-size: .9em; }
"""


# ---------------------------------------------------------------------------------------------------------------
# Session state and pure helpers (no Gradio)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRef:
    """What one chat message is: a question, an answer or a source (with the turn it belongs to)."""

    turn: int | None
    citation: Citation | None = None


@dataclass(frozen=True)
class Session:
    """One browser session's conversation: the turns for follow-ups and what each chat message refers to."""

    turns: tuple[Turn, ...] = ()
    messages: tuple[MessageRef, ...] = ()


def escape_markdown(text: str) -> str:
    """Untrusted text as literal Markdown: HTML escaped, Markdown/LaTeX punctuation and list markers backslashed."""
    text = re.sub(r"([\\`*_\[\]#|~$])", r"\\\1", html.escape(text, quote=False))
    # "1. The committee..." would otherwise become a list item and lose its number.
    text = re.sub(r"(?m)^(\s*\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"(?m)^(\s*)([-+])(?=\s)", r"\1\\\2", text)


def sentences(text: str) -> list[str]:
    """The answer cut after each sentence (markers stay with their sentence), for streaming."""
    return [p for p in re.split(r"(?<=[.!?])\s+(?=\S)", text) if p] or [text]


def render_answer(text: str, refused: bool, exempt: bool = False) -> str:
    """Chat Markdown for an answer; a refusal is a distinct notice, an answer from Part 2 text is marked."""
    body = escape_markdown(text)
    if refused:
        return f"**Not in the documents.**\n\n> {body}"
    if exempt:
        return f"**PART 2 (exempt): quotes papers not for publication.**\n\n{body}"
    return body


def citation_meta(c: Citation) -> str:
    """Title, date, section, paragraph label and page of a citation, unknown parts left out."""
    when = date_text(c.date)
    bits = [c.title or c.document, when, where(c) or None]
    return " \u00b7 ".join(b for b in bits if b)


def render_source(c: Citation) -> str:
    """Chat Markdown for one numbered source under an answer."""
    return f"**Source \\[{c.marker}\\]** {escape_markdown(citation_meta(c))} \u2014 *click to view in context*"


def highlight(text: str, quote: str | None) -> str:
    """Escaped paragraph text with the (verbatim) quote wrapped in <mark>."""
    if quote:
        at = text.find(quote)
        if at >= 0:
            return (
                html.escape(text[:at]) + "<mark>" + html.escape(quote) + "</mark>" + html.escape(text[at + len(quote) :])
            )
    return html.escape(text)


def render_context(
    paragraphs: Sequence[Paragraph], cited: int, quote: str | None, heading: str, meta: str
) -> str:
    """The side panel's HTML: the cited paragraph emphasised among its neighbours, the quote highlighted."""
    if not paragraphs:
        return f"<div class='source-panel'><p>{html.escape(heading)}: paragraph not available.</p></div>"
    rows = [f"<div class='source-panel'><h3>{html.escape(heading)}</h3><p class='meta'>{html.escape(meta)}</p>"]
    section = None
    for p in paragraphs:
        if p.section and p.section != section:
            rows.append(f"<h4>{html.escape(p.section)}</h4>")
            section = p.section
        is_cited = p.ordinal == cited
        # Many paragraphs begin with their own number; printing the label again would read "3.3 3.3".
        show_label = p.label and p.label not in p.text[: len(p.label) + 4]
        label = f"<span class='label'>{html.escape(p.label)}</span> " if show_label and p.label else ""
        page = f" <span class='meta'>(p. {p.page})</span>" if p.page is not None else ""
        text = highlight(p.text, quote) if is_cited else html.escape(p.text)
        cls = "para cited" if is_cited else "para"
        rows.append(f"<div class='{cls}' data-paragraph='{p.ordinal}'>{label}{text}{page}</div>")
    rows.append("</div>")
    return "\n".join(rows)


def earlier_questions(session_json: str | None) -> list[str]:
    """Earlier questions from an API session: a JSON list of strings or of objects with a ``question``."""
    if not session_json or not session_json.strip():
        return []
    try:
        raw = json.loads(session_json)
    except json.JSONDecodeError as err:
        raise gr.Error(f"session is not JSON ({err.msg}): pass a list of earlier questions") from None
    if not isinstance(raw, list):
        raise gr.Error("session must be a JSON list of earlier questions")
    out = []
    for item in raw:
        q = item.get("question") if isinstance(item, dict) else item
        if isinstance(q, str) and q.strip():
            out.append(q)
    return out


def replay(assistant: Assistant, questions: Sequence[str], role: str = "public") -> list[Turn]:
    """Rebuild a conversation by asking its questions again in order (follow-ups resolve as they did)."""
    turns: list[Turn] = []
    for q in questions:
        turns.append(Turn(q, assistant.ask(q, tuple(turns), role=role)))
    return turns


def role_of(request: gr.Request | None) -> str:
    """The signed-in user's role from the users file; no sign-in (or an unknown user) means public."""
    name = getattr(request, "username", None) if request is not None else None
    if not name:
        return "public"
    return normalise_role(load_users().get(name, {}).get("role"))


def write_briefing(turns: Sequence[Turn], as_at: date, folder: Path | None = None) -> list[str]:
    """Write the DOCX and Markdown briefing for ``turns``; return both paths."""
    out = folder or Path(tempfile.mkdtemp(prefix="briefing-"))
    stem = f"briefing-{as_at.isoformat()}"
    docx_path = briefing_docx(turns, as_at, out / f"{stem}.docx")
    md_path = out / f"{stem}.md"
    md_path.write_text(briefing_markdown(turns, as_at), encoding="utf-8")
    return [str(docx_path), str(md_path)]


def write_judgements(facts: Sequence[Fact], folder: Path | None = None) -> str:
    """Write the judgements table across councils (one row per inspection, every cell cited) as CSV; its path."""
    out = folder or Path(tempfile.mkdtemp(prefix="judgements-"))
    path = out / "judgements.csv"
    path.write_text(judgements.to_csv(judgements.inspections(facts)), encoding="utf-8")
    return str(path)


def parse_date(text: str | None) -> date:
    """An ISO date from the export box; blank means today."""
    if not text or not text.strip():
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise gr.Error(f"'as at' date {text!r} is not a date: use YYYY-MM-DD") from None


def feedback_path(settings: Settings) -> Path:
    """ASSISTANT_FEEDBACK, else feedback.jsonl next to the index folder."""
    env = os.environ.get("ASSISTANT_FEEDBACK")
    return Path(env) if env else Path(settings.index_dir).resolve().parent / "feedback.jsonl"


def append_feedback(path: Path, turn: Turn, history: Sequence[Turn], rating: str, comment: str) -> dict[str, Any]:
    """Append one feedback line (question, history, answer, citations, rating, comment, timestamp)."""
    answer = turn.answer
    record = {
        "id": uuid.uuid4().hex,
        "question": turn.question,
        "history": [t.question for t in history],
        "answer": answer.text if answer else "",
        "refused": answer.refused if answer else None,
        "citations": answer_json(answer)["citations"] if answer else [],
        "rating": rating,
        "comment": comment.strip(),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


def grade_rank(value: str, scale: str | None) -> int:
    """4 for a scale's top grade down to 1 for its lowest; 0 when the value is not on the scale."""
    for name, terms in SCALES.items():
        if scale in (None, name):
            lowered = [t.lower() for t in terms]
            if value.lower() in lowered:
                return len(terms) - lowered.index(value.lower())
    return 0


def ratings_figure(facts: Sequence[Fact]) -> Figure:
    """Overall ratings by service and inspection year as a horizontal bar chart, each bar labelled with its grade."""
    seen: dict[tuple[str, int | None, str], Fact] = {}
    for f in facts:
        if f.kind == "overall_rating":
            seen.setdefault((f.subject or f.document, f.year, f.value), f)
    rows = sorted(seen.values(), key=lambda f: (f.subject or "", f.year or 0))
    fig = Figure(figsize=(7, max(2.5, 0.8 * len(rows) + 1.2)))
    ax = fig.add_subplot()
    if not rows:
        ax.text(0.5, 0.5, "No overall ratings in the index", ha="center", va="center")
        ax.set_axis_off()
        return fig
    colours = {4: "#4ade80", 3: "#a3e635", 2: "#fbbf24", 1: "#f87171"}
    labels = [textwrap.fill(f"{f.subject or f.document} ({f.year or 'year unknown'})", 26) for f in rows]
    ranks = [grade_rank(f.value, f.scale) for f in rows]
    ax.barh(range(len(rows)), ranks, color=[colours.get(r, "#9ca3af") for r in ranks])
    for i, f in enumerate(rows):
        note = " (disputed)" if f.conflicts_with else ""
        ax.text(0.08, i, f"{f.value}{note}", va="center", color="black", fontweight="bold")
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlim(0, 4)
    ax.set_xticks([1, 2, 3, 4], ["4th", "3rd", "2nd", "top"])
    ax.set_xlabel("grade on its inspection scale")
    ax.invert_yaxis()
    ax.set_title("Overall ratings by service and year", fontsize=11)
    fig.tight_layout()
    return fig


def eval_sets() -> list[str]:
    """The question sets shipped in evals/sets."""
    return sorted(str(p.relative_to(ROOT)) for p in EVAL_SETS.glob("*.yaml"))


# ---------------------------------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------------------------------


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Blocks app around an open Assistant (tests build it over a temporary index)."""
    records = assistant.retriever.documents
    def doc_choices(role: str) -> list[tuple[str, str]]:
        allowed = assistant.retriever.allowed(None, None, role)
        return sorted(((r.meta.title or d), d) for d, r in assistant.retriever.documents.items() if d in allowed)

    bodies = sorted({r.meta.body for r in records.values() if r.meta.body})
    kinds = sorted({r.meta.kind for r in records.values() if r.meta.kind})
    years = sorted({str(r.meta.year) for r in records.values() if r.meta.year}, reverse=True)
    feedback_log = feedback_path(assistant.settings)

    def title_of(doc_id: str) -> str:
        rec = assistant.retriever.documents.get(doc_id)
        return (rec.meta.title if rec and rec.meta.title else None) or doc_id

    def show_source(document: str, paragraph: int, quote: str | None, role: str) -> str:
        items = assistant.context(document, paragraph, radius=3, role=role)
        rec = assistant.retriever.documents.get(document)
        meta = " \u00b7 ".join(
            x for x in ((rec.meta.body, date_text(rec.meta.date), rec.source) if rec else ()) if x
        )
        return render_context(items, paragraph, quote, title_of(document), meta)

    # ---- chat ------------------------------------------------------------------------------------------------
    def respond(
        question: str,
        messages: list[dict[str, Any]],
        session: Session,
        documents: list[str],
        body: list[str],
        kind: list[str],
        year: list[str],
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield messages, session, gr.skip(), gr.skip()
            return
        assistant.refresh()
        filters = Filters(
            documents=tuple(documents or ()), bodies=tuple(body or ()), kinds=tuple(kind or ()),
            years=tuple(int(y) for y in year or ()),
        )
        has_filters = any((filters.documents, filters.bodies, filters.kinds, filters.years))
        messages = [*messages, {"role": "user", "content": escape_markdown(question)}]
        yield [*messages, {"role": "assistant", "content": "\u2026"}], session, "", gr.skip()
        answer = assistant.ask(question, session.turns, filters if has_filters else None, role=role_of(request))
        turn_no = len(session.turns)
        refs = [*session.messages, MessageRef(turn_no)]
        if not answer.refused:
            shown = ""
            for piece in sentences(answer.text):
                shown += piece if not shown else " " + piece
                yield [*messages, {"role": "assistant", "content": render_answer(shown, False, answer.classification == "part2")}], session, "", gr.skip()
        exempt = answer.classification == "part2"
        messages = [*messages, {"role": "assistant", "content": render_answer(answer.text, answer.refused, exempt)}]
        refs.append(MessageRef(turn_no))
        for c in answer.citations:
            messages.append({"role": "assistant", "content": render_source(c)})
            refs.append(MessageRef(turn_no, c))
        new = Session(turns=(*session.turns, Turn(question, answer)), messages=tuple(refs))
        choices = [(f"{i + 1}. {t.question}", str(i)) for i, t in enumerate(new.turns)]
        yield messages, new, "", gr.update(choices=choices, value=[str(i) for i in range(len(new.turns))])

    def clear() -> tuple[Any, ...]:
        return [], Session(), gr.update(choices=[], value=[]), ""

    def open_message(session: Session, evt: gr.SelectData, request: gr.Request) -> Any:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if not 0 <= index < len(session.messages):
            return gr.skip()
        ref = session.messages[index]
        if ref.citation is None:
            return gr.skip()
        c = ref.citation
        return show_source(c.document, c.paragraph, c.quote, role_of(request))

    def on_like(session: Session, comment: str, evt: gr.LikeData) -> tuple[Any, ...]:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if not 0 <= index < len(session.messages) or session.messages[index].turn is None:
            return gr.skip(), gr.skip()
        turn_no = session.messages[index].turn
        assert turn_no is not None
        liked = evt.liked is True or str(evt.liked).lower() == "like"
        rating = "up" if liked else "down"
        append_feedback(feedback_log, session.turns[turn_no], session.turns[:turn_no], rating, comment or "")
        gr.Info(f"Thanks: feedback ({rating}) saved to {feedback_log.name}.")
        return "", f"Feedback saved: {rating} on \u201c{html.escape(session.turns[turn_no].question)}\u201d."

    def export_ui(session: Session, selected: list[str], as_at_text: str) -> list[str]:
        chosen = {int(i) for i in selected or ()}
        turns = [t for i, t in enumerate(session.turns) if i in chosen]
        if not turns:
            raise gr.Error("Nothing to export: ask a question first (and tick the answers to include).")
        return write_briefing(turns, parse_date(as_at_text))

    # ---- API endpoints (stable names) ----------------------------------------------------------------------
    def api_ask(question: str, session: str = "[]", request: gr.Request = None) -> dict[str, Any]:  # type: ignore[assignment]
        """Answer a question; `session` is a JSON list of the earlier questions of the conversation."""
        assistant.refresh()
        role = role_of(request)
        turns = replay(assistant, earlier_questions(session), role)
        return answer_json(assistant.ask(question, turns, role=role))

    def api_export(session: str, as_at: str, request: gr.Request) -> list[str]:
        """A briefing note (DOCX, Markdown) answering a JSON list of questions, asked in order."""
        turns = replay(assistant, earlier_questions(session), role_of(request))
        if not turns:
            raise gr.Error("Nothing to export: pass a JSON list of questions")
        return write_briefing(turns, parse_date(as_at))

    def api_context(document: str, paragraph: int, request: gr.Request = None) -> list[dict[str, Any]]:  # type: ignore[assignment]
        """The paragraphs around paragraph `paragraph` (1-based ordinal) of `document`."""
        return [
            {
                "document": p.doc_id, "paragraph": p.ordinal, "label": p.label, "section": p.section,
                "page": p.page, "kind": p.kind, "text": p.text,
            }
            for p in assistant.context(document, int(paragraph), radius=3, role=role_of(request))
        ]

    def api_facts(request: gr.Request = None) -> list[dict[str, Any]]:  # type: ignore[assignment]
        """Every extracted fact with its document, paragraph and verbatim quote."""
        return facts_table(assistant.facts(role=role_of(request)))

    def api_judgements(request: gr.Request = None) -> list[dict[str, Any]]:  # type: ignore[assignment]
        """One row per inspection with a judgement table: council, framework, dates, lead inspector, each area's
        judgement and overall, every cell with its document, page, paragraph and quote."""
        return judgements.table_rows(judgements.inspections(assistant.facts(role=role_of(request))))

    def judgements_download(request: gr.Request) -> str:
        return write_judgements(assistant.facts(role=role_of(request)))

    # ---- facts and evaluators ------------------------------------------------------------------------------
    def facts_frame(role: str) -> list[list[Any]]:
        rows = facts_table(assistant.facts(role=role))
        return [
            [", ".join(map(str, r[c])) if isinstance(r.get(c), list) else r.get(c) for c in FACT_COLUMNS] for r in rows
        ]

    def open_fact(evt: gr.SelectData, request: gr.Request) -> Any:
        row = evt.row_value
        if not row:
            return gr.skip()
        values = dict(zip(FACT_COLUMNS, row, strict=False))
        try:
            return show_source(
                str(values["document"]), int(values["paragraph"]), str(values["quote"]), role_of(request)
            )
        except (KeyError, TypeError, ValueError):
            return gr.skip()

    def run_set(set_path: str) -> tuple[str, list[list[Any]]]:
        from evals.runner import run_eval  # the harness is only needed when an evaluator runs a set

        if not set_path:
            raise gr.Error("Choose a question set first.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        out = Path(assistant.settings.index_dir).resolve().parent / "eval-runs" / f"ui-{Path(set_path).stem}-{stamp}"
        try:
            summary = run_eval(ROOT / set_path, assistant, out, progress=False)
        except AssistantError as err:
            raise gr.Error(str(err)) from None
        metrics = summary.metrics.to_json()
        lines = [
            f"### {html.escape(summary.set_name)} v{html.escape(summary.set_version)}: "
            f"{metrics['passed']}/{metrics['questions']} passed",
            "",
            "| metric | value |",
            "|---|---|",
            *(f"| {k} | {v} |" for k, v in metrics.items() if not isinstance(v, dict)),
            "",
            f"Files: `{summary.out_dir}`",
        ]
        table = []
        for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            failures = [f"{n}: {c['message']}" for n, c in r.get("checks", {}).items() if not c.get("passed")]
            table.append(
                [r.get("id"), "pass" if r.get("passed") else "FAIL", r.get("question"), r.get("answer"),
                 r.get("refused"), "; ".join(failures)]
            )
        return "\n".join(lines), table

    # ---- layout ----------------------------------------------------------------------------------------------
    with gr.Blocks(title="Council documents assistant") as app:
        session = gr.State(Session())
        gr.Markdown(
            "## Council documents assistant\nAnswers come only from the indexed inspection and committee "
            "documents, with numbered sources. Click a source to read it in context."
        )
        with gr.Row():
            with gr.Column(scale=3):
                with gr.Tabs():
                    with gr.Tab("Chat"):
                        chatbot = gr.Chatbot(
                            label="Conversation", height=480, sanitize_html=True, render_markdown=True,
                            latex_delimiters=[], elem_id="chat", feedback_options=("Like", "Dislike"),
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Ask about the inspection and committee documents",
                                show_label=False, scale=5, elem_id="question", submit_btn=True,
                            )
                            clear_btn = gr.Button("New conversation", scale=1)
                        gr.Examples(EXAMPLES, inputs=[question], label="Try")
                        comment = gr.Textbox(
                            label="Optional comment for your next thumbs up/down", lines=1, elem_id="comment"
                        )
                        feedback_note = gr.Markdown()
                        with gr.Accordion("Filters", open=False):
                            f_docs = gr.CheckboxGroup(doc_choices("public"), label="Documents")
                            f_bodies = gr.CheckboxGroup(bodies, label="Bodies")
                            f_kinds = gr.CheckboxGroup(kinds, label="Kinds")
                            f_years = gr.CheckboxGroup(years, label="Years")
                        with gr.Accordion("Export briefing note", open=True):
                            pick = gr.CheckboxGroup([], label="Answers to include", elem_id="export-pick")
                            as_at = gr.Textbox(value=date.today().isoformat(), label="As at (YYYY-MM-DD)")
                            export_btn = gr.Button("Export briefing (DOCX + Markdown)", elem_id="export")
                            files = gr.File(label="Briefing", file_count="multiple", elem_id="briefing-files")
                    with gr.Tab("Facts"):
                        gr.Markdown("Every extracted fact with its source paragraph. Click a row to read it in context.")
                        facts_df = gr.Dataframe(
                            headers=FACT_COLUMNS, interactive=False, show_search="filter",
                            wrap=True, max_height=420,
                        )
                        ratings_plot = gr.Plot(label="Overall ratings")
                        judgements_btn = gr.Button(
                            "Download the judgements table (CSV: one row per inspection, every cell cited)",
                            elem_id="judgements-download",
                        )
                        judgements_out = gr.File(label="Judgements table", elem_id="judgements-file")
                    with gr.Tab("Evaluators"):
                        sets = eval_sets()
                        set_pick = gr.Dropdown(sets, value=sets[0] if sets else None, label="Question set")
                        run_btn = gr.Button("Run the set")
                        summary_md = gr.Markdown()
                        results_df = gr.Dataframe(
                            headers=["id", "result", "question", "answer", "refused", "failed checks"],
                            interactive=False, wrap=True, show_search="filter",
                        )
            with gr.Column(scale=2):
                source_panel = gr.HTML(
                    "<div class='source-panel'><p>Click a numbered source to see its paragraph in context.</p></div>",
                    label="Source", elem_id="source-panel",
                )

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            role = role_of(request)  # what this user may see: facts, chart and the documents to filter by
            return facts_frame(role), ratings_figure(assistant.facts(role=role)), gr.update(choices=doc_choices(role))

        app.load(on_load, None, [facts_df, ratings_plot, f_docs], api_visibility=PRIVATE)
        filters_in = [f_docs, f_bodies, f_kinds, f_years]
        question.submit(
            respond, [question, chatbot, session, *filters_in], [chatbot, session, question, pick],
            api_visibility=PRIVATE,
        )
        clear_btn.click(clear, None, [chatbot, session, pick, source_panel], api_visibility=PRIVATE)
        chatbot.clear(clear, None, [chatbot, session, pick, source_panel], api_visibility=PRIVATE)
        chatbot.select(open_message, [session], [source_panel], api_visibility=PRIVATE)
        chatbot.like(on_like, [session, comment], [comment, feedback_note], api_visibility=PRIVATE)
        export_btn.click(export_ui, [session, pick, as_at], [files], api_visibility=PRIVATE)
        facts_df.select(open_fact, None, [source_panel], api_visibility=PRIVATE)
        run_btn.click(run_set, [set_pick], [summary_md, results_df], api_visibility=PRIVATE)
        judgements_btn.click(judgements_download, None, [judgements_out], api_visibility=PRIVATE)

        # The API: /ask, /context, /facts from typed functions; /export needs File outputs, so hidden components.
        gr.api(api_ask, api_name="ask")
        gr.api(api_context, api_name="context")
        gr.api(api_facts, api_name="facts")
        gr.api(api_judgements, api_name="judgements")
        with gr.Row(visible=False):
            x_session = gr.Textbox()
            x_as_at = gr.Textbox()
            x_files = gr.File(file_count="multiple")
            x_btn = gr.Button()
        x_btn.click(api_export, [x_session, x_as_at], [x_files], api_name="export")
    return app


def launch(app: gr.Blocks, **kwargs: Any) -> Any:
    """Start serving ``app`` with the UI's CSS (tests pass a port and prevent_thread_lock).

    With a users file (``ASSISTANT_USERS``, default ``users.json``) everyone signs in and gets their role; without
    one there is no sign-in and everyone is ``public`` (Part 1 documents only).
    """
    kwargs.setdefault("server_name", os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1")
    if "auth" not in kwargs and users_file().exists():
        kwargs["auth"] = lambda username, password: verify(username, password) is not None
        kwargs.setdefault("auth_message", "Sign in to see exempt (Part 2) papers your role allows.")
    # Answering is thread-safe and mostly waits on numpy/onnxruntime: serve several sessions at once.
    app.queue(default_concurrency_limit=int(os.environ.get("ASSISTANT_UI_CONCURRENCY", "8")))
    return app.launch(css=CSS, **kwargs)


def main() -> int:
    """Open the index and serve the UI; a missing index is one clear line, not a traceback."""
    try:
        settings = load_settings()
        assistant = Assistant(settings)
    except IndexMissing as err:
        print(
            f"error: no documents to answer from ({err}).\n"
            "Build the index first: `make run` (ingests corpus/ and starts the UI) or "
            "`python -m assistant ingest corpus`, then `python ui.py`.",
            file=sys.stderr,
        )
        return 2
    except AssistantError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    launch(build_app(assistant))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
