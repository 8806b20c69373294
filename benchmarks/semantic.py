"""Semantic retrieval budgets: one-shot `ipsearch ask` wall time, and SciFact keyword vs hybrid.

Usage:
    python benchmarks/semantic.py ask [--runs 11]        # fresh process each run, index built
    python benchmarks/semantic.py scifact DIR            # bench-ir keyword-only, then hybrid

`ask` prints the median/min wall time of a fresh `ipsearch ask` with semantic retrieval on and
with --no-semantic (budget: 1.0 s on). `scifact` runs `ipsearch bench-ir DIR --json` both ways
and prints nDCG@10, Recall@100, index time and query latency side by side. Install size is
measured separately (README): a fresh venv, `pip install .`, `du -sh venv/lib/*/site-packages`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "Which partnership covers broadcasting?"


def wall(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def bench_ask(exe: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, IPSEARCH_INDEX=str(Path(tmp) / "index"))
        env.pop("IPSEARCH_SEMANTIC", None)
        subprocess.run([exe, "ingest"], env=env, check=True, capture_output=True)
        on, off = [], []
        for _ in range(runs):  # alternate so machine noise hits both alike
            on.append(wall([exe, "ask", QUESTION], env))
            off.append(wall([exe, "ask", QUESTION, "--no-semantic"], env))
    for name, xs in (("semantic on", on), ("--no-semantic", off)):
        print(f"ask {name:14s} median {statistics.median(xs):.3f} s  min {min(xs):.3f} s")


def bench_scifact(exe: str, collection: str) -> None:
    rows = {}
    for name, extra in (("keyword", ["--no-semantic"]), ("hybrid", [])):
        out = subprocess.run(
            [exe, "bench-ir", collection, "--json", *extra],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows[name] = json.loads(out)
    keys = ["ndcg@10", "recall@100", "mrr@10", "index_s", "query_ms_p50", "query_ms_p95"]
    print(f"{'':14s}" + "".join(f"{k:>14s}" for k in keys))
    for name, r in rows.items():
        print(f"{name:14s}" + "".join(f"{r[k]:>14}" for k in keys))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["ask", "scifact"])
    ap.add_argument("collection", nargs="?")
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    exe = shutil.which("ipsearch") or sys.exit("ipsearch is not installed (pip install .)")
    if args.what == "ask":
        bench_ask(exe, args.runs)
    else:
        bench_scifact(exe, args.collection or sys.exit("give the collection folder"))


if __name__ == "__main__":
    main()
