"""Reading a question for the facts answerer: places (typos forgiven), the words it uses, and whether a set of
facts explains every one of them.

The facts answerer may only answer a question that is wholly about the facts it cites: "What score did
children give Bexley in the text survey?" names a score, but "children" and "survey" say it is about
something the facts table does not hold, so free text must answer it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.fact_vocab import DOMAINS, STANDARDS, name_key, place_of
from assistant.types import Fact

# Words that never change which fact a question is about: grammar, politeness, and the names every
# inspection document uses for the inspectorate, the service and the inspection itself.
GENERIC = frozenset(
    """a an the of to in on for and or by with at as from than then there their its it this that these those
    what whats which who whom whose when where how did does do done doing was were is are am has have had been be
    being any anything all some s me my i you your we our us they them please could would can will tell show give
    list know let say says said about get got getting receive received receiving achieve achieved make made
    find found according again also just ever yet so if many much
    inspection inspections inspected inspector inspectors inspectorate inspectorates hmip hmi hm her majesty
    majestys probation youth justice offending service services yjs yos yot team teams report reports borough
    council london local authority full joint work recent latest most last year years its new more fewer less
    both each either between compare comparison versus vs other children child young people person""".split()
)
RATING_WORDS = frozenset(
    """rated rating ratings rate rates judged judgement judgment judgements judgments graded grade grades result
    results verdict overall standard standards area areas domain domains aspect aspects fare fared perform
    performed performance well badly only not given good outstanding inadequate requires require improvement
    satisfactory unsatisfactory poor how case cases practice weakness weaknesses weak strength strengths strong
    concern concerns""".split()
)
SCORE_WORDS = frozenset(
    """score scores scored scoring points point out 36 total mark marks higher lower better worse best worst
    highest lowest published publish gave give""".split()
)
COUNT_WORDS = frozenset(
    """many number recommendations recommendation made total count went go addressed key raised came come out
    resulted issued""".split()
)
RECOMMENDATION_WORDS = frozenset(
    """recommendation recommendations recommend recommended recommending asked ask told tell urged called call
    required require should must number no first second third fourth fifth sixth seventh eighth ninth tenth one
    two three four five six seven eight nine ten do addressed aimed directed made given ensure after following""".split()
)
ACTION_WORDS = frozenset(
    """action actions plan plans improvement priority priorities lead leads led leading responsible
    responsibility owner owns deadline due timescale timescales target date status progress update updates
    recommendation number no""".split()
)
DATE_WORDS = frozenset(
    """published publication publish released release issued available date dates fieldwork on site onsite took
    take place start started starting begin began begun commence commenced happen happened carried carry out
    undertaken undertook conduct conducted visit visited month week go went into come came arrive arrived""".split()
)
KIND_WORDS: dict[str, frozenset[str]] = {
    "overall_rating": RATING_WORDS,
    "standard_rating": RATING_WORDS,
    "standard_not_rated": RATING_WORDS,
    "score": SCORE_WORDS | RATING_WORDS,
    "recommendation_count": COUNT_WORDS,
    "recommendation": RECOMMENDATION_WORDS,
    "action": ACTION_WORDS,
    "fieldwork_date": DATE_WORDS,
    "publication_date": DATE_WORDS,
}


# How councillors name a domain's children: court disposals are court orders and sentences.
DOMAIN_WORDS = {"2": "court order orders sentence sentenced sentences", "3": "diversion diverted"}


def normalise(question: str) -> str:
    """The question lower-cased, with paraphrases folded onto the words documents use."""
    q = question.lower().replace("\u2019", "'")
    q = re.sub(r"\bmak(?:e|es|ing)\s+sure\b", "ensure", q)  # "making sure sentences were served"
    q = re.sub(r"\bout[- ]of[- ]court\b", "out-of-court", q)
    q = re.sub(r"\brecs\b", "recommendations", q)  # "how many recs did they make"
    return q


def tokens(text: str) -> list[str]:
    """Words, numbers and standard labels ("2.2") of ``text``, lower-cased."""
    return re.findall(r"[1-4]\.[1-4](?!\d)|[a-z0-9]+", text.lower())


def stem(word: str) -> str:
    """A crude stem that makes "sentences" meet "sentence" and "inspected" meet "inspection"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


def _close(a: str, b: str) -> bool:
    """Same word, or one typo apart for words of five letters or more ("bexly", "hamblets")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 1


def named_places(q: str, facts: Sequence[Fact]) -> tuple[list[str], set[str]]:
    """Place keys the question names, first named first, and the question's words that named them.

    "tower hamlets" names "tower hamlets and city of london"; a one-letter typo is forgiven ("Tower Hamblets").
    """
    aliases: dict[str, str] = {}
    for f in facts:
        key = place_of(f.subject)
        if key:
            aliases[key] = key
            for part in re.split(r"\s+and\s+", key):
                if len(part) > 2:
                    aliases.setdefault(part, key)
    words = tokens(q)
    found: dict[str, int] = {}
    used: set[str] = set()
    for alias, key in aliases.items():
        parts = tokens(alias)
        for i in range(len(words) - len(parts) + 1):
            window = words[i : i + len(parts)]
            if all(_close(w, p) for w, p in zip(window, parts, strict=True)):
                found[key] = min(found.get(key, i), i)
                used.update(window)
                break
    return sorted(found, key=found.__getitem__), used


def names_unknown_entity(question: str, facts: Sequence[Fact], place_words: set[str]) -> bool:
    """True when the question names a capitalised thing (a borough, a body) that no fact mentions."""
    known: set[str] = set(GENERIC).union(place_words, *KIND_WORDS.values())
    known |= set("january february march april may june july august september october november december".split())
    known |= {w.lower() for name in STANDARDS.values() for w in tokens(name)}
    for f in facts:
        known |= set(tokens(" ".join([f.subject or "", f.value, f.quote, f.name or "", *(v for _, v in f.extra)])))
    for m in re.finditer(r"(?<![\w'])([A-Z][a-zA-Z]+)", question):
        before = question[: m.start()].rstrip()
        if not before or before[-1] in ".?!:":
            continue  # a capital that starts a sentence says nothing
        if m.group(1).lower() not in known:
            return True
    return False


def fact_words(facts: Iterable[Fact]) -> set[str]:
    """Stems of everything the cited facts say: names, values, recipients, leads, and their kinds' words."""
    out: set[str] = set()
    for f in facts:
        text = [f.subject or "", f.value, f.name or "", *(v for _, v in f.extra)]
        label = name_key(f.name)
        if re.fullmatch(r"[1-4]\.[1-4]", label):
            text += [label, DOMAINS.get(label[0], ""), STANDARDS.get(label, ""), DOMAIN_WORDS.get(label[0], "")]
        out |= {stem(w) for w in tokens(" ".join(text))}
        out |= {stem(w) for w in KIND_WORDS.get(f.kind, ())}
    return out


def unexplained(q: str, facts: Iterable[Fact], also: Iterable[str] = ()) -> list[str]:
    """The question's words that neither grammar, the places it names, nor the cited facts account for."""
    known = fact_words(facts) | {stem(w) for w in GENERIC} | {stem(w) for w in also}
    return [
        w
        for w in tokens(q)
        if stem(w) not in known and not re.fullmatch(r"(?:19|20)\d\d", w) and w not in GENERIC
    ]


def content_words(q: str, ignore: Iterable[str] = ()) -> set[str]:
    """Stems of the words that say what a question is about (not grammar, not the kind of fact asked)."""
    skip = {stem(w) for w in (*GENERIC, *ignore)}
    return {stem(w) for w in tokens(q) if stem(w) not in skip and not re.fullmatch(r"(?:19|20)\d\d", w)}
