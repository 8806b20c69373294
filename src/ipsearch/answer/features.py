"""Features of candidates and places: what the fitted models weigh. Measured, never decided."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ipsearch.answer.analysis import Analysis
from ipsearch.answer.labels import label_coverage, lead_text, path_words
from ipsearch.answer.passages import Passage, Retrieved, doc_title, heading_path
from ipsearch.answer.reader import CERTAIN_TYPES, Candidate, answer_key
from ipsearch.answer.terms import Vocabulary, coverage, has_term, key_words, soft_match
from ipsearch.models import Section

# What ends a clause within a sentence.
_CLAUSE_MARKS = (",", ";", ":", "(", ")", " - ", " – ", " — ")
NUMERIC = {"number", "quantity", "money", "duration", "date"}

if TYPE_CHECKING:  # which.py imports this module
    from ipsearch.answer.which import Place

SPAN_FEATURES = [
    "type_match", "type_first", "sec_score", "sec_rank", "dense", "cov_own", "cov_ctx",
    "cov_head", "cov_section", "miss_max", "near", "in_question", "key_match", "row_match",
    "n_words", "is_field", "is_row", "is_title", "is_object", "agree", "verb_near", "first_pos",
    "is_name", "is_code", "is_number", "cov_ctx_rel", "near_rel", "type_rel",
    "certain", "key_field", "cov_own_rel", "dense_rel", "counts_noun", "key_soft",
    "key_soft_rel", "cand_common", "cand_rare_rel", "field_near", "is_marked",
    "echo", "inside", "in_top_place", "place_rel", "is_gloss", "noun_inside", "agree_sections",
    "is_meaning", "num_word", "cov_clause", "cov_clause_rel", "no_alnum",
]  # fmt: skip
# Features measured against the best of the same question's rows: models compare candidates.
RELATIVE = {"cov_ctx_rel": "cov_ctx", "near_rel": "near", "type_rel": "type_match",
            "cov_own_rel": "cov_own", "dense_rel": "dense",
            "cov_section_rel": "cov_section", "cov_best_rel": "cov_best",
            "key_soft_rel": "key_soft", "cand_rare_rel": "cand_rare",
            "cov_label_rel": "cov_label", "dense_z_rel": "dense_z",
            "cov_clause_rel": "cov_clause"}  # fmt: skip
DENSE = ("dense", "dense_gap", "dense_rel", "dense_rank", "dense_z", "dense_z_rel")
PLACE_FEATURES = [
    "sec_score", "sec_rank", "dense", "dense_gap", "cov_section", "cov_title", "cov_head",
    "cov_path", "cov_best", "miss_max", "is_lead", "doc_level", "cov_section_rel", "cov_best_rel",
    "kw_rank", "dense_rank", "dense_z", "cov_label", "cov_lead", "cov_label_rel", "dense_z_rel",
    "both_top", "miss_rare",
]  # fmt: skip


def add_relative(rows: list[dict[str, float]]) -> None:
    """``x_rel`` = x minus the best x among the rows of one question (0 for the best)."""
    for name, base in RELATIVE.items():
        if rows and base in rows[0]:
            top = max(r[base] for r in rows)
            for r in rows:
                r[name] = r[base] - top


def add_context(cands: list[Candidate], places: list[Place]) -> None:
    """Features of each candidate against the rest of its question: whether a longer candidate
    of the same passage holds it ("12" inside "12 hours": the shorter drops the unit), and how
    the place ranker rates its section, as a share of its top place (question-relative, so
    comparable across corpora)."""
    share = {p.section.id: p.prob for p in places}
    best = max(share.values(), default=0.0)
    top = places[0].section.id if places else None
    spans: dict[int, list[tuple[int, int]]] = {}
    # Sections that say the same answer: one value repeated down one page is one voice.
    voices: dict[str, set[str]] = {}
    for c in cands:
        spans.setdefault(id(c.passage), []).append((c.start, c.end))
        voices.setdefault(answer_key(c.text), set()).add(c.passage.section.id)
    for c in cands:
        c.features["agree_sections"] = min(len(voices[answer_key(c.text)]), 5) / 5
        sid = c.passage.section.id
        c.features["in_top_place"] = float(sid == top)
        c.features["place_rel"] = share.get(sid, 0.0) / best if best else 0.0
        c.features["inside"] = float(
            any(a <= c.start and c.end <= b and b - a > c.end - c.start
                for a, b in spans[id(c.passage)])
        )  # fmt: skip


def label_of(c: Candidate) -> tuple[str, int]:
    """What names a candidate's value: a field's key, or the header of the table column its
    span lies in; and that cell's index (-1 outside a table)."""
    p = c.passage
    if p.kind != "row" or not p.cells:
        return p.key or "", -1
    pos = 0
    for i, cell in enumerate(p.cells):
        at = p.text.find(cell, pos) if cell else -1
        if at < 0:
            continue
        if at <= c.start and c.end <= at + len(cell):
            return (p.header[i] if p.header and i < len(p.header) else ""), i
        pos = at + len(cell)
    return "", -1


_ACRONYM_SKIP = {"and", "of", "the", "for", "&", "in", "on", "to"}


def acronyms(text: str) -> set[str]:
    """The initials of each stretch of two or more capitalised words in ``text`` (small
    joining words skipped or kept: "Trades Union Congress" → "tuc"), lower-cased."""
    out: set[str] = set()
    for run in re.finditer(r"[A-Z][\w'-]*(?:\s+(?:(?:and|of|the|for|&|in|on|to)\s+)*[A-Z][\w'-]*)+",
                           text):  # fmt: skip
        ws = run.group().split()
        caps = [i for i, w in enumerate(ws) if w[0].isupper()]
        for i in caps:  # every stretch of the run: "Bank of England" within a longer name
            for j in (k for k in caps if k > i):
                part = ws[i : j + 1]
                out.add("".join(w[0] for w in part if w.lower() not in _ACRONYM_SKIP).lower())
                out.add("".join(w[0] for w in part if w != "&").lower())
    return out


class Featurizer:
    """Computes feature dicts for one question; caches term sets per passage and section."""

    def __init__(self, vocab: Vocabulary, analysis: Analysis) -> None:
        self.vocab = vocab
        self.a = analysis
        self.q_terms = list(dict.fromkeys(vocab.terms(analysis.focus_text)))
        self.weights = vocab.weights(self.q_terms)
        self.all_q_terms = set(vocab.terms(analysis.text))
        self._q_frozen = frozenset(self.all_q_terms)
        self._q_acronyms = acronyms(analysis.text)
        self.verb = set(vocab.terms(analysis.verb or ""))
        self.field_weights = dict.fromkeys(vocab.terms(" ".join(analysis.field_words)), 1.0)
        self._sec: dict[str, frozenset[str]] = {}
        # id(passage) → its coverages: asked by the reader, the places, each span and the
        # nearest list; the passages live as long as this question's Featurizer.
        self._cov: dict[int, tuple[Passage, tuple[float, float, float]]] = {}
        self._hits: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._clause: dict[tuple[str, int, int], frozenset[str]] = {}
        self.dense_known = True  # False when the encoder is off: dense features are left out

    def cov(self, text: str) -> float:
        return coverage(frozenset(self.vocab.terms(text)), self.weights)

    def miss_max(self, have: frozenset[str]) -> float:
        total = sum(self.weights.values()) or 1.0
        missing = [w for t, w in self.weights.items() if not has_term(have, t)]
        return max(missing, default=0.0) / total

    def miss_rare(self, have: frozenset[str]) -> float:
        """How rare, across the corpus, the rarest question term the place lacks is (1: a word
        the corpus never uses). A paraphrase misses words the corpus uses elsewhere; a
        question about something the corpus does not hold misses the word that names it."""
        top = self.vocab.max_weight()
        missing = [w for t, w in self.weights.items() if not has_term(have, t)]
        return max(missing, default=0.0) / top

    def section_terms(self, s: Section) -> frozenset[str]:
        if s.id not in self._sec:
            head = " ".join([doc_title(s), *heading_path(s), s.source.replace("/", " ")])
            self._sec[s.id] = frozenset(self.vocab.terms(head + "\n" + s.text))
        return self._sec[s.id]

    def _known(self, row: dict[str, float]) -> dict[str, float]:
        if not self.dense_known:
            for name in DENSE:
                row.pop(name, None)
        return row

    # -- places -----------------------------------------------------------------------------
    def place(self, s: Section, rank: int, got: Retrieved, best_passage_cov: float,
              n_sections: int) -> dict[str, float]:  # fmt: skip
        have = self.section_terms(s)
        dense = got.dense.get(s.id, 0.0)
        kw, near = got.kw_rank.get(s.id), got.dense_rank.get(s.id)
        label = " ".join([doc_title(s), *heading_path(s), path_words(s.source)])
        lead = got.lead(s.source)
        return self._known(
            {
                "sec_score": got.scores.get(s.id, 0.0),
                "sec_rank": 1.0 / (1 + rank),
                "dense": dense,
                "dense_gap": dense - got.dense_max,
                "cov_section": coverage(have, self.weights),
                "cov_title": self.cov(doc_title(s)),
                "cov_head": self.cov(" ".join(heading_path(s))),
                "cov_path": self.cov(path_words(s.source)),
                "cov_best": best_passage_cov,
                "miss_max": self.miss_max(have),
                "miss_rare": self.miss_rare(have),
                "is_lead": float(s.level == 0 and s.kind in ("overview", "section", "record")),
                "doc_level": float(self.a.doc_level),
                # Keyword and dense evidence apart: agreement of the two says more than either.
                "kw_rank": 1.0 / (1 + kw) if kw is not None else 0.0,
                "dense_rank": 1.0 / (1 + near) if near is not None else 0.0,
                "both_top": float(kw == 0 and near == 0),
                "dense_z": (dense - got.dense_mean) / got.dense_std,
                "cov_label": self.label_cov(label),
                "cov_lead": self.label_cov(f"{doc_title(s)} {lead_text(lead)}"),
            }
        )

    def label_cov(self, text: str) -> float:
        return label_coverage(self.q_terms, self.weights, self.vocab.terms(text))

    # -- spans ------------------------------------------------------------------------------
    def passage_cov(self, p: Passage) -> tuple[float, float, float]:
        """How well the passage alone, with its context, and its context alone cover the
        question's terms."""
        got = self._cov.get(id(p))
        if got is not None and got[0] is p:
            return got[1]
        own = frozenset(self.vocab.terms(p.text))
        ctx = frozenset(self.vocab.terms(" ".join(p.context)))
        cov = (
            coverage(own, self.weights),
            coverage(own | ctx, self.weights),
            coverage(ctx, self.weights),
        )
        self._cov[id(p)] = (p, cov)
        return cov

    def span(self, c: Candidate, agree: int) -> dict[str, float]:
        p = c.passage
        kinds = self.a.kinds
        hits = [kinds.index(k) for k in c.kinds if k in kinds]
        cov_own, cov_ctx, cov_head = self.passage_cov(p)
        cand_terms = set(self.vocab.terms(c.text))
        label, cell = label_of(c)
        label_terms = set(self.vocab.terms(label))
        others = " ".join(x for i, x in enumerate(p.cells or []) if i != cell)
        return self._known(
            {
                "type_match": 1.0 - min(hits) / len(kinds) if hits else 0.0,
                "type_first": float(kinds[0] in c.kinds),
                "sec_score": p.score,
                "sec_rank": 1.0 / (1 + p.rank),
                "dense": p.dense,
                "cov_own": cov_own,
                "cov_ctx": cov_ctx,
                "cov_head": cov_head,
                "cov_section": coverage(self.section_terms(p.section), self.weights),
                "miss_max": self.miss_max(
                    frozenset(self.vocab.terms(p.text + " " + " ".join(p.context)))
                ),
                "near": self.near(p.text, c.start, c.end),
                "in_question": len(cand_terms & self.all_q_terms) / len(cand_terms)
                if cand_terms
                else 0.0,
                "key_match": len(label_terms & self.all_q_terms) / len(label_terms)
                if label_terms
                else 0.0,
                "row_match": self.cov(others) if others else 0.0,
                "n_words": min(len(c.text.split()), 12) / 12,
                "is_field": float(p.kind == "field"),
                "is_row": float(p.kind == "row"),
                "is_title": float("title" in c.kinds),
                "is_object": float("object" in c.kinds),
                "agree": min(agree, 5) / 5,
                "verb_near": float(
                    bool(self.verb & set(self.vocab.terms(p.text[max(0, c.start - 60) : c.start])))
                ),
                "first_pos": 1.0 / (1 + p.order),
                "is_name": float("name" in c.kinds),
                "is_code": float("code" in c.kinds or "flag" in c.kinds),
                "is_number": float(bool(c.kinds & NUMERIC)),
                "counts_noun": self.counts_noun(p.text, c.start, c.end),
                # The question's wording fixes the answer's kind ("how many", "when", "who").
                "certain": float(self.a.type in CERTAIN_TYPES),
                # A field (or column) named by the question: "who chairs" ↔ "Chaired by: X".
                "key_field": float(p.kind in ("field", "row"))
                * (len(label_terms & self.all_q_terms) / len(label_terms) if label_terms else 0.0),
                **self.span_extra(c, label, cand_terms),
            }
        )

    def span_extra(self, c: Candidate, label: str, cand_terms: set[str]) -> dict[str, float]:
        """Morphology-tolerant key match ("retained" ↔ a "Retention" column, "owns" ↔
        ``owner_slack``) and how common the candidate's words are across the corpus: a word on
        every page ("GOV.UK") rarely answers anything."""
        shares = [self.vocab.df_share(t) for t in cand_terms]
        p = c.passage
        return {
            # The attribute the question names ("default", "limit") right by the value.
            "field_near": self.near(p.text, c.start, c.end, self.field_weights)
            if self.field_weights
            else 0.0,
            "is_marked": float("marked" in c.kinds),
            # The term a NAME line or glossary entry defines ("ls - list directory contents").
            "is_gloss": float("gloss" in c.kinds),
            # The meaning a legend or glossary line gives its term ("'M' = modified").
            "is_meaning": float("meaning" in c.kinds),
            # The question's noun is the value's own unit ("12 cores" for "how many cores"):
            # the bare "12" beside it drops what was asked about.
            "noun_inside": self.noun_share(" ".join(c.text.split()[1:])),
            # A number written in words ("one", "a dozen"): often an article's, not a count.
            "num_word": float(bool(c.kinds & NUMERIC) and not any(ch.isdigit() for ch in c.text)),
            "cov_clause": self.clause_cov(p.text, c.start, c.end),
            # Punctuation alone (":", "|"): an operator at best.
            "no_alnum": float(not any(ch.isalnum() for ch in c.text)),
            "key_soft": soft_match(self.vocab.terms(key_words(label)), self.all_q_terms),
            "cand_common": max(shares, default=0.0),
            "cand_rare": 1.0 - max(shares, default=1.0),
            # Every word of the candidate is the question's own, or it is the acronym of words
            # the question names ("TUC" for "Trades Union Congress"): it restates what was asked.
            "echo": float(
                (bool(cand_terms) and all(has_term(self._q_frozen, t) for t in cand_terms))
                or c.text.lower() in self._q_acronyms
            ),
        }

    def counts_noun(self, text: str, start: int, end: int) -> float:
        """Share of the question's noun ("how many workers") in the words right after the
        value ("4 workers", or within a quantity's own unit: "8 cores" for "how many cores"):
        the value counts or measures what was asked about."""
        words = text[start:end].split()[1:] + text[end:].split()[:4]
        return self.noun_share(" ".join(words))

    def clause_cov(self, text: str, start: int, end: int) -> float:
        """Coverage of the question by the rest of the clause the span sits in: of "0 if the
        server accepts, 2 if there is no response", the clause of "2" is what names the case
        asked about, not the sentence."""
        a = max(text.rfind(d, 0, start) for d in _CLAUSE_MARKS) + 1
        ends = [i for i in (text.find(d, end) for d in _CLAUSE_MARKS) if i >= 0]
        b = min(ends, default=len(text))
        if (text, a, b) not in self._clause:
            self._clause[(text, a, b)] = frozenset(self.vocab.terms(text[a:b]))
        own = self.vocab.terms(text[start:end])
        return coverage(self._clause[(text, a, b)] - frozenset(own), self.weights)

    def noun_share(self, text: str) -> float:
        """Share of the question's noun's terms found in ``text``."""
        noun = set(self.vocab.terms(self.a.noun or ""))
        if not noun or not text:
            return 0.0
        have = frozenset(self.vocab.terms(text))
        return sum(has_term(have, t) for t in noun) / len(noun)

    def near(self, text: str, start: int, end: int, weights: dict | None = None) -> float:
        """Question words close to the span, weighted by rarity and nearness (in characters)."""
        weights = self.weights if weights is None else weights
        total = sum(weights.values()) or 1.0
        score = 0.0
        for t, w in weights.items():
            best = 0.0
            for a, b in self.hits(text, t):
                if a >= start and b <= end:
                    continue
                d = start - b if b <= start else a - end
                best = max(best, 1.0 / (1.0 + max(d, 0) / 20.0))
            score += w * best
        return score / total

    def hits(self, text: str, term: str) -> list[tuple[int, int]]:
        """Character spans of the words of ``text`` that hold ``term`` (or a form of it),
        found once per passage text and term: every candidate of a passage asks again."""
        if (text, term) not in self._hits:
            spans = []
            for m in re.finditer(r"[^\W_]+", text):
                terms = self.vocab.terms(m.group())
                if terms and has_term(frozenset(terms), term):
                    spans.append((m.start(), m.end()))
            self._hits[(text, term)] = spans
        return self._hits[(text, term)]
