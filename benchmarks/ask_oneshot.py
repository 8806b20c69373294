"""One-shot `ask` speed on a real corpus: a fresh process per question, index already built.

Usage: python benchmarks/ask_oneshot.py CORPUS GOLD.jsonl [--index DIR] [--runs 15]

Builds (or refreshes) the index first, untimed; then asks the first ``--runs`` questions of the
gold file, one new `python -m ipsearch ask` process each, and prints the median and slowest wall
time. Issue 10's budget: median ≤ 0.8 s on the shared docs corpora.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--index", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    index = args.index or Path(tempfile.mkdtemp()) / "index"
    env = dict(os.environ, PYTHONPATH=str(SRC), IPSEARCH_INDEX=str(index),
               IPSEARCH_CORPUS=str(args.corpus))  # fmt: skip
    base = [sys.executable, "-m", "ipsearch"]
    subprocess.run([*base, "ingest"], env=env, check=True, capture_output=True)
    items = [json.loads(x) for x in args.gold.read_text(encoding="utf-8").splitlines() if x]
    times = []
    for it in items[: args.runs]:
        t = time.perf_counter()
        subprocess.run([*base, "ask", it["question"]], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    print(f"one-shot ask, {len(times)} questions of {args.gold.name} on {args.corpus}:")
    print(f"  median {statistics.median(times):.3f} s, slowest {max(times):.3f} s")


if __name__ == "__main__":
    main()
