"""Punctuation is not syntax; the query language's wildcard and fuzzy words are bounded."""

from __future__ import annotations

import pytest

from ipsearch.retrieval.query import MAX_EXPANSIONS, MAX_TOTAL_EXPANSIONS, is_plain

PROSE = [
    "Vitamin D (cholecalciferol) lowers the risk of fractures.",
    "TNF-α/IL-6 ratio: a marker?",
    "see https://example.org/a/b?x=1 for details",
    "src/ipsearch/search.py: line 40 (is_plain)",
    "note: the chair and funding",
    "cats and dogs or not",
    "5*3 = 15",
    "C++ / Java",
    "a claim [with brackets] and {braces}",
]
SYNTAX = [
    '"exact phrase"',
    "cyber AND security",
    "cyber OR security",
    "cyber NOT security",
    "title:funding",
    "Section:funding",
    "partner*",
    "partnerships~",
    "partnerships~2 funding",
    "(partner*)",
]


@pytest.mark.parametrize("text", PROSE)
def test_punctuation_in_prose_is_text(text):
    assert is_plain(text)


@pytest.mark.parametrize("text", SYNTAX)
def test_explicit_syntax_switches_to_the_query_language(text):
    assert not is_plain(text)


@pytest.fixture
def indexed(env, main_run):
    assert main_run("ingest")[0] == 0
    return env


def test_brackets_and_slashes_rank_like_the_words(indexed, main_run):
    code, out, _ = main_run("search", "--json", "--no-semantic", "cyber security research")
    code2, out2, _ = main_run("search", "--json", "--no-semantic", "(cyber/security): research")
    assert code == code2 == 0
    assert out == out2.replace("(cyber/security): research", "cyber security research")


@pytest.mark.parametrize(
    "query",
    ["partnerships~6", "deployment~9", "skills~99999999999999999999", "*a* *e*", "*ship*"],
)
def test_fuzzy_and_wildcard_queries_are_narrowed_with_a_note(indexed, main_run, query):
    code, _, err = main_run("search", "--no-semantic", query)
    assert code in (0, 1)
    assert "query narrowed:" in err


def test_wildcard_expansions_are_capped_per_word_and_in_total(indexed):
    from ipsearch.config import resolve
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    loc = resolve()
    notes: list[str] = []
    query = " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz")
    with Searcher(IndexStore(loc.index, loc.corpus.resolve()), False, notes.append) as s:
        q = s.parse(query)
        terms = [t for t in q.leaves() if t.__class__.__name__ == "Term"]
        assert len(terms) <= MAX_TOTAL_EXPANSIONS
        few = s.parse("c*")
        assert len(list(few.leaves())) <= MAX_EXPANSIONS * 5
        s.search(query)
    assert notes and all("query narrowed" in n for n in notes)
