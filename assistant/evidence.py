"""What kind of evidence a question asks for, and whether a text holds it.

"When ...?" wants a date, "how many" a count, "who" a person (or a Lead column), "over what period" a duration,
"how was it rated" a rating. Used by the answerer to accept a sentence and by the engine to order passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from assistant.numbers import MONTHS
from assistant.retrieve import STOPWORDS, terms

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = re.compile(
    rf"\b(\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|({_MONTHS})[\s-]+\d{{2,4}}\b|\b(19|20)\d\d\b|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})",
    re.I,
)
_NUMBER = re.compile(
    r"\b(\d+(\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred)\b", re.I
)

_QUALIFIER = re.compile(
    r"\b(under|over|aged|age|section|para|paragraph|appendix|item|no\.?|page|recommendation|standard|domain|"
    r"priority|version|phase|tier|level|step)\s*$",
    re.I,
)
_DURATION = re.compile(
    r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|twenty-four|thirty|"
    r"thirty-six)[\s-]*(years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)\b|\b(19|20)\d\d\s*(-|–|to)\s*(19|20)?\d\d\b|"
    r"\b(until|till|up to|through|by)\s+(\w+\s+)?(19|20)\d\d\b",
    re.I,
)

_MONEY = re.compile(r"£\s?\d|\d\s?(%|per cent|million|m\b|k\b)", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\b")
_RATING = re.compile(r"\b(outstanding|good|requires improvement|inadequate|satisfactory|unsatisfactory|poor)\b", re.I)
# Question types and the evidence each needs: a "when" question is answered only by a sentence with a date.
# A question may open with where it looks ("In Barnsley's action plan, who leads ...?", "For Sutton, when ...?").
_OPENING = r"^\s*(?:(?:in|for|at|on|within|regarding|about|according to)\b[^,?]{1,60},\s*)?"
_QTYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("why", re.compile(_OPENING + r"(why|how come|what (is|was) the reason|for what reason)\b|\breasons? (for|why)\b",
                       re.I)),
    ("when", re.compile(_OPENING + r"((from|since|until|by|on|as of|at)\s+)?(when|what date|which date|what year|"
                        r"which year|what month|how long ago)\b", re.I)),
    ("how_much", re.compile(r"\b(how much|what (is|was) the (budget|cost|funding)|what budget|budget)\b", re.I)),
    ("how_long", re.compile(r"\b(how long|(over|for) (what|which) (period|timescale|timeframe|time)|what (period|"
                            r"timescale|timeframe|duration)|over how many (years|months|weeks))\b", re.I)),
    ("how_many", re.compile(r"\b(how many|number of|what percentage|what proportion|how often)\b", re.I)),
    # "Who are the statutory partners?" asks for bodies, not a person: answered like any other question.
    ("general", re.compile(_OPENING + r"who (are|were)\b(?!.*\b(leads?|officers?|chairs?|managers?|members|people)\b)", re.I)),
    ("who", re.compile(
        _OPENING + r"(who|whom|whose|which (officer|person|manager|inspector|councillor)|who's)\b|\bwhat is the name\b|"
        r"\bname of the\b", re.I)),
    # "rate" is a rating when it is the verb ("How did they rate it?"); "the reoffending rate" asks for a figure.
    ("rating", re.compile(r"\b(rated|rating|ratings|judgement|judgment|graded|grade)\b|"
                          r"\b(did|do|does|would|to|they|inspectors?|we|ofsted|hmip)\s+(rate|judge|grade)\b", re.I)),
    ("how_many", re.compile(r"\brates?\b", re.I)),
)


# "When will ...?" asks about something after the paper was written, so the paper's own date does not answer it.
_AHEAD = re.compile(r"\bwhen (will|is .* (due|expected|planned)|are .* (due|expected|planned))\b|\bby when\b", re.I)


def asks_ahead(question: str) -> bool:
    """"When will it be reported?", "By when ...?": a date after the paper's own."""
    return bool(_AHEAD.search(question))


def only_own_date(text: str, own: str | None) -> bool:
    """Are all the dates in ``text`` the paper's own month and year (its cover: "Date: June 2017")?"""
    stamp = (month_year(own) or "").lower()
    found = [" ".join(m.group(0).lower().split()) for m in DATE.finditer(text)]
    return bool(stamp) and bool(found) and all(d in stamp for d in found)


def question_type(question: str) -> str:
    for name, pattern in _QTYPES:
        if pattern.search(question):
            return name
    return "general"


def person_spans(text: str, lower_vocab: frozenset[str]) -> list[tuple[int, int]]:
    """Where ``text`` names people (see has_person): (start, end) of each two-word name."""
    words = list(_CAPITALISED.finditer(text))
    return [
        (a.start(), b.end())
        for a, b in pairwise(words)
        if text[a.end() : b.start()] in (" ", " - ", "-")
        and a.group(0).lower() not in lower_vocab
        and b.group(0).lower() not in lower_vocab
    ]


# What a paper asks its own committee to do ("2.1 That the Committee notes ...", "Note the progress"): a
# recommendation *to* the meeting, never an inspectorate's recommendation. A paragraph number may lead it.
COMMITTEE_ASK = re.compile(
    r"^\s*(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|\(?[a-z]\)|\(\d{1,2}\))\s+)?(?:"
    r"(?:that\s+)?(?:the\s+)?(?:committee|sub-committee|members|panel|cabinet|mayor|council|councillors|board is asked)\b"
    r"|(?:note|notes|noting|agree|agrees|approve|approves|endorse|endorses|comment|consider|considers)\b)",
    re.I,
)


# Words of council and inspection services: capitalised in names of teams and boards, never people's names.
SERVICE_WORDS = frozenset(
    """youth justice service services offending team teams board boards panel panels partnership council borough
    committee sub-committee scrutiny select overview cabinet children young people adolescent adult adults social
    care safeguarding education health police probation court courts family families early help prevention
    improvement plan progress report update strategy policy head director manager officer chair lead leads member
    members executive management performance quality assurance victim victims resettlement""".split()
)


def has_person(text: str, lower_vocab: frozenset[str]) -> bool:
    """Does ``text`` name a person? Two capitalised words that the documents never write in lower case.

    "Maleeka Dachi" and "Sara Pordham" qualify; "Youth Justice" or "Metropolitan Police" do not, because the
    documents also write "youth" and "police": a rule from the corpus's own usage, not from a list of names.
    """
    return bool(person_spans(text, lower_vocab))


_SHARE = re.compile(r"\s*(?:%|per ?cent)", re.I)  # "14% of children in care" is a share, not how many
_OWN_LABEL = re.compile(r"\s*(?:\d{1,3}(?:\.\d{1,3})+|\(?\d{1,3}[.)])\s")


def _counts(text: str, shares: bool = True) -> Iterator[re.Match[str]]:
    """The numbers in ``text`` that count something: not its own label ("15. Care leavers ..."), a qualifier
    ("aged 16 and 17", "section 17"), a date or a year; nor, unless ``shares``, a share ("14% of")."""
    label = _OWN_LABEL.match(text)
    skip = label.end() if label else 0
    dates = [d.span() for d in DATE.finditer(text)]  # "published 10 January 2025" counts nothing
    for m in _NUMBER.finditer(text):
        if (
            m.start() >= skip
            and not _QUALIFIER.search(re.sub(r"\d+\s*(?:,|and|or|to|-)\s*$", "", text[: m.start()]))
            and (shares or not _SHARE.match(text, m.end()))
            and not any(a <= m.start() < b for a, b in dates)
            and not re.fullmatch(r"(?:19|20)\d\d", m.group(0))
        ):
            yield m


def has_type(qtype: str, text: str, lower_vocab: frozenset[str] = frozenset()) -> bool:
    if qtype == "when":
        return bool(DATE.search(text))
    if qtype == "how_many":
        # A count, not a label or qualifier ("under 25", "section 17", "Recommendation 3"), nor the paragraph's
        # own number ("15. Care leavers have ...", "3.2\tThe service ...").
        return any(_counts(text))
    if qtype == "how_long":
        return bool(_DURATION.search(text))
    if qtype == "how_much":
        return bool(_MONEY.search(text))
    if qtype == "who":
        return has_person(text, lower_vocab)
    if qtype == "rating":
        return bool(_RATING.search(text))
    if qtype == "why":
        # Reasons are given in prose, not in a table cell or a heading.
        return "\t" not in text and len(text.split()) >= 8
    return True


_HOW_MANY = re.compile(r"\bhow many\s+(?:(?:of|the|more|fewer|other|different|separate)\s+)*([a-z][a-z'-]+)", re.I)


def counts_what_is_asked(question: str, text: str, header: str | None = None) -> bool:
    """Does a count in ``text`` count what "how many X" asks about? "14% of children in care had three or more
    placement moves" counts moves, not children in care. The thing counted follows the number ("412 children",
    "four recommendations") or, in a table cell or after a colon, comes before it ("Children in care: 412"), in
    the row or its ``header``."""
    m = _HOW_MANY.search(question)
    if not m or m.group(1).lower() in STOPWORDS:
        return True  # "how many were there?": nothing named to check
    # The thing counted is named by the phrase up to its verb: "how many out-of-court disposal cases were ...";
    # any of its words will do, as a terse question runs on into a place ("how many recommendations sutton").
    phrase = [m.group(1)]
    for word in question[m.end() :].split():
        word = word.strip("?,.;:").lower()
        if not word or word in STOPWORDS or not re.fullmatch(r"[a-z][a-z'-]*", word):
            break
        phrase.append(word)
    wanted = set(terms(" ".join(phrase)))
    if not wanted:
        return True
    for n in _counts(text, shares=False):
        after = text[n.end() :]
        if not re.match(r"[^\S\t]*[A-Za-z(]", after):  # nothing said after it: the thing counted came before
            if wanted & set(terms(f"{header or ''} {text[: n.start()]}")):
                return True
            continue
        if wanted & set(terms(" ".join(after.split()[:4]))):
            return True
    return False


# Action-plan and KPI tables name who is responsible in a column of their own, often a team or an agency.
_LEAD_COLUMN = re.compile(r"^(leads?|lead (officer|agency|person)|owners?|responsible( (officer|person|lead))?|"
                          r"accountable|by whom|officer|contact)$", re.I)


def names_lead(row: str, header: str | None) -> bool:
    """Does the table row fill a Lead/Owner/Responsible column of its header?"""
    heads = [h.strip() for h in (header or "").split("\t")]
    cells = [c.strip() for c in row.split("\t")]
    return any(_LEAD_COLUMN.match(h) and i < len(cells) and cells[i] for i, h in enumerate(heads))


_RAG_CELL = re.compile(r"^(red|amber|green|red/amber|amber/green|r|a|g|ra|ag)$", re.I)


def implied(text: str) -> str | None:
    """What a paragraph says without the words: a dashboard row with a Red, Amber or Green cell states a RAG
    status, whatever its header says."""
    if "\t" in text and any(_RAG_CELL.match(c.strip()) for c in text.split("\t")[1:]):
        return "RAG status"
    return None


def month_year(iso: str | None) -> str | None:
    """"June 2017" for "2017-06" (or "2017-06-30"): how a question names a paper's date."""
    if not iso or len(iso) < 7 or not iso[5:7].isdigit() or not 1 <= int(iso[5:7]) <= 12:
        return iso[:4] if iso else None
    return f"{MONTHS[int(iso[5:7]) - 1]} {iso[:4]}"
