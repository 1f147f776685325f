"""Recommendations, how many were made (and to whom), and action-plan rows.

Recommendation lists are read the way inspectorates write them: "X should:" followed by numbered or bulleted
items (the addressee carries forward until the next "Y should:"), inline "1. X should: ...", "Recommendation N"
headings or table columns, and counts ("we have made five recommendations", "The Board received 4").
Action plans are tables whose header has an action/area column and a lead, deadline or status column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.evidence import COMMITTEE_ASK
from ingest.facts_text import NUM, Builder, Line, display, number, sentences

_COUNT_TOTAL = re.compile(
    rf"\b(?:made|make|makes|raised|raise|raises|identified|contains?|includes?|with|were|are|is|gave|given|has|have)"
    rf"\s+(?:a\s+total\s+of\s+|total\s+of\s+|the\s+following\s+)?(?P<n>{NUM})\s+(?:key\s+|main\s+|formal\s+|new\s+"
    rf"|further\s+|specific\s+|priority\s+)?recommendations?\b"
    rf"|\b(?P<n2>{NUM})\s+recommendations?\s+(?:were|have been|had been|was|has been)\s+(?:made|raised)",
    re.I,
)
_COUNT_TO = re.compile(
    rf"\b(?P<n>{NUM})\s+recommendations?\s+(?:set out\s+|made\s+|addressed\s+)?(?:for|to)\s+"
    rf"(?P<who>(?:the\s+)?[A-Z][\w&'’ -]{{2,80}}?)(?=\s+to\s+\w+|\s*[.,;:]|\s*$)"
)
_RECEIVED = re.compile(rf"(?P<who>(?:[Tt]he\s+)?[A-Z][\w&'’ -]{{2,80}}?)\s+received\s+(?P<n>{NUM})\b")
_SHOULD = re.compile(
    r"^(?P<who>(?:The\s+|the\s+)?[A-Z][^:.]{2,120}?)\s+should(?:\s+(?:make sure|ensure)(?:\s+that)?)?\s*:\s*"
    r"(?P<rest>.*)$",
    re.S,
)
_ITEM = re.compile(r"^\s*(?:[-•–*▪]\s*)?(?P<n>\d{1,2})[.)]\s+(?P<body>\S.*)$", re.S)
_BULLET = re.compile(r"^\s*[-•–*▪]\s+(?P<body>\S.*)$", re.S)
_REC_LABEL = re.compile(r"^\s*Recommendation\s+(?P<n>\d{1,2})\s*(?:[:.\-–]\s*(?P<body>\S.*))?$", re.S | re.I)
_ABOUT_INSPECTION = re.compile(
    r"(?:inspect\w*|HMIP|inspectorate)[^.]{0,80}\brecommendations?\b|\brecommendations?\b[^.]{0,80}"
    r"(?:inspect\w*|HMIP|inspectorate)",
    re.I,
)


def _who(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .,:;")
    return text[:1].upper() + text[1:]


def extract_counts(out: Builder, lines: Sequence[Line]) -> None:
    """How many recommendations were made: in total (name None) and per recipient (name = the recipient)."""
    for line in lines:
        if line.cells is not None:
            continue
        for sentence in sentences(line.text):
            if "recommendation" not in sentence.lower():
                continue
            per_recipient = list(_COUNT_TO.finditer(sentence)) + list(_RECEIVED.finditer(sentence))
            for m in per_recipient:
                out.add(
                    line.para,
                    "recommendation_count",
                    str(number(m.group("n"))),
                    sentence,
                    name=_who(m.group("who")),
                )
            total = None if per_recipient else _COUNT_TOTAL.search(sentence)
            if total:
                out.add(
                    line.para,
                    "recommendation_count",
                    str(number(total.group("n") or total.group("n2"))),
                    sentence,
                )


@dataclass
class _Reading:
    """Where the reader is in a recommendations list."""

    about_inspection: bool
    listing: bool = False
    who: str | None = None
    pending: str | None = None  # a "Recommendation N" heading waiting for its text
    columns: tuple[str | None, ...] | None = None  # a row of "Recommendation N" headings waiting for texts
    taken: set[int] = field(default_factory=set)  # paragraphs labelled "Recommendation N" already read


def extract_recommendations(out: Builder, lines: Sequence[Line]) -> None:
    """Each recommendation: name = its number (None when unnumbered), extra addressed_to when stated."""
    about = out.doc.meta.kind in ("inspection_report", "press_release") or any(
        _ABOUT_INSPECTION.search(line.text) for line in lines
    )
    state = _Reading(about)
    for line in lines:
        if line.cells is not None:
            _row(out, line, state)
            continue
        state.columns = None
        _text_line(out, line, state)


def _add(out: Builder, line: Line, n: str | None, body: str, quote: str, state: _Reading) -> None:
    m = _SHOULD.match(body)
    if m:
        state.who = _who(m.group("who"))
        body = m.group("rest")
    if len(body.split()) < 5 or COMMITTEE_ASK.match(body):
        return
    extra = (("addressed_to", state.who),) if state.who else ()
    out.add(line.para, "recommendation", display(body), quote, name=n, extra=extra)


def _row(out: Builder, line: Line, state: _Reading) -> None:
    """Slides put recommendations in columns: a row of "Recommendation N" cells, then a row of their texts."""
    assert line.cells is not None
    cells = [display(c) for c in line.cells]
    heads = [_REC_LABEL.match(c) for c in cells]
    if sum(1 for h in heads if h and not h.group("body")) >= 2:
        state.columns = tuple(h.group("n") if h else None for h in heads)
        return
    if state.columns is not None:
        for n, raw, cell in zip(state.columns, line.cells, cells, strict=False):
            if n and cell:
                _add(out, line, n, cell, raw, state)
        state.columns = None
        return
    own = _REC_LABEL.match(line.para.label or "") or _REC_LABEL.match(line.para.context or "")
    filled = [(raw, c) for raw, c in zip(line.cells, cells, strict=True) if c]
    if own and not own.group("body") and len(filled) == 1 and not _REC_LABEL.match(filled[0][1]):
        # A splitter that already made each column its own row, labelled "Recommendation N".
        _add(out, line, own.group("n"), filled[0][1], filled[0][0], state)


def _text_line(out: Builder, line: Line, state: _Reading) -> None:
    text = line.text.strip()
    low = text.lower()
    heading = _REC_LABEL.match(text)
    if heading:
        if heading.group("body"):
            _add(out, line, heading.group("n"), heading.group("body"), text, state)
        else:
            state.pending = heading.group("n")
        return
    labelled = _REC_LABEL.match(line.para.label or "")
    if state.pending or (labelled and line.para.ordinal not in state.taken and line.para.kind != "heading"):
        n = state.pending or (labelled.group("n") if labelled else None)
        state.pending = None
        state.taken.add(line.para.ordinal)
        _add(out, line, n, text, text, state)
        return
    # "- The YOS should:" or, in a numbered committee report, "2.2 The Youth Justice Service should:"
    should = _SHOULD.match(re.sub(r"^\s*(?:[-•–*▪]|\d{1,2}(?:\.\d{1,2})+)\s*", "", text))
    if should and not should.group("rest").strip():
        state.listing, state.who = True, _who(should.group("who"))
        return
    item = _ITEM.match(text)
    if state.listing and item and (state.who or state.about_inspection or _SHOULD.match(item.group("body"))):
        _add(out, line, item.group("n"), item.group("body"), text[item.start("n") :], state)
        return
    bullet = _BULLET.match(text)
    if state.listing and state.who and bullet and "recommendation" not in low:
        _add(out, line, None, bullet.group("body"), bullet.group("body"), state)
        return
    if "recommendation" in low:
        intro = _COUNT_TO.search(text)
        if intro:
            state.who = _who(intro.group("who"))
        if (
            intro
            or re.search(r"as follows|following|below|these|were made|made:", low)
            or text.endswith(":")
            or len(text) < 60
            or _COUNT_TOTAL.search(text)
        ):
            state.listing = True
        return
    state.listing, state.who = False, None


# -- action plans --------------------------------------------------------------------------------

_COLUMN_KINDS = (
    ("num", re.compile(r"^(?:no\.?|#|ref\.?|number|item|rec(?:ommendation)? no\.?)$", re.I)),
    ("lead", re.compile(r"\b(?:leads?|lead officer|owners?|responsib\w*|accountable|who)\b", re.I)),
    (
        "when",
        re.compile(r"\b(?:when|deadline|due|timescale|target date|by when|completion date|date)\b", re.I),
    ),
    (
        "flag",
        re.compile(r"^(?:off[- ]?track|on[- ]?track|completed?|not started|in progress|achieved)$", re.I),
    ),
    ("status", re.compile(r"\b(?:status|rag|r\s?a\s?g|progress)\b", re.I)),
    ("action", re.compile(r"\bactions?\b|\bactivit", re.I)),
    ("area", re.compile(r"\b(?:recommendations?|areas?|focus|priority|improvement|issue|objective)\b", re.I)),
    ("theme", re.compile(r"\btheme\b", re.I)),
)


def _column_kinds(header: Sequence[str]) -> list[str | None]:
    return [next((k for k, rx in _COLUMN_KINDS if cell.strip() and rx.search(cell)), None) for cell in header]


def extract_actions(out: Builder, lines: Sequence[Line]) -> None:
    """Rows of an action-plan table: value = the action (else the area), name = row number, lead/deadline/status."""
    for line in lines:
        if line.cells is None or line.header is None or line.is_header:
            continue
        kinds = _column_kinds(line.header)
        if not ({"action", "area"} & set(kinds) and {"lead", "when", "status", "flag"} & set(kinds)):
            continue
        cells = list(line.cells) + [""] * max(0, len(kinds) - len(line.cells))
        found: dict[str, tuple[str, str]] = {}  # kind -> (header, cell), first filled column of each kind
        for kind, head, cell in zip(kinds, line.header, cells, strict=False):
            if kind and cell.strip() and kind not in found:
                found[kind] = (head, cell.strip())
        num = found.get("num", ("", ""))[1]
        if "num" in kinds and not re.fullmatch(r"\d{1,3}\.?", num):
            continue  # a group row ("Recommendations") or a continuation
        value_kind = "action" if "action" in found else "area"
        if value_kind not in found:
            continue
        extra: list[tuple[str, str]] = []
        if value_kind == "action" and "area" in found:
            extra.append(("recommendation", display(found["area"][1])))
        for kind, key in (("theme", "theme"), ("lead", "lead"), ("when", "deadline"), ("status", "status")):
            if kind in found:
                extra.append((key, found[kind][1]))
        if "status" not in found and "flag" in found:
            extra.append(("status", found["flag"][0]))  # the marked column's heading is the status
        out.add(
            line.para,
            "action",
            display(found[value_kind][1]),
            line.text.strip(),
            name=num.rstrip(".") or None,
            extra=tuple(extra),
        )
