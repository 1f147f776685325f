"""Inspection facts: the closed rating vocabularies, conflict flagging, the facts table, and answers from facts.

Ratings are only ever stored in the spelling of a closed vocabulary:

    hmip_youth_2018     Outstanding / Good / Requires improvement / Inadequate   (HMIP youth justice, 2018 on)
    hmip_joint_legacy   good / satisfactory / unsatisfactory / poor              (older joint inspections)

Answers are deterministic: a question about a rating, score, recommendation, action, or date is answered
from the facts with a citation per statement, or ``None`` is returned so the caller can fall back.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.types import Answer, Citation, Fact

YOUTH_2018 = "hmip_youth_2018"
LEGACY = "hmip_joint_legacy"
SCALES: dict[str, tuple[str, ...]] = {
    YOUTH_2018: ("Outstanding", "Good", "Requires improvement", "Inadequate"),
    LEGACY: ("good", "satisfactory", "unsatisfactory", "poor"),
}
# The HMIP youth justice standards framework came into use in 2018; inspections before it used the legacy scale.
FRAMEWORK_FROM_YEAR = 2018
RATING_KINDS = frozenset({"overall_rating", "standard_rating"})
# Kinds where two documents stating different values about the same inspection is a disagreement worth showing.
_COMPARABLE_KINDS = RATING_KINDS | {"score", "recommendation_count", "fieldwork_date", "publication_date"}

DOMAINS: dict[str, str] = {
    "1": "Organisational delivery",
    "2": "Court disposals",
    "3": "Out-of-court disposals",
    "4": "Resettlement",
}
STANDARDS: dict[str, str] = {
    "1.1": "Governance and leadership",
    "1.2": "Staff",
    "1.3": "Partnerships and services",
    "1.4": "Information and facilities",
    "2.1": "Assessment",
    "2.2": "Planning",
    "2.3": "Implementation and delivery",
    "2.4": "Reviewing",
    "3.1": "Assessment",
    "3.2": "Planning",
    "3.3": "Implementation and delivery",
    "3.4": "Out-of-court disposal policy and provision",
    "4.1": "Resettlement policy and provision",
}


def squeeze(text: str) -> str:
    """Lower-case letters and digits only, runs of one character collapsed: survives PDF word splits."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]", "", text.lower()))


_RATING_KEYS: dict[str, str] = {squeeze(term): term.lower() for terms in SCALES.values() for term in terms}


def rating_key(text: str) -> str | None:
    """The vocabulary term ``text`` spells (however split or capitalised), lower-cased; else None."""
    return _RATING_KEYS.get(squeeze(text)) if text.strip() else None


def scales_of(key: str) -> tuple[str, ...]:
    """The scales whose vocabulary contains the rating ``key``."""
    return tuple(s for s, terms in SCALES.items() if key in (t.lower() for t in terms))


def choose_scale(key: str, year: int | None) -> str | None:
    """The scale a rating belongs to: by vocabulary when only one has it, else by the inspection year."""
    scales = scales_of(key)
    if len(scales) == 1:
        return scales[0]
    if not scales:
        return None
    if year is not None and year < FRAMEWORK_FROM_YEAR:
        return LEGACY
    return YOUTH_2018


def spell(key: str, scale: str) -> str | None:
    """The scale's own spelling of the rating ``key``; None when the scale has no such term."""
    for term in SCALES.get(scale, ()):
        if term.lower() == key.lower():
            return term
    return None


def is_valid_rating(value: str, scale: str | None) -> bool:
    """True when ``value`` is spelled exactly as a term of ``scale``."""
    return scale is not None and value in SCALES.get(scale, ())


_SERVICE_WORDS = re.compile(
    r"\s*\b(?:youth\s+(?:justice|offending)(?:\s+(?:services?|teams?|work|partnership))?|yjs|yos|yot)\b.*$", re.I
)


def place_of(subject: str | None) -> str:
    """The place a service is named after ("Lewisham Youth Offending Service" -> "lewisham"); '' if unknown."""
    if not subject:
        return ""
    place = _SERVICE_WORDS.sub("", subject).strip()
    place = re.sub(r"^(?:the|london borough of|royal borough of)\s+", "", place, flags=re.I)
    return place.lower().strip(" ,")


def _name_key(name: str | None) -> str:
    """Compare standard names by their framework label when they have one, else by their letters."""
    if not name:
        return ""
    m = re.match(r"\s*(\d)\.(\d)\b", name)
    return f"{m.group(1)}.{m.group(2)}" if m else squeeze(name)


def _value_key(fact: Fact) -> str:
    return fact.value.strip().lower()


def _dates_agree(a: str, b: str) -> bool:
    """ISO dates agree when one is a prefix of the other ("2024-04" and "2024-04-08")."""
    return a.startswith(b) or b.startswith(a)


def flag_conflicts(facts: Sequence[Fact]) -> list[Fact]:
    """The facts, each with ``conflicts_with`` = other documents stating a different value for the same fact.

    Same fact = same place, kind, name and inspection year. Ratings of the same inspection on different scales
    (a 2018-framework grade for a 2016 legacy inspection) also disagree: the grade could not have been given.
    """
    clashes: dict[int, set[str]] = defaultdict(set)
    groups: dict[tuple[str, str, str, int | None], list[int]] = defaultdict(list)
    by_inspection: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.kind in _COMPARABLE_KINDS:
            groups[(place_of(f.subject), f.kind, _name_key(f.name), f.year)].append(i)
        if f.kind in RATING_KINDS and f.scale:
            by_inspection[(place_of(f.subject), f.year)].append(i)
    for members in groups.values():
        for i in members:
            for j in members:
                a, b = facts[i], facts[j]
                if a.document == b.document:
                    continue
                differ = (
                    not _dates_agree(a.value, b.value)
                    if a.kind.endswith("_date")
                    else _value_key(a) != _value_key(b)
                )
                if differ:
                    clashes[i].add(b.document)
    for members in by_inspection.values():
        for i in members:
            for j in members:
                a, b = facts[i], facts[j]
                if a.document != b.document and a.scale != b.scale:
                    # Only the overall claim is doubtful; an area rating on its own scale is not made wrong by
                    # another document, so the area side records the disagreement only against overall claims.
                    if a.kind == "overall_rating" or b.kind == "overall_rating":
                        clashes[i].add(b.document)
    return [
        replace(f, conflicts_with=tuple(sorted(set(f.conflicts_with) | clashes[i]))) if clashes[i] else f
        for i, f in enumerate(facts)
    ]


TABLE_COLUMNS = (
    "subject", "kind", "name", "value", "scale", "year", "document", "source", "paragraph", "label", "quote",
    "conflicts_with",
)


def facts_table(facts: Iterable[Fact]) -> list[dict[str, object]]:
    """One row per fact for ``facts --json|--csv``; ``extra`` fields become their own keys."""
    rows: list[dict[str, object]] = []
    for f in facts:
        row: dict[str, object] = {
            "subject": f.subject, "kind": f.kind, "name": f.name, "value": f.value, "scale": f.scale,
            "year": f.year, "document": f.document, "source": f.source, "paragraph": f.paragraph,
            "label": f.label, "quote": f.quote, "conflicts_with": list(f.conflicts_with),
        }
        for key, value in f.extra:
            row.setdefault(key, value)
        rows.append(row)
    return rows


def to_csv(rows: Sequence[Mapping[str, object]]) -> str:
    """CSV text of ``rows`` (the table's columns first, extra fields after); lists are joined with ';'."""
    columns = list(TABLE_COLUMNS)
    for row in rows:
        columns += [k for k in row if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v) for k, v in row.items()}
        )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Answering fact questions
# ---------------------------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
_STOP = frozenset(
    "a an the of to in on for and or by with what which who whom whose when where how did does do was were is are "
    "has have had been be it its their his her this that these those any all at as from than then there they we "
    "our ask asked told require required recommend recommended recommendation recommendations inspection "
    "inspections report reports service services should".split()
)
# Capitalised words a question may use that name no place or body (so they never cause a refusal).
_QUESTION_WORDS = frozenset(
    "what which who whom whose when where how why did does do was were is are has have list show tell give please "
    "compare i hmip hmi hm inspectorate probation yjs yos yot youth justice offending service services board "
    "inspection inspections report reports council committee rating ratings rated overall score good outstanding "
    "inadequate requires improvement satisfactory unsatisfactory poor recommendation recommendations and or the "
    "a an in of for since between versus vs".split()
)
_QUESTION_WORDS = _QUESTION_WORDS | frozenset(s.lower() for n in STANDARDS.values() for s in n.split())
_RATING_IN_QUESTION = re.compile(
    r"\b(requires?\s+improvement|outstanding|good|inadequate|unsatisfactory|satisfactory|poor)\b", re.I
)


@dataclass
class _Citer:
    """Assigns ``[n]`` markers to facts, one per distinct (document, paragraph, quote)."""

    titles: Mapping[str, str]
    citations: list[Citation]

    def mark(self, fact: Fact) -> str:
        for c in self.citations:
            if (c.document, c.paragraph, c.quote) == (fact.document, fact.paragraph, fact.quote):
                return f"[{c.marker}]"
        marker = len(self.citations) + 1
        self.citations.append(
            Citation(
                marker=marker, source=fact.source, document=fact.document, title=self.titles.get(fact.document),
                section=None, label=fact.label, paragraph=fact.paragraph, page=None, quote=fact.quote,
            )
        )
        return f"[{marker}]"

    def marks(self, facts: Iterable[Fact]) -> str:
        seen: list[str] = []
        for f in facts:
            m = self.mark(f)
            if m not in seen:
                seen.append(m)
        return "".join(seen)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", _plain(text).lower()) if w not in _STOP and len(w) > 1}


def _plain(text: str) -> str:
    """Text without footnote superscripts ("Outcome 22¹" -> "Outcome 22")."""
    return re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u209f]", "", text)


def _places(facts: Sequence[Fact]) -> dict[str, str]:
    """Every way a question may name a place that has facts -> that place's key."""
    aliases: dict[str, str] = {}
    for f in facts:
        key = place_of(f.subject)
        if not key:
            continue
        aliases[key] = key
        for part in re.split(r"\s+and\s+", key):
            if len(part) > 2:
                aliases.setdefault(part, key)
    return aliases


def _named_places(question: str, aliases: Mapping[str, str]) -> list[str]:
    """Place keys the question names, in the order it names them."""
    q = question.lower()
    found: list[tuple[int, str]] = []
    for alias, key in aliases.items():
        m = re.search(rf"(?<![a-z]){re.escape(alias)}(?![a-z])", q)
        if m and key not in (k for _, k in found):
            found.append((m.start(), key))
    return [k for _, k in sorted(found)]


def _names_unknown_entity(question: str, facts: Sequence[Fact]) -> bool:
    """True when the question names a capitalised thing (a borough, a body) that no fact mentions."""
    known = set()
    for f in facts:
        known |= set(re.findall(r"[a-z]+", " ".join([f.subject or "", f.value, f.quote, f.name or ""]).lower()))
        for _, v in f.extra:
            known |= set(re.findall(r"[a-z]+", v.lower()))
    tokens = re.finditer(r"(?<![\w'])([A-Z][a-zA-Z]+)", question)
    for m in tokens:
        word = m.group(1).lower()
        start_of_sentence = not question[: m.start()].strip() or question[: m.start()].rstrip()[-1] in ".?!:"
        if start_of_sentence or word in _QUESTION_WORDS or word in known:
            continue
        return True
    return False


def _years(question: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", question)]


def _who(f: Fact) -> str:
    """How an answer names the inspection a fact relies on."""
    subject = f.subject or "the service"
    return f"{subject} ({f.year} inspection)" if f.year else subject


def _extra(f: Fact, key: str) -> str | None:
    return next((v for k, v in f.extra if k == key), None)


def _fmt_date(iso: str) -> str:
    months = "January February March April May June July August September October November December".split()
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return iso


def _short(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary for an answer line (the citation carries the full quote)."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _one_per_document(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in facts:
        key = (f.document, f.kind, _name_key(f.name) + "|" + f.value.lower())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _latest_year(facts: Sequence[Fact]) -> int | None:
    years = [f.year for f in facts if f.year is not None]
    return max(years) if years else None


class _Answering:
    """One question against one pool of facts: picks the facts, writes cited statements."""

    def __init__(self, question: str, facts: Sequence[Fact], titles: Mapping[str, str]) -> None:
        self.question = question
        self.q = question.lower()
        self.all = list(facts)
        self.cite = _Citer(titles, [])
        self.titles = titles

    # -- selection helpers ---------------------------------------------------------------------------------------
    def kind(self, kind: str, pool: Sequence[Fact]) -> list[Fact]:
        return [f for f in pool if f.kind == kind]

    def by_inspection(self, facts: Sequence[Fact]) -> dict[tuple[str, int | None], list[Fact]]:
        groups: dict[tuple[str, int | None], list[Fact]] = defaultdict(list)
        for f in facts:
            groups[(place_of(f.subject), f.year)].append(f)
        return dict(sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)))

    def conflict_note(self, facts: Sequence[Fact]) -> str:
        """A sentence saying which documents disagree with ``facts``, citing both sides; '' when none do."""
        notes: list[str] = []
        for f in facts:
            if not f.conflicts_with:
                continue
            others = _one_per_document(
                o for o in self.all
                if o.document in f.conflicts_with and place_of(o.subject) == place_of(f.subject) and o.year == f.year
                and (o.kind == f.kind and _name_key(o.name) == _name_key(f.name)
                     or (f.kind in RATING_KINDS and o.kind in RATING_KINDS and o.scale != f.scale))
            )
            if not others:
                continue
            claims: dict[str, list[Fact]] = defaultdict(list)
            for o in others:
                claims[f"{o.name}: {o.value}" if o.name and o.name != f.name else f"'{o.value}'"].append(o)
            sources = " and ".join(dict.fromkeys(f"'{self.titles.get(o.document, o.document)}'" for o in others))
            what = f"the {f.year} inspection" if f.year else "this"
            note = (
                f"The documents disagree about {what}: '{self.titles.get(f.document, f.document)}' says "
                f"'{f.value}' {self.cite.mark(f)}, while {sources} give "
                + "; ".join(f"{claim} {self.cite.marks(fs)}" for claim, fs in claims.items()) + "."
            )
            if f.scale and any(o.scale and o.scale != f.scale for o in others):
                if f.scale == YOUTH_2018 and f.year and f.year < FRAMEWORK_FROM_YEAR:
                    note += (
                        f" '{f.value}' is a grade of the framework HMIP used from {FRAMEWORK_FROM_YEAR}; the "
                        f"{f.year} inspection was judged on the scale {', '.join(SCALES[LEGACY])}."
                    )
                else:
                    note += " The documents use different rating scales."
            notes.append(note)
        return " ".join(dict.fromkeys(notes))

    # -- intents -------------------------------------------------------------------------------------------------
    def overall(self, pool: Sequence[Fact]) -> list[str]:
        facts = self.kind("overall_rating", pool)
        lines = []
        for (_, _year), group in self.by_inspection(facts).items():
            group = _one_per_document(group)
            values = dict.fromkeys(f.value for f in group)
            first = group[0]
            lines.append(
                f"{_who(first)}: rated '{' / '.join(values)}' overall {self.cite.marks(group)}."
                + (" " + self.conflict_note(group) if any(f.conflicts_with for f in group) else "")
            )
        legacy = [f for f in self.kind("standard_rating", pool) if f.scale == LEGACY]
        for (place, year), group in self.by_inspection(legacy).items():
            if any(f.conflicts_with and (place_of(f.subject), f.year) == (place, year) for f in facts):
                continue  # the conflict note already lists these
            lines.append(self.legacy_areas(group))
        return lines

    def legacy_areas(self, group: Sequence[Fact]) -> str:
        group = _one_per_document(group)
        areas: dict[str, list[Fact]] = defaultdict(list)
        for f in group:
            areas[f"{f.name}: {f.value}"].append(f)
        listed = "; ".join(f"{k} {self.cite.marks(v)}" for k, v in areas.items())
        return f"{_who(group[0])} was rated by area on the good/satisfactory/unsatisfactory/poor scale: {listed}."

    def standards(self, pool: Sequence[Fact]) -> list[str]:
        wanted = self.standards_named()
        facts = [
            f for f in self.kind("standard_rating", pool)
            if (_name_key(f.name) in wanted) or (not wanted and self.area_match(f))
        ]
        if not facts:
            return []
        lines = []
        for (_, _year), group in self.by_inspection(facts).items():
            group = _one_per_document(group)
            parts = [f"{f.name}: '{f.value}' {self.cite.mark(f)}" for f in group]
            lines.append(f"{_who(group[0])}: " + "; ".join(parts) + "." + self.note_for(group))
        return lines

    def note_for(self, group: Sequence[Fact]) -> str:
        note = self.conflict_note(group)
        return " " + note if note else ""

    def area_match(self, f: Fact) -> bool:
        """A legacy area rating whose name shares content words with the question."""
        if f.scale != LEGACY or not f.name:
            return False
        area = _words(f.name) - {"work"}
        return len(area & _words(self.q)) >= max(1, len(area) // 2)

    def standards_named(self) -> set[str]:
        """Framework labels the question names, by number or by name (domain words settle 2.x vs 3.x)."""
        found = set(re.findall(r"\b([1-4]\.[1-4])\b", self.q))
        out_of_court = bool(re.search(r"out[- ]of[- ]court", self.q))
        court = bool(re.search(r"\bcourt\b", re.sub(r"out[- ]of[- ]court", "", self.q)))
        for label, name in STANDARDS.items():
            if label == "3.4" or label == "4.1":
                if squeeze(name) in squeeze(self.q):
                    found.add(label)
                continue
            if not re.search(rf"\b{re.escape(name.lower())}\b", self.q):
                continue
            if label[0] == "2" and out_of_court and not court or label[0] == "3" and court and not out_of_court:
                continue
            found.add(label)
        return found

    def score(self, pool: Sequence[Fact]) -> list[str]:
        facts = _one_per_document(self.kind("score", pool))
        if not facts:
            return []
        lines = []
        best: dict[str, tuple[float, Fact]] = {}
        for (_, _year), group in self.by_inspection(facts).items():
            lines.append(f"{_who(group[0])} scored {group[0].value} {self.cite.marks(group)}." + self.note_for(group))
            a, b = group[0].value.split("/")
            best[_who(group[0])] = (int(a) / int(b), group[0])
        if len(best) > 1 and re.search(r"higher|lower|better|worse|best|worst|most|least|compare|versus|\bvs\b|or\b", self.q):
            ranked = sorted(best.items(), key=lambda kv: kv[1][0], reverse=True)
            if ranked[0][1][0] != ranked[1][1][0]:
                lines.append(f"{ranked[0][0]} scored higher {self.cite.mark(ranked[0][1][1])}.")
            else:
                lines.append("They scored the same.")
            if len({f.year for _, (_, f) in ranked}) > 1:
                lines.append("Note the inspections were in different years.")
        return lines

    def count(self, pool: Sequence[Fact]) -> list[str]:
        facts = _one_per_document(self.kind("recommendation_count", pool))
        totals = [f for f in facts if not f.name]
        lines = []
        for (_, _year), group in self.by_inspection(totals).items():
            values = dict.fromkeys(f.value for f in group)
            lines.append(
                f"{_who(group[0])}: {' / '.join(values)} recommendations {self.cite.marks(group)}." + self.note_for(group)
            )
        split = [f for f in facts if f.name]
        # "The Executive Board: 4" and "The Youth Justice Executive Board: 4" are one recipient, named twice.
        split = [
            f for f in split
            if not any(o is not f and o.value == f.value and o.document == f.document and o.name and f.name
                       and _words(f.name) <= _words(o.name) and len(f.name) < len(o.name) for o in split)
        ]
        for (_, _year), group in self.by_inspection(split).items():
            parts = "; ".join(f"{f.name}: {f.value} {self.cite.mark(f)}" for f in group)
            lines.append(f"By recipient, {_who(group[0])}: {parts}.")
        return lines

    def recommendation_n(self, pool: Sequence[Fact], n: str) -> list[str]:
        facts = [f for f in self.kind("recommendation", pool) if f.name == n]
        lines = []
        for f in _one_per_document(facts):
            to = _extra(f, "addressed_to")
            lines.append(
                f"{_who(f)}, recommendation {n}" + (f" (to {to})" if to else "") + f": {_plain(f.value)} {self.cite.mark(f)}"
            )
        return lines

    def recommendation_search(self, pool: Sequence[Fact], party: str, act: str) -> list[str]:
        party_words = _words(party)
        act_words = _words(act)
        hits = []
        for f in self.kind("recommendation", pool):
            to = (_extra(f, "addressed_to") or "").lower()
            text = _words(f.value)
            if party_words and not (party_words & _words(to) or party_words <= text):
                continue
            if act_words and len(act_words & text) < max(1, round(0.6 * len(act_words))):
                continue
            hits.append(f)
        lines = []
        for (_, _year), group in self.by_inspection(_one_per_document(hits)).items():
            for f in group:
                to = _extra(f, "addressed_to")
                num = f" {f.name}" if f.name else ""
                lines.append(
                    f"{_who(f)}: recommendation{num}" + (f" to {to}" if to else "")
                    + f": {_plain(f.value)} {self.cite.mark(f)}"
                )
        return lines

    def recommendations_list(self, pool: Sequence[Fact]) -> list[str]:
        facts = _one_per_document(self.kind("recommendation", pool))
        return [
            f"{_who(f)}, recommendation{' ' + f.name if f.name else ''}"
            + (f" (to {_extra(f, 'addressed_to')})" if _extra(f, "addressed_to") else "")
            + f": {_plain(f.value)} {self.cite.mark(f)}"
            for f in facts
        ]

    def actions(self, pool: Sequence[Fact]) -> list[str]:
        want_lead = bool(re.search(r"\blead|\bwho\b|responsib|owner|accountable", self.q))
        want_deadline = bool(re.search(r"deadline|\bdue\b|by when|\bwhen\b|timescale|date", self.q))
        q_words = _words(self.q) - {"lead", "leads", "deadline", "due", "action", "actions", "responsible", "priority"}
        facts = self.kind("action", pool)
        scored = []
        for f in facts:
            text = _words(f.value + " " + " ".join(v for k, v in f.extra if k in ("recommendation", "theme")))
            overlap = len(q_words & text)
            n_match = bool(f.name and re.search(rf"\b(?:action|priority|recommendation|number|no\.?)\s*{re.escape(f.name.rstrip('.'))}\b", self.q))
            if overlap or n_match:
                scored.append((n_match * 100 + overlap, f))
        if not scored:
            return []
        top = max(s for s, _ in scored)
        lines = []
        for _, f in [x for x in scored if x[0] == top]:
            bits = []
            if want_lead or not want_deadline:
                lead = _extra(f, "lead")
                bits.append(f"lead: {lead}" if lead else "no lead is given")
            if want_deadline or not want_lead:
                when = _extra(f, "deadline")
                bits.append(f"deadline: {when}" if when else "no deadline is given")
            status = _extra(f, "status")
            if status:
                bits.append(f"status: {status}")
            lines.append(f"{_who(f)}, action {f.name or ''} '{_short(f.value)}': " + ", ".join(bits) + f" {self.cite.mark(f)}.")
        return lines

    def dates(self, pool: Sequence[Fact], kind: str) -> list[str]:
        facts = _one_per_document(self.kind(kind, pool))
        what = "fieldwork began" if kind == "fieldwork_date" else "the report was published"
        lines = []
        for (_, _year), group in self.by_inspection(facts).items():
            values = dict.fromkeys(_fmt_date(f.value) for f in group)
            on = "on" if all(f.value.count("-") == 2 for f in group) else "in"
            lines.append(
                f"{_who(group[0])}: {what} {on} {' / '.join(values)} {self.cite.marks(group)}." + self.note_for(group)
            )
        return lines

    def rated_list(self, pool: Sequence[Fact], term: str) -> list[str]:
        facts = [f for f in self.kind("overall_rating", pool) if f.value.lower() == term]
        lines = []
        for (_, _year), group in self.by_inspection(facts).items():
            group = _one_per_document(group)
            lines.append(f"{_who(group[0])}: '{group[0].value}' overall {self.cite.marks(group)}." + self.note_for(group))
        return lines

    def trend(self, pool: Sequence[Fact], since: int | None) -> list[str]:
        facts = [f for f in pool if f.kind in RATING_KINDS and (since is None or (f.year or 0) >= since)]
        lines = []
        by_year: dict[tuple[str, int | None], list[Fact]] = self.by_inspection(facts)
        for (_, year), group in sorted(by_year.items(), key=lambda kv: (kv[0][1] or 0)):
            overall = _one_per_document(f for f in group if f.kind == "overall_rating")
            if overall:
                values = dict.fromkeys(f.value for f in overall)
                line = f"{_who(overall[0])}: '{' / '.join(values)}' overall {self.cite.marks(overall)}."
                line += self.note_for(overall)
                lines.append(line)
            else:
                legacy = [f for f in group if f.scale == LEGACY]
                if legacy:
                    lines.append(self.legacy_areas(legacy))
        return lines if len(lines) > 0 else []

    # -- dispatch ------------------------------------------------------------------------------------------------
    def answer(self) -> Answer | None:
        q = self.q
        if _names_unknown_entity(self.question, self.all):
            return None
        aliases = _places(self.all)
        places = _named_places(self.question, aliases)
        years = _years(self.question)
        trend = bool(re.search(r"\bchang|improv(ed|ement since)|progress|\bsince\b|over time|trend|previous|last inspection|history", q))
        pool = [f for f in self.all if not places or place_of(f.subject) in places]
        if places and not pool:
            return None
        if years and not trend:
            pool = [f for f in pool if f.year in years]
            if not pool:
                return None
        multi_subject = len({place_of(f.subject) for f in pool}) > 1
        cross = bool(re.search(r"\bwhich\b|\bcompare|higher|lower|better|worse|\ball\b|\beach\b|\bboth\b", q)) or len(places) > 1
        if multi_subject and not cross and not trend:
            return None  # an unnamed service among several: let retrieval (or the user) pick
        lines = self.dispatch(pool, years, trend)
        if not lines:
            return None
        text = "\n".join(f"- {line}" if len(lines) > 1 else line for line in lines)
        return Answer(question=self.question, text=text, refused=False, citations=tuple(self.cite.citations))

    def dispatch(self, pool: Sequence[Fact], years: Sequence[int], trend: bool) -> list[str]:
        q = self.q
        asked = re.search(
            r"\b(?:asked|told|required|called on|urged|recommended(?: that)?)\s+(?:the\s+)?(?P<party>[\w ]+?)\s+"
            r"(?:to|should)\s+(?P<act>[^?]+)", q
        )
        if asked:
            return self.recommendation_search(pool, asked.group("party"), asked.group("act"))
        to_whom = re.search(r"recommendations?\s+(?:to|for|addressed to|made to)\s+(?:the\s+)?(?P<party>[\w ]+?)(?:\?|$| in | about )", q)
        n = re.search(r"recommendation\s+(?:number\s+|no\.?\s*)?(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b", q)
        n2 = re.search(r"\b(" + "|".join(k for k in _NUMBER_WORDS if k.endswith(("st", "nd", "rd", "th"))) + r")\s+recommendation", q)
        if "how many" in q and "recommend" in q or re.search(r"number of recommendations", q):
            return self.count(pool)
        if n or n2:
            raw = (n or n2).group(1)  # type: ignore[union-attr]
            return self.recommendation_n(pool, str(_NUMBER_WORDS.get(raw, raw)))
        if to_whom and not re.search(r"\bhow many\b", q):
            return self.recommendation_search(pool, to_whom.group("party"), "")
        if re.search(r"\b(lead|leads|responsible|owner|deadline|due|by when|timescale)\b", q) and self.kind("action", pool):
            lines = self.actions(pool)
            if lines:
                return lines
        if re.search(r"\brecommendations\b", q) and re.search(r"\bwhat\b|\blist\b|\bwhich\b", q):
            return self.recommendations_list(pool)
        if re.search(r"\bscor(e|ed|es|ing)\b|out of 36", q):
            return self.score(pool)
        if re.search(r"publish|publication|released", q):
            return self.dates(pool, "publication_date")
        if re.search(r"fieldwork|on[- ]site|when (?:was|were|did)\b.*\binspect|inspection (?:take place|start|begin|commence|happen)", q):
            return self.dates(pool, "fieldwork_date")
        rating_q = re.search(r"\brat(ed|ing|ings)\b|judg(e)?ment|judged|\bgrade|graded|outcome|result", q)
        if trend and (rating_q or "how has" in q):
            return self.trend(pool, years[0] if years else None)
        term = _RATING_IN_QUESTION.search(q)
        if term and re.search(r"\bwhich\b|\bwhat\b", q) and re.search(r"services?|inspections?|boroughs?|councils?|areas?|yjs|yos|teams?", q) and not self.standards_named():
            key = re.sub(r"\s+", " ", term.group(1).lower()).replace("require ", "requires ")
            return self.rated_list(pool, key)
        if rating_q or self.standards_named():
            lines = self.standards(pool)
            if lines:
                return lines
            if rating_q:
                return self.overall(pool)
        return []


def answer_from_facts(question: str, facts: Sequence[Fact], titles: Mapping[str, str]) -> Answer | None:
    """Answer a question about ratings, scores, recommendations, actions or dates from ``facts``, with citations.

    Args:
        question: the user's question.
        facts: every extracted fact (conflicts already flagged).
        titles: document id -> title, for the citations.

    Returns:
        An Answer whose statements carry ``[n]`` markers and name the inspection (service, year) they rely on,
        or None when the question is not a fact question, names a place or year with no facts, or nothing matches.
    """
    if not question.strip() or not facts:
        return None
    return _Answering(question, facts, titles).answer()
