"""Hybrid retrieval: dense (Chroma) + lexical (BM25 over the same chunks), fused by reciprocal rank, as Passages.

The lexical side indexes what a reader uses to find a paragraph (title, section, table header and text), so
"How did inspectors rate Bexley?" matches the Bexley report's ratings rows even when the row never says "Bexley".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.embedding import Embedder
from assistant.snapshot import SnapshotReader
from assistant.store import DocRecord, Store, StoredChunk
from assistant.types import Filters, Paragraph, Passage
from assistant.users import can_read_part2

# Reciprocal-rank fusion. Measured on the corpus question set (recall@5 / MRR with scoping): BM25 alone 0.80/0.65,
# dense alone 0.55/0.44, equal weights k=60 0.71/0.58, BM25 1.0 + dense 0.5 with k=5 0.85/0.67. Lexical evidence is
# the stronger signal on these documents (names, numbers, labels); dense breaks ties and catches paraphrase.
RRF_K = 5
WEIGHTS = (1.0, 0.5)  # (lexical, dense)
_CANDIDATES = 60  # how deep each retriever looks before fusing

# Committee and inspection vocabulary: a question's word -> words the documents use for the same thing.
SYNONYMS = {
    "wrote": ("author", "contributor"),
    "write": ("author", "contributor"),
    "written": ("author", "contributor"),
    "author": ("contributor",),
    "lead": ("led",),
    "led": ("lead",),
    "leading": ("lead", "led"),
    "budget": ("fund", "funding"),
    "cost": ("budget", "fund"),
    "praise": ("strength", "positive"),
    "praised": ("strength", "positive"),
    "strengths": ("positive",),
    "weakness": ("improvement", "improve"),
    "weaknesses": ("improvement", "improve"),
    "stand": ("definition",),
    "mean": ("definition", "key"),
    "define": ("definition",),
    "defined": ("definition",),
    "defines": ("definition",),
    "means": ("definition", "key"),
    "published": ("publish",),
    "deadline": ("when", "due"),
    "due": ("when", "deadline"),
    "status": ("track", "completed"),
    "start": ("begin", "beginning", "began", "commenced", "commence"),
    "started": ("begin", "beginning", "began", "commenced"),
    "begin": ("start", "started", "commenced"),
    "began": ("start", "started", "commenced"),
    "end": ("finish", "concluded"),
    # HMIP rates, Ofsted judges and grades: one question, whichever inspectorate's word it uses.
    "rated": ("judged", "judgement", "grade", "graded"),
    "rating": ("judgement", "judged", "grade"),
    "ratings": ("judgements", "grades"),
    "rate": ("judge", "judged", "grade"),
    "judged": ("rated", "rating", "grade"),
    "judge": ("rate", "rated", "grade"),
    "judgement": ("rating", "rated", "grade"),
    "judgment": ("judgement", "rating", "rated", "grade"),
    "grade": ("rating", "rated", "judgement", "judged"),
    "graded": ("rated", "rating", "judged", "judgement"),
    "recs": ("recommendations", "recommendation"),
    "kids": ("children",),
    "children": ("young", "people"),
    "youngsters": ("children", "young"),
    "money": ("budget", "fund", "funding"),
    "police": ("constabulary", "mps"),
    "quoted": ("said", "says", "stated", "commented"),  # press releases quote people as "X said:"
    "quote": ("said", "says", "stated", "commented"),
    "part": ("participation", "participated", "participating"),  # "took part" / "with participation by"
    # the inspectorates a joint inspection names (see data/bodies.txt)
    "inspectorates": ("ofsted", "cqc", "hmic", "hmicfrs", "constabulary", "estyn", "hmip"),
    "inspectorate": ("ofsted", "cqc", "hmic", "hmicfrs", "constabulary", "estyn", "hmip"),
    # "what was done about X?": progress reports list it under "Activities to date" or "Actions taken"
    "done": ("activities", "activity", "actions", "completed", "undertaken", "implemented", "introduced", "progress"),
    "online": ("website", "https", "http", "www"),
    "staffing": ("staff", "workforce"),  # the stemmer keeps "staffing" and "staff" apart  # "available online" / "available at https://..."
    "website": ("online", "https", "http", "www"),
}
# Verbs a question leans on that the documents say another way ("How many meetings did they hold" / "conducted 13
# meetings"; "which group has become over-represented" / "are over-represented"): they count for little when
# judging whether a sentence answers the question.
LIGHT_VERBS = frozenset(
    """hold holds held holding take takes took taken taking make makes made making look looks looked looking run runs
    ran running become becomes became becoming put puts keep keeps kept go goes went gone happen happens happened
    need needs needed use uses used using show shows showed shown involve involves involved play plays played""".split()
)
_PARAGRAPH_NUMBER = re.compile(r"^\d{1,2}(\.\d{1,2})+$")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

# Words every question has that say nothing about what it asks.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being below between both but
    by can could did do does doing down during each few for from further had has have having he her here hers him his
    how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours tell say
    said give please know any anything there's what's think thought describe described mention mentioned explain
    explained find found note noted highlight highlighted comment commented summarise summarize list lists came come
    comes since got get gets did inspector inspectors many much main major according latest current currently carry
    carried report reports document documents paper date dates day long among amongst across within without upon
    onto toward towards via per behind beyond around along throughout despite whether whose whilst though although
    unless""".split()  # inspectorate reports say "we", not "inspectors"
)


# Irregular English verb forms the stemmer leaves apart ("chose"/"choose", "led"/"lead", "met"/"meet").
_IRREGULAR = {
    form: base
    for base, forms in (
        ("choose", "chose chosen"), ("lead", "led"), ("write", "wrote written"), ("take", "took taken"),
        ("give", "gave given"), ("make", "made"), ("find", "found"), ("hold", "held"), ("run", "ran"),
        ("begin", "began begun"), ("see", "saw seen"), ("say", "said"), ("tell", "told"), ("meet", "met"),
        ("bring", "brought"), ("think", "thought"), ("know", "knew known"), ("go", "went gone"),
        ("come", "came"), ("become", "became"), ("speak", "spoke spoken"), ("rise", "rose risen"),
        ("fall", "fell fallen"), ("grow", "grew grown"), ("keep", "kept"), ("lose", "lost"), ("pay", "paid"),
        ("send", "sent"), ("spend", "spent"), ("stand", "stood"), ("teach", "taught"),
        ("understand", "understood"), ("win", "won"), ("feel", "felt"), ("seek", "sought"), ("buy", "bought"),
        ("draw", "drew drawn"), ("build", "built"), ("hear", "heard"), ("mean", "meant"), ("sell", "sold"),
    )
    for form in forms.split()
}


def _make_stemmer() -> Callable[[str], str]:
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        out = cache.get(word)
        if out is None:
            out = cache[word] = stemmer.stemWord(_IRREGULAR.get(word, word))
        return out

    return stem


_stem: Callable[[str], str] | None = None
_stem_lock = threading.Lock()


def stem(word: str) -> str:
    global _stem
    if _stem is None:
        with _stem_lock:
            if _stem is None:
                _stem = _make_stemmer()
    return _stem(word)


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed word tokens (stopwords dropped unless asked)."""
    words = _TOKEN.findall(text.lower().replace("’", "'"))
    return [stem(w.split("'")[0]) for w in words if keep_stopwords or w not in STOPWORDS]


def expand(text: str) -> str:
    """The question plus the documents' words for what it asks (see SYNONYMS), for lexical matching."""
    extra = [syn for w in _TOKEN.findall(text.lower()) for syn in SYNONYMS.get(w, ())]
    return f"{text} {' '.join(extra)}" if extra else text


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]?[A-Z]+\b")
_DEFINED = re.compile(r"\(\s*([A-Z][A-Za-z]?[A-Z]{1,6}s?)\s*\)")
_JOINING = frozenset({"and", "of", "the", "for", "&", "in", "on", "to"})


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms a document defines, "risk and vulnerability management panel (RMVP)" -> {"rmvp": "risk and ..."}.

    The words before the brackets whose initials are the acronym's letters (in any order: papers do write
    "RMVP" for a "risk and vulnerability management panel") are its meaning.
    """
    out: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        acronym = m.group(1).rstrip("s") if m.group(1).endswith("s") and m.group(1)[:-1].isupper() else m.group(1)
        letters = sorted(acronym.upper())
        # "multi-agency exploitation panel (MAEP)": each part of a hyphenated word gives a letter
        words = re.findall(r"[A-Za-z][A-Za-z']*|&", text[max(0, m.start() - 200) : m.start()])
        content: list[str] = []
        for i in range(len(words) - 1, -1, -1):
            if words[i].lower() in _JOINING:
                continue
            content.append(words[i])
            if len(content) == len(letters):
                if sorted(w[0].upper() for w in content) == letters:
                    out.setdefault(acronym.lower(), " ".join(words[i:]))
                break
    return out


_NAME_RUN = re.compile(r"(?:\b(?:[A-Z][A-Za-z'’]*|of|and|for)\b[ \t-]*)+")


def initialisms(text: str) -> set[str]:
    """Initialisms of the capitalised names in ``text``: "HM Inspectorate of Probation" -> {"hmip", "ip", ...}.

    Public bodies shorten their names to initials without always saying so ("HMIP", "YJS", "SEND"): a question
    that uses the short form names something the document does name. "HM" gives both its letters; joining words
    ("of", "and") give none. Lower-case.
    """
    out: set[str] = set()
    for m in _NAME_RUN.finditer(text):
        words = [w for w in re.split(r"[ \t-]+", m.group(0)) if w]
        initials = [w if w.isupper() and len(w) <= 3 else w[0] for w in words if w.lower() not in _JOINING]
        for i in range(len(initials)):
            for j in range(i + 2, min(len(initials), i + 6) + 1):
                out.add("".join(initials[i:j]).lower())
    return out


_APPENDIX = re.compile(r"^\s*appendix\s+([A-Z0-9]{1,3})\b", re.I)
_APPENDIX_MENTION = re.compile(r"\bappendix\s+([A-Z0-9]{1,3})\b", re.I)


def appendix_notes(paragraphs: Sequence[Paragraph]) -> dict[str, str]:
    """Appendix letter -> the body's sentences that mention it ("An update letter for the Committee is attached
    from the Independent Chair (Appendix B)"): what a reader knows about an appendix's pages."""
    notes: dict[str, list[str]] = {}
    for p in paragraphs:
        if _APPENDIX.match(p.section or "") or p.kind == "heading":
            continue  # an appendix does not describe itself
        for m in _APPENDIX_MENTION.finditer(p.text):
            notes.setdefault(m.group(1).upper(), []).append(p.text[:300])
    return {k: " ".join(dict.fromkeys(v)) for k, v in notes.items()}


def spelled_out(text: str, defined: Mapping[str, str]) -> str:
    """What the acronyms in ``text`` stand for, by the document's own definitions ("" when none)."""
    return " ".join(defined[w.lower()] for w in sorted(set(_ACRONYM.findall(text))) if w.lower() in defined)


@dataclass(frozen=True)
class Hit:
    """A fused result before it becomes a Passage."""

    chunk: StoredChunk
    score: float


@dataclass(frozen=True)
class RankedPassage:
    """A passage with the retrieval signals the answer scorer reads (ranks are 1-based; None: not retrieved)."""

    passage: Passage
    rank: int
    lexical_rank: int | None
    dense_rank: int | None
    dense_similarity: float


class Retriever:
    """A snapshot of the index for searching: the committed chunks, their BM25 index and the dense store."""

    def __init__(self, store: Store | SnapshotReader, embedder: Embedder) -> None:
        import bm25s

        self.store = store
        self.embedder = embedder
        self.documents: dict[str, DocRecord] = store.documents()
        every = list(store.iter_chunks())
        # A heading is searchable through the section of the paragraphs it introduces, not as an answer itself.
        self.chunks: list[StoredChunk] = [c for c in every if c.paragraph.kind != "heading"]
        self._by_id = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self._paragraphs: dict[str, list[StoredChunk]] = {}
        firsts: dict[tuple[str, int], StoredChunk] = {}
        for c in every:
            firsts.setdefault((c.doc_id, c.paragraph.ordinal), c)
        for (doc_id, _), c in sorted(firsts.items(), key=lambda kv: kv[0]):
            self._paragraphs.setdefault(doc_id, []).append(c)
        # What each document's acronyms stand for, by its own definitions: "MAEP" matches "exploitation panel".
        self.acronyms: dict[str, dict[str, str]] = {
            d: defined_acronyms("\n".join(c.paragraph.text for c in cs)) for d, cs in self._paragraphs.items()
        }
        self._position = {
            doc_id: {c.paragraph.ordinal: i for i, c in enumerate(paras)} for doc_id, paras in self._paragraphs.items()
        }
        # What the body of each paper says its appendices are ("An update letter ... (Appendix B)").
        self.appendix_notes = {d: appendix_notes([c.paragraph for c in cs]) for d, cs in self._paragraphs.items()}
        # Each searchable chunk's terms, once: BM25 indexes them and the answerer counts document frequencies on them.
        self.chunk_terms: list[list[str]] = [terms(self.lexical_text(c)) for c in self.chunks]
        corpus_tokens = [t or ["empty"] for t in self.chunk_terms]
        self._bm25 = bm25s.BM25()
        if corpus_tokens:
            self._bm25.index(corpus_tokens, show_progress=False)
        self.version = self._version()

    def _version(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((d.doc_id, d.content_hash) for d in self.documents.values()))

    def is_stale(self) -> bool:
        """True when another process changed the index since this snapshot was taken."""
        return self._version_now() != self.version

    def _version_now(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((d.doc_id, d.content_hash) for d in self.store.documents().values()))

    def lexical_text(self, chunk: StoredChunk) -> str:
        doc = self.documents.get(chunk.doc_id)
        title = doc.meta.title if doc else ""
        service = doc.meta.service if doc else ""
        p = chunk.paragraph
        lead = self.lead_in(p.doc_id, p.ordinal)
        lead_text = lead.paragraph.text if lead else None
        meant = spelled_out(chunk.text, self.acronyms.get(chunk.doc_id, {}))
        note = self.described_as(p)
        return " ".join(x for x in (title, service, p.section, p.context, lead_text, chunk.text, meant, note) if x)

    def described_as(self, paragraph: Paragraph) -> str | None:
        """How the paper's body describes the appendix ``paragraph`` is in, if it is in one."""
        m = _APPENDIX.match(paragraph.section or "")
        return self.appendix_notes.get(paragraph.doc_id, {}).get(m.group(1).upper()) if m else None

    def next_paragraph(self, doc_id: str, ordinal: int) -> StoredChunk | None:
        """The paragraph after ``ordinal`` in the same document (headings skipped), if any."""
        paragraphs = self._paragraphs.get(doc_id, [])
        i = self._position.get(doc_id, {}).get(ordinal)
        for later in paragraphs[i + 1 : i + 3] if i is not None else ():
            if later.paragraph.kind != "heading":
                return later
        return None

    def lead_in(self, doc_id: str, ordinal: int) -> StoredChunk | None:
        """The sentence introducing the list a paragraph belongs to ("The Metropolitan Police should:"), if any."""
        paragraphs = self._paragraphs.get(doc_id, [])
        i = self._position.get(doc_id, {}).get(ordinal)
        if i is None:
            return None
        own = paragraphs[i].paragraph
        # A list item, or a numbered item ("1."); not a committee report's numbered paragraph ("3.3"), which
        # stands on its own.
        if not (own.kind == "list_item" or (own.label and not _PARAGRAPH_NUMBER.match(own.label))):
            return None
        section = paragraphs[i].paragraph.section
        for j in range(i - 1, max(-1, i - 12), -1):
            prev = paragraphs[j].paragraph
            if prev.section != section:
                return None
            if prev.text.rstrip().endswith(":") and prev.kind != "heading":
                return paragraphs[j]
            if not (prev.kind == "list_item" or prev.label):
                return None
        return None

    def allowed(self, filters: Filters | None, doc_ids: Iterable[str] | None, role: str) -> set[str]:
        """Document ids a search may return."""
        allowed = set(self.documents)
        if doc_ids is not None:
            allowed &= set(doc_ids)
        for doc_id in list(allowed):
            meta = self.documents[doc_id].meta
            if meta.classification == "part2" and not can_read_part2(role) or filters and not _passes(filters, doc_id, meta):  # unknown roles read Part 1 only
                allowed.discard(doc_id)
        return allowed

    def search(
        self,
        query: str,
        k: int = 8,
        filters: Filters | None = None,
        doc_ids: Iterable[str] | None = None,
        role: str = "public",
        dense_query: str | None = None,
    ) -> list[Passage]:
        """The ``k`` best paragraphs for ``query``, fused from dense and BM25 rankings, best first."""
        allowed = self.allowed(filters, doc_ids, role)
        if not allowed or not self.chunks:
            return []
        ranked = [self.lexical(expand(query), allowed), self.dense(dense_query or query, allowed)]
        return self.fuse(ranked)[:k]

    def search_ranked(
        self, query: str, k: int, doc_ids: Iterable[str], role: str = "public", filters: Filters | None = None
    ) -> list[RankedPassage]:
        """Like :meth:`search`, keeping each paragraph's lexical and dense ranks and its cosine similarity."""
        allowed = self.allowed(filters, doc_ids, role)
        if not allowed or not self.chunks:
            return []
        lexical = self.lexical(expand(query), allowed)
        vector = self.embedder.embed([query])[0]
        where = {"doc_id": {"$in": sorted(allowed)}} if len(allowed) < len(self.documents) else None
        dense_hits = [(c, s) for c, s in self.store.query(vector, _CANDIDATES, where=where) if c.chunk_id in self._by_id]
        dense = [c for c, _ in dense_hits]

        def ranks(ranking: Sequence[StoredChunk]) -> dict[tuple[str, int], int]:
            out: dict[tuple[str, int], int] = {}
            for i, c in enumerate(ranking, 1):
                out.setdefault((c.doc_id, c.paragraph.ordinal), i)
            return out

        lex_rank, dense_rank = ranks(lexical), ranks(dense)
        similarity: dict[tuple[str, int], float] = {}
        for c, s in dense_hits:
            key = (c.doc_id, c.paragraph.ordinal)
            similarity[key] = max(similarity.get(key, -1.0), float(s))
        out = []
        for i, p in enumerate(self.fuse([lexical, dense])[:k], 1):
            key = (p.paragraph.doc_id, p.paragraph.ordinal)
            out.append(RankedPassage(p, i, lex_rank.get(key), dense_rank.get(key), similarity.get(key, 0.0)))
        return out

    def lexical(self, query: str, allowed: set[str], depth: int = _CANDIDATES) -> list[StoredChunk]:
        import numpy as np

        tokens = terms(query)
        if not tokens:
            return []
        mask = np.array([1.0 if c.doc_id in allowed else 0.0 for c in self.chunks], dtype=np.float32)
        n = min(depth, int(mask.sum()))
        if n == 0:
            return []
        docs, scores = self._bm25.retrieve([tokens], k=n, show_progress=False, weight_mask=mask)
        return [self.chunks[int(i)] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def dense(self, query: str, allowed: set[str], depth: int = _CANDIDATES) -> list[StoredChunk]:
        vector = self.embedder.embed([query])[0]
        where = {"doc_id": {"$in": sorted(allowed)}} if len(allowed) < len(self.documents) else None
        hits = self.store.query(vector, depth, where=where)
        return [c for c, _ in hits if c.chunk_id in self._by_id]

    def fuse(self, rankings: Sequence[Sequence[StoredChunk]]) -> list[Passage]:
        """Reciprocal-rank fusion, then one Passage per paragraph (its best chunk's score)."""
        scores: dict[str, float] = {}
        for weight, ranking in zip(WEIGHTS, rankings, strict=True):
            for rank, chunk in enumerate(ranking):
                scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + weight / (RRF_K + rank + 1)
        best: dict[tuple[str, int], tuple[float, StoredChunk]] = {}
        for cid, score in scores.items():
            chunk = self.chunks[self._by_id[cid]]
            key = (chunk.doc_id, chunk.paragraph.ordinal)
            if key not in best or score > best[key][0]:
                best[key] = (score, chunk)
        ordered = sorted(best.values(), key=lambda x: -x[0])
        return [self.passage(chunk, score) for score, chunk in ordered]

    def passage(self, chunk: StoredChunk, score: float = 0.0) -> Passage:
        doc = self.documents[chunk.doc_id]
        return Passage(paragraph=chunk.paragraph, meta=doc.meta, source=doc.source, score=score)

    def paragraphs_of(self, doc_id: str) -> list[StoredChunk]:
        """One chunk per paragraph of ``doc_id`` (its first piece), in document order."""
        return self._paragraphs.get(doc_id, [])


def _passes(filters: Filters, doc_id: str, meta) -> bool:  # type: ignore[no-untyped-def]
    if filters.documents and doc_id not in filters.documents:
        return False
    if filters.bodies and (meta.body or "") not in filters.bodies:
        return False
    if filters.kinds and (meta.kind or "") not in filters.kinds:
        return False
    return not (filters.years and meta.year not in filters.years)
