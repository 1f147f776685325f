"""Deterministic answers to fact questions (ratings, scores, recommendations, actions, dates), with citations.

A question is answered only when it is about such a fact and names nothing the facts do not know (a place, a
year, a body): otherwise ``None`` tells the caller to fall back to free-text retrieval (or refuse). Every
statement names the inspection it relies on (service, year) and carries ``[n]`` markers; where documents
disagree, both sides are stated and cited.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.fact_questions import (
    ACTION_WORDS,
    content_words,
    named_places,
    names_unknown_entity,
    normalise,
    unexplained,
)
from assistant.fact_vocab import (
    DOMAINS,
    FRAMEWORK_FROM_YEAR,
    LEGACY,
    RATING_KINDS,
    SCALES,
    STANDARDS,
    YOUTH_2018,
    name_key,
    place_of,
    squeeze,
)
from assistant.numbers import ORDINALS, UNITS, date_text
from assistant.scope import places_in
from assistant.types import Answer, Citation, Fact

_ORDINALS = {**{w: n for w, n in UNITS.items() if 1 <= n <= 10}, **ORDINALS}
_STOP = frozenset(
    "a an the of to in on for and or by with what which who whom whose when where how did does do was were is are "
    "has have had been be it its their this that these those any all at as from than then there they we our ask "
    "asked told require required recommend recommended recommendation recommendations inspection inspections "
    "report reports service services should".split()
)
_RATING_WORD = re.compile(
    r"\b(requires?\s+improvement|outstanding|good|inadequate|unsatisfactory|satisfactory|poor)\b"
)
_RATING_Q = re.compile(
    r"\brat(?:e|es|ed|ing|ings)\b|\bjudg(?:e)?ments?\b|\bjudged\b|\bgraded?\b|\bresult(?:ed)?\b|\bverdict\b"
    # "what did Portsmouth YJS get from the inspectorate?"
    r"|\bwhat (?:did|does|has|have)\b[^?]*\b(?:get|got|receive|received|achieve|achieved|awarded)\b"
)
_TREND_Q = re.compile(
    r"\bchang|\bimprov(?:ed|ement since)|\bprogress|\bsince\b|over time|\btrend|\bprevious|\bhistory"
)
_PREVIOUS_Q = re.compile(
    r"\b(?:previous|prior|earlier)\s+(?:inspection|time|one|rating|score|visit)\b|\bthe time before\b|\bbefore that\b"
)
_CHANGE_Q = re.compile(r"\bchang|\bimprov|\bcompar|\bsince\b|\bover time|\btrend|\bhistory|\bprogress|\bnow\b")
_TREND_WORDS = (
    "change changed changes improved improvement since over time trend previous previously history progress".split()
)
_CROSS_Q = re.compile(
    r"\bwhich\b|\bcompare|\bhigher\b|\blower\b|\bbetter\b|\bworse\b|\ball\b|\beach\b|\bboth\b|\bany\b"
    r"|\bhighest\b|\blowest\b|\bmore\b|\bfewer\b|\bthan\b"
    r"|\brecommendations?\s+(?:(?:were|was|have been)\s+)?(?:made\s+|addressed\s+)?(?:to|for)\b"
    r"|\basked\b|\btold\b|\burged\b|\bcalled on\b"
)


_SOURCE = re.compile(
    r"\b(?:according to|as (?:stated|reported|set out) in|in|from)\s+(?:the|its|their)\s+(?:[\w'’-]+\s+){0,4}?"
    r"(?:report|paper|presentation|update|press release|minutes|briefing|document)\b"
)


# "Which other area shares its youth justice service with X?", "Is the service a joint one?"
_SHARED_Q = re.compile(
    r"\bshar(?:e|es|ed|ing)\b[^?]*\bservice|\bjoint(?:ly)?\s+(?:run\s+)?(?:youth\s+\w+\s+)?service|"
    r"\bservice\b[^?]*\b(?:shared|joint)\b|\bwhich other (?:area|borough|council|authority|local authority)"
)


def answer_from_facts(question: str, facts: Sequence[Fact], titles: Mapping[str, str]) -> Answer | None:
    """Answer a question about ratings, scores, recommendations, actions or dates from ``facts``, with citations.

    Args:
        question: the user's question.
        facts: every extracted fact (conflicts already flagged).
        titles: document id -> title, for the citations.

    Returns:
        An Answer whose statements carry ``[n]`` markers and name the inspection (service, year) they rely on,
        or None when the question is not wholly about facts it can cite (a word the cited facts do not
        account for, a "why"), names a place, body or year with no facts, or nothing matches.
    """
    if not question.strip() or not facts:
        return None
    q = normalise(question)
    if re.search(r"\bwhy\b|\bhow come\b|\bexplain|\breasons?\b", q):
        return None  # reasons live in the text, not in the facts table
    places, place_words = named_places(q, facts)
    if names_unknown_entity(question, facts, place_words):
        return None
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", q)]
    # "the previous inspection in 2019" asks about 2019, not how things changed
    trend = bool(_TREND_Q.search(re.sub(r"\bprevious(?:ly)?\b", "", q) if years else q))
    # "what was it rated the time before?": the inspection before the latest, not how things changed
    before_latest = not years and bool(_PREVIOUS_Q.search(q)) and not _CHANGE_Q.search(q)
    trend = trend and not before_latest
    pool = [f for f in facts if not places or place_of(f.subject) in places]
    before = re.search(r"\b(?:before|prior to|earlier than|preceding)\s+(?:the\s+|its\s+)?((?:19|20)\d{2})\b", q)
    also: list[str] = [*place_words]
    if _SHARED_Q.search(q):  # what a question about a shared service asks is answered by the service's name
        also += ["share", "shares", "shared", "sharing", "joint", "jointly", "run", "area", "areas", "borough",
                 "boroughs", "council", "councils", "authority", "authorities", "another", "any"]
    source = _SOURCE.search(q)
    if source:  # "according to the 2017 committee report" says where to look, not what is asked
        also += re.findall(r"[a-z]+", source.group(0))
    if before:
        pool = [f for f in pool if f.year is not None and f.year < int(before.group(1))]
        years = []
        also += ["before", "prior", "earlier", "preceding"]
    elif years and not trend:
        pool = [f for f in pool if f.year in years]
        also += ["previous", "previously", "last", "earlier"]  # "its previous inspection in 2019" names the year
    elif before_latest:
        pool = _previous_inspection(pool)
        also += ["previous", "prior", "earlier", "time", "before", "that", "one"]
    elif not trend:
        pool = _latest_inspection(pool)
    if trend:
        also += _TREND_WORDS
    if not pool:
        return None
    if len({place_of(f.subject) for f in pool}) > 1 and not (trend or _CROSS_Q.search(q) or len(places) > 1):
        return None  # several services and none named: not for the facts table to pick one
    writer = _Writer(q, facts, titles)
    lines = writer.answer(pool, years, trend)
    # "When did Ofsted inspect Haringey?": the inspectorate the papers name for that service explains "Ofsted".
    subjects = {f.subject for f in writer.used}
    also += [w for f in facts if f.kind == "inspectorate" and f.subject in subjects for w in re.findall(r"[a-z]+", f.value.lower())]
    if not lines or unexplained(q, writer.used, also):
        return None  # the question asks about something the cited facts do not say
    text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    return Answer(question=question, text=text, refused=False, citations=tuple(writer.citations))


def _latest_inspection(pool: Sequence[Fact]) -> list[Fact]:
    """Each service's ratings and scores from its latest inspection, for a question naming no year and no trend.

    A paper reporting an inspection cites the one before it with its year ("last inspected in 2019, when it was
    rated ..."), while its own inspection's facts often carry no year: within one paper, a dated rating or score
    beside an undated one of the same kind is the earlier inspection's. Across papers only stated years compare.
    """
    judged = {*RATING_KINDS, "score"}  # what an inspection gives; dates and texts say which one they are about
    newest: dict[tuple[str | None, str], int] = {}
    undated: set[tuple[str | None, str, str]] = set()
    for f in pool:
        if f.kind in judged and f.year is not None:
            key = (place_of(f.subject), f.kind)
            newest[key] = max(newest.get(key, f.year), f.year)
        elif f.kind in judged:
            undated.add((place_of(f.subject), f.kind, f.document))
    return [
        f
        for f in pool
        if f.kind not in judged
        or f.year is None
        or (f.year == newest[(place_of(f.subject), f.kind)] and (place_of(f.subject), f.kind, f.document) not in undated)
    ]


def _previous_inspection(pool: Sequence[Fact]) -> list[Fact]:
    """Each service's ratings and scores from the inspection before its latest (see _latest_inspection)."""
    judged = {*RATING_KINDS, "score"}
    current = {id(f) for f in _latest_inspection(pool)}
    earlier = [f for f in pool if f.kind in judged and id(f) not in current and f.year is not None]
    newest: dict[tuple[str | None, str], int] = {}
    for f in earlier:
        key = (place_of(f.subject), f.kind)
        newest[key] = max(newest.get(key, f.year), f.year)  # type: ignore[arg-type]
    return [f for f in earlier if f.year == newest[(place_of(f.subject), f.kind)]]


# -- reading the question ------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", _plain(text).lower()) if w not in _STOP and len(w) > 1}


def _plain(text: str) -> str:
    """Text without footnote superscripts ("Outcome 22¹" -> "Outcome 22")."""
    return re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u209f]", "", text)


def standards_named(q: str) -> set[str]:
    """Framework labels a question names, by number or name; "court"/"out-of-court" settle 2.x against 3.x."""
    found = set(re.findall(r"\b([1-4]\.[1-4])\b", q))
    out_of_court = bool(re.search(r"out[- ]of[- ]court", q))
    court = bool(re.search(r"\bcourt\b", re.sub(r"out[- ]of[- ]court", "", q)))
    for label, name in STANDARDS.items():
        if label in ("3.4", "4.1"):
            if squeeze(name) in squeeze(q):
                found.add(label)
        elif re.search(rf"\b{re.escape(name.lower())}\b", q) and not (
            (label[0] == "2" and out_of_court and not court)
            or (label[0] == "3" and court and not out_of_court)
        ):
            found.add(label)
    return found


# -- writing the answer --------------------------------------------------------------------------


def _who(f: Fact) -> str:
    """How an answer names the inspection a fact relies on."""
    subject = f.subject or "the service"
    return f"{subject} ({f.year} inspection)" if f.year else subject


def _std(f: Fact) -> str:
    """A standard's name with its domain, which tells 2.1 from 3.1 ("2.1 Assessment (court disposals)")."""
    label = name_key(f.name)
    domain = DOMAINS.get(label[:1]) if label in STANDARDS else None
    if domain and squeeze(domain) not in squeeze(f.name or ""):
        return f"{f.name} ({domain.lower()})"
    return f.name or ""


def _extra(f: Fact, key: str) -> str | None:
    return next((v for k, v in f.extra if k == key), None)


def _short(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary for an answer line (the citation carries the full quote)."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _distinct(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per document and claim (a document often states the same rating twice)."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for f in facts:
        key = (f.document, f.kind, name_key(f.name), f.value.lower())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _by_inspection(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts grouped by inspection (place, year), oldest first within a place."""
    groups: dict[tuple[str, int], list[Fact]] = defaultdict(list)
    for f in facts:
        groups[(place_of(f.subject), f.year or 0)].append(f)
    return [groups[k] for k in sorted(groups)]


@dataclass
class _Writer:
    """Writes cited statements for one question; markers are numbered in order of first use."""

    q: str
    facts: Sequence[Fact]
    titles: Mapping[str, str]
    citations: list[Citation] = field(default_factory=list)
    used: list[Fact] = field(default_factory=list)

    def mark(self, fact: Fact) -> str:
        self.used.append(fact)
        for c in self.citations:
            if (c.document, c.paragraph, c.quote) == (fact.document, fact.paragraph, fact.quote):
                return f"[{c.marker}]"
        self.citations.append(
            Citation(
                marker=len(self.citations) + 1,
                source=fact.source,
                document=fact.document,
                title=self.titles.get(fact.document),
                section=None,
                label=fact.label,
                paragraph=fact.paragraph,
                page=None,
                quote=fact.quote,
            )
        )
        return f"[{len(self.citations)}]"

    def marks(self, facts: Iterable[Fact]) -> str:
        return "".join(dict.fromkeys(self.mark(f) for f in facts))

    def title(self, document: str) -> str:
        return f"'{self.titles.get(document, document)}'"

    # -- which facts the question wants -----------------------------------------------------------
    def answer(self, pool: Sequence[Fact], years: Sequence[int], trend: bool) -> list[str]:
        q = self.q
        of = {kind: [f for f in pool if f.kind == kind] for kind in {f.kind for f in pool}}
        if _SHARED_Q.search(q):
            return self.shared(of.get("service", []))
        recs = of.get("recommendation", [])
        who_asked = re.search(
            r"\bwho\s+(?:was|were|is|are|has been|have been)\s+(?:asked|told|recommended|required|expected|urged)"
            r"\s+to\s+(?P<act>[^?]+)",
            q,
        )
        if who_asked:
            return self.recommendations(recs, "", who_asked.group("act"))
        asked = re.search(
            r"\b(?:asked|ask|told|tell|required|called on|urged|recommended(?: that)?)\s+(?:the\s+)?"
            r"(?P<party>[\w' ]+?)\s+(?:to|should)\s+(?P<act>[^?]+)",
            q,
        ) or re.search(
            r"\b(?:was|were|is|are)\s+(?:the\s+)?(?P<party>[\w' ]+?)\s+(?:asked|told|required|expected|urged)"
            r"\s+to\s+(?P<act>[^?]+)",
            q,
        )
        if asked:
            return self.recommendations(recs, asked.group("party"), asked.group("act"))
        if re.search(
            r"\bhow many\b[^?]*\brecommend|\bnumber of recommendations|\b(?:more|fewer|less|most|least)\s+"
            r"recommendations",
            q,
        ):
            return self.counts(of.get("recommendation_count", [])) or self.listed(of.get("recommendation", []))
        numbered = re.search(
            r"recommendation\s+(?:number\s+|no\.?\s*)?(\d{1,2}|one|two|three|four|five|six|seven"
            r"|eight|nine|ten)\b|\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
            r"|tenth)\s+recommendation",
            q,
        )
        action_q = re.search(
            r"\b(?:lead|leads|led|leading|responsible|owner|owns|deadline|due|by when|timescales?|status"
            r"|progress|update)\b",
            q,
        )
        if numbered and not action_q:
            raw = numbered.group(1) or numbered.group(2)
            return self.recommendation_n(recs, str(_ORDINALS.get(raw, raw)))
        to_whom = re.search(
            r"recommend(?:ations?|ed)?\s+(?:(?:were|was|have been)\s+)?(?:made\s+|addressed\s+)?(?:to|for)\s+"
            r"(?:the\s+)?(?P<party>[\w' ]+?)(?:\?|$| in | about | on )",
            q,
        )
        if to_whom:
            return self.recommendations(recs, to_whom.group("party"), "")
        about = re.search(
            r"recommendations?\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:about|on|concerning|regarding|relating to"
            r"|covers?|covering)\s+(?P<act>[^?]+)",
            q,
        )
        if about:
            return self.recommendations(recs, "", about.group("act"))
        if action_q:
            lines = self.actions(of.get("action", []))
            if lines:
                return lines
        if re.search(r"\brecommendations\b", q) and re.search(r"\bwhat\b|\blist\b|\bwhich\b", q):
            return self.recommendations(recs, "", "")
        if re.search(r"\bscor(?:e|ed|es|ing)\b|out of 36|\bpoints\b", q):
            return self.scores(of.get("score", []))
        if re.search(r"publish|publication|released", q):
            return self.dates(of.get("publication_date", []), "the report was published")
        if re.search(
            r"fieldwork|on[- ]site|when (?:was|were|did)\b.*\binspect|inspection (?:take place|start|begin"
            r"|commence|happen)|when did\b.*\b(?:inspection|inspectors?)\b.*\b(?:start|begin|take place|happen)",
            q,
        ):
            return self.dates(of.get("fieldwork_date", []), "fieldwork began")
        return self.ratings(pool, of, years, trend)

    def ratings(
        self, pool: Sequence[Fact], of: Mapping[str, list[Fact]], years: Sequence[int], trend: bool
    ) -> list[str]:
        """Overall, standard and area ratings, as the question asks for them."""
        q = self.q
        rating_q = bool(_RATING_Q.search(q)) or bool(
            re.search(r"\bhow (?:did|does|has|have|well did)\b[^?]*\b(?:do|fare|fared|perform|performed|done)\b", q)
        )
        ratings = [f for f in pool if f.kind in RATING_KINDS]
        if trend and (rating_q or "how has" in q):
            return self.trend(ratings, years[0] if years else None)
        term = _RATING_WORD.search(q)
        key = re.sub(r"\s+", " ", term.group(1)).replace("require ", "requires ") if term else None
        standards = of.get("standard_rating", []) + of.get("standard_not_rated", [])
        named = self.named_standards(standards)
        if named:
            return self.standards(named, key)
        listing = re.search(
            r"\b(?:which|what|any|anything|list)\b[^?]*\b(?:standards?|areas?|aspects?|domains?|parts?|anything)\b"
            r"|\banything\b",
            q,
        )
        if key and listing and not re.search(r"\boverall\b", q):
            return self.with_rating(of.get("standard_rating", []) + of.get("overall_rating", []), key)
        overall = of.get("overall_rating", []) + self.legacy(pool)
        if key and re.search(r"\b(?:which|what)\b", q):
            return self.overall([f for f in overall if f.kind == "overall_rating" and f.value.lower() == key])
        if rating_q or key:
            return self.overall(overall)
        return []

    def legacy(self, pool: Sequence[Fact]) -> list[Fact]:
        return [f for f in pool if f.kind == "standard_rating" and f.scale == LEGACY]

    def named_standards(self, facts: Sequence[Fact]) -> list[Fact]:
        """The standard ratings the question names: by framework label or name, or the legacy area it words."""
        wanted = standards_named(self.q)
        chosen = [f for f in facts if name_key(f.name) in wanted]
        areas = [f for f in facts if f.scale == LEGACY and f.name]
        scored = []
        q = content_words(self.q)
        for f in areas:
            area = content_words(f.name or "", ("work", "to"))
            hit = len(area & q)
            if area and hit * 2 >= len(area):  # at least half the area's words
                scored.append((hit, -len(area - q), f))
        if scored:
            best = max((h, m) for h, m, _ in scored)
            chosen += [f for h, m, f in scored if (h, m) == best]
        return chosen

    # -- statements -------------------------------------------------------------------------------
    def overall(self, facts: Sequence[Fact]) -> list[str]:
        """Overall ratings per inspection; an inspection rated only by area lists its areas."""
        lines = []
        for group in _by_inspection(_distinct(facts)):
            overall = [f for f in group if f.kind == "overall_rating"]
            if overall:
                values = " / ".join(dict.fromkeys(f"'{f.value}'" for f in overall))
                lines.append(
                    f"{_who(overall[0])}: rated {values} overall {self.marks(overall)}." + self.note(overall)
                )
            else:
                lines.append(self.areas(group))
        return lines

    def areas(self, group: Sequence[Fact]) -> str:
        by_area: dict[str, list[Fact]] = defaultdict(list)
        for f in group:
            by_area[f"{f.name}: {f.value}"].append(f)
        listed = "; ".join(f"{area} {self.marks(fs)}" for area, fs in by_area.items())
        return f"{_who(group[0])} was rated by area, on the scale {', '.join(SCALES[LEGACY])}: {listed}."

    def standards(self, chosen: Sequence[Fact], key: str | None) -> list[str]:
        """The named standards' ratings per inspection (only those rated ``key`` when some are and the
        question asks across services); a standard the report says was not rated is said to be so."""
        if key and re.search(r"\bany\b|\bwhich\b", self.q):
            hits = [f for f in chosen if f.value.lower() == key]
            chosen = hits or chosen
        lines = []
        for group in _by_inspection(_distinct(chosen)):
            rated = {name_key(f.name) for f in group if f.kind == "standard_rating"}
            claims: dict[str, list[Fact]] = defaultdict(list)
            for f in group:  # the same rating from two documents is one claim with two citations
                if f.kind == "standard_not_rated":
                    if name_key(f.name) not in rated:
                        claims[f"{_std(f)} was not rated"].append(f)
                else:
                    claims[f"{_std(f)}: '{f.value}'"].append(f)
            if claims:
                parts = "; ".join(f"{claim} {self.marks(fs)}" for claim, fs in claims.items())
                lines.append(f"{_who(group[0])}: {parts}." + self.note(group, cross_scale=False))
        return lines

    def with_rating(self, facts: Sequence[Fact], key: str) -> list[str]:
        """Per inspection, what was rated ``key``; where nothing was, every rating it did give."""
        lines = []
        for group in _by_inspection(_distinct(facts)):
            hits = [f for f in group if f.value.lower() == key]
            if hits:
                parts = "; ".join(
                    f"{'overall' if f.kind == 'overall_rating' else _std(f)} {self.mark(f)}" for f in hits
                )
                lines.append(f"{_who(group[0])}, rated '{hits[0].value}': {parts}.")
                continue
            standards = [f for f in group if f.kind == "standard_rating"]
            if standards:
                by_value: dict[str, list[Fact]] = defaultdict(list)
                for f in standards:
                    by_value[f.value].append(f)
                given = "; ".join(
                    f"'{v}': " + ", ".join(f"{_std(f)} {self.mark(f)}" for f in fs) for v, fs in by_value.items()
                )
                lines.append(f"{_who(group[0])}: no standard was rated '{key}'; the ratings given were {given}.")
        return lines

    def trend(self, ratings: Sequence[Fact], since: int | None) -> list[str]:
        recent = [f for f in ratings if since is None or (f.year or 0) >= since]
        overall = [f for f in recent if f.kind == "overall_rating"]
        rated_overall = {(place_of(f.subject), f.year) for f in overall}
        legacy = [
            f for f in recent if f.scale == LEGACY and (place_of(f.subject), f.year) not in rated_overall
        ]
        lines = self.overall(overall + legacy)
        return sorted(lines, key=lambda line: re.findall(r"\((\d{4}) inspection\)", line) or ["0"])

    def scores(self, facts: Sequence[Fact]) -> list[str]:
        lines = []
        best: list[tuple[float, Fact]] = []
        for inspection in _by_inspection(_distinct(facts)):
            for value in dict.fromkeys(f.value for f in inspection):  # a paragraph is cited for what it says
                group = [f for f in inspection if f.value == value]
                lines.append(f"{_who(group[0])} scored {value} {self.marks(group)}." + self.note(group))
                a, b = value.split("/")
                best.append((int(a) / int(b), group[0]))
        if len(best) > 1 and re.search(
            r"higher|lower|better|worse|best|worst|most|least|highest|lowest|compare|versus|\bvs\b|\bor\b", self.q
        ):
            best.sort(key=lambda x: x[0], reverse=True)
            if best[0][0] == best[-1][0]:
                lines.append("They scored the same.")
            else:
                # Answer in the question's own word: "which scored lowest" -> "... scored lowest".
                asked = re.search(r"\b(highest|lowest|higher|lower|best|worst|better|worse)\b", self.q)
                word = asked.group(1) if asked else ("higher" if len(best) == 2 else "highest")
                pick = best[-1][1] if word in ("lowest", "lower", "worst", "worse") else best[0][1]
                lines.append(f"{_who(pick)} scored {word} {self.mark(pick)}.")
            if len({f.year for _, f in best}) > 1:
                lines.append("The inspections were in different years.")
        return lines

    def counts(self, facts: Sequence[Fact]) -> list[str]:
        facts = _distinct(facts)
        lines = []
        totals: list[tuple[int, Fact]] = []
        for group in _by_inspection(f for f in facts if not f.name):
            values = " / ".join(dict.fromkeys(f.value for f in group))
            lines.append(
                f"{_who(group[0])}: {values} recommendations {self.marks(group)}." + self.note(group)
            )
            if group[0].value.isdigit():
                totals.append((int(group[0].value), group[0]))
        if len(totals) > 1 and re.search(r"\bmore\b|\bfewer\b|\bless\b|\bmost\b|\bleast\b|\bcompare|\bthan\b", self.q):
            totals.sort(key=lambda x: x[0], reverse=True)
            if totals[0][0] == totals[-1][0]:
                lines.append("They received the same number of recommendations.")
            else:
                top, low = totals[0], totals[-1]
                lines.append(
                    f"{_who(top[1])} received more ({top[0]}) than {_who(low[1])} ({low[0]}) {self.mark(top[1])}"
                    f"{self.mark(low[1])}."
                )
            return lines
        # "The Executive Board: 4" and "The Youth Justice Executive Board: 4" are one recipient named twice.
        named = [f for f in facts if f.name]
        named = [
            f
            for f in named
            if not any(
                o.document == f.document
                and o.value == f.value
                and len(f.name or "") < len(o.name or "")
                and _words(f.name or "") <= _words(o.name or "")
                for o in named
            )
        ]
        for group in _by_inspection(named):
            parts = "; ".join(f"{f.name}: {f.value} {self.mark(f)}" for f in group)
            lines.append(f"By recipient, {_who(group[0])}: {parts}.")
        return lines

    def shared(self, facts: Sequence[Fact]) -> list[str]:
        """A service run for more than one area says so in its name: "Tower Hamlets and City of London YJS"."""
        lines = []
        for f in _distinct(facts):
            areas = places_in(f.value)
            if len(areas) >= 2:
                lines.append(f"The service is the {f.value}, covering {' and '.join(areas)} {self.mark(f)}.")
        return lines

    def listed(self, facts: Sequence[Fact]) -> list[str]:
        """No paper states how many: count the recommendations a paper lists, each one cited, and say so."""
        lines = []
        for group in _by_inspection(_distinct(facts)):
            by_doc: dict[str, list[Fact]] = defaultdict(list)
            for f in group:
                by_doc[f.document].append(f)
            for doc, listed in by_doc.items():
                # One recommendation quoted twice in a paper (a list, then the action-plan table) counts once.
                texts = {re.sub(r"\W+", " ", _plain(f.value)).lower().strip() for f in listed}
                lines.append(
                    f"{_who(listed[0])}: {self.title(doc)} lists {len(texts)} recommendations; it states no total, "
                    f"so this is a count of the list {self.marks(listed)}."
                )
        return lines

    def recommendation_n(self, facts: Sequence[Fact], n: str) -> list[str]:
        return [self.recommendation(f) for f in _distinct(f for f in facts if f.name == n)]

    def recommendation(self, f: Fact) -> str:
        to = _extra(f, "addressed_to")
        number = f" {f.name}" if f.name else ""
        return (
            f"{_who(f)}, recommendation{number}"
            + (f" (to {to})" if to else "")
            + f": {_plain(f.value)} {self.mark(f)}"
        )

    def recommendations(self, facts: Sequence[Fact], party: str, act: str) -> list[str]:
        """Recommendations addressed to ``party`` (or naming it) whose text covers most words of ``act``."""
        places = {w for f in facts for w in content_words(place_of(f.subject))}
        party_words = content_words(party) - places  # "the Bexley board" is about the board, not Bexley
        act_words = content_words(act, ("do", "about", "use", "ensure", "after", "following"))  # framing, not content
        hits = []
        for f in facts:
            text = content_words(_plain(f.value))
            if party_words:
                to = content_words(_extra(f, "addressed_to") or "")
                if len(party_words & (to or text)) * 2 < len(party_words):
                    continue  # at least half of the party's distinctive words
            if act_words and len(act_words & text) < max(1, round(0.6 * len(act_words))):
                continue
            hits.append(f)
        return [self.recommendation(f) for group in _by_inspection(_distinct(hits)) for f in group]

    def actions(self, facts: Sequence[Fact]) -> list[str]:
        want_lead = bool(re.search(r"\blead|\bled\b|\bwho\b|responsib|owner|owns", self.q))
        want_when = bool(re.search(r"deadline|\bdue\b|by when|\bwhen\b|timescale|\bdate", self.q))
        want_status = bool(re.search(r"\bstatus\b|\bprogress\b|\bupdate\b", self.q))
        places = {w for f in facts for w in content_words(place_of(f.subject))}
        words = content_words(self.q, ACTION_WORDS) - places
        scored = []
        for f in facts:
            text = content_words(" ".join([f.value, *(v for k, v in f.extra if k in ("recommendation", "theme"))]))
            by_number = bool(
                f.name
                and re.search(
                    rf"\b(?:action|priority|recommendation|number|no\.?)\s*{re.escape(f.name)}\b", self.q
                )
            )
            if by_number or words & text:
                scored.append((100 * by_number + len(words & text), f))
        if not scored:
            return []
        top = max(s for s, _ in scored)
        lines = []
        for _, f in (x for x in scored if x[0] == top):
            bits = []
            if want_lead or not (want_when or want_status):
                lead = _extra(f, "lead")
                bits.append(f"lead: {lead}" if lead else "the plan names no lead")
            if want_when or want_status or not want_lead:
                when = _extra(f, "deadline")
                bits.append(f"deadline: {when}" if when else "the plan gives no deadline")
            if _extra(f, "status"):
                bits.append(f"status: {_extra(f, 'status')}")
            limit = 400 if want_status else 160
            lines.append(
                f"{_who(f)}, action {f.name or ''} '{_short(_plain(f.value), limit)}': {', '.join(bits)} {self.mark(f)}."
            )
        return lines

    def dates(self, facts: Sequence[Fact], what: str) -> list[str]:
        lines = []
        for group in _by_inspection(_distinct(facts)):
            values = " / ".join(dict.fromkeys((date_text(f.value) or f.value) for f in group))
            on = "on" if all(f.value.count("-") == 2 for f in group) else "in"
            lines.append(f"{_who(group[0])}: {what} {on} {values} {self.marks(group)}." + self.note(group))
        return lines

    # -- disagreements ----------------------------------------------------------------------------
    def note(self, facts: Sequence[Fact], cross_scale: bool = True) -> str:
        """' The documents disagree ...' for any of ``facts`` another document contradicts, citing both sides.

        ``cross_scale=False`` leaves out disagreements with ratings on another scale (an overall grade against
        area judgements): a question about one area is not a question about the overall result.
        """
        notes: dict[str, None] = {}
        answered: set[tuple[tuple[str, int], ...]] = set()
        for f in facts:
            others = _distinct(
                o
                for o in self.facts
                if o.document in f.conflicts_with
                and place_of(o.subject) == place_of(f.subject)
                and o.year == f.year
                and (
                    (o.kind == f.kind and name_key(o.name) == name_key(f.name))
                    or (
                        cross_scale
                        and f.kind in RATING_KINDS
                        and o.kind in RATING_KINDS
                        and o.scale != f.scale
                    )
                )
            )
            against = tuple(sorted((o.document, o.paragraph) for o in others))
            if not others or against in answered:
                continue  # one note per contradicting side, however many documents repeat this side
            answered.add(against)
            claims: dict[str, list[Fact]] = defaultdict(list)
            for o in others:
                claims[f"{o.name}: {o.value}" if o.name and o.name != f.name else f"'{o.value}'"].append(o)
            sources = " and ".join(dict.fromkeys(self.title(o.document) for o in others))
            what = f"the {f.year} inspection" if f.year else "this"
            note = (
                f"The documents disagree about {what}: {self.title(f.document)} says '{f.value}' {self.mark(f)}, "
                f"while {sources} give "
                + "; ".join(f"{c} {self.marks(fs)}" for c, fs in claims.items())
                + "."
            )
            if f.scale and any(o.scale and o.scale != f.scale for o in others):
                if f.scale == YOUTH_2018 and f.year and f.year < FRAMEWORK_FROM_YEAR:
                    note += (
                        f" '{f.value}' is a grade of the framework HMIP has used since {FRAMEWORK_FROM_YEAR}; the "
                        f"{f.year} inspection was judged on the scale {', '.join(SCALES[LEGACY])}."
                    )
                else:
                    note += " The documents use different rating scales."
            notes[note] = None
        return "".join(" " + n for n in notes)
