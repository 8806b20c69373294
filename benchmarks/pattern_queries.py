"""Wildcard and fuzzy query latency at scale (issue 11, item 20: every query under 1 s at 50k).

Usage:
    IPSEARCH_SEMANTIC=0 python benchmarks/pattern_queries.py SCIFACT_DIR WORKDIR [--sections 50000]

The SciFact corpus (corpus.jsonl) is repeated up to ``--sections`` sections into WORKDIR/corpus
and indexed keyword-only into WORKDIR/index (both reused when present: building 50k sections
takes minutes). Each query then runs in-process through ``Searcher.search`` (ranking plus
snippets), its bounding redone each run; reported: the time of each of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scale import make_corpus  # noqa: E402

QUERIES = ["a* b* c* d*", "*a* *e*", "partnerships~6", "deployment~9", '"vitamin d" bone*']


def main() -> None:
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    ap = argparse.ArgumentParser()
    ap.add_argument("scifact", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--sections", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    corpus, index = args.work / "corpus", args.work / "index"
    if not corpus.exists():
        make_corpus(args.scifact, args.sections, corpus)
    store = IndexStore(index, corpus.resolve())
    if not index.exists():
        t = time.perf_counter()
        store.update(rebuild=True)
        print(f"indexed in {time.perf_counter() - t:.0f} s")
    with Searcher(store, False, lambda _m: None) as s:
        print(f"{s.searcher.reader().doc_count_all()} sections")
        s.search("warmup", limit=10, fix_spelling=False)
        for q in QUERIES:
            times = []
            for _ in range(args.runs):
                s.keyword._bounded = None  # bound the patterns again, as a new query would
                t = time.perf_counter()
                r = s.search(q, limit=10, fix_spelling=False)
                times.append(time.perf_counter() - t)
            shown = " ".join(f"{x:.3f}" for x in times)
            print(f"{q!r:20} {shown} s   ({r.total} matching)")


if __name__ == "__main__":
    main()
