"""Semantic retrieval budgets: one-shot `ipsearch ask` wall time, and SciFact keyword vs hybrid.

Usage:
    python benchmarks/semantic.py ask [--runs 11]        # fresh process each run, index built
    python benchmarks/semantic.py scifact DIR            # bench-ir keyword-only, then hybrid
    python benchmarks/semantic.py encoder DIR [--sample 400] [--configs 1x256x2,8x256x2,...]

`ask` prints the median/min wall time of a fresh `ipsearch ask` with semantic retrieval on and
with --no-semantic (budget: 1.0 s on). `scifact` runs `ipsearch bench-ir DIR --json` both ways
and prints nDCG@10, Recall@100, index time and query latency side by side. `encoder` indexes
DIR's corpus keyword-only, then embeds a sample of its sections as ingest does, once per
configuration BATCHxMAX_LENGTHxWORKERS[xTHREADS[xspin]] (texts per call to ORT, word pieces read,
texts run at once, ORT threads each, busy-waiting): sections/s (wall), sections per CPU-second
(fair on a shared machine) and the cosine of each vector to the same text embedded alone at the
model's length (drift from batch-mates or truncation); last, the whole corpus through
``semantic.sync`` as ``ingest`` runs it (sections/s at ingest). Install size is
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


def _sections(collection: str, tmp: Path) -> list:
    from ipsearch.index import IndexStore

    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copyfile(Path(collection) / "corpus.jsonl", corpus / "corpus.jsonl")
    store = IndexStore(tmp / "index", corpus.resolve())
    os.environ["IPSEARCH_SEMANTIC"] = "0"  # the keyword index only; embedding is timed below
    store.update(rebuild=True)
    del os.environ["IPSEARCH_SEMANTIC"]
    return store.sections()


def _timed(embed, texts: list[str]):
    t, c = time.perf_counter(), time.process_time()
    vecs = embed(texts)
    return vecs, len(texts) / (time.perf_counter() - t), len(texts) / (time.process_time() - c)


def bench_encoder(collection: str, sample: int, configs: list[str]) -> None:
    import random

    from ipsearch import semantic
    from ipsearch.embed import Embedder

    with tempfile.TemporaryDirectory() as tmp:
        sections = _sections(collection, Path(tmp))
        fine = semantic.fine_units(sections)
        texts = list(dict.fromkeys(t for s in sections for _, t in semantic.units(s, fine)))
        random.seed(0)
        texts = random.sample(texts, min(sample, len(texts)))
        model = semantic.model_dir()
        print(f"{len(sections)} sections, {len(texts)} texts sampled (fine units: {fine})")
        base = Embedder(model, workers=1).embed(texts)  # each text alone, the model's length
        print(f"{'config':22s}{'sections/s':>12s}{'per CPU-s':>11s}{'cos min':>9s}{'cos mean':>9s}")
        for cfg in configs:
            bs, ml, workers, threads, spin = (cfg.split("x") + ["1", ""])[:5]
            enc = Embedder(
                model,
                batch_size=int(bs),
                max_length=int(ml),
                workers=int(workers),
                threads=int(threads),
                spin=spin == "spin",
            )
            enc.embed(texts[:4])  # load and warm up
            vecs, wall, cpu = _timed(enc.embed, texts)
            cos = (vecs * base).sum(axis=1)
            print(f"{cfg:22s}{wall:12.1f}{cpu:11.1f}{cos.min():9.4f}{cos.mean():9.5f}", flush=True)
        semantic.embedder().embed(["load the model first"])
        gen = next(Path(tmp, "index").glob("gen-*"))
        manifest = json.loads((gen / "manifest.json").read_text())
        t = time.perf_counter()
        n = semantic.sync(gen, sections, manifest)
        print(
            f"ingest (semantic.sync, default settings): {n} sections embedded, "
            f"{n / (time.perf_counter() - t):.1f} sections/s"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["ask", "scifact", "encoder"])
    ap.add_argument("collection", nargs="?")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--sample", type=int, default=400, help="texts embedded per configuration")
    ap.add_argument("--configs", default="1x256x1x2,8x256x2,32x256x2,1x256x2,1x128x2")
    args = ap.parse_args()
    if args.what == "encoder":
        return bench_encoder(
            args.collection or sys.exit("give the collection folder"),
            args.sample,
            args.configs.split(","),
        )
    exe = shutil.which("ipsearch") or sys.exit("ipsearch is not installed (pip install .)")
    if args.what == "ask":
        bench_ask(exe, args.runs)
    else:
        bench_scifact(exe, args.collection or sys.exit("give the collection folder"))


if __name__ == "__main__":
    main()
