"""Time, throughput and peak memory of ``ipsearch ingest`` on one large prose ``.txt`` file.

Usage::

    python benchmarks/large_file.py [--sizes 5,20,63] [--kinds headings,plain] [--out FILE]
    python benchmarks/large_file.py --make 20 --kind plain --to big.txt   # just write a file

Each file is real prose from the repository's corpora (``corpus/``, ``eval/corpora/``):
paragraphs rebuilt from shuffled sentences, with a few numbers varied, so the text is neither
one paragraph repeated nor trivially compressible. ``headings`` puts an underlined heading
every 8-40 paragraphs; ``plain`` has no heading at all, so the file goes through headless-
section recovery (``ingest/recover.py``). Every run is one ``python -m ipsearch ingest`` in a
subprocess, keyword-only (``IPSEARCH_SEMANTIC=0``), with a corpus of that file alone and a
temporary index (never the user's). Reported per file: size, wall seconds, MB/s, the child's
peak RSS (``ru_maxrss`` of that one child, read with ``os.wait4``), its CPU seconds and MB
per CPU second (less sensitive to a busy machine than wall time), and the sections indexed.
Writes ``benchmarks/results/large_file.json``. The machine is shared: read single figures as
noisy; linear time means the MB/s figure holds from the smallest file to the largest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "corpus", ROOT / "eval" / "corpora"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PROSE = re.compile(r"[A-Z][^`*|<>{}\[\]\\#=_]+[.!?]")


def prose_sentences() -> list[str]:
    """Sentences of the prose paragraphs of the repository's corpora (no markup, no code)."""
    out: list[str] = []
    for base in SOURCES:
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".txt", ".md") or not path.is_file():
                continue
            for para in path.read_text(encoding="utf-8", errors="replace").split("\n\n"):
                text = " ".join(para.split())
                if len(text.split()) >= 8 and _PROSE.fullmatch(text):
                    out.extend(s for s in _SENTENCE.split(text) if len(s.split()) >= 4)
    return out


def _paragraph(rng: random.Random, sentences: list[str]) -> str:
    text = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
    # Varied numbers keep the vocabulary growing a little, as in real reports.
    text = re.sub(r"\b\d+\b", lambda _: str(rng.randint(1, 99999)), text)
    words = text.split()
    lines, cur = [], 0
    for i, w in enumerate(words):  # wrapped at ~72 columns, as plain-text files are
        if cur + len(w) > 72 and i:
            lines.append("\n")
            cur = 0
        elif i:
            lines.append(" ")
            cur += 1
        lines.append(w)
        cur += len(w)
    return "".join(lines)


def make_file(path: Path, mb: float, kind: str, seed: int = 1) -> int:
    """A prose file of about ``mb`` MB; ``kind`` is "headings" or "plain". Returns its bytes."""
    rng = random.Random(seed)
    sentences = prose_sentences()
    target = int(mb * 1024 * 1024)
    size = 0
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("A long report on many things\n\n")
        until_heading = rng.randint(8, 40)
        while size < target:
            if kind == "headings" and until_heading == 0:
                n += 1
                words = rng.choice(sentences).rstrip(".!?").split()[:6]
                title = f"{n} {' '.join(words)}"
                part = f"{title}\n{'-' * len(title)}\n\n"
                until_heading = rng.randint(8, 40)
            else:
                part = _paragraph(rng, sentences) + "\n\n"
                until_heading -= 1
            f.write(part)
            size += len(part.encode("utf-8"))
    return path.stat().st_size


def run_ingest(file: Path, tmp: Path) -> dict:
    corpus, index = tmp / "corpus", tmp / "index"
    shutil.rmtree(tmp, ignore_errors=True)
    corpus.mkdir(parents=True)
    shutil.copy(file, corpus / file.name)
    env = {
        **os.environ,
        "IPSEARCH_CORPUS": str(corpus),
        "IPSEARCH_INDEX": str(index),
        "IPSEARCH_SEMANTIC": "0",
    }
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ipsearch", "ingest", "--json"],
            env=env,
            stdout=out,
            stderr=err,
        )
        # Reaped here, not by Popen: wait4 gives this one child's own peak RSS.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    report = {}
    try:
        report = json.loads(stdout)
    except ValueError:
        print(stderr.strip(), file=sys.stderr)
    mb = file.stat().st_size / 2**20
    return {
        "mb": round(mb, 2),
        "exit": proc.returncode,
        "seconds": round(wall, 2),
        "mb_per_s": round(mb / wall, 3),
        # CPU time is what the shared machine's load changes least: linear time shows here.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "mb_per_cpu_s": round(mb / (usage.ru_utime + usage.ru_stime), 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        "sections": report.get("sections"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,20,63", help="file sizes in MB, comma-separated")
    ap.add_argument("--kinds", default="headings,plain", help="headings, plain or both")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/large_file.json")
    ap.add_argument("--make", type=float, help="only write a file of this many MB (see --to)")
    ap.add_argument("--kind", default="plain", help="with --make: headings or plain")
    ap.add_argument("--to", type=Path, help="with --make: where to write it")
    args = ap.parse_args()
    if args.make:
        size = make_file(args.to, args.make, args.kind)
        print(f"wrote {args.to}: {size / 2**20:.1f} MB ({args.kind})")
        return
    tmp = Path(tempfile.mkdtemp(prefix="ipsearch-large-"))
    results = []
    try:
        for kind in args.kinds.split(","):
            for mb in (float(x) for x in args.sizes.split(",")):
                file = tmp / f"{kind}-{mb:g}mb.txt"
                make_file(file, mb, kind)
                row = {"kind": kind, **run_ingest(file, tmp / "run")}
                file.unlink()
                print(json.dumps(row), flush=True)
                results.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = {"machine_cpus": os.cpu_count(), "semantic": False, "runs": results}
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
