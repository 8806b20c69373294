"""How long `ipsearch verify --file` takes on a 20-quote draft against a large index.

Usage:
    python benchmarks/verify_draft.py [CORPUS.jsonl] [--copies N] [--quotes 20] [--keep DIR]

With a BEIR-style ``corpus.jsonl`` (e.g. SciFact; never committed here) its records are written
``--copies`` times (10 copies of SciFact: 51,830 sections); without one, the bundled seed page
is copied into ``--copies`` files (default 5,000: 50,000 sections). A draft is drawn with a
fixed seed from the indexed sentences: a quarter verbatim, a quarter re-cased with curly quotes
(normalised), a quarter with one figure or word changed (near), a quarter invented from random
corpus words (not found). Reported: the checker's time over the draft with the index open
(cold: first run; warm: again), the whole command's wall time in a new process (start-up, the
freshness check of every file, the checks), and how many statuses came out as drawn.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "src" / "ipsearch" / "corpus" / "industrial-partnerships.txt"


def make_corpus(source: Path | None, copies: int, dest: Path) -> None:
    dest.mkdir(parents=True)
    if source is None:
        for c in range(copies):
            shutil.copy(SEED, dest / f"page-{c:05d}.txt")
        return
    records = [json.loads(x) for x in source.read_text().splitlines() if x.strip()]
    for c in range(copies):
        with open(dest / f"part-{c:02d}.jsonl", "w") as f:
            for r in records:
                rec = {"id": f"{r.get('_id', r.get('id'))}-{c}", "title": r.get("title", "")}
                f.write(json.dumps({**rec, "text": r["text"]}) + "\n")


def sentences(store) -> list[str]:
    from ipsearch.retrieval.snippets import sentences as split

    out = []
    for s in store.sections():
        out += [t for t, _, _ in split(s) if 8 <= len(t.split()) <= 40]
    return out


def alter(sentence: str, rng: random.Random) -> str:
    """One figure changed when there is one, else one longer word replaced."""
    nums = list(re.finditer(r"\d+", sentence))
    if nums:
        m = rng.choice(nums)
        return sentence[: m.start()] + str(int(m.group()) + 7) + sentence[m.end() :]
    words = [m for m in re.finditer(r"\b[a-z]{6,}\b", sentence)]
    if not words:
        return sentence + " indeed"
    m = rng.choice(words)
    return sentence[: m.start()] + "purportedly" + sentence[m.end() :]


def make_draft(pool: list[str], n: int, rng: random.Random) -> tuple[str, list[str]]:
    vocab = [w for s in rng.sample(pool, min(len(pool), 200)) for w in s.split()]
    quotes, expected = [], []
    for i in range(n):
        s = rng.choice(pool)
        kind = ("exact", "normalised", "near", "not found")[i % 4]
        if kind == "normalised":
            s = s.lower().replace("'", "’")
            if s == s.lower() and s[0].isupper():
                s = s.lower()
        elif kind == "near":
            s = alter(s, rng)
        elif kind == "not found":
            s = " ".join(rng.sample(vocab, 14)).capitalize() + "."
        quotes.append(s.replace("“", "").replace("”", "").replace('"', ""))
        expected.append(kind)
    body = "\n\n".join(f"Claim {i + 1}: the source says “{q}”." for i, q in enumerate(quotes))
    return f"# Draft\n\n{body}\n", expected


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, help="a BEIR corpus.jsonl (default: seed)")
    ap.add_argument("--copies", type=int, default=None)
    ap.add_argument("--quotes", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="build in (and reuse) this folder, kept after")
    args = ap.parse_args()
    copies = args.copies or (10 if args.corpus else 5000)
    os.environ["IPSEARCH_SEMANTIC"] = "0"  # verify ranks by keywords; vectors are not needed
    sys.path.insert(0, str(ROOT / "src"))
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher
    from ipsearch.verification import QuoteChecker, extract

    work = args.keep or Path(tempfile.mkdtemp(prefix="ipsearch-verify-"))
    try:
        if not (work / "corpus").exists():
            make_corpus(args.corpus, copies, work / "corpus")
        store = IndexStore(work / "index", (work / "corpus").resolve())
        t = time.perf_counter()
        report = store.update()
        build = time.perf_counter() - t
        draft_text, expected = make_draft(sentences(store), args.quotes, random.Random(14))
        draft = work / "draft.md"
        draft.write_text(draft_text)
        quotes = extract(draft_text)
        assert len(quotes) == args.quotes, f"draft yields {len(quotes)} quotes"
        times = []
        for _ in range(2):
            t = time.perf_counter()
            with Searcher(store, semantic=False) as s:
                checker = QuoteChecker(s)
                got = [checker.run(q.text).status for q in quotes]
            times.append(time.perf_counter() - t)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        cmd = [sys.executable, "-m", "ipsearch", "verify", "--file", str(draft), "--json"]
        cmd += ["--corpus", str(work / "corpus"), "--index", str(work / "index")]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        assert proc.returncode in (0, 1), proc.stderr
        agree = sum(a == b for a, b in zip(expected, got, strict=True))
        print(f"{report.sections} sections in {copies} files (index update {build:.0f} s)")
        print(f"{len(quotes)} quotes: checker {times[0]:.2f} s cold, {times[1]:.2f} s warm")
        print(f"`ipsearch verify --file` in a new process: {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"statuses as drawn: {agree}/{len(quotes)}")
        for e, g, q in zip(expected, got, quotes, strict=True):
            if e != g:
                print(f"  drawn {e}, got {g}: {q.text[:90]}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
