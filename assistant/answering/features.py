"""One feature vector per candidate: general signals of whether it answers the question, no wording rules."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from assistant.answer import KeyTerms
from assistant.answering.analyse import Analysis
from assistant.answering.candidates import Candidate
from assistant.answering.prior import Agreement
from assistant.evidence import counts_what_is_asked, has_type
from assistant.retrieve import terms

# The order is the fitted model's: append new features at the end and refit (``make fit``).
FEATURES: tuple[str, ...] = (
    "coverage",  # idf share of the question's key terms in the candidate, its headings and its paper
    "coverage_text",  # ... in the candidate's own words only
    "rare_missing",  # idf share of key terms that its whole document never uses
    "typed",  # holds the kind of evidence asked for (a date for when, a person for who, a grade for a rating)
    "general",  # the question asks for no particular kind of evidence
    "place",  # +1 about the place the question names, 0 unknown / none named, -1 about another place
    "year",  # +1 the year named is its own, 0 unknown / none named, -1 a dated paper that never names it
    "body",  # +1 from the body named, 0 unknown, -1 from another body
    "rank",  # 1 / fused retrieval rank of its paragraph
    "lexical",  # 1 / BM25 rank (0 when BM25 did not find it)
    "dense",  # cosine similarity of its paragraph to the question (bundled MiniLM)
    "rules",  # the rule-based answer (facts or the extractive composer)
    "rules_refused",  # the rule-based path refused this question
    "length",  # log of the candidate's words
    "lines",  # a window of lines from a block with no full stops (a PDF table or cover)
    "row",  # a table row read with its header
    "spread",  # how tightly the key terms sit together (1 = adjacent, 0 = far apart or fewer than two)
    "link",  # mostly a web address or e-mail (page furniture, a source line)
    "coverage_gap",  # how far its coverage falls short of the question's best candidate's
    "dense_gap",  # how far its paragraph's similarity falls short of the best paragraph's
    "typed_share",  # the share of this question's candidates that hold the kind of evidence asked for
    "furniture",  # share of its lines that recur on three or more pages of its document (running header, footer)
    "common",  # mean idf of its words, low for boilerplate every paper repeats (normalised to the index's range)
    "latest",  # its paper is the newest about its place in scope (1), an older one (0), undated (0.5)
    "rules_typed",  # the rule-based answer holds the kind of evidence asked for (it can be right only then)
    "rules_coverage",  # the rule-based answer's coverage of the key terms
    "complete",  # share of its quotes that are whole: a sentence, a line, a row or a paragraph, not a cut fragment
    "rules_facts",  # the rule-based answer comes from the validated facts (ratings, scores, counts, leads, dates)
    "agree",  # share of the other leading candidates (distinct paragraphs) that state the same answer value
    "list",  # a whole bulleted list with the line that introduces it (and its count)
    "rules_complete",  # the rule-based answer quotes whole sentences (not lines a PDF cut mid-sentence)
    "specific",  # 1 / the number of distinct grades it states (a table row: 1; a whole judgement table: 1/5)
    "names_missing",  # share of the names the question capitalises ("Herts", "KESTREL") its paper never uses
    "counts_asked",  # for "how many": a number that counts what is asked (not a share, a paragraph number, an age)
    "who_near",  # for "who": the asked terms sit within ten words of each other around the name
    "how_many_asked",  # the question asks "how many"
    "who_asked",  # the question asks "who"
)

# The decision reads the question's best candidates: these, from the best (and second best) candidate.
QUESTION_FEATURES: tuple[str, ...] = (
    "best",  # the best candidate's probability
    "second",  # the second best's
    "margin",  # best - second
    "best_rules",
    "best_rules_facts",
    "best_agree",
    "best_typed",
    "best_coverage",
    "best_place",
    "best_rare_missing",
    "rules_answered",  # the rule-based path answered at all
    "general",
    "best_complete",
    "share",  # the best candidate's share of the ten best probabilities (how clearly it stands out)
    "best_dense",
    "best_lexical",
    "best_counts_asked",  # a "how many" answered by a count of what is asked
    "best_who_near",  # a "who" answered by a name beside the asked terms
    "best_specific",
    "best_names_missing",
)


def question_vector(probabilities: list[float], best: list[float], rules_answered: bool) -> list[float]:
    """The decision's features from the ranked candidates' probabilities (best first) and the best one's features."""
    p1 = probabilities[0] if probabilities else 0.0
    p2 = probabilities[1] if len(probabilities) > 1 else 0.0
    top = sum(probabilities[:10])
    f = (lambda name: best[FEATURES.index(name)]) if best else (lambda name: 0.0)
    return [p1, p2, p1 - p2, f("rules"), f("rules_facts"), f("agree"), f("typed"), f("coverage"), f("place"),
            f("rare_missing"), 1.0 if rules_answered else 0.0, f("general"), f("complete"),
            p1 / top if top > 0 else 0.0, f("dense"), f("lexical"),
            f("counts_asked") - (0.5 if f("how_many_asked") else 0.0), f("who_near") - (0.5 if f("who_asked") else 0.0),
            f("specific"), f("names_missing")]
_LINK = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")


# A name asked for may be a code or an acronym, not a person ("the code name of the review is KESTREL-4471").
_IDENTIFIER = re.compile(r"\b[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}[0-9]+\b")


def _typed(qtype: str, text: str, lower_vocab: frozenset[str]) -> bool:
    if qtype == "who" and _IDENTIFIER.search(text):
        return True
    return has_type(qtype, text, lower_vocab)


def _spread(keys: KeyTerms, text: str) -> float:
    width = keys.spread(text)
    return 0.0 if width == 0 else min(1.0, 3.0 / width)


def line_key(line: str) -> str:
    """A line as it recurs on every page: case, spacing and figures (page numbers) ignored."""
    return " ".join(re.sub(r"\d+", "#", line.lower()).split())


def repeated_lines(pages_of_lines: list[tuple[int | None, str]]) -> frozenset[str]:
    """Lines (keys) that occur on three or more distinct pages of one document."""
    seen: dict[str, set[int | None]] = {}
    for page, text in pages_of_lines:
        for line in text.split("\n"):
            key = line_key(line)
            if len(key) >= 8:
                seen.setdefault(key, set()).add(page)
    return frozenset(k for k, pages in seen.items() if len(pages) >= 3)


def vector(
    c: Candidate,
    a: Analysis,
    agreement: Agreement,
    doc_vocab: frozenset[str],
    rules_refused: bool,
    paper: str,
    lower_vocab: frozenset[str],
    furniture: frozenset[str] = frozenset(),
    idf: Callable[[str], float] | None = None,
) -> list[float]:
    """The features of one candidate, in ``FEATURES`` order."""
    keys = a.keys
    around = ""
    if c.passage is not None:
        p = c.passage.paragraph
        around = " ".join(x for x in (p.section, p.context) if x)
    text = c.statement
    missing = 0.0
    if keys.total > 0:
        missing = sum(w for t, w in keys.weights.items() if not (keys.alternatives[t] & doc_vocab)) / keys.total
    r = c.retrieval
    words = len(re.findall(r"\w+", text))
    return [
        keys.coverage(text, around, paper),
        keys.coverage(text),
        missing,
        1.0 if a.qtype != "general" and _typed(a.qtype, text, lower_vocab) else 0.0,
        1.0 if a.qtype == "general" else 0.0,
        float(agreement.place),
        float(agreement.year),
        float(agreement.body),
        1.0 / r.rank if r else 1.0,
        1.0 / r.lexical_rank if r and r.lexical_rank else 0.0,
        r.dense_similarity if r else 0.0,
        1.0 if c.kind == "rules" else 0.0,
        1.0 if rules_refused else 0.0,
        math.log1p(words),
        1.0 if c.kind == "lines" else 0.0,
        1.0 if c.kind == "row" else 0.0,
        _spread(keys, text),
        1.0 if _LINK.search(text) and len(_LINK.sub("", text).split()) < 6 else 0.0,
        0.0,  # relative features: filled by ``relative`` once every candidate of the question is known
        0.0,
        0.0,
        _furniture(c.quote, furniture),
        _common(text, idf),
        agreement.latest,
        0.0,
        0.0,
        _complete(c),
        1.0 if c.kind == "rules" and c.answer is not None and (c.answer.trace or {}).get("source") in
        ("facts", "cover", "committee") else 0.0,
        0.0,
        1.0 if c.kind == "list" else 0.0,
        0.0,
        _specific(text),
        _names_missing(a.question, doc_vocab),
        _counts_asked(a, text, c),
        who_near(a, text),
        1.0 if a.qtype == "how_many" else 0.0,
        1.0 if a.qtype == "who" else 0.0,
    ]


def _counts_asked(a: Analysis, text: str, c: Candidate) -> float:
    if a.qtype != "how_many":
        return 0.0
    header = c.passage.paragraph.context if c.passage is not None else None
    return 1.0 if counts_what_is_asked(a.normalised, text, header) else 0.0


def who_near(a: Analysis, text: str) -> float:
    """For "who": every asked term (by stem or its first five letters: "inspection" ~ "inspector") is in the
    candidate, within ten words of each other."""
    if a.qtype != "who":
        return 0.0
    wanted = [t for t in a.keys.weights if t not in a.keys.light]
    if not wanted:
        return 1.0
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)]
    stems = [set(terms(w, keep_stopwords=True)) for w in words]
    spots = []
    for t in wanted:
        alts = a.keys.alternatives.get(t, {t})
        hits = [i for i, (w, st) in enumerate(zip(words, stems, strict=True))
                if st & alts or (len(t) >= 5 and w[:5] == t[:5])]
        if not hits:
            return 0.0
        spots.append(hits)
    lo = min(min(h) for h in spots)
    hi = max(min(h) for h in spots)
    return 1.0 if hi - lo <= 10 else 0.0


_NAME = re.compile(r"(?<=\s)[A-Z][A-Za-z]+(?:['’-][A-Za-z]+)*")


def _names_missing(question: str, doc_vocab: frozenset[str]) -> float:
    names = [m.group(0) for m in _NAME.finditer(" " + question)]
    names = [n for n in names if n.lower() not in _COMMON_CAPITALISED]
    if not names:
        return 0.0
    missing = [n for n in names if not set(terms(n, keep_stopwords=True)) <= doc_vocab]
    return len(missing) / len(names)


# Capitalised in questions without naming anything a paper must contain.
_COMMON_CAPITALISED = frozenset("i is was what which who when how did does do the a an in of for and or".split())


def _specific(text: str) -> float:
    grades = {m.group(0).lower() for m in _GRADE.finditer(text)}
    return 1.0 / len(grades) if grades else 0.0


def whole(quote: str, paragraph: str) -> bool:
    """A quote that ends a sentence, or runs to a line's end and starts a line (a PDF line cut mid-sentence
    does neither: "... at the last inspection in")."""
    q = quote.strip()
    if not q:
        return False
    if q == paragraph.strip() or re.search(r"[.!?:;)\]'’\"”]$", q):
        return True
    at = paragraph.find(q)
    if at < 0:
        return False
    end = at + len(q)
    ends_line = end >= len(paragraph.rstrip()) or paragraph[end] == "\n"
    starts_line = at == 0 or paragraph[at - 1] == "\n"
    next_line = paragraph[end + 1 :].lstrip().split("\n", 1)[0] if end < len(paragraph) else ""
    # A line that runs on into a line starting in lower case is a wrapped sentence, not a whole line.
    return ends_line and starts_line and not (next_line[:1].islower())


def _complete(c: Candidate) -> float:
    if c.kind == "rules" and c.answer is not None:
        quotes = c.answer.citations
        if not quotes:
            return 0.0
        return sum(1 for q in quotes if q.quote.strip().endswith((".", "!", "?", ")", "’", "'", '"', "”"))
                   or "\t" in q.quote) / len(quotes)
    if c.passage is None:
        return 0.0
    return 1.0 if c.kind == "row" or whole(c.quote, c.passage.paragraph.text) else 0.0


def _furniture(quote: str, repeated: frozenset[str]) -> float:
    lines = [line_key(x) for x in quote.split("\n") if x.strip()]
    return sum(1 for x in lines if x in repeated) / len(lines) if lines and repeated else 0.0


def _common(text: str, idf: Callable[[str], float] | None) -> float:
    words = terms(text)
    if not words or idf is None:
        return 0.0
    return min(1.0, sum(idf(w) for w in words) / len(words) / 8.0)


# What an answer states, by kind: a grade of any framework, a number, a month and year, a two-word name.
_GRADE = re.compile(r"\b(outstanding|good|requires improvement|inadequate|not judged|satisfactory|poor)\b", re.I)
_VALUE = re.compile(r"\b\d+(?:/\d+)?\b|\b(?:January|February|March|April|May|June|July|August|September|October|"
                    r"November|December)\b|\b[A-Z][a-z]+ [A-Z][a-z]+\b")


def grades_in(text: str) -> frozenset[str]:
    """The grades a statement gives, lower-cased ("requires improvement", "good")."""
    return frozenset(m.group(0).lower() for m in _GRADE.finditer(text))


def answer_values(text: str) -> frozenset[str]:
    """The values a statement gives (grades, figures, months, names), lower-cased, for agreement."""
    return frozenset(m.group(0).lower() for m in _GRADE.finditer(text)) | frozenset(
        m.group(0).lower() for m in _VALUE.finditer(text)
    )


def _agreement(values: list[tuple[frozenset[str], tuple[str, int | None], int]], index: int) -> float:
    """Share of the five best-retrieved other paragraphs whose candidates state a value this one states."""
    mine, where, _ = values[index]
    if not mine:
        return 0.0
    others: dict[tuple[str, int | None], bool] = {}
    for vals, w, _ in sorted(values, key=lambda t: t[2]):
        if w == where or w in others:
            continue
        if len(others) >= 5:
            break
        others[w] = others.get(w, False) or bool(vals & mine)
    return sum(others.values()) / len(others) if others else 0.0


def relative(
    vectors: list[list[float]], values: list[tuple[frozenset[str], tuple[str, int | None], int]] | None = None
) -> list[list[float]]:
    """Fill the features that compare a candidate with the question's other candidates."""
    if not vectors:
        return vectors
    cov, dense, typed = FEATURES.index("coverage"), FEATURES.index("dense"), FEATURES.index("typed")
    best_cov = max(v[cov] for v in vectors)
    best_dense = max(v[dense] for v in vectors)
    share = sum(v[typed] for v in vectors) / len(vectors)
    rules, typed_at = FEATURES.index("rules"), FEATURES.index("typed")
    agree_at = FEATURES.index("agree")
    out = []
    for v in vectors:
        v = list(v)
        if values is not None:
            v[agree_at] = _agreement(values, index=len(out))
        if v[rules]:
            v[FEATURES.index("rules_complete")] = v[FEATURES.index("complete")]
            v[FEATURES.index("rules_typed")] = v[typed_at]
            v[FEATURES.index("rules_coverage")] = v[cov]
        v[FEATURES.index("coverage_gap")] = best_cov - v[cov]
        v[FEATURES.index("dense_gap")] = best_dense - v[dense]
        v[FEATURES.index("typed_share")] = share
        out.append(v)
    return out


def named(values: list[float]) -> Mapping[str, float]:
    """A feature vector as a name -> value mapping (for the trace)."""
    return {n: round(v, 4) for n, v in zip(FEATURES, values, strict=True)}


def vocabulary(text: str) -> frozenset[str]:
    """The stemmed words of a document (for ``rare_missing``)."""
    return frozenset(terms(text, keep_stopwords=True))
