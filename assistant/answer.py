"""Passages -> Answer: the sentences that answer the question, each followed by a verified citation marker.

No language model: statements are the documents' own sentences (table rows read with their header), so every
number and rating in an answer is the cited text's. A quote must occur verbatim in its paragraph, checked here
for every citation. When no sentence covers what the question asks, the answer is an honest refusal.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.evidence import (
    DATE,
    asks_ahead,
    counts_what_is_asked,
    has_type,
    implied,
    month_year,
    names_lead,
    only_own_date,
    person_spans,
    question_type,
)
from assistant.retrieve import _TOKEN as _WORD
from assistant.retrieve import LIGHT_VERBS, expand, spelled_out, terms
from assistant.types import Answer, Citation, Passage

NOT_IN_DOCUMENTS = "The documents don't say."
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[\"'‘“(]?[A-Z0-9£•\-])|\n+")
_FULL_STOP = re.compile(r"(?<=[.!?])[\"'’”)]*\s+(?=[\"'‘“(]?[A-Z0-9])")  # a sign-off's line breaks stay in
# A list's lead-in worth quoting says who is addressed ("The Metropolitan Police should:"), not just "Activities:".
_ADDRESSES = re.compile(r"\b(should|must|shall|will|asked|recommend\w*|required|expected)\b", re.I)
# Words that say what kind of answer is wanted ("over what period"), not what it is about.
_ANSWER_KIND = frozenset({"period", "periods", "duration", "timescale", "timescales", "timeframe", "timeframes"})


def acronyms(text: str) -> list[str]:
    """The acronyms a name is known by: "Children and Young People Select Committee" -> CYP, CYPSC."""
    out: list[str] = []
    for run in re.findall(r"[A-Z][a-z]+(?:\s+(?:and\s+|of\s+|&\s+)?[A-Z][a-z]+)+", text):
        words = [w for w in run.split() if w[0].isupper()]
        for size in range(len(words), 1, -1):
            for start in range(len(words) - size + 1):
                out.append("".join(w[0] for w in words[start : start + size]))
    return out


_TOGETHER = 10  # words: the most a 'who' answer's terms may lie apart in the sentence naming the person
_NAMES_A_PAPER = re.compile(
    r"\b(report|paper|presentation|press release|briefing|update|letter|committee|sub-committee|select|scrutiny|"
    r"meeting|agenda|minutes|slides?)\b", re.I)


@dataclass(frozen=True)
class KeyTerms:
    """What a question asks about: its content words (stemmed), their idf weights and the documents' synonyms."""

    alternatives: dict[str, set[str]]
    weights: dict[str, float]
    light: frozenset[str] = frozenset()

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    @classmethod
    def of(cls, question: str, idf: Callable[[str], float], scope_terms: Sequence[str] = ()) -> KeyTerms:
        scope = set(scope_terms)
        alternatives: dict[str, set[str]] = {}
        light: set[str] = set()
        for word in _WORD.findall(question.lower().replace("’", "'")):
            if word in _ANSWER_KIND:
                continue
            for t in terms(word):
                if t not in scope:
                    # an action plan's "When" column answers "when is it due?": synonyms keep their stopwords
                    alternatives.setdefault(t, {t}).update(terms(expand(word), keep_stopwords=True))
                    if word in LIGHT_VERBS:
                        light.add(t)
        return cls(alternatives, {t: idf(t) * (0.25 if t in light else 1.0) for t in alternatives}, frozenset(light))

    def spread(self, text: str) -> int:
        """The fewest consecutive words of ``text`` holding every key term it contains (0 for fewer than two).

        "Sam Okafor is also leading on the wider adolescent safeguarding review that followed the HMIP
        inspection" holds "lead" and "inspection" 11 words apart: it does not say who led the inspection.
        """
        words = [terms(w, keep_stopwords=True) for w in _WORD.findall(text.lower().replace("’", "'"))]
        where = [
            (i, key)
            for i, stems in enumerate(words)
            for key, alts in self.alternatives.items()
            if stems and stems[0] in alts
        ]
        wanted = {key for _, key in where}
        if len(wanted) < 2:
            return 0
        best, counts, start = len(words), Counter[str](), 0
        for end in range(len(where)):
            counts[where[end][1]] += 1
            while len(counts) == len(wanted):
                best = min(best, where[end][0] - where[start][0] + 1)
                counts[where[start][1]] -= 1
                if not counts[where[start][1]]:
                    del counts[where[start][1]]
                start += 1
        return best

    def found(self, text: str, around: str = "") -> int:
        """How many key terms (bar light verbs) ``text`` or ``around`` holds."""
        found = set(terms(f"{text} {around}", keep_stopwords=True))
        return sum(1 for t in self.weights if t not in self.light and self.alternatives[t] & found)

    def coverage(self, text: str, around: str = "", paper: str = "") -> float:
        """Share (by idf) of the key terms found in ``text``; terms only in ``around`` (its headings, table header,
        list lead-in) or ``paper`` (which paper it is: title, committee, date, kind) count 0.6."""
        if self.total <= 0:
            return 1.0
        levels = [(1.0, set(terms(text, keep_stopwords=True))), (0.6, set(terms(around, keep_stopwords=True))),
                  (0.6, set(terms(paper, keep_stopwords=True)))]
        hit = 0.0
        for t, w in self.weights.items():
            hit += w * max((share for share, found in levels if self.alternatives[t] & found), default=0.0)
        return hit / self.total


@dataclass(frozen=True)
class Candidate:
    """One sentence (or table row) of a retrieved paragraph, scored against the question."""

    passage: Passage
    rank: int
    quote: str
    statement: str
    coverage: float
    typed: bool
    score: float
    lead: Passage | None = None


def sentences(text: str) -> list[str]:
    """Verbatim sentence spans of a paragraph (a table row or short item stays whole)."""
    if "\t" in text or len(text) < 160:
        return [text.strip()]
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _wrapped(text, m):
            continue
        parts.append(text[start : m.start()])
        start = m.end()
    parts.append(text[start:])
    parts = [s.strip() for s in parts if s and s.strip()]
    return [s for s in parts if len(s) > 2 and s in text] or [text.strip()]


_WRAP_WIDTH = 45  # characters: a line this long that ends mid-sentence was wrapped by the PDF, not ended


def _wrapped(text: str, cut: re.Match[str]) -> bool:
    """A single line break inside a sentence (text extracted from a PDF keeps the page's line wrapping)."""
    gap = cut.group(0)
    if gap.count("\n") != 1 or gap.strip():
        return False
    line = text[text.rfind("\n", 0, cut.start()) + 1 : cut.start()].rstrip()
    return len(line) >= _WRAP_WIDTH and not line.endswith((".", "!", "?", ":", ";"))


def _span(text: str, first: str, second: str) -> str | None:
    """The verbatim text from ``first`` to the end of ``second`` when they are adjacent in ``text``."""
    i = text.find(first)
    j = text.find(second, i + len(first)) if i >= 0 else -1
    if i < 0 or j < 0 or text[i + len(first) : j].strip():
        return None
    return text[i : j + len(second)]


# A column or sentence about an earlier inspection: "Judgement at 2019 inspection", "when it was last inspected".
_EARLIER_COLUMN = re.compile(r"\b(?:19|20)\d\d\b|\b(?:previous|last|prior|earlier)\b", re.I)
_RECALLS_EARLIER = re.compile(
    r"\b(?:last|previous|prior|earlier)\s+(?:\w+\s+)?inspection\b|\blast\s+inspected\b|\bpreviously\b", re.I
)
# A rating question that asks about change or a particular time wants the earlier judgements too.
_ASKS_CHANGE = re.compile(
    r"\b(?:previous(?:ly)?|before|since|chang\w*|improv\w*|compar\w*|earlier|trend|history|then|(?:19|20)\d\d)\b",
    re.I,
)


def recalls_earlier(quote: str, paper_date: str | None) -> bool:
    """Does the sentence speak of an inspection before the paper's own ("when last inspected", "in 2019, services
    were judged ...": a year two or more before the paper's)?"""
    if _RECALLS_EARLIER.search(quote):
        return True
    year = int(paper_date[:4]) if paper_date and paper_date[:4].isdigit() else None
    return year is not None and any(int(y) <= year - 2 for y in re.findall(r"\b((?:19|20)\d\d)\b", quote))


# The words of a question that asks how a service was judged and names nothing more ("How was X rated?").
_RATING_ONLY = frozenset(terms("rated rating rate judged judge judgement grade graded overall"))


def render_row(row: str, header: str | None, current_only: bool = False) -> str:
    """A table row as a reader would say it: "Lead: Maleeka Dachi; When: Mar-25" (cells verbatim).

    ``current_only`` leaves out the columns of an earlier inspection ("Judgement at 2019 inspection") when others
    remain: the answer to "what was the judgement?" is the current one (the quote keeps the whole row)."""
    cells = [" ".join(c.split()) for c in row.split("\t")]  # a cell a PDF wrapped over lines reads as one
    heads = [h.strip() for h in (header or "").split("\t")]
    # A header reads as labels only when it looks like one: short cells, no figures (a PDF-mangled first row
    # such as "y Youth Justice Service ork started April 2024 | Score | 27/36" does not).
    # Years name columns ("Wirral 2023/24", "Judgement at 2019 inspection"); other figures do not.
    header_like = all(
        len(h.split()) <= 4 and not re.search(r"\d", re.sub(r"\b(?:19|20)\d\d(?:[/-]\d\d)?\b", "", h))
        for h in heads
        if h
    )
    if header and header_like and len(heads) >= len([c for c in cells if c]) and len(heads) >= 2:
        kept = [(h, c) for h, c in zip(heads, cells, strict=False) if c]
        current = [(h, c) for h, c in kept if not _EARLIER_COLUMN.search(h)]
        if current_only and len(current) >= 2:
            kept = current
        pairs = [f"{h}: {c}" if h else c for h, c in kept]
        if pairs:
            return "; ".join(pairs)
    return " | ".join(c for c in cells if c)


def _statement(passage: Passage, quote: str, current_only: bool = False) -> str:
    p = passage.paragraph
    if "\t" in quote:
        return render_row(quote, p.context, current_only)
    return re.sub(r"\s+", " ", quote).strip(" -•*")


def compose(
    question: str,
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    scope_terms: Sequence[str] = (),
    must_mention: Mapping[str, Sequence[str]] | None = None,
    max_statements: int = 3,
    threshold: float = 0.5,
    lower_vocab: frozenset[str] = frozenset(),
    lead_in: Callable[[Passage], Passage | None] = lambda p: None,
    following: Callable[[Passage], Passage | None] = lambda p: None,
    acronyms: Mapping[str, Mapping[str, str]] | None = None,
    described: Callable[[Passage], str | None] = lambda p: None,
) -> Answer:
    """The best-supported sentences from ``passages``, with citations; a refusal when none covers the question.

    Args:
        question: what the user asked (after follow-up resolution).
        passages: retrieved paragraphs, best first, already restricted to the question's scope.
        idf: inverse document frequency of a stemmed term in the index (rare words weigh more).
        scope_terms: stemmed words naming the scope (places, years): satisfied by the document, not the sentence.
        must_mention: per document, words one of which a chosen sentence must contain (a place the document is
            not about, a year it only mentions in passing).
        max_statements: the most sentences an answer quotes.
        threshold: the share of the question's key terms (by idf) a sentence and its headings must cover.
        lower_vocab: words the documents write in lower case (tells names from ordinary capitalised words).
        lead_in: the sentence introducing a list item's list ("The Metropolitan Police should:"), if any.
        following: the paragraph after a passage; a chosen sentence that introduces it ("Dame Glenys said:")
            is completed by it.
        acronyms: per document, the acronyms it defines and their meaning: "RMVP" in a sentence says "risk and
            vulnerability management panel".
        described: how the paper's body describes the appendix a passage is in ("an update letter ...").
    """
    qtype = question_type(question)
    ahead = qtype == "when" and asks_ahead(question)
    current = qtype == "rating" and not _ASKS_CHANGE.search(question)  # the judgement now, not the last one
    names_paper = bool(_NAMES_A_PAPER.search(question))
    keys = KeyTerms.of(question, idf, scope_terms)
    asks_overall = current and bool(keys.weights) and set(keys.weights) <= _RATING_ONLY
    candidates: list[Candidate] = []
    for rank, passage in enumerate(passages):
        p = passage.paragraph
        lead = lead_in(passage)
        meta = passage.meta
        # What a reader knows about a sentence without it saying so: its headings, its table header, the list it is
        # in, and which paper it is (title, issuing committee, month and year, kind: "press release").
        # A bare date line is read with the line under it, as a letter's date is read with its title.
        under = following(passage) if len(p.text) < 40 and DATE.search(p.text) else None
        around = " ".join(
            x
            for x in (p.section, p.context, lead.paragraph.text if lead else None, implied(p.text), described(passage),
                      under.paragraph.text[:200] if under else None)
            if x
        )
        paper = " ".join(
            x for x in (meta.title, meta.body, month_year(meta.date), meta.kind and meta.kind.replace("_", " ")) if x
        )
        defined = (acronyms or {}).get(p.doc_id) or {}
        spans = sentences(p.text)
        # A statement and the sentence that completes it ("... financial considerations ... These will be reviewed
        # in Dec 17.") are also tried together, as one verbatim span.
        pairs = [_span(p.text, a, b) for a, b in pairwise(spans)]
        for quote in [*spans, *(x for x in pairs if x)]:
            if quote not in p.text:
                continue
            needed = (must_mention or {}).get(p.doc_id)
            # a table row reads with its header: "Wirral 2023/24" heads the column the row's figure is in
            said = f"{quote} {p.context or ''}" if "\t" in quote else quote
            if needed and not any(m.lower() in said.lower() for m in needed):
                continue
            # A question with no content words at all ("and?") is answered by the best passage only.
            meant = spelled_out(quote, defined)
            coverage = keys.coverage(f"{quote} {meant}", around, paper) if keys.total > 0 else float(rank == 0)
            if qtype == "who" and coverage >= threshold:
                # The person named must be the one the question is about: what it asks is said in the sentence that
                # names them, not in the next one ("Maleeka Dachi ... took up the position ... Maleeka will take
                # forward the recommendations from the HMIP inspection, ... she is also leading on ..."), and
                # only by the paper's title when the question is about the paper ("who wrote the committee
                # report?"): an action plan's Lead column in an inspection's paper did not lead the inspection.
                windows = [quote] if "\t" in quote else [
                    s for s in _FULL_STOP.split(quote) if s and person_spans(s, lower_vocab)
                ]
                # ... and said together: "X led the inspection", not "X is leading on a review that followed the
                # inspection" (a table row's cells are fields, not a sentence: no such check).
                # More than the role is there: "Lead officer: Jane Whitfield" says who leads something, not who
                # led the inspection, however common "inspection" is in the paper.
                known = paper if names_paper else ""
                needed = min(2, len(keys.weights) - len(keys.light))
                near = [
                    keys.coverage(w, around, known)
                    if ("\t" in w or keys.spread(w) <= _TOGETHER) and keys.found(w, f"{around} {known}") >= needed
                    else 0.0
                    for w in windows
                ]
                coverage = min(coverage, max(near)) if near else coverage
            typed = (
                has_type(qtype, quote, lower_vocab)
                and not (ahead and only_own_date(quote, meta.date))
                and (qtype != "how_many" or counts_what_is_asked(question, quote, p.context))
            ) or (
                qtype == "who" and "\t" in quote and names_lead(quote, p.context)
            ) or (
                lead is not None and qtype == "who" and has_type(qtype, lead.paragraph.text, lower_vocab)
            )
            # Prefer covering sentences, then typed evidence, then the retriever's order, then brevity.
            score = coverage + (0.25 if typed else 0.0) + 0.15 / (rank + 1) - min(len(quote), 600) / 6000
            if asks_overall and re.search(r"\boverall\b", quote, re.I):
                score += 0.3  # "How was X rated?" names no area: the overall judgement answers it
            candidates.append(
                Candidate(passage, rank, quote, _statement(passage, quote, current), coverage, typed, score, lead)
            )
    usable = [c for c in candidates if c.coverage >= threshold and c.typed]
    if current:
        # "How was it judged?": a sentence about the inspection before answers only when nothing else does.
        now = [c for c in usable if not recalls_earlier(c.quote, c.passage.meta.date)]
        usable = now or usable
    if not usable:
        return refusal(question)
    usable.sort(key=lambda c: -c.score)
    best = usable[0]
    chosen = [best]
    limit = max_statements if qtype in ("general", "rating") else 2
    for c in usable[1:]:
        if len(chosen) >= limit:
            break
        if c.score < best.score - 0.2 or c.statement == best.statement:
            continue
        if any(c.quote in x.quote or x.quote in c.quote for x in chosen):
            continue
        chosen.append(c)
    statements: list[tuple[str, Passage, str]] = []
    for c in chosen:
        if (
            c.lead is not None
            and (qtype == "who" or _ADDRESSES.search(c.lead.paragraph.text))
            and c.lead.paragraph.text.strip() not in (s[2] for s in statements)
        ):
            # The list's lead-in says who the item is addressed to; it is quoted and cited in its own right.
            statements.append((_statement(c.lead, c.lead.paragraph.text.strip()), c.lead, c.lead.paragraph.text.strip()))
        statements.append((c.statement, c.passage, c.quote))
        introduces = c.quote.rstrip().endswith(":") and c.passage.paragraph.text.rstrip().endswith(c.quote.rstrip())
        nxt = following(c.passage) if introduces else None
        if nxt is not None:
            first = sentences(nxt.paragraph.text)[:2]
            quote = _span(nxt.paragraph.text, *first) if len(first) == 2 else first[0] if first else None
            if quote:
                statements.append((_statement(nxt, quote), nxt, quote))
    return build_answer(question, statements)


def build_answer(question: str, statements: Sequence[tuple[str, Passage, str]]) -> Answer:
    """Join statements with ``[n]`` markers; one citation per distinct paragraph; every quote verified verbatim."""
    citations: list[Citation] = []
    by_paragraph: dict[tuple[str, int], int] = {}
    parts: list[str] = []
    for statement, passage, quote in statements:
        p = passage.paragraph
        if quote not in p.text:  # never cite what the paragraph does not say
            continue
        where = (p.doc_id, p.ordinal)
        if where in by_paragraph:
            marker = by_paragraph[where]
            old = citations[marker - 1]
            if quote not in old.quote:
                merged = _merge_quotes(p.text, old.quote, quote)
                citations[marker - 1] = Citation(**{**old.__dict__, "quote": merged})
        else:
            marker = len(citations) + 1
            by_paragraph[where] = marker
            citations.append(citation(marker, passage, quote))
        parts.append(f"{_end(statement)} [{marker}]")
    if not parts:
        return refusal(question)
    return Answer(question=question, text=" ".join(parts), refused=False, citations=tuple(citations))


def citation(marker: int, passage: Passage, quote: str) -> Citation:
    """The citation of ``quote`` in ``passage``: its document, section, label, ordinal and page, as stored."""
    p = passage.paragraph
    return Citation(
        marker=marker,
        source=passage.source,
        document=p.doc_id,
        title=passage.meta.title,
        section=p.section,
        label=p.cited_label,
        paragraph=p.ordinal,
        page=p.page,
        quote=quote,
        date=passage.meta.date,
    )


def _merge_quotes(text: str, a: str, b: str) -> str:
    """Two quotes from one paragraph as one verbatim span when they touch, else the first."""
    i, j = text.find(a), text.find(b)
    start, end = min(i, j), max(i + len(a), j + len(b))
    span = text[start:end]
    return span if len(span) <= len(a) + len(b) + 40 else a


def _end(statement: str) -> str:
    s = statement.rstrip()
    return s if s.rstrip("\"'’”)").endswith((".", "!", "?", ":", ";")) else s + "."


def refusal(question: str, reason: str | None = None) -> Answer:
    """An honest "the documents don't say", citing nothing."""
    text = NOT_IN_DOCUMENTS if not reason else f"{NOT_IN_DOCUMENTS} {reason}"
    return Answer(question=question, text=text, refused=True, citations=())


def idf_function(doc_freq: dict[str, int], n_docs: int) -> Callable[[str], float]:
    """BM25-style idf from chunk document frequencies."""

    def idf(term: str) -> float:
        df = doc_freq.get(term, 0)
        if df == 0:
            # No sentence can contain a word the documents never use; it should not veto an answer on its own
            # ("What does TIARRA stand for?"), but it still counts against a weak match.
            return 1.5
        return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))

    return idf
