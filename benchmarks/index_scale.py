"""Indexing and query speed at 50,000 sections: ipsearch (Whoosh) vs bm25s vs SQLite FTS5.

Usage:
    pip install -e '.[bench]'
    python benchmarks/index_scale.py SCIFACT_DIR [--copies 10] [--queries 300]

SCIFACT_DIR holds BEIR SciFact (corpus.jsonl, queries.tsv); the corpus is written ``--copies``
times (ids suffixed) into a temp corpus of JSONL files, so 10 copies give 51,830 sections. Each
engine runs in its own subprocess, so its peak RSS is its own. Reported: sections/s, index size,
peak RSS, and in-process query latency p50/p95 over the SciFact queries, plus ratios to ipsearch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def load_queries(scifact: Path, n: int) -> list[str]:
    out = []
    for line in (scifact / "queries.tsv").read_text().splitlines():
        parts = line.split("\t", 1)
        if len(parts) == 2 and parts[0] != "query_id":
            out.append(parts[1])
    return out[:n]


def make_corpus(scifact: Path, copies: int, dest: Path) -> int:
    dest.mkdir(parents=True)
    n = 0
    records = [json.loads(x) for x in (scifact / "corpus.jsonl").read_text().splitlines() if x]
    for c in range(copies):
        with open(dest / f"part-{c:02d}.jsonl", "w") as f:
            for r in records:
                f.write(
                    json.dumps({"id": f"{r['id']}-{c}", "title": r["title"], "text": r["text"]})
                    + "\n"
                )
                n += 1
    return n


def latencies(fn, queries: list[str]) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def run_ipsearch(corpus: Path, work: Path, queries: list[str]) -> dict:
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    store = IndexStore(work / "index", corpus.resolve())
    t = time.perf_counter()
    report = store.update(rebuild=True)
    build = time.perf_counter() - t
    with Searcher(store) as s:
        s.search("warmup", limit=10)
        p50, p95 = latencies(lambda q: s.search(q, limit=10, fix_spelling=False), queries)
    return {
        "sections": report.sections,
        "build_s": build,
        "mb": dir_mb(work / "index"),
        "p50": p50,
        "p95": p95,
    }


def _records(corpus: Path):
    for f in sorted(corpus.glob("*.jsonl")):
        for line in f.open():
            r = json.loads(line)
            yield r["id"], r["title"] + " " + r["text"]


def run_bm25s(corpus: Path, work: Path, queries: list[str]) -> dict:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    t = time.perf_counter()
    ids, texts = zip(*_records(corpus), strict=True)
    tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer, show_progress=False)
    model = bm25s.BM25()
    model.index(tokens, show_progress=False)
    model.save(str(work / "bm25s"))
    build = time.perf_counter() - t

    def query(q: str) -> None:
        qt = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        model.retrieve(qt, k=10, show_progress=False, n_threads=1)

    p50, p95 = latencies(query, queries)
    return {
        "sections": len(ids),
        "build_s": build,
        "mb": dir_mb(work / "bm25s"),
        "p50": p50,
        "p95": p95,
    }


def run_fts5(corpus: Path, work: Path, queries: list[str]) -> dict:
    import re
    import sqlite3

    db = work / "fts.sqlite"
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize='porter')")
    con.executemany("INSERT INTO docs VALUES (?, ?)", _records(corpus))
    con.commit()
    build = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM docs").fetchone()[0]

    def query(q: str) -> None:
        words = re.findall(r"\w+", q)
        if words:
            match = " OR ".join(f'"{w}"' for w in words)
            con.execute(
                "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (match,)
            ).fetchall()

    p50, p95 = latencies(query, queries)
    return {"sections": n, "build_s": build, "mb": db.stat().st_size / 1e6, "p50": p50, "p95": p95}


ENGINES = {"ipsearch": run_ipsearch, "bm25s": run_bm25s, "sqlite-fts5": run_fts5}


def child(engine: str, corpus: str, work: str, scifact: str, nq: int) -> None:
    res = ENGINES[engine](Path(corpus), Path(work), load_queries(Path(scifact), nq))
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact", type=Path)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        e, c, w, s, n = args.child
        child(e, c, w, s, int(n))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        n = make_corpus(args.scifact, args.copies, corpus)
        print(f"corpus: {n} sections in {args.copies} JSONL files; {args.queries} queries")
        results = {}
        for engine in args.engines.split(","):
            work = Path(tmp) / engine
            work.mkdir()
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    str(args.scifact),
                    "--child",
                    engine,
                    str(corpus),
                    str(work),
                    str(args.scifact),
                    str(args.queries),
                ],
                capture_output=True,
                text=True,
                env=dict(os.environ),
            )
            if out.returncode:
                print(f"{engine}: failed\n{out.stderr[-2000:]}")
                continue
            results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
            shutil.rmtree(work, ignore_errors=True)
        base = results.get("ipsearch")
        print(
            f"{'engine':<12} {'sections/s':>10} {'index MB':>9} {'peak RSS MB':>11} "
            f"{'p50 ms':>7} {'p95 ms':>7}"
        )
        for engine, r in results.items():
            rate = r["sections"] / r["build_s"]
            print(
                f"{engine:<12} {rate:>10.0f} {r['mb']:>9.1f} {r['peak_rss_mb']:>11.0f} "
                f"{r['p50']:>7.2f} {r['p95']:>7.2f}"
            )
        if base:
            print("ratios to ipsearch (other / ipsearch):")
            for engine, r in results.items():
                if engine == "ipsearch":
                    continue
                speed = (r["sections"] / r["build_s"]) / (base["sections"] / base["build_s"])
                print(
                    f"  {engine}: build speed {speed:.2f}x, size {r['mb'] / base['mb']:.2f}x, "
                    f"RSS {r['peak_rss_mb'] / base['peak_rss_mb']:.2f}x, "
                    f"p50 {r['p50'] / base['p50']:.2f}x, p95 {r['p95'] / base['p95']:.2f}x"
                )


if __name__ == "__main__":
    main()
