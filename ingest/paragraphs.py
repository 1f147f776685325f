"""Structure-aware splitting of a Document into citable Paragraphs (labels, sections, table rows, pages).

Input text follows the readers' conventions: blank lines between blocks, tables as tab-separated rows,
Markdown ``#`` headings, list items as "- ", "• ", "1.", "i)". Every paragraph's ``text`` is a verbatim slice
of its page, and together the paragraphs cover every non-blank character of every page (nothing is lost).

Rules, in short:

* a block of lines between blank lines is a paragraph; a line starting with a bullet or number starts a new
  item (wrapped lines continue it); a run of lines containing tabs is a table, one paragraph per row, whose
  ``context`` is the table's header row (one line, so its cells line up with the row's);
* headings are Markdown ``#`` lines, numbered titles ("2.2. Planning", "1.0 Purpose of the Report"),
  divisions ("Domain two: ...", "Appendix B"), all-capitals or bold lines, and short title-like lines followed
  by body text ("Foreword", "Strengths:"). A heading is emitted as a ``heading`` paragraph and becomes the
  section of what follows;
* ``section`` is the innermost open heading, cleaned of Markdown ("2.2. Planning"). Headings nest by number
  depth under divisions ("Domain two: ..."); an unnumbered minor heading ("Strengths:") is shown under the
  numbered heading it belongs to: "1.1. Governance and leadership > Strengths". A numbered paragraph
  ("5.3 ...") closes sub-headings at its own depth. A table's divider row adds itself the same way:
  "Ratings > 2. Court disposals";
* a label-only block ("Recommendation 1", "6.1") joins the block after it; icon/LaTeX debris joins the
  paragraph before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.frameworks import grade_at_end
from assistant.types import Document, Page, Paragraph
from ingest import paragraph_rules as rules

SECTION_SEPARATOR = " > "


@dataclass
class _Unit:
    """A span of one page: a text run, a list item, a heading line, or a whole table."""

    page: int  # index into doc.pages
    start: int
    end: int
    kind: str  # "line" | "item" | "md" | "caps" | "table"
    block: tuple[int, int]  # (page, n): units sharing a block were not separated by a blank line
    rows: list[tuple[int, int]] = field(default_factory=list)  # table rows (spans), for kind "table"


@dataclass
class _Heading:
    level: int
    title: str
    minor: bool


@dataclass
class _Span:
    """A paragraph under construction: its page span and everything but the text."""

    page: int
    start: int
    end: int
    kind: str
    label: str | None
    section: str | None
    context: str | None = None


def split_paragraphs(doc: Document) -> list[Paragraph]:
    """Split ``doc`` into paragraphs in reading order, with labels, sections, pages and table context.

    Args:
        doc: the document; its pages are read in order, and sections carry over page breaks.

    Returns:
        Paragraphs with ordinals 1..n; [] for a document without text.
    """
    return _Splitter(doc.pages).run(doc.doc_id)


def _lone_grade(text: str) -> bool:
    """True for a line that is nothing but a grade ("Good", "Requires improvement to be good")."""
    found = grade_at_end(text)
    return found is not None and not found[0]


_DECIMAL = re.compile(r"^\d{1,2}(\.\d{1,2})+$")


def _enclosing_numbers(spans: list[_Span]) -> list[str | None]:
    """For each unnumbered block, the decimal-numbered paragraph it continues ("5.6" for the bullets under it).

    Committee reports number every paragraph ("5.6 ... Activities to date: - ..."), and what follows a numbered
    paragraph without a number of its own is part of it, up to the next number, heading, table or section.
    Only decimal labels open such a paragraph: after a list item "3." the next prose is not part of item 3.
    """
    out: list[str | None] = []
    current: tuple[str, str | None] | None = None  # (label, section)
    for s in spans:
        if s.label is not None or s.kind in ("heading", "table_row"):
            current = (s.label, s.section) if s.label and s.kind == "text" and _DECIMAL.match(s.label) else None
            out.append(None)
        elif current is not None and current[1] == s.section and s.kind in ("text", "list_item"):
            out.append(current[0])
        else:
            current = None
            out.append(None)
    return out


class _Splitter:
    """One pass over a document's pages; holds the open headings while it walks the units."""

    def __init__(self, pages: tuple[Page, ...]) -> None:
        self.pages = pages
        self.stack: list[_Heading] = []
        self.spans: list[_Span] = []
        self.hints = _title_hints(pages)
        self.last_table: tuple[str | None, int, str | None] | None = None  # header, columns, divider
        self.blocks: dict[tuple[int, int], list[_Unit]] = {}

    def run(self, doc_id: str) -> list[Paragraph]:
        units: list[_Unit] = []
        junk: list[tuple[int, int, int]] = []
        for index, page in enumerate(self.pages):
            page_units, page_junk = _segment(index, page.text)
            units.extend(page_units)
            junk.extend(page_junk)
        self.blocks = {}
        for u in units:
            self.blocks.setdefault(u.block, []).append(u)
        i = 0
        while i < len(units):
            i += self._take(units, i)
        _attach_junk(self.spans, junk)
        within = _enclosing_numbers(self.spans)
        return [
            Paragraph(
                doc_id=doc_id,
                ordinal=n,
                text=self.pages[s.page].text[s.start : s.end],
                label=s.label,
                section=s.section,
                page=self.pages[s.page].number,
                kind=s.kind,
                context=s.context,
                within=w,
            )
            for n, (s, w) in enumerate(zip(self.spans, within, strict=True), start=1)
        ]

    # -- sections -------------------------------------------------------------------------------------------

    @property
    def section(self) -> str | None:
        """The innermost heading, with the numbered/division heading it sits under when it is a minor one."""
        if not self.stack:
            return None
        top = self.stack[-1]
        anchors = [h.title for h in self.stack if not h.minor]
        if not top.minor or not anchors:
            return top.title
        return anchors[-1] + SECTION_SEPARATOR + top.title

    def _push(self, title: str, level: int, minor: bool) -> None:
        if minor:
            while self.stack and self.stack[-1].minor:
                self.stack.pop()
            level = self.stack[-1].level + 1 if self.stack else 1
        else:
            while self.stack and (self.stack[-1].minor or self.stack[-1].level >= level):
                self.stack.pop()
        self.stack.append(_Heading(level, title, minor))

    def _close_below(self, level: int) -> None:
        """A numbered paragraph ("5.3 ...") ends sub-headings at its own depth or deeper."""
        while self.stack and (self.stack[-1].minor or self.stack[-1].level >= level):
            self.stack.pop()

    # -- units ----------------------------------------------------------------------------------------------

    def _take(self, units: list[_Unit], i: int) -> int:
        """Turn ``units[i]`` (and maybe the next one) into paragraphs; return how many units were used."""
        u = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        text = self.pages[u.page].text[u.start : u.end]
        if u.kind == "table":
            self._table(u, first_on_page=i == 0 or units[i - 1].page != u.page)
            return 1
        self.last_table = None
        if u.kind == "md":
            level, title = rules.markdown_heading(text) or (1, rules.clean(text))
            self._push(title, level, minor=False)
            self._emit(u, u.end, "heading", _label_value(title))
            return 1
        if u.kind == "caps":
            self._push(rules.clean(text), 1, minor=not rules.structural_heading(text))
            self._emit(u, u.end, "heading", None)
            return 1
        label = rules.leading_label(text)
        label_only = label is not None and not text[label.end :].strip()
        if (
            nxt and nxt.kind == "line" and nxt.page == u.page and grade_at_end(text) is None and len(text) <= 120
            and _lone_grade(self.pages[u.page].text[nxt.start : nxt.end])
        ):
            # "1. Children who need help and protection" / "Good": one row of a judgement table a PDF printed as
            # two lines; the grade is no paragraph of its own.
            self._emit(u, nxt.end, "list_item" if label else "text", label.value if label else None)
            return 2
        if label and label_only and nxt and nxt.kind == "line" and nxt.page == u.page:
            after = units[i + 2] if i + 2 < len(units) else None
            if not self._is_heading(nxt, after):
                self._emit(u, nxt.end, "text", label.value)  # "Recommendation 1" + the text it numbers
                return 2
        if self._heading(u, text, label, nxt):
            return 1
        if label and label.style == "dec":
            self._close_below(1 + rules.number_depth(label.value))
        if label and label.style in ("dec", "num") and not label.bulleted:
            self._inline_heading(text, label)
        is_item = rules.bullet_marker(text) or (
            label is not None and label.style in ("num", "list", "letter")
        )
        self._emit(u, u.end, "list_item" if is_item else "text", label.value if label else None)
        return 1

    def _emit(self, u: _Unit, end: int, kind: str, label: str | None, context: str | None = None) -> None:
        self.spans.append(_Span(u.page, u.start, end, kind, label, self.section, context))

    def _is_heading(self, u: _Unit, nxt: _Unit | None) -> bool:
        """Whether ``u`` would be read as a heading (without recording it)."""
        text = self.pages[u.page].text[u.start : u.end]
        return self._heading_kind(u, text, rules.leading_label(text), nxt) is not None

    def _heading(self, u: _Unit, text: str, label: rules.Label | None, nxt: _Unit | None) -> bool:
        """Record ``u`` as a heading (open its section, emit it) when it is one."""
        found = self._heading_kind(u, text, label, nxt)
        if found is None:
            return False
        level, minor = found
        self._push(rules.clean(text), level, minor)
        self._emit(u, u.end, "heading", label.value if label else None)
        return True

    def _heading_kind(
        self, u: _Unit, text: str, label: rules.Label | None, nxt: _Unit | None
    ) -> tuple[int, bool] | None:
        """(level, minor) when ``u`` is a heading line, else None."""
        if "\n" in text.strip():
            return None
        if label is not None:
            numbered = label.style in ("dec", "num")
            if (
                numbered
                and not self._numbered_sibling(u)
                and not self._continues_list(label)
                and (rules.numbered_heading(text, label))
            ):
                return 1 + rules.number_depth(label.value), False
            return None
        if rules.structural_heading(text):
            return 1, False
        alone = len(self.blocks[u.block]) == 1
        if alone and rules.bold_heading(text):
            return 0, True
        if alone and rules.title_candidate(text) and nxt is not None and self._is_body(nxt):
            return 0, True
        return None

    def _continues_list(self, label: rules.Label) -> bool:
        """Whether ``label`` numbers the item after the list item just emitted ("4. ..." then "5. ...")."""
        if not self.spans or self.spans[-1].kind != "list_item" or not label.value.isdigit():
            return False
        previous = self.spans[-1].label
        return previous is not None and previous.isdigit() and int(previous) + 1 == int(label.value)

    def _numbered_sibling(self, u: _Unit) -> bool:
        """Whether another unbulleted numbered item shares ``u``'s block (then ``u`` is a list item)."""
        for other in self.blocks[u.block]:
            if other is u or other.kind != "item":
                continue
            label = rules.leading_label(self.pages[other.page].text[other.start : other.end])
            if label and not label.bulleted and label.style in ("dec", "num"):
                return True
        return False

    def _is_body(self, u: _Unit) -> bool:
        """Whether ``u`` is the kind of block a heading introduces (a table, a list, running text)."""
        if u.kind == "table":
            return True
        if u.kind in ("md", "caps"):
            return False
        text = self.pages[u.page].text[u.start : u.end]
        label = rules.leading_label(text)
        if label is not None and "\n" not in text and rules.numbered_heading(text, label):
            return False
        return u.kind == "item" or rules.is_body(text)

    def _inline_heading(self, text: str, label: rules.Label) -> None:
        """ "1.1. Governance and leadership The ...": open the section the document names elsewhere."""
        rest_at = label.end + len(text[label.end :]) - len(text[label.end :].lstrip())
        rest = text[rest_at:]
        for title in self.hints.get(label.value, ()):
            after = rest[len(title) :]
            if (
                rest.lower().startswith(title.lower())
                and after[:1].isspace()
                and after.lstrip()[:1].isupper()
            ):
                self._push(
                    rules.clean(text[: rest_at + len(title)]), 1 + rules.number_depth(label.value), False
                )
                return

    # -- tables ---------------------------------------------------------------------------------------------

    def _table(self, u: _Unit, first_on_page: bool) -> None:
        page_text = self.pages[u.page].text
        rows = [page_text[s:e] for s, e in u.rows]
        width = len(rows[0].split("\t"))
        header: str | None = None
        divider: str | None = None
        start = 0
        if (
            first_on_page
            and self.last_table
            and self.last_table[1] == width
            and rows[0] != self.last_table[0]
        ):
            header, _, divider = self.last_table  # a table continued from the previous page
        elif len(rows) == 1:
            s, e = u.rows[0]
            self.spans.append(_Span(u.page, s, e, "text", rules.row_label(rows[0]), self.section))
            self.last_table = None
            return
        elif _column_names(rows[0]):
            self.spans.append(_Span(u.page, *u.rows[0], "table_row", None, self.section))
            self._columns(u, _column_names(rows[0]))
            self.last_table = None
            return
        elif rules.header_like(rows[0]):
            header, start = rows[0], 1
            self.spans.append(_Span(u.page, *u.rows[0], "table_row", None, self.section))
        for (s, e), row in zip(u.rows[start:], rows[start:], strict=True):
            if _is_divider(row, width):
                divider = rules.clean(" ".join(c for c in rules.cells(row) if c))
            section = SECTION_SEPARATOR.join(x for x in (self.section, divider) if x) or None
            self.spans.append(_Span(u.page, s, e, "table_row", rules.row_label(row), section, header))
        self.last_table = (header, width, divider)

    def _columns(self, u: _Unit, names: list[str | None]) -> None:
        """A table with one item per column ("Recommendation 5\\tRecommendation 6"): a paragraph per cell."""
        page_text = self.pages[u.page].text
        for s, e in u.rows[1:]:
            offset = s
            for column, cell in enumerate(page_text[s:e].split("\t")):
                stripped = cell.strip()
                if stripped:
                    cs = offset + cell.index(stripped)
                    name = names[column] if column < len(names) else None
                    self.spans.append(
                        _Span(u.page, cs, cs + len(stripped), "table_row", name, self.section, name)
                    )
                offset += len(cell) + 1


def _column_names(header: str) -> list[str | None]:
    """The header's cells when every filled one is a label ("Recommendation 5\\tRecommendation 6")."""
    parts = rules.cells(header)
    names = [rules.named_label_cell(c) for c in parts]
    if sum(1 for n in names if n) >= 2 and all(n for n, c in zip(names, parts, strict=True) if c):
        return names
    return []


def _label_value(text: str) -> str | None:
    label = rules.leading_label(text)
    return label.value if label else None


def _is_divider(row: str, width: int) -> bool:
    """A row naming the group of rows below it ("2.\\tCourt disposals\\t\\t", "HEALTH\\t")."""
    parts = rules.cells(row)
    filled = [c for c in parts if c]
    if not filled:
        return False
    if len(filled) >= width or parts[0] != filled[0]:
        return False
    # "1.\tOrganisational delivery": a number cell then its title; otherwise only the first cell is filled.
    number_then_title = len(filled) == 2 and parts[1] == filled[1] and rules.row_label(parts[0]) is not None
    if len(filled) != 1 and not number_then_title:
        return False
    return width >= 3 or filled[-1].isupper()


def _title_hints(pages: tuple[Page, ...]) -> dict[str, list[str]]:
    """Number -> titles the document gives it elsewhere (contents list, ratings table, headings)."""
    hints: dict[str, list[str]] = {}
    for page in pages:
        for line in page.text.splitlines():
            pairs = rules.numbered_title_pairs(line) if "\t" in line else []
            label = rules.leading_label(line.strip()) if "\t" not in line else None
            if label and rules.numbered_heading(line.strip(), label):
                pairs = [(label.value, rules.clean(line.strip()[label.end :]))]
            for number, title in pairs:
                if title and title not in hints.setdefault(number.rstrip("."), []):
                    hints[number.rstrip(".")].append(title)
    # Longest first, so "Resettlement policy and provision" wins over "Resettlement".
    return {k: sorted(v, key=len, reverse=True) for k, v in hints.items()}


def _segment(page: int, text: str) -> tuple[list[_Unit], list[tuple[int, int, int]]]:
    """Split one page into units (text runs, items, heading lines, tables) and junk spans."""
    units: list[_Unit] = []
    junk: list[tuple[int, int, int]] = []
    block = 0
    table: _Unit | None = None
    table_gap = False  # blank lines since the last table row
    cur: _Unit | None = None
    pos = 0
    for raw in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(raw)
        line = raw.rstrip("\r\n")
        if not line.strip():
            block += 1
            cur = None
            table_gap = table is not None
            continue
        stripped = line.strip()
        s = line_start + line.index(stripped[0])
        e = s + len(stripped)
        if rules.is_junk(line):
            junk.append((page, s, e))
            continue
        following = text[pos:].split("\n", 1)[0] if table is not None else ""
        if table is not None and not table_gap and _wraps_cell(table, line, following, text):
            table.rows[-1] = (table.rows[-1][0], e)  # a cell wrapped onto this line: the row goes on
            table.end = e
            continue
        if "\t" in line:
            row_start = line_start + len(line) - len(line.lstrip(" "))  # keep leading tabs: empty first cells
            row = (row_start, e)
            if table is not None and (not table_gap or _continues(table, line, text)):
                table.rows.append(row)
                table.end = e
            else:
                block += 1  # a table is a block of its own, even with no blank line around it
                table = _Unit(page, row[0], e, "table", (page, block), rows=[row])
                units.append(table)
            table_gap, cur = False, None
            continue
        if table is not None:
            block += 1
        table = None
        if rules.markdown_heading(line) or rules.caps_heading(line):
            units.append(_Unit(page, s, e, "md" if rules.markdown_heading(line) else "caps", (page, block)))
            cur = None
        elif cur is None or rules.starts_item(stripped):
            cur = _Unit(page, s, e, "item" if rules.starts_item(stripped) else "line", (page, block))
            units.append(cur)
        else:
            cur.end = e  # a wrapped line continues the paragraph or item above
    return units, junk


def _wraps_cell(table: _Unit, line: str, following: str, text: str) -> bool:
    """Whether ``line`` carries on the table's last row: text extracted from a PDF breaks a long cell over lines.

    A row with fewer cells than the header takes the next line's cells until it has them all ("Audit all
    pathway plans" / "and update any ...\tKemi Adeyemi, Head of" / "Service\t31/03/2025\tAmber"), unless that
    line starts a numbered row or would overfill the row; a line without tabs must start in lower case or lead to
    the row's next cell on the line after it. A complete row takes a line without tabs that starts in lower case
    ("... (children in care and care" / "leavers were judged together in 2019)").
    """
    def whole(span: tuple[int, int]) -> str:  # a row's span with the empty cells its line ends with
        end = text.find("\n", span[1])
        return text[span[0] : end if end >= 0 else len(text)].rstrip("\r")

    width = whole(table.rows[0]).count("\t") + 1
    row = whole(table.rows[-1])
    have = row.count("\t") + 1
    stripped = line.strip()
    if have < width and len(table.rows) > 1 and not _is_divider(row, width):
        adds = line.count("\t")
        if have + adds > width or rules.row_label(stripped) is not None or rules.starts_item(stripped):
            return False
        return adds > 0 or stripped[:1].islower() or 0 < following.count("\t") <= width - have
    return "\t" not in line and stripped[:1].islower()


def _continues(table: _Unit, line: str, text: str) -> bool:
    """After blank lines, whether a row continues ``table`` (same columns, no empty corner cell)."""
    first = text[table.rows[0][0] : table.rows[0][1]]
    return len(line.split("\t")) == len(first.split("\t")) and bool(line.split("\t")[0].strip())


def _attach_junk(spans: list[_Span], junk: list[tuple[int, int, int]]) -> None:
    """Extend the paragraph before each junk line over it (or the one after, at the top of a page)."""
    for page, s, e in junk:
        before = [sp for sp in spans if sp.page == page and sp.start < s]
        if before:
            target = max(before, key=lambda sp: sp.start)
            target.end = max(target.end, e)
            continue
        after = [sp for sp in spans if sp.page == page and sp.start > s]
        if after:
            min(after, key=lambda sp: sp.start).start = s
