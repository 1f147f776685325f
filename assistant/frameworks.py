"""Inspection frameworks as data: their judgement scales (best first) and the areas they judge.

Read by the answerer (a judgement table's rows, printed by a PDF as lines) and meant for the facts extractor too
(issue 15). A scale belongs to a framework; the same word ("Good") on two scales is two judgements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    """One inspection framework: who inspects, its scale (best first), its areas, what "overall" is called."""

    key: str
    inspectorate: str
    scale: tuple[str, ...]
    areas: tuple[str, ...]
    overall: str
    graded: bool = True


FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        "hmip_youth_2018", "HM Inspectorate of Probation",
        ("Outstanding", "Good", "Requires improvement", "Inadequate"),
        ("Organisational delivery", "Court disposals", "Out-of-court disposals", "Resettlement"),
        "overall rating",
    ),
    Framework(
        "hmip_joint_legacy", "HM Inspectorate of Probation",
        ("good", "satisfactory", "unsatisfactory", "poor"), (), "overall judgement",
    ),
    Framework(
        "ofsted_ilacs", "Ofsted",
        ("Outstanding", "Good", "Requires improvement to be good", "Inadequate"),
        (
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children in care",
            "The experiences and progress of care leavers",
            "The experiences and progress of children in care and care leavers",
        ),
        "Overall effectiveness",
    ),
    Framework(
        "ofsted_sif", "Ofsted",
        ("Outstanding", "Good", "Requires improvement to be good", "Inadequate"),
        (
            "Children who need help and protection",
            "Children looked after and achieving permanence",
            "Adoption performance",
            "Experiences and progress of care leavers",
            "Leadership, management and governance",
            "The Local Safeguarding Children Board",
        ),
        "Overall judgement",
    ),
    Framework("ofsted_focused_visit", "Ofsted", (), (), "", graded=False),
    Framework("ofsted_monitoring_visit", "Ofsted", (), (), "", graded=False),
    Framework("jtai", "Ofsted, CQC, HMICFRS and HMIP", (), (), "", graded=False),
    Framework("cqc_assessment", "Care Quality Commission", ("Outstanding", "Good", "Requires improvement", "Inadequate"),
              (), "overall rating"),
)

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
