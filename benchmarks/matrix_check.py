"""The matrix ranker against Whoosh's own BM25F searcher, query by query.

Usage: python benchmarks/matrix_check.py COLLECTION [--index DIR] [--queries N]

COLLECTION is a BEIR-style folder (corpus.jsonl, queries.tsv). Its corpus is indexed as
``ipsearch ingest`` would (keyword-only), then each query's analysed words are ranked twice:
by ipsearch's matrix and by Whoosh's searcher (an OR of every word in every searched field,
with the field weights, and the Lucene-idf BM25F scorer ipsearch uses for query syntax).
Prints how many top-10 lists differ and the latency of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("collection", type=Path)
    ap.add_argument("--index", type=Path)
    ap.add_argument("--queries", type=int, default=10_000)
    args = ap.parse_args()
    os.environ["IPSEARCH_SEMANTIC"] = "0"
    from ipsearch.index import IndexStore
    from ipsearch.index.matrix import reference_top
    from ipsearch.index.schema import FIELD_BOOSTS
    from ipsearch.irbench import load_queries
    from ipsearch.retrieval.searcher import Searcher

    tmp = Path(tempfile.mkdtemp())
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        shutil.copy(args.collection / "corpus.jsonl", corpus / "corpus.jsonl")
        store = IndexStore(args.index or tmp / "index", corpus)
        store.update(rebuild=True)
        queries = list(load_queries(args.collection / "queries.tsv").values())[: args.queries]
        differ, tm, tw = 0, [], []
        with Searcher(store, semantic=False) as s:
            analyzer = s.ix.schema["body"].analyzer
            s.keyword.bag_rank("warm up", 10)
            for q in queries:
                terms = [t.text for t in analyzer(q)]
                t = time.perf_counter()
                _, ours = s.keyword.bag_rank(q, 10)
                tm.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                theirs = reference_top(s.searcher, terms, FIELD_BOOSTS, 10)
                tw.append((time.perf_counter() - t) * 1000)
                same = [d for d, _ in ours] == [d for d, _ in theirs] and all(
                    abs(a - b) <= 1e-6 * max(1.0, abs(b))
                    for (_, a), (_, b) in zip(ours, theirs, strict=True)
                )
                differ += not same
        tm.sort()
        tw.sort()
        print(f"{len(queries)} queries: top 10 differs in {differ}")
        print(
            f"matrix p50 {statistics.median(tm):.2f} ms p95 {tm[int(0.95 * (len(tm) - 1))]:.2f} ms;"
            f" whoosh p50 {statistics.median(tw):.2f} ms p95 {tw[int(0.95 * (len(tw) - 1))]:.2f} ms"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
