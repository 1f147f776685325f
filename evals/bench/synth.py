"""A seeded synthetic corpus in the shape of real inspection and committee papers, with questions and known answers.

Documents follow how the HM Inspectorate of Probation and council committees write: a ratings table (the twelve
youth-justice standards on the closed four-point scale, a score n/36 and an overall rating), "X should:" followed by
numbered recommendations, numbered paragraphs ("2.1"), and action-plan tables with a lead per action. Places are
real local authorities from the gazetteer that are not in the real corpus, so the scope logic treats them as places,
as it would a user's question about their own borough. Every figure a question asks about is planted when the
document is written, so the answer key is known exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
_POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
# The HMIP youth framework's domains and standards (published, not invented).
STANDARDS = (
    ("Organisational delivery", ("1.1", "Governance and leadership"), ("1.2", "Staff"),
     ("1.3", "Partnerships and services"), ("1.4", "Information and facilities")),
    ("Court disposals", ("2.1", "Assessment"), ("2.2", "Planning"), ("2.3", "Implementation and delivery"),
     ("2.4", "Reviewing")),
    ("Out-of-court disposals", ("3.1", "Assessment"), ("3.2", "Planning"), ("3.3", "Implementation and delivery"),
     ("3.4", "Out-of-court disposal policy and provision")),
)
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_YEARS = tuple(range(2018, 2026))
_REAL_CORPUS_PLACES = {"Bexley", "Lewisham", "Tower Hamlets"}

# Invented people: first and last names that make no real officer's name on purpose.
_FIRST = ("Amara", "Bryn", "Cerys", "Dalia", "Emrys", "Farah", "Gideon", "Hollis", "Imogen", "Jory", "Keziah",
          "Lorcan", "Maren", "Nyla", "Orrin", "Priya", "Quinn", "Rosalind", "Silas", "Tamsin", "Ulric", "Verity")
_LAST = ("Ashdown", "Brackley", "Corrigan", "Delamere", "Eastwood", "Fairbrother", "Gorringe", "Holloway",
         "Ingleby", "Jessop", "Kettering", "Lockhart", "Merriweather", "Northcott", "Oakes", "Pemberton",
         "Quarrie", "Radley", "Stanhope", "Thursby", "Underhill", "Vance", "Whitlock")
_ROLES = ("Head of Youth Justice", "Service Manager", "Data Analyst", "Head of Early Help", "Team Manager",
          "Partnership Lead", "Quality Assurance Lead", "Education Inclusion Manager")
_ACTIONS = (
    ("Governance", "Board attendance and seniority of partner representatives"),
    ("Performance", "Use of partnership data to evaluate the impact of interventions"),
    ("Education", "Education, training and employment outcomes for school-aged children"),
    ("Risk", "Quality of risk and safety planning in court disposals"),
    ("Victims", "Victim safety work across court and out-of-court disposals"),
    ("Diversion", "Access to diversionary interventions at the earliest opportunity"),
    ("Disproportionality", "Over-representation of Black and mixed-heritage children"),
    ("Workforce", "Supervision, training and retention of practitioners"),
)
_RECOMMENDATIONS = (
    "improve the quality of planning to manage the safety of others, with contingency plans that are specific",
    "develop an overarching strategy to address disproportionality, including all protected characteristics",
    "review the offer to victims so that more victims consent to share information",
    "strengthen management oversight of assessment and reviewing in court disposals",
    "ensure children have access to suitable education, training and employment provision",
    "review the use of deferred prosecution options and ensure children are offered diversion",
    "improve the analysis of performance data so that the board understands the impact of services",
    "make sure health assessments, including speech and language needs, inform plans for children",
)
_OWNERS = ("Youth Justice Management Board", "Youth Justice Service", "local authority", "police service")
_FILLER = (
    "Practitioners knew the children well and built trusting relationships with them and their families.",
    "Management oversight was visible in most cases, although it was not always recorded.",
    "The service makes good use of its data to understand the children it works with.",
    "Staff told us they felt supported by their managers and valued by the partnership.",
    "Work to keep other people safe was not consistently planned for when risks changed.",
    "The partnership board receives regular performance reports and challenges partners on attendance.",
    "Children's diversity needs were considered in assessment but less often in planning.",
    "Access to specialist provision, including speech and language therapy, has improved this year.",
    "Out-of-court work was timely and the joint decision-making panel operated effectively.",
    "Victims were contacted promptly, although the number consenting to further work remains low.",
    "Resettlement policy is in place but had not yet been tested with any children in custody.",
    "Caseloads were manageable and supervision took place at the frequency set by the service.",
)


@dataclass(frozen=True)
class PlantedQuestion:
    """A question about one generated document, with the answer the document states."""

    id: str
    question: str
    expect: dict[str, object]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SynthCorpus:
    """The folder written, its document count and the questions whose answers were planted in it."""

    folder: Path
    documents: int
    questions: tuple[PlantedQuestion, ...]


def _places() -> list[str]:
    """Real local authorities from the gazetteer, minus those the real corpus is about."""
    text = resources.files("assistant").joinpath("data", "places.txt").read_text(encoding="utf-8")
    names = [ln.split("|")[0].strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return sorted(n for n in names if n not in _REAL_CORPUS_PLACES)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _filler(rng: random.Random, place: str, n: int = 3) -> str:
    return " ".join(s.replace("The service", f"{place} YJS", 1) for s in rng.sample(_FILLER, n))


def plan(count: int, seed: int = 7) -> list[tuple[str, int, str]]:
    """The first ``count`` (place, year, kind) triples: unique, shuffled by ``seed``, a prefix of any larger plan."""
    combos = [(p, y, k) for p in _places() for y in _YEARS for k in ("inspection", "committee")]
    random.Random(seed).shuffle(combos)
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} synthetic documents can be generated")
    return combos[:count]


def inspection_report(place: str, year: int, rng: random.Random) -> tuple[str, dict[str, object]]:
    """An HMIP youth justice inspection report; returns the text and its planted facts."""
    month = rng.randrange(12)
    ratings = {code: rng.choices(RATINGS, weights=(2, 5, 3, 1))[0] for _, *stds in STANDARDS for code, _ in stds}
    score = sum(_POINTS[r] for r in ratings.values())
    overall = ("Inadequate" if score <= 6 else "Requires improvement" if score <= 18
               else "Good" if score <= 30 else "Outstanding")
    owners = rng.sample(_OWNERS, rng.randint(2, 3))
    recs = rng.sample(_RECOMMENDATIONS, rng.randint(3, 7))
    chief = _person(rng)
    lines = [f"An inspection of youth justice services in {place}", "",
             f"HM Inspectorate of Probation, {_MONTHS[month]} {year}", "", "Contents", ""]
    lines += ["Foreword", "Ratings", "Recommendations", "Background"]
    lines += [f"{code}. {name}" for _, *stds in STANDARDS for code, name in stds]
    lines += ["", f"{chief} HM Chief Inspector of Probation", "", "Foreword", "",
              f"This inspection is part of our programme of youth justice service (YJS) inspections. We have "
              f"inspected and rated {place} YJS across three broad areas. Overall, {place} YJS was rated as "
              f"'{overall}'. {_filler(rng, place, 2)}", "", "Ratings", "",
              f"{place} Youth Justice Service\tScore\t{score}/36", f"Overall rating\t{overall}\t"]
    for n, (domain, *stds) in enumerate(STANDARDS, 1):
        lines.append(f"{n}.\t{domain}\t\t")
        lines += [f"{code}\t{name}\t{ratings[code]}\t" for code, name in stds]
    lines += ["", "Recommendations", "",
              f"As a result of our inspection findings, we have made {NUMBER_WORDS[len(recs)]} recommendations "
              f"that we believe, if implemented, will have a positive impact on the quality of youth justice "
              f"services in {place}.", ""]
    number = 0
    per_owner = [recs[i :: len(owners)] for i in range(len(owners))]
    for owner, items in zip(owners, per_owner, strict=True):
        if not items:
            continue
        who = f"The {place} {owner}" if owner != "police service" else f"The {place} police service"
        lines += [f"{who} should:", ""]
        for item in items:
            number += 1
            lines += [f"- {number}. {item}.", ""]
    lines += ["Background", "",
              f"We conducted fieldwork in {place} YJS over a period of a week in {_MONTHS[month]} {year}. "
              f"{_filler(rng, place)}", ""]
    for n, (domain, *stds) in enumerate(STANDARDS, 1):
        lines += [f"Domain {NUMBER_WORDS[n]}: {domain}", ""]
        for code, name in stds:
            lines += [f"{code}. {name}", "", ratings[code], ""]
            lines += [f"- {_filler(rng, place, 2)}", "", f"- {_filler(rng, place, 2)}", ""]
    facts = {"overall": overall, "score": f"{score}/36", "recommendations": len(recs), "ratings": ratings}
    return "\n".join(lines) + "\n", facts


def committee_report(place: str, year: int, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A council select-committee paper with an inspection action plan; returns the text and its leads."""
    month = rng.randrange(12)
    actions = rng.sample(_ACTIONS, rng.randint(4, 6))
    leads = [f"{_person(rng)}, {rng.choice(_ROLES)}" for _ in actions]
    lines = [f"{place} Council", "", "Children and Young People Select Committee", "",
             "Report title: Youth Justice Service inspection action plan", "",
             f"Date: {rng.randint(1, 28):02d} {_MONTHS[month]} {year}", "", "Class: Part 1", "",
             "1. Summary", "",
             f"1.1 This report updates the committee on the {place} Youth Justice Service inspection action plan. "
             f"{_filler(rng, place, 2)}", "",
             f"1.2 {_filler(rng, place, 2)}", "", "2. Recommendations", "",
             "2.1 The committee is asked to note the progress made against the action plan.", "",
             "3. Background", ""]
    for i in range(1, 5):
        lines += [f"3.{i} {_filler(rng, place, 2)}", ""]
    lines += ["4. Action plan", "", "The partnership has agreed the following priority actions:", "",
              "No.\tTheme\tArea for improvement\tWhen\tLead"]
    for i, ((theme, area), lead) in enumerate(zip(actions, leads, strict=True), 1):
        lines.append(f"{i}\t{theme}\t{area}\t{_MONTHS[(month + 3 * i) % 12]} {year + 1}\t{lead}")
    lines += ["", "5. Financial implications", "",
              "5.1 Any costs of the action plan will be contained within the resources available.", "",
              "6. Legal implications", "", f"6.1 {_filler(rng, place, 1)}", ""]
    facts = {"actions": [(i, theme, area, lead.split(",")[0]) for i, ((theme, area), lead)
                         in enumerate(zip(actions, leads, strict=True), 1)]}
    return "\n".join(lines) + "\n", facts


def _doc_name(place: str, year: int, kind: str) -> str:
    if kind == "inspection":
        return f"hmip-inspection-youth-justice-{_slug(place)}-{year}"
    return f"{_slug(place)}-cyp-select-committee-{year}-yjs-action-plan"


def generate(folder: Path, count: int, seed: int = 7, planted: int = 12) -> SynthCorpus:
    """Write ``count`` documents and a manifest into ``folder``; ask about ``planted`` of them (spread evenly)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, object]] = {}
    questions: list[PlantedQuestion] = []
    step = max(1, count // max(1, planted))
    asked = set(range(0, count, step)[:planted])
    for i, (place, year, kind) in enumerate(plan(count, seed)):
        rng = random.Random(f"{seed}:{place}:{year}:{kind}")  # one document's text never depends on the tier
        name = _doc_name(place, year, kind)
        if kind == "inspection":
            text, facts = inspection_report(place, year, rng)
            meta = {"title": f"An inspection of youth justice services in {place}",
                    "body": "HM Inspectorate of Probation", "kind": "inspection_report"}
        else:
            text, facts = committee_report(place, year, rng)
            meta = {"title": "Youth Justice Service inspection action plan",
                    "body": f"{place} Children and Young People Select Committee", "kind": "committee_report"}
        date = re.search(r"(?:HM Inspectorate of Probation, |Date: \d\d )(\w+) (\d{4})", text)
        month = _MONTHS.index(date.group(1)) + 1 if date else 1
        manifest[f"{name}.txt"] = {**meta, "date": f"{year}-{month:02d}",
                                   "service": f"{place} Youth Justice Service", "classification": "part1",
                                   "url": None}
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        if i in asked:
            questions += _questions(name, place, year, kind, facts)
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"documents": manifest}, sort_keys=True), encoding="utf-8")
    return SynthCorpus(folder, count, tuple(questions))


def _questions(doc: str, place: str, year: int, kind: str, facts: dict[str, object]) -> list[PlantedQuestion]:
    """Questions a councillor would ask about one planted document, with the planted answers."""
    if kind == "inspection":
        return [
            PlantedQuestion(f"{doc}-overall", f"What overall rating did {place} youth justice service get in its "
                            f"{year} inspection?", {"rating": facts["overall"], "documents": [doc]}, ("rating",)),
            PlantedQuestion(f"{doc}-score", f"What score out of 36 did {place} YJS achieve in {year}?",
                            {"number": facts["score"], "documents": [doc]}, ("score",)),
            PlantedQuestion(f"{doc}-recs", f"How many recommendations did the {year} inspection of {place} "
                            "youth justice services make?", {"number": str(facts["recommendations"]), "documents": [doc]},
                            ("recommendation_count",)),
        ]
    actions = facts["actions"]
    assert isinstance(actions, list)
    number, theme, area, lead = actions[len(actions) // 2]
    return [PlantedQuestion(f"{doc}-lead", f"Who is the lead for the {theme.lower()} action "
                            f"({area.lower()}) in the {place} {year} youth justice action plan?",
                            {"contains": [lead], "documents": [doc]}, ("lead",))]


def write_question_set(path: Path, corpus: SynthCorpus, name: str) -> Path:
    """The planted questions as an evaluation set (evals/schema.py format), so the eval's own scorer runs."""
    data = {
        "name": name,
        "version": 1,
        "description": f"Generated questions about {corpus.documents} synthetic documents (answers planted).",
        "questions": [{"id": q.id, "question": q.question, "expect": q.expect, "tags": list(q.tags)}
                      for q in corpus.questions],
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
