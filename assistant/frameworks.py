"""Inspection frameworks as data: who inspects, the judgement scale (best first), the areas judged and what the
overall judgement is called, read by the facts extractor (``ingest.facts_judgements``) and the answerer.

A scale belongs to a framework; the same word ("Good") on two scales is two judgements. An area's ``name`` is how
the report prints it (the judgement table's row), ``short`` how a councillor says it, ``covers`` what a question
may call it (``ASKED_AREAS``). ``statements`` are the sentences a framework states its overall judgement in, with ``{grade}``
where the grade goes and ``{place}`` for the council ("Children's services in Slough are inadequate").
``title`` is what the first lines of a report of this framework say (a focused visit is never a graded
inspection, whatever its prose mentions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OFSTED_SCALE = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")


@dataclass(frozen=True)
class Area:
    """One judged area of a framework."""

    key: str
    name: str
    short: str
    covers: tuple[str, ...] = ()  # what a question may call it: keys of ASKED_AREAS
    statement_only: bool = False  # judged in a sentence or heading of its own, not a table row (a SIF's LSCB)


@dataclass(frozen=True)
class Framework:
    """One inspection framework: who inspects, its scale (best first), its areas, what "overall" is called."""

    key: str
    inspectorate: str
    label: str
    scale: tuple[str, ...]
    areas: tuple[Area, ...]
    overall: str
    graded: bool = True
    statements: tuple[str, ...] = ()
    title: str = ""
    improve: str = ""  # the heading of the report's list of what must improve


# What a question calls an area, across frameworks (an ILACS "children in care" row and a SIF "children looked
# after" row are both what "how were children in care judged" asks about).
ASKED_AREAS: dict[str, tuple[str, ...]] = {
    "leadership": ("leaders", "leadership", "impact of leaders", "management", "governance"),
    "help_and_protection": ("help and protection", "need help", "child protection", "protection"),
    "in_care": ("children in care", "in care", "looked after", "looked-after", "permanence", "cla"),
    "care_leavers": ("care leavers", "care leaver", "leaving care"),
    "adoption": ("adoption",),
    "lscb": ("lscb", "safeguarding children board", "safeguarding board"),
}

_LEADERS = Area(
    "leaders", "The impact of leaders on social work practice with children and families", "leadership",
    ("leadership",),
)
_HELP = Area(
    "help_and_protection", "The experiences and progress of children who need help and protection",
    "help and protection", ("help_and_protection",),
)
_IN_CARE = Area(
    "in_care", "The experiences and progress of children in care", "children in care", ("in_care",),
)
_LEAVERS = Area("care_leavers", "The experiences and progress of care leavers", "care leavers", ("care_leavers",))
_IN_CARE_AND_LEAVERS = Area(
    "in_care_and_care_leavers", "The experiences and progress of children in care and care leavers",
    "children in care and care leavers", ("in_care", "care_leavers"),
)

FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        "hmip_youth_2018", "HM Inspectorate of Probation", "HMIP youth justice inspection (2018 framework)",
        ("Outstanding", "Good", "Requires improvement", "Inadequate"),
        tuple(
            Area(k, n, n.lower())
            for k, n in (
                ("organisational_delivery", "Organisational delivery"), ("court_disposals", "Court disposals"),
                ("out_of_court_disposals", "Out-of-court disposals"), ("resettlement", "Resettlement"),
            )
        ),
        "overall rating",
    ),
    Framework(
        "hmip_joint_legacy", "HM Inspectorate of Probation", "HMIP joint inspection of youth offending work",
        ("good", "satisfactory", "unsatisfactory", "poor"), (), "overall judgement",
    ),
    Framework(
        "ofsted_ilacs", "Ofsted", "Ofsted inspection of local authority children's services (ILACS)",
        OFSTED_SCALE, (_LEADERS, _HELP, _IN_CARE_AND_LEAVERS, _IN_CARE, _LEAVERS), "Overall effectiveness",
        title=r"inspection of .{0,80}children[’']s (?:social care )?services", improve=r"What needs to improve\b",
    ),
    Framework(
        "ofsted_sif", "Ofsted", "Ofsted single inspection framework (2013-2017)",
        OFSTED_SCALE,
        (
            Area("help_and_protection", "Children who need help and protection", "help and protection",
                 ("help_and_protection",)),
            Area("looked_after", "Children looked after and achieving permanence", "children looked after",
                 ("in_care",)),
            Area("adoption", "Adoption performance", "adoption", ("adoption",)),
            Area("care_leavers", "Experiences and progress of care leavers", "care leavers", ("care_leavers",)),
            Area("leadership", "Leadership, management and governance", "leadership", ("leadership",)),
            Area("lscb", "The effectiveness of the Local Safeguarding Children Board", "the LSCB", ("lscb",),
                 statement_only=True),
        ),
        "Overall judgement",
        statements=(
            r"The overall judgement is (?:that children[’']s services (?:are )?)?{grade}",
            r"Children[’']s services in {place} (?:are |is )?{grade}",
        ),
        title=r"inspection of services for children in need of help and protection",
        improve=r"(?:What does the local authority need to improve|Recommendations)",
    ),
    Framework("ofsted_focused_visit", "Ofsted", "Ofsted focused visit", (), (), "", graded=False,
              title=r"focused visit"),
    Framework("ofsted_monitoring_visit", "Ofsted", "Ofsted monitoring visit", (), (), "", graded=False,
              title=r"monitoring visit"),
    Framework("jtai", "Ofsted, CQC, HMICFRS and HMIP", "joint targeted area inspection", (), (), "", graded=False,
              title=r"joint targeted area inspection"),
    Framework(
        "cqc_assessment", "Care Quality Commission", "CQC local authority assessment",
        ("Outstanding", "Good", "Requires improvement", "Inadequate"), (), "overall rating",
    ),
)
BY_KEY = {f.key: f for f in FRAMEWORKS}

# Every grade a judgement table may print, longest first ("Requires improvement to be good" before "Good").
GRADES: tuple[str, ...] = tuple(
    sorted({g for f in FRAMEWORKS for g in f.scale} | {"Not judged", "Adequate"}, key=len, reverse=True)
)
_GRADE_LINE = re.compile(
    r"^(?P<label>.*?)\s*(?P<grade>" + "|".join(re.escape(g) for g in GRADES) + r")\.?\d?\s*$", re.I
)


def grade_at_end(line: str) -> tuple[str, str] | None:
    """(label, grade) when a line ends in a grade ("Overall effectiveness Good", "Outstanding"), else None."""
    m = _GRADE_LINE.match(line.strip())
    if not m:
        return None
    return m.group("label").strip(" :-–"), m.group("grade")


def spell_grade(text: str, framework: Framework) -> str | None:
    """The framework's own spelling of a printed grade ("requires\\nimprovement", "Require Improvement" ->
    "Requires improvement to be good" on Ofsted's scale); None for "Not judged" or a word off the scale."""
    words = " ".join(text.lower().split())
    words = re.sub(r"^requires?\b", "requires", words)
    for grade in framework.scale:
        g = grade.lower()
        if words == g or (g.startswith(words) and words.startswith("requires improvement")):
            return grade
    return None

# What an inspectorate's boilerplate page (the back page's contact block, copyright and licence) prints; a page
# with two or more of these is page furniture, never an answer.
BOILERPLATE: tuple[str, ...] = (
    "Crown copyright", "Open Government Licence", "Textphone", "in a different format", "reuse this material",
    "psi@nationalarchives", "enquiries@ofsted.gov.uk", "www.gov.uk/ofsted",
)
