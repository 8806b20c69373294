"""PDF ingest speed: pages per second on a generated long leaflet (the seed page repeated).

Usage: python benchmarks/pdf_ingest.py [--pages 300] [--runs 3] [--cli]

The PDF is made first with tests/fixtures_make.py (not timed). Each run parses it with
``ipsearch.ingest.pdf.parse`` in this process; the median is reported with the peak RSS of the
process. ``--cli`` also times a whole ``ipsearch ingest`` of a folder holding only that PDF
(semantic encoding off, so the figure is the parser and the index, not the embedding model).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="also time `ipsearch ingest`")
    args = ap.parse_args()

    from ipsearch.ingest.pdf import parse
    from tests.fixtures_make import long_pdf

    data = long_pdf(args.pages)
    rss_before = peak_rss_mb()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        doc = parse(data, "long.pdf")
        times.append(time.perf_counter() - t)
    pages = int(doc.metadata["pages"])
    blocks = sum(1 for _ in doc.blocks())
    med = statistics.median(times)
    print(
        f"PDF: {pages} pages, {len(data) / 1e6:.1f} MB, "
        f"{len(doc.sections)} sections, {blocks} blocks"
    )
    print(f"parse: median {med:.2f} s over {args.runs} runs = {pages / med:.0f} pages/s")
    print(f"peak RSS {peak_rss_mb():.0f} MB (before parsing {rss_before:.0f} MB)")
    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            (corpus / "long.pdf").write_bytes(data)
            env = dict(
                os.environ,
                IPSEARCH_CORPUS=str(corpus),
                IPSEARCH_INDEX=str(Path(tmp) / "index"),
                IPSEARCH_SEMANTIC="0",
            )
            cmd = [sys.executable, "-m", "ipsearch", "ingest"]
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            took = time.perf_counter() - t
        print(f"ipsearch ingest: {took:.2f} s = {pages / took:.0f} pages/s (whole process)")


if __name__ == "__main__":
    main()
