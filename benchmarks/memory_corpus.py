"""Peak memory of ``ipsearch ingest`` on a generated ~200 MB corpus of many files.

Usage::

    python benchmarks/memory_corpus.py [--mb 200] [--files 4000] [--keep]

Writes the corpus and the index into a temporary directory (never the user's index), runs
``python -m ipsearch ingest`` in a subprocess with ``IPSEARCH_CORPUS``/``IPSEARCH_INDEX`` set,
and prints the corpus size, wall time and the child's peak RSS (``ru_maxrss`` from
``resource.getrusage(RUSAGE_CHILDREN)``). Memory should stay near the cost of the largest
single file, not grow with the corpus: nothing holds the whole corpus as one string.
One large file is measured by ``benchmarks/large_file.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "partnership",
    "research",
    "industrial",
    "aerospace",
    "automotive",
    "tunnelling",
    "funding",
    "council",
    "chair",
    "innovation",
    "policy",
    "programme",
    "strategy",
    "sector",
    "skills",
    "investment",
    "network",
    "university",
    "manufacturing",
    "energy",
    "transport",
    "digital",
    "health",
    "infrastructure",
    "evidence",
    "review",
    "board",
]


def make_corpus(root: Path, total_mb: int, files: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    per_file = total_mb * 1024 * 1024 // files
    total = 0
    for i in range(files):
        sub = root / f"part-{i % 20:02d}"
        sub.mkdir(exist_ok=True)
        out = [f"Document {i}\n\n"]
        size = 0
        n = 0
        while size < per_file:
            n += 1
            if n % 12 == 0:
                line = f"Section {n // 12} on {rng.choice(WORDS).title()}\n\n"
            else:
                line = " ".join(rng.choices(WORDS, k=rng.randint(20, 60))).capitalize() + ".\n\n"
            out.append(line)
            size += len(line)
        data = "".join(out)
        suffix = ".md" if i % 3 == 0 else ".txt"
        (sub / f"doc-{i:05d}{suffix}").write_text(data)
        total += len(data)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="corpus size in MB")
    ap.add_argument("--files", type=int, default=4000, help="number of files")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ipsearch-mem-"))
    corpus, index = tmp / "corpus", tmp / "index"
    corpus.mkdir()
    total = make_corpus(corpus, args.mb, args.files)
    env = {**os.environ, "IPSEARCH_CORPUS": str(corpus), "IPSEARCH_INDEX": str(index)}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "ipsearch", "ingest"], env=env, capture_output=True, text=True
    )
    wall = time.monotonic() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(proc.stdout.strip() or proc.stderr.strip())
    print(
        f"corpus: {total / 2**20:.0f} MB in {args.files} files; ingest exit {proc.returncode}, "
        f"{wall:.0f} s ({total / 2**20 / wall:.2f} MB/s), peak RSS {peak_kb / 1024:.0f} MB"
    )
    if args.keep:
        print(f"kept {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
