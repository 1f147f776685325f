"""How a question about inspection judgements reads: what it asks (a judgement overall or of an area, the lead
inspector, the dates, the publication date, what must improve), and which inspection it means (a year, the one
before, a change since). Vocabularies of how councillors ask, as patterns; read by ``judged``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.frameworks import ASKED_AREAS

LEAD = re.compile(
    r"(?<!deputy\s)(?<!assistant\s)(?<!other\s)(?<!second\s)\b(?:lead\s+(?:inspector|inspecter|hmi)|inspector\s+led|who\s+(?:led|inspected|was\s+in\s+charge)"
    r"|(?:did|does)\s+(?:she|he|they|the\s+same\s+(?:person|inspector))\s+(?:also\s+)?lead)\b",
    re.I,
)
PUBLISHED = re.compile(r"\b(?:published|publication|come\s+out|came\s+out|released)\b", re.I)
WHEN = re.compile(r"\b(?:when\b|dates?\b|on\s+site|took\s+place|how\s+long)", re.I)
JUDGED = re.compile(
    r"\b(?:judge?(?:d|ment|ments)?|grade[sd]?|grading|rat(?:ed|ing|ings)|outcome|result|score[sd]?|verdict"
    r"|awarded|how\s+(?:good|well)|effectiveness|overall|better|worse|compare|vs|versus)\b"
    r"|\bwhat\s+(?:[\w’']+\s+){0,5}(?:get|got|receive|achieve)\b"
    r"|\b(?:get|got|received?|achieved?)\s+(?:a|an|the)?\s*(?:grade|rating|judgement|outstanding|good|inadequate|requires)\b"
    r"|\bhow\s+(?:did|does|do|has|have|was|were|is|are)\b[^?]{0,60}\b(?:do|fare|perform|done)\b",
    re.I,
)
# Which inspection: the one before the one the question names or the latest.
BEFORE = re.compile(
    r"\b(?:previous|prior|earlier|preceding|time\s+before|before\s+(?:that|this|then|the|its|it))\b", re.I
)
BEFORE_YEAR = re.compile(r"\b(?:before|prior\s+to|preceding)\s+(?:the\s+|its\s+)?(?:\w+\s+)?((?:19|20)\d\d)\b", re.I)
SEPARATE = re.compile(
    r"\b(?:separate(?:ly)?|on\s+(?:its|their)\s+own|alone|by\s+itself|by\s+themselves|just|only|specifically)\b", re.I
)
OVERALL = re.compile(r"\boverall\b", re.I)
FOLLOWS = re.compile(r"^\s*(?:and|so|what\s+about|how\s+about)\b|\b(?:it|that|they|before|previous|then)\b", re.I)
# A question about change: the inspection before the one asked about is answered too.
CHANGE = re.compile(
    r"\b(?:compared?\s+(?:with|to)\s+(?:the|its)\s+(?:last|previous|earlier)|since\s+(?:the|its)\s+(?:last|previous)"
    r"|changed?|improved?|declined?|deteriorated?|slipped|got\s+(?:better|worse)|gone\s+(?:up|down|downhill)|doing\s+better"
    r"|any\s+better|better\s+or\s+worse)\b",
    re.I,
)
# The report's list of what must improve ("What needs to improve?", a SIF's "Recommendations").
IMPROVE = re.compile(
    r"\b(?:need(?:s|ed)?\s+to\s+(?:improve|be\s+improved)|needs?\s+improving|(?:told|asked|required)\s+to\s+improve"
    r"|areas?\s+(?:for|of|to)\s+improv\w*|recomm?end\w*|recs"
    r"|improvement\s+points?|points?\s+(?:for|to)\s+improv\w*|things?\s+(?:to|that\s+need\s+to)\s+improve"
    r"|what\s+(?:should|must)\b.{0,40}\bimprove)\b",
    re.I,
)


@dataclass(frozen=True)
class Ask:
    published: bool
    lead: bool
    when: bool
    areas: tuple[str, ...]  # keys of ASKED_AREAS; () with ``judged`` means overall
    judged: bool
    overall: bool
    grade: str | None = None  # "which areas were judged inadequate?": the grade whose areas are asked for
    extreme: str | None = None  # "which area was weakest?": "worst" or "best"


WORST = re.compile(r"\b(?:weakest|worst|lowest|poorest)\b", re.I)
BEST = re.compile(r"\b(?:strongest|best|highest)\b", re.I)
WHICH_AREAS = re.compile(r"\b(?:which|what)\b.{0,40}\b(?:areas?|parts?|bits?|judgements?|aspects?|services?)\b", re.I)
GRADE_WORD = re.compile(r"\b(outstanding|good|inadequate|requires?\s+improvement(?:\s+to\s+be\s+good)?)\b", re.I)


WHY = re.compile(r"\b(?:why|reasons?|because|how\s+come)\b", re.I)
GENERIC = frozenset(
    "ofsted ilacs sif inspection inspections inspected grade grades rating ratings rated judgement judged result "
    "outcome overall latest last recent most current childrens children's children services service social care "
    "council local authority report what whats what's was were is the a an of for in at on and its their how did "
    "do does get got s".split()
)


def read_ask(question: str, qtype: str, places: Sequence[str] = ()) -> Ask | None:
    q = question.lower()
    if WHY.search(q):
        return None  # the reasons are in the report's prose, not its table
    areas = tuple(k for k, words in ASKED_AREAS.items() if any(re.search(rf"\b{re.escape(w)}\b", q) for w in words))
    lead = bool(LEAD.search(question))
    # "the inspection published in January 2019" names the inspection; "when was it published" asks the date
    published = bool(PUBLISHED.search(question)) and not re.search(r"\bpublished\s+(?:in|on)\b", question, re.I)
    when = bool(WHEN.search(question)) and not lead and not published and qtype in ("when", "general", "rating")
    # An area alone is a judgement question only when the question is no more than that ("gateshead care leavers?");
    # "what did Ofsted say about care leavers' housing" asks for findings, not the grade.
    terse = len(re.findall(r"[a-z]+", q)) <= 6
    judged = (qtype == "rating" or bool(JUDGED.search(question)) or bool(CHANGE.search(question))
              or (bool(areas) and terse)) and not (
        (lead or when) and not areas and not JUDGED.search(question))
    if not (lead or when or judged or published):
        # "oxfordshire ofsted 2024": a council, maybe a year and the inspectorate, nothing else asked: its judgement
        rest = q
        for place in places:
            rest = rest.replace(place.lower(), " ")
        words = [w for w in re.findall(r"[a-z’']+", rest) if w not in GENERIC]
        judged = terse and not words and not re.search(r"\b(?:how\s+many|say|said|about)\b", q)
        if not judged:
            return None
    grade = GRADE_WORD.search(question)
    which = bool(WHICH_AREAS.search(question)) and not areas
    listing = grade.group(1) if grade and which else None
    extreme = ("worst" if WORST.search(question) else "best" if BEST.search(question) else None) if which else None
    return Ask(published, lead, when, areas,
                judged and not ((lead or published) and not areas and not OVERALL.search(question)),
                bool(OVERALL.search(question)), listing, extreme)


SAME = re.compile(r"\b(?:same|also|too|again)\b", re.I)

COUNCILS = re.compile(r"\b(?:which|what|list\s+(?:the|all)?)\s+(?:councils?|local\s+authorities|authorities|las?)\b", re.I)

def asks_judgement(question: str, qtype: str) -> bool:
    """True when ``question`` asks what an inspection judged (overall or an area)."""
    ask = read_ask(question, qtype)
    return bool(ask and ask.judged)
