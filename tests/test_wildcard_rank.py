"""A query that is only an OR of words once its patterns are expanded ranks by the BM25F ranker;
a query with structure (phrase, field:value, AND/NOT, boost) keeps Whoosh's searcher."""

from __future__ import annotations

import pytest

from ipsearch.index.matrix import reference_top
from ipsearch.index.schema import FIELD_BOOSTS

WORD_ORS = ["c* d*", "partnerships~2 cyb*", "fund* OR p*", "(cyber* OR data) research"]
STRUCTURED = [
    '"cyber security" fund*',
    "section:cyber* research",
    "cyber AND secur*",
    "fund* NOT security",
    "cyber^2 secur*",
]


def _whoosh_forbidden(searcher, monkeypatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("an OR of words went through Whoosh's searcher")

    monkeypatch.setattr(searcher.keyword.searcher, "search", refuse)


def _same_ranking(a, b) -> None:
    """Same count and sections in the same order; scores equal up to the order of the sums."""
    assert a[0] == b[0]
    assert [sid for sid, _ in a[1]] == [sid for sid, _ in b[1]]
    assert [v for _, v in a[1]] == pytest.approx([v for _, v in b[1]], rel=1e-9)


@pytest.mark.parametrize("query", WORD_ORS)
def test_an_or_of_patterns_ranks_like_its_expanded_words(searcher, monkeypatch, query):
    _whoosh_forbidden(searcher, monkeypatch)
    terms = sorted(searcher.keyword.parse_words(query)[1])
    assert len(terms) > 1
    total, ours = searcher.keyword.ids(query, 10)
    assert ours
    # The same words typed out as plain words: the same sections in the same order.
    analyzer = searcher.schema["body"].analyzer
    # (Only where the analyzer reads the stems back unchanged: re-stemming may change a stem.)
    if [t.text for t in analyzer(" ".join(terms))] == terms:
        _same_ranking(searcher.keyword.ids(" ".join(terms), 10), (total, ours))
    monkeypatch.undo()
    # And Whoosh's own BM25F over those terms in every field (no coordination bonus) agrees.
    reader = searcher.searcher.reader()
    theirs = reference_top(searcher.searcher, terms, FIELD_BOOSTS, 10)
    assert [sid for sid, _ in ours] == [reader.stored_fields(d)["id"] for d, _ in theirs]
    assert [v for _, v in ours] == pytest.approx([v for _, v in theirs], rel=1e-6)


def test_typed_out_words_rank_the_same(searcher, monkeypatch):
    _whoosh_forbidden(searcher, monkeypatch)
    query = "secur*"
    terms = sorted(searcher.keyword.parse_words(query)[1])
    analyzer = searcher.schema["body"].analyzer
    assert [t.text for t in analyzer(" ".join(terms))] == terms
    _same_ranking(searcher.keyword.ids(query, 10), searcher.keyword.ids(" OR ".join(terms), 10))


@pytest.mark.parametrize("query", STRUCTURED)
def test_structured_queries_keep_whoosh(searcher, monkeypatch, query):
    def refuse(*_a, **_k):
        raise AssertionError("a structured query went through the BM25F ranker")

    monkeypatch.setattr(searcher.keyword, "rank_terms", refuse)
    total, ours = searcher.keyword.ids(query, 10)
    results = searcher.searcher.search(searcher.keyword.parse(query), limit=10)
    assert ours == [(r["id"], r.score) for r in results]
