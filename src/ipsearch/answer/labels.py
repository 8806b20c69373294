"""How well the words that name a place (its titles, heading path, file path, lead sentence)
cover a question, tolerant of word forms: "managing" ↔ "Manage" (one stem), "roll back" ↔
"rollback" (two question words written as one), "disabling" ↔ "disable".

A place's label is what a reader scans to decide whether to open it; a question worded the way
a page names itself is asking for that page. Coverage is weighted by the terms' rarity
(``Featurizer.weights``), as the other coverage features are.
"""

from __future__ import annotations

import re

from ipsearch.answer.terms import has_term
from ipsearch.models import Section

# Enough of a lead paragraph to hold what a page says it is (a man page's NAME line, a
# summary sentence), not so much that any page covers any question.
LEAD_CHARS = 240


def joined_pairs(terms: tuple[str, ...] | list[str]) -> dict[str, tuple[str, str]]:
    """Adjacent terms written as one word ("roll", "back" → "rollback"), to the pair."""
    pairs = zip(terms, terms[1:], strict=False)
    return {a + b: (a, b) for a, b in pairs if min(len(a), len(b)) >= 2 and len(a + b) >= 6}


def label_coverage(
    q_terms: list[str], weights: dict[str, float], have: tuple[str, ...] | list[str]
) -> float:
    """Weighted share of the question's terms in ``have`` (a label's terms, in order), where
    a question pair may be one word of the label and a label pair one word of the question."""
    total = sum(weights.values())
    if not total:
        return 0.0
    have_set = frozenset(have) | frozenset(joined_pairs(tuple(have)))
    found = {t for t in weights if has_term(have_set, t)}
    for whole, (a, b) in joined_pairs(q_terms).items():
        if has_term(have_set, whole):
            found |= {a, b}
    return sum(w for t, w in weights.items() if t in found) / total


def path_words(source: str) -> str:
    """The words of a file path: ``manual/manage-secrets.md`` → ``manual manage secrets md``."""
    return " ".join(re.split(r"[/_.\-]+", source))


def lead_text(s: Section | None) -> str:
    """The first thing a document says below its title: a summary, a man page's NAME line."""
    if s is None:
        return ""
    for b in s.blocks:
        if b.kind in ("paragraph", "item", "sentence") and b.text.strip():
            return b.text[:LEAD_CHARS]
    return s.text[:LEAD_CHARS]
