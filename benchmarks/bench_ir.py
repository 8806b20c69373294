"""ipsearch's ranking beside two BM25 baselines, on the same queries in the same run.

Usage:
    pip install -e '.[bench]'
    python benchmarks/bench_ir.py SCIFACT_DIR [--json]

SCIFACT_DIR is a BEIR-style folder (corpus.jsonl, queries.tsv, qrels.tsv), e.g. BEIR SciFact
with its train queries (README, "Ranking quality"). Rows:

- ipsearch (default): what `ipsearch search` ranks — keywords, fused with the sentence encoder
  when a query word is unknown to the corpus;
- ipsearch --semantic: keywords always fused with the encoder (what `ask` uses);
- ipsearch --no-semantic: keywords only;
- whoosh-plain: Whoosh out of the box — StemmingAnalyzer, BM25F(), one field with title + text,
  words OR-ed by the query parser;
- bm25s: bm25s 'lucene' BM25 (k1=1.5, b=0.75), English stop words, Snowball stems (PyStemmer).

Every row is scored by the same metric code (ipsearch.irmetrics, checked against ir-measures).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ipsearch import irbench
from ipsearch.irmetrics import evaluate
from ipsearch.render.json import bench_json


def _docs(collection: Path) -> list[tuple[str, str]]:
    out = []
    for line in (collection / "corpus.jsonl").open(encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            out.append((str(r["id"]), f"{r.get('title', '')} {r.get('text', '')}"))
    return out


def _summary(run: dict, qrels: dict, index_s: float, times: list[float]) -> dict:
    m = evaluate(run, qrels)
    times.sort()
    return {
        "ndcg@10": round(m["ndcg@10"], 4),
        "recall@100": round(m["recall@100"], 4),
        "mrr@10": round(m["mrr@10"], 4),
        "index_s": round(index_s, 2),
        "query_ms_p50": round(statistics.median(times), 2),
        "query_ms_p95": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def whoosh_plain(collection: Path, queries: dict, qrels: dict) -> dict:
    from whoosh import index, qparser, scoring
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        ix = index.create_in(tmp, Schema(id=ID(stored=True), body=TEXT(StemmingAnalyzer())))
        w = ix.writer(limitmb=256)
        for did, text in _docs(collection):
            w.add_document(id=did, body=text)
        w.commit()
        index_s = time.perf_counter() - t
        parser = qparser.QueryParser("body", ix.schema, group=qparser.OrGroup)
        run, times = {}, []
        with ix.searcher(weighting=scoring.BM25F()) as s:
            for qid, text in queries.items():
                t = time.perf_counter()
                run[qid] = [h["id"] for h in s.search(parser.parse(text), limit=100)]
                times.append((time.perf_counter() - t) * 1000)
    return _summary(run, qrels, index_s, times)


def bm25s_baseline(collection: Path, queries: dict, qrels: dict) -> dict:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    docs = _docs(collection)
    t = time.perf_counter()
    tokens = bm25s.tokenize(
        [x for _, x in docs], stopwords="en", stemmer=stemmer, show_progress=False
    )
    model = bm25s.BM25()
    model.index(tokens, show_progress=False)
    index_s = time.perf_counter() - t
    run, times = {}, []
    for qid, text in queries.items():
        t = time.perf_counter()
        qt = bm25s.tokenize(
            [text], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False
        )
        words = [w for w in qt[0] if w in model.vocab_dict]
        ranked = []
        if words:
            res, _ = model.retrieve([words], k=100, show_progress=False, n_threads=1)
            ranked = [docs[i][0] for i in res[0]]
        run[qid] = ranked
        times.append((time.perf_counter() - t) * 1000)
    return _summary(run, qrels, index_s, times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("collection", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    queries = irbench.load_queries(args.collection / "queries.tsv")
    qrels = irbench.load_qrels(args.collection / "qrels.tsv")
    queries = {q: t for q, t in queries.items() if q in qrels}
    rows: dict[str, dict] = {}
    for label, fusion, semantic in (
        ("ipsearch (default)", "auto", None),
        ("ipsearch --semantic", "always", None),
        ("ipsearch --no-semantic", "never", False),
    ):
        print(f"running {label} ...", file=sys.stderr)
        rows[label] = bench_json(irbench.run(args.collection, semantic=semantic, fusion=fusion))
    print("running whoosh-plain ...", file=sys.stderr)
    rows["whoosh-plain"] = whoosh_plain(args.collection, queries, qrels)
    print("running bm25s ...", file=sys.stderr)
    rows["bm25s"] = bm25s_baseline(args.collection, queries, qrels)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{len(queries)} queries")
    print(
        f"{'ranking':<24}{'nDCG@10':>9}{'R@100':>8}{'MRR@10':>8}{'index s':>9}"
        f"{'p50 ms':>8}{'p95 ms':>8}"
    )
    for label, r in rows.items():
        print(
            f"{label:<24}{r['ndcg@10']:>9.4f}{r['recall@100']:>8.4f}{r['mrr@10']:>8.4f}"
            f"{r['index_s']:>9.1f}{r['query_ms_p50']:>8.1f}{r['query_ms_p95']:>8.1f}"
        )
    best = max(rows["whoosh-plain"]["ndcg@10"], rows["bm25s"]["ndcg@10"])
    for label in [k for k in rows if k.startswith("ipsearch")]:
        print(f"{label}: {rows[label]['ndcg@10'] - best:+.4f} nDCG@10 over the best baseline")


if __name__ == "__main__":
    main()
