"""The corpus walk and the freshness check every query runs first, on a generated tree.

Usage:
    python benchmarks/walk.py [--files 20000] [--folders 500] [--repeat 5]

Writes FILES small text files (plus as many unsupported ones) spread over FOLDERS folders, with
a ``.ipsearchignore`` in every tenth folder, builds the index once (keyword-only), then times
``scan`` and ``IndexStore.stale()`` (no change: one stat per file). Reports the median ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _tree(root: Path, files: int, folders: int) -> None:
    for d in range(folders):
        folder = root / f"part-{d // 50}" / f"folder-{d}"
        folder.mkdir(parents=True)
        if d % 10 == 0:
            (folder / ".ipsearchignore").write_text("drafts/\n*.tmp.txt\n")
        for i in range(d, files, folders):
            (folder / f"doc-{i}.txt").write_text(f"Heading {i}\n\nThe heron scheme, part {i}.\n")
            (folder / f"image-{i}.png").write_bytes(b"\x89PNG")


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20_000)
    ap.add_argument("--folders", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    os.environ["IPSEARCH_SEMANTIC"] = "0"
    from ipsearch.corpus import scan
    from ipsearch.index import IndexStore

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        _tree(corpus, args.files, args.folders)
        store = IndexStore(Path(tmp) / "index", corpus.resolve())
        t = time.perf_counter()
        report = store.update()
        print(f"ingest      {time.perf_counter() - t:8.1f} s   ({report.added} files)")
        scan_ms = _median_ms(lambda: scan(corpus.resolve()), args.repeat)
        stale_ms = _median_ms(store.stale, args.repeat)
        assert not store.stale()
        entries = 2 * args.files
        print(f"scan        {scan_ms:8.1f} ms  ({entries} entries, {entries / scan_ms:.0f}/ms)")
        print(f"stale()     {stale_ms:8.1f} ms  (unchanged corpus)")


if __name__ == "__main__":
    main()
