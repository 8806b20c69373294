"""One-shot commands at collection scale: a fresh `python -m ipsearch` process per run.

Usage:
    python benchmarks/oneshot_scale.py SCIFACT_DIR [--sizes 9416,20732,51830] [--runs 5]
        [--semantic-max 20732] [--work DIR] [--out benchmarks/results/oneshot_scale.json]

SCIFACT_DIR holds BEIR SciFact (corpus.jsonl). For each size the corpus is repeated up to that
many sections (``scale.make_corpus``) and indexed once, untimed; sizes above ``--semantic-max``
are keyword-only. ``--work`` keeps corpora and indexes between runs (an index already there is
only refreshed). Then each command runs ``--runs`` times as its own process, output discarded:
`search`, `ask`, `which` and `sections` (which prints every section). Reported per command:
the median and slowest wall time and the median CPU time, beside ``python -c "import click"``
(the floor of any click tool). ``--src`` times another source tree (e.g. a checkout of the
previous commit) on the same corpora and indexes, for before/after figures. A question's vector
is saved in the cache folder (``WORK/cache``) and reused by the runs after the first;
``--cold`` removes the saved vectors before each run, so `ask` and `which` load the encoder
every time (the first time a question is asked). Issue 12's
budgets: `ask` ≤ 500 ms at 20,732 and 51,830 sections, `which` and `sections` ≤ 300 ms at
9,416, `search` ≤ 300 ms at 20,732.

The source tree is byte-compiled first and ``PYTHONDONTWRITEBYTECODE`` dropped, as for an
installed package: otherwise every run compiles ipsearch's modules again (~0.1 s).

The machine is shared: run it when idle, and read single figures as noisy.
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

sys.path.insert(0, str(Path(__file__).parent))
from scale import QUESTION, make_corpus  # noqa: E402

SRC = Path(__file__).resolve().parent.parent / "src"
COMMANDS = {
    "search": ["search", "vitamin D fractures"],
    "ask": ["ask", QUESTION],
    "which": ["which", "vitamin D"],
    "sections": ["sections"],
}


def timed(cmd: list[str], env: dict, runs: int, cold: Path | None = None) -> dict:
    """Median and slowest wall time, and median CPU time (user + system) of the process: on a
    shared machine the CPU time says more than the wall time. ``cold``: a folder removed
    before each run (the saved query vectors)."""
    times, cpu = [], []
    for _ in range(runs):
        if cold is not None:
            shutil.rmtree(cold, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def measure(
    size: int, work: Path, scifact: Path, semantic: bool, runs: int, src: Path, cold: bool
) -> dict:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        make_corpus(scifact, size, corpus)
    env = dict(
        _environ(),
        PYTHONPATH=str(src),
        IPSEARCH_CORPUS=str(corpus),
        IPSEARCH_INDEX=str(work / f"index-{size}"),
        IPSEARCH_SEMANTIC="1" if semantic else "0",
        IPSEARCH_CACHE=str(work / "cache"),
    )
    saved = None
    if cold:
        from ipsearch.retrieval.querycache import FOLDER

        saved = work / "cache" / FOLDER
    base = [sys.executable, "-m", "ipsearch"]
    subprocess.run([*base, "ingest"], env=env, check=True, capture_output=True)
    out: dict = {"sections": size, "semantic": semantic}
    for name, args in COMMANDS.items():
        subprocess.run([*base, *args], env=env, capture_output=True)  # warm the page cache
        out[name] = timed([*base, *args], env, runs, saved)
    return out


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact", type=Path)
    ap.add_argument("--sizes", default="9416,20732,51830")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--semantic-max", type=int, default=20732)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--src", type=Path, default=SRC, help="ipsearch source tree to time")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/oneshot_scale.json"))
    ap.add_argument(
        "--cold", action="store_true", help="remove the saved query vectors before each run"
    )
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="oneshot-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.src)], check=True)
    floor = timed([sys.executable, "-c", "import click"], _environ(), args.runs)
    result: dict = {
        "machine_cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": args.runs,
        "src": str(args.src),
        "cold": args.cold,
        "import_click": floor,
    }
    click_ms = f"{floor['median_ms']:.0f} ms (cpu {floor['cpu_median_ms']:.0f})"
    print(f"python -c 'import click': {click_ms}", flush=True)
    result["sizes"] = {}
    for size in map(int, args.sizes.split(",")):
        semantic = size <= args.semantic_max
        r = measure(size, work, args.scifact, semantic, args.runs, args.src, args.cold)
        result["sizes"][str(size)] = r
        cells = "  ".join(
            f"{c} {r[c]['median_ms']:.0f} (cpu {r[c]['cpu_median_ms']:.0f})" for c in COMMANDS
        )
        print(f"{size:>7} sections (semantic {'on' if r['semantic'] else 'off'}): {cells} ms",
              flush=True)  # fmt: skip
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
