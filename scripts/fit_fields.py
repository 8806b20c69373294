"""Fit the BM25F weights of the page-wide fields ``doc`` and ``path`` (index/schema.py).

Usage:
    python scripts/fit_fields.py [--sets NAME ...]

Each gold set's corpus (eval/corpora/<name>/, and corpus/ for the seed set) is indexed once,
keyword-only, in a temporary folder; the weights are then varied at query time (the BM25F
ranker reads ``FIELD_BOOSTS`` when it is built, not at ingest). The objective is the mean
MRR@10 of the right page over the ``keyword``, ``topic`` and ``paraphrase`` questions, run
through ``Searcher.search``: a hit is right when the gold ``source`` is a substring of its path
(seed items, which name no file: when the gold ``section`` word is in its title, as
evaluate.py judges them).

Printed: leave-one-corpus-out (for each corpus, the weights with the best mean MRR over the
other corpora, and that corpus's MRR with them and with today's weights), then the weights
chosen on all corpora. Ties go to the weights closest to today's, then the smaller.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ["govuk-developer-docs", "rust-book", "postgresql-docs", "python-docs", "git-docs"]
KINDS = ("keyword", "topic", "paraphrase")
GRID = [0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0]
FIELDS = ("doc", "path")


def gold_set(name: str) -> tuple[Path, list[dict]]:
    if name == "seed":
        corpus, gold = ROOT / "corpus", ROOT / "eval" / "seed-qa-dev.jsonl"
    else:
        corpus, gold = ROOT / "eval" / "corpora" / name, ROOT / "eval" / f"{name}-qa.jsonl"
    items = [json.loads(x) for x in gold.read_text().splitlines() if x.strip()]
    return corpus, [it for it in items if it["kind"] in KINDS]


def right(item: dict, hit) -> bool:
    from ipsearch.evaluate import place_matches

    if "source" in item:
        return item["source"].lower() in (hit.corpus_path or "").lower()
    return place_matches(item, hit.corpus_path, hit.section, hit.heading_path)


def reciprocal_ranks(searcher, items: list[dict]) -> list[float]:
    rr = []
    for it in items:
        hits = searcher.search(it["question"], limit=10).hits
        rank = next((i for i, h in enumerate(hits, 1) if right(it, h)), None)
        rr.append(1 / rank if rank else 0.0)
    return rr


def mean(xs) -> float:
    xs = list(xs)
    return sum(xs) / len(xs)


def noise(a: list[float], b: list[float]) -> float:
    """Two standard errors of the mean paired difference: what a change within is noise."""
    d = [x - y for x, y in zip(a, b, strict=True)]
    m = mean(d)
    return 2 * (sum((x - m) ** 2 for x in d) / (len(d) - 1) / len(d)) ** 0.5


def table(names: list[str], work: Path) -> dict[str, dict[tuple[float, float], list[float]]]:
    """Reciprocal ranks of each corpus's questions at each grid point: {name: {(doc, path): rr}}."""
    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.index.schema import FIELD_BOOSTS
    from ipsearch.retrieval.searcher import Searcher

    today = {f: FIELD_BOOSTS[f] for f in FIELDS}
    out: dict[str, dict[tuple[float, float], list[float]]] = {}
    try:
        for name in names:
            corpus, items = gold_set(name)
            store = IndexStore(work / name, corpus.resolve())
            ensure_fresh(store, lambda _m: None)
            out[name] = {}
            with Searcher(store, semantic=False) as s:
                for point in itertools.product(GRID, GRID):
                    FIELD_BOOSTS.update(zip(FIELDS, point, strict=True))
                    # The ranker and the bounded query copy the weights when built.
                    s.keyword._matrix = s.keyword._bounded = None
                    out[name][point] = reciprocal_ranks(s, items)
            print(f"{name}: {len(items)} questions", file=sys.stderr)
    finally:
        FIELD_BOOSTS.update(today)
    return out


def best(scores: dict[str, dict], names: list[str], today: tuple[float, float]):
    def key(p):
        distance = abs(p[0] - today[0]) + abs(p[1] - today[1])
        return (-round(mean(mean(scores[n][p]) for n in names), 6), distance, p)

    return min(scores[names[0]], key=key)


def main() -> None:
    from ipsearch.index.schema import FIELD_BOOSTS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=[*SHARED, "seed"])
    args = ap.parse_args()
    if len(args.sets) < 2:
        ap.error("leave-one-corpus-out needs two sets or more")
    today = tuple(FIELD_BOOSTS[f] for f in FIELDS)
    with tempfile.TemporaryDirectory() as tmp:
        scores = table(args.sets, Path(tmp))
    print(f"{'held out':22} {'n':>3} {'doc':>4} {'path':>4}", end=" ")
    print(f"{'fitted':>7} {'today':>7} {'noise':>6}")
    held = []
    for name in args.sets:
        p = best(scores, [n for n in args.sets if n != name], today)
        fitted, now = scores[name][p], scores[name][today]
        held.append((mean(fitted), mean(now)))
        print(
            f"{name:22} {len(now):3} {p[0]:4} {p[1]:4} {mean(fitted):7.3f} {mean(now):7.3f}"
            f" {noise(fitted, now):6.3f}"
        )
    print(f"{'mean':37} {mean(f for f, _ in held):7.3f} {mean(t for _, t in held):7.3f}")
    p = best(scores, args.sets, today)
    fit_all = mean(mean(scores[n][p]) for n in args.sets)
    now_all = mean(mean(scores[n][today]) for n in args.sets)
    print(f"all sets: doc {p[0]}, path {p[1]}: mean MRR@10 {fit_all:.3f} (today's {now_all:.3f})")
    print("mean MRR@10 over all sets, doc (rows) by path (columns):")
    print("     " + " ".join(f"{x:5}" for x in GRID))
    for d in GRID:
        row = [mean(mean(scores[n][(d, x)]) for n in args.sets) for x in GRID]
        print(f"{d:4} " + " ".join(f"{v:5.3f}" for v in row))


if __name__ == "__main__":
    main()
