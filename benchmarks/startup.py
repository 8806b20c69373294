"""One-shot query speed: a whole `ipsearch search` process vs `python3 -c "import click"`.

Usage: python benchmarks/startup.py [--runs 21] [--query "cyber security"]

The index is built first (not timed); then both commands run alternately so that machine noise
hits them alike, and the medians and their ratio are printed. The issue's budget is a ratio of 3.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--query", default="cyber security")
    ap.add_argument("--command", default="search", help="search or ask")
    args = ap.parse_args()
    exe = shutil.which("ipsearch") or sys.exit("ipsearch is not installed (pip install .)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, IPSEARCH_INDEX=str(Path(tmp) / "index"))
        subprocess.run([exe, "ingest"], env=env, check=True, capture_output=True)
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(wall([exe, args.command, args.query], env))
            base.append(wall([sys.executable, "-c", "import click"], env))
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(
        f"ipsearch {args.command} {args.query!r}: median {m_ours * 1000:.0f} ms "
        f"(p90 {sorted(ours)[int(0.9 * len(ours))] * 1000:.0f} ms, {args.runs} runs)"
    )
    print(f"python3 -c 'import click': median {m_base * 1000:.0f} ms")
    print(f"ratio {m_ours / m_base:.2f} (budget 3.0)")


if __name__ == "__main__":
    main()
