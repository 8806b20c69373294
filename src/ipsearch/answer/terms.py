"""Index terms and their weights: the one place the answer stages touch the index's analyser.

Every stage compares words as the index does (stemmed, stop words dropped), and weighs them by
how rare they are across sections, so a word the corpus never uses counts most: a question
about something the corpus does not hold cannot look well covered.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ipsearch.retrieval.searcher import Searcher
from ipsearch.retrieval.spelling import respell
from ipsearch.retrieval.terms import analyze, doc_frequencies, same_stem

WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


class Vocabulary:
    """Analysis and inverse document frequency for one open index, cached per run."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._df: dict[str, int] = {}
        self._terms: dict[str, tuple[str, ...]] = {}
        self.n = max(1, searcher.searcher.reader().doc_count())

    def terms(self, text: str) -> tuple[str, ...]:
        """Index terms of ``text`` in order (stems; stop words dropped)."""
        if text not in self._terms:
            self._terms[text] = tuple(analyze(self.searcher, text))
        return self._terms[text]

    def weights(self, terms: list[str] | tuple[str, ...]) -> dict[str, float]:
        """Inverse document frequency of each term; unseen terms weigh the most."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._df]
        if missing:
            self._df.update(doc_frequencies(self.searcher, missing)[1])
        return {t: math.log((self.n + 1) / (self._df[t] + 0.5)) for t in terms}

    def max_weight(self) -> float:
        """The weight of a term no section uses: the top of the ``weights`` scale."""
        return math.log((self.n + 1) / 0.5)

    def df_share(self, term: str) -> float:
        self.weights([term])
        return self._df[term] / self.n

    def respell(self, text: str) -> str | None:
        """``text`` with unknown words respelt, trusting only near misses.

        Two edits away is as likely another word as a typo, and a wrong respelling would make
        an unanswerable question look answered: short words may be one edit off, long ones two.
        """
        fixed = respell(self.searcher, text)
        if not fixed:
            return None
        from rapidfuzz.distance import OSA  # only when a word was respelt

        old, new = WORD.findall(text), WORD.findall(fixed)
        if len(old) != len(new):
            return None
        out, changed = text, False
        for a, b in zip(old, new, strict=True):
            if a.lower() != b.lower() and OSA.distance(a.lower(), b.lower()) <= (
                1 if len(a) < 9 else 2
            ):
                out = re.sub(rf"\b{re.escape(a)}\b", b, out, count=1)
                changed = True
        return out if changed else None


def stem_similarity(a: str, b: str) -> float:
    """How alike two index terms are as forms of one word: 1 for the same stem, the rapidfuzz
    ratio for stems that open alike (retain / retent, own / owner), 0 otherwise. The stemmer
    leaves derived forms apart; the fitted models weigh how far to trust this."""
    from rapidfuzz import fuzz

    if same_stem(a, b):
        return 1.0
    if len(a) < 3 or len(b) < 3 or a[:3] != b[:3]:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def soft_match(label: list[str] | tuple[str, ...], question: set[str]) -> float:
    """Mean over the label's terms of the best :func:`stem_similarity` to a question term."""
    if not label or not question:
        return 0.0
    return sum(max(stem_similarity(t, q) for q in question) for t in label) / len(label)


def key_words(key: str) -> str:
    """A field key or column header as words: ``owner_slack`` → "owner slack"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|[_.\-/]+", " ", key)


def has_term(have: set[str] | frozenset[str], term: str) -> bool:
    """Whether ``have`` holds ``term`` or another form of it (``same_stem``).

    Answered by set lookups, not a ``same_stem`` call per term of ``have`` (a third of a
    one-shot question's time on long sections): a shorter form is ``term`` less one or two
    letters, a longer one is a term of ``have`` less one or two letters (``_clipped``)."""
    if term in have:
        return True
    n = len(term)
    if (n >= 4 and term[:-1] in have) or (n >= 5 and term[:-2] in have):
        return True
    clipped = _clipped(have) if isinstance(have, frozenset) else _clip(have)
    return term in clipped


def _clip(have: set[str] | frozenset[str]) -> frozenset[str]:
    """Each term less its last one or two letters, where at least three are left."""
    return frozenset(u[:-k] for u in have for k in (1, 2) if len(u) - k >= 3)


@lru_cache(maxsize=4096)
def _clipped(have: frozenset[str]) -> frozenset[str]:
    return _clip(have)


def coverage(have: set[str] | frozenset[str], weights: dict[str, float]) -> float:
    """Weighted share of the question's terms that ``have`` holds."""
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for t, w in weights.items() if has_term(have, t)) / total
