"""The BM25F matrix ranks plain words exactly as Whoosh's BM25F searcher does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipsearch.index import IndexStore
from ipsearch.index.matrix import PREFIX, build, reference_top
from ipsearch.index.schema import FIELD_BOOSTS
from ipsearch.retrieval.searcher import Searcher

WORDS = [
    "grant",
    "funding",
    "research",
    "partnership",
    "industry",
    "cyber",
    "security",
    "health",
    "data",
    "energy",
    "climate",
    "transport",
    "housing",
    "water",
    "skills",
    "training",
    "innovation",
    "digital",
    "privacy",
    "network",
]
QUERIES = [
    "cyber security partnership",
    "funding for health data research",
    "energy and climate innovation (skills)",
    "water housing transport",
    "digital privacy network training grant",
    "industry",
]


def _write_corpus(corpus: Path, n: int, seed: int) -> None:
    import random

    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        title = " ".join(rnd.sample(WORDS, 2)).title()
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 60)))
        rows.append(json.dumps({"id": f"d{seed}-{i}", "title": title, "text": text}))
    (corpus / f"part{seed}.jsonl").write_text("\n".join(rows) + "\n")
    md = [f"# Notes {seed}"] + [
        f"## {rnd.choice(WORDS).title()} {i}\n\n{' '.join(rnd.sample(WORDS, 8))}." for i in range(5)
    ]
    (corpus / f"notes{seed}.md").write_text("\n\n".join(md) + "\n")


@pytest.fixture(autouse=True)
def _matrix_for_small_indexes(monkeypatch):
    """These collections are small; the matrix path is the one under test."""
    import ipsearch.index.ranker as ranker_module

    monkeypatch.setattr(ranker_module, "SMALL_INDEX", 0)


def _indexed(tmp_path: Path, n: int, seed: int) -> tuple[Path, IndexStore]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_corpus(corpus, n, seed)
    store = IndexStore(tmp_path / "index", corpus)
    store.update()
    return corpus, store


def _assert_same_as_whoosh(store: IndexStore) -> None:
    with Searcher(store, semantic=False) as s:
        analyzer = s.ix.schema["body"].analyzer
        for q in QUERIES:
            terms = [t.text for t in analyzer(q)]
            total, ours = s.keyword.bag_rank(q, 10)
            theirs = reference_top(s.searcher, terms, FIELD_BOOSTS, 10)
            assert [d for d, _ in ours] == [d for d, _ in theirs], q
            assert [v for _, v in ours] == pytest.approx([v for _, v in theirs], rel=1e-6)
            assert total == len(reference_top(s.searcher, terms, FIELD_BOOSTS, 10**6))


def test_matrix_top10_equals_whoosh_bm25f(tmp_path):
    _, store = _indexed(tmp_path, 300, 1)
    assert list(store.current().glob(f"{PREFIX}*.json"))
    _assert_same_as_whoosh(store)


def test_matrix_stays_exact_across_segments_and_deletions(tmp_path):
    from whoosh import index as windex

    corpus, store = _indexed(tmp_path, 200, 1)
    _write_corpus(corpus, 150, 2)  # a second segment
    _write_corpus(corpus, 120, 1)  # part1 rewritten: its old sections are deleted
    store.update()
    _assert_same_as_whoosh(store)
    # Deletions kept in a segment (no merge), masked at query time; then a matrix built
    # from a segment that has deletions.
    writer = windex.open_dir(str(store.current())).writer()
    writer.delete_by_term("source", "notes2.md")
    writer.delete_by_term("source", "part2.jsonl")
    writer.commit(merge=False)
    _assert_same_as_whoosh(store)
    for p in store.current().glob(f"{PREFIX}*"):
        p.unlink()
    build(store.current(), FIELD_BOOSTS)
    _assert_same_as_whoosh(store)


def test_missing_matrix_files_rank_the_same(tmp_path):
    _, store = _indexed(tmp_path, 100, 3)
    with Searcher(store, semantic=False) as s:
        before = s.keyword.bag_rank("health data grant", 10)
    for p in store.current().glob(f"{PREFIX}*"):
        p.unlink()
    with Searcher(store, semantic=False) as s:
        assert s.keyword.bag_rank("health data grant", 10) == before


def test_small_index_ranker_scores_exactly_like_the_matrix(tmp_path):
    from ipsearch.index.ranker import Matrix, SmallRanker
    from ipsearch.retrieval.keyword import K1, B

    corpus, store = _indexed(tmp_path, 150, 4)
    _write_corpus(corpus, 90, 4)
    store.update()
    with Searcher(store, semantic=False) as s:
        reader = s.searcher.reader()
        analyzer = s.ix.schema["body"].analyzer
        matrix = Matrix.open(store.current(), reader, FIELD_BOOSTS, K1, B)
        small = SmallRanker(reader, FIELD_BOOSTS, K1, B)
        for q in QUERIES:
            terms = [t.text for t in analyzer(q)]
            assert matrix.top(terms, 10) == small.top(terms, 10)
            assert matrix.top(terms, 5, [1, 2, 3, 40]) == small.top(terms, 5, [1, 2, 3, 40])


def test_term_frequencies_from_the_matrix_equal_whoosh(tmp_path):
    """QA's document frequencies (a term and its longer forms, per field) read from the
    matrix's vocabulary are Whoosh's, across segments and deletions."""
    from whoosh import index as windex

    from ipsearch.index.ranker import Matrix, SmallRanker
    from ipsearch.retrieval.keyword import K1, B

    corpus, store = _indexed(tmp_path, 150, 5)
    _write_corpus(corpus, 90, 6)
    store.update()
    writer = windex.open_dir(str(store.current())).writer()
    writer.delete_by_term("source", "notes6.md")
    writer.commit(merge=False)
    fields = list(FIELD_BOOSTS)
    with Searcher(store, semantic=False) as s:
        reader = s.searcher.reader()
        matrix = Matrix.open(store.current(), reader, FIELD_BOOSTS, K1, B)
        small = SmallRanker(reader, FIELD_BOOSTS, K1, B)
        assert len(matrix.segments) == 2
        for term in ["fund", "research", "note", "he", "d", "secur", "zzz", "", "trainings"]:
            for prefix in (True, False):
                theirs = {k: n for k, n in small.frequencies(term, fields, prefix).items() if n}
                assert matrix.frequencies(term, fields, prefix) == theirs, (term, prefix)
        assert matrix.frequencies("fund", ["body"], True)[("body", "fund")] > 0
