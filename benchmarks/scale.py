"""ipsearch at collection scale, beside plain Whoosh, bm25s and SQLite FTS5 in the same run.

Usage:
    pip install -e '.[bench]'
    python benchmarks/scale.py SCIFACT_DIR [--sizes 1000,10000,50000,200000] [--out scale.json]

SCIFACT_DIR holds BEIR SciFact (corpus.jsonl, queries.tsv). For each size the corpus is
repeated (ids suffixed) up to that many sections, in JSONL files of 1,000 records. Each engine
runs in its own subprocess so its peak RSS is its own. Reported per size and engine: ingest s,
sections/s, index MB, peak RSS, in-process query p50/p95 over the SciFact queries; for
ipsearch also one-shot `search`, `ask` and `which` (whole processes, median of --runs) and an
incremental ingest after one file changed. ``--semantic-max`` is the largest size indexed with
semantic vectors (embedding is the slow part of ingest); larger sizes are keyword-only.
Writes the JSON result and a PNG plot of the curves (matplotlib, the bench extra).

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
from index_scale import _records, dir_mb, latencies, load_queries, run_bm25s, run_fts5  # noqa: E402

QUESTION = "What does the evidence say about vitamin D and bone fractures?"


def make_corpus(scifact: Path, sections: int, dest: Path, per_file: int = 1000) -> int:
    """``sections`` SciFact records (repeated with suffixed ids) in JSONL files."""
    records = [json.loads(x) for x in (scifact / "corpus.jsonl").read_text().splitlines() if x]
    dest.mkdir(parents=True)
    out = None
    for i in range(sections):
        if i % per_file == 0:
            if out:
                out.close()
            out = open(dest / f"part-{i // per_file:04d}.jsonl", "w")  # noqa: SIM115
        r = records[i % len(records)]
        rid = f"{r['id']}-{i // len(records)}"
        out.write(json.dumps({"id": rid, "title": r["title"], "text": r["text"]}) + "\n")
    if out:
        out.close()
    return sections


def cpu_s() -> float:
    """CPU seconds (user + system) of this process and its finished children (parse pool):
    on a shared machine a fairer figure than wall time."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _one_shot(args: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "ipsearch", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        times.append(time.perf_counter() - t)
        if done.returncode > 1:  # 1 is "nothing found"; 2 and up mean the time is of an error
            sys.exit(f"ipsearch {args[0]} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return statistics.median(times) * 1000


def run_ipsearch(corpus: Path, work: Path, queries: list[str], opts: dict) -> dict:
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    store = IndexStore(work / "index", corpus.resolve())
    t, c = time.perf_counter(), cpu_s()
    report = store.update(rebuild=True)
    build = time.perf_counter() - t
    res: dict = {"sections": report.sections, "build_s": build, "build_cpu_s": cpu_s() - c}
    res["mb"] = dir_mb(work / "index")
    with Searcher(store, semantic=False) as s:
        s.search("warmup", limit=10)
        # Ranking alone (what bm25s and FTS5 are timed on), then whole hits with snippets.
        res["p50"], res["p95"] = latencies(lambda q: s.rank(q, limit=10, fusion="never"), queries)
        res["search_p50"], res["search_p95"] = latencies(
            lambda q: s.search(q, limit=10, fix_spelling=False), queries
        )
    # One file changed: the incremental ingest a user waits for after an edit. The corpus is
    # shared with the engines that run next: put back as it was at the end.
    first = sorted(corpus.glob("*.jsonl"))[0]
    original = first.read_bytes()
    try:
        _incremental(store, corpus, first, res)
        env = dict(os.environ, IPSEARCH_CORPUS=str(corpus), IPSEARCH_INDEX=str(work / "index"))
        runs = opts["runs"]
        res["oneshot_search_ms"] = _one_shot(["search", "vitamin D fractures"], env, runs)
        res["oneshot_ask_ms"] = _one_shot(["ask", QUESTION], env, runs)
        res["oneshot_which_ms"] = _one_shot(["which", "vitamin D"], env, runs)
    finally:
        first.write_bytes(original)
        (corpus / "note.md").unlink(missing_ok=True)
    return res


def _incremental(store, corpus: Path, first: Path, res: dict) -> None:
    """Time an update after ``first`` changed, then after a small file was added."""
    with first.open("a") as f:
        f.write(json.dumps({"id": "changed", "title": "A changed record", "text": "New."}) + "\n")
    t, c = time.perf_counter(), cpu_s()
    store.update()
    res["incremental_s"], res["incremental_cpu_s"] = time.perf_counter() - t, cpu_s() - c
    # A small document added: the common edit.
    (corpus / "note.md").write_text("# Note\n\n## Vitamin D\n\nBone density and fractures.\n")
    t = time.perf_counter()
    store.update()
    res["incremental_small_s"] = time.perf_counter() - t


def run_whoosh(corpus: Path, work: Path, queries: list[str], opts: dict) -> dict:
    """Plain Whoosh: one stemmed text field, one writer, its own BM25F searcher."""
    from whoosh import index, qparser
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    t, c = time.perf_counter(), cpu_s()
    (work / "whoosh").mkdir()
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=StemmingAnalyzer()))
    ix = index.create_in(str(work / "whoosh"), schema)
    writer = ix.writer(limitmb=256)
    n = 0
    for rid, text in _records(corpus):
        writer.add_document(id=rid, body=text)
        n += 1
    writer.commit()
    build, build_cpu = time.perf_counter() - t, cpu_s() - c
    parser = qparser.QueryParser("body", schema, group=qparser.OrGroup)
    with ix.searcher() as s:
        p50, p95 = latencies(
            lambda q: [r["id"] for r in s.search(parser.parse(q), limit=10)], queries
        )
    res = {"sections": n, "build_s": build, "build_cpu_s": build_cpu, "mb": dir_mb(work / "whoosh")}
    return {**res, "p50": p50, "p95": p95}


ENGINES = {
    "ipsearch": run_ipsearch,
    "whoosh": run_whoosh,
    "bm25s": lambda c, w, q, _o: run_bm25s(c, w, q),
    "sqlite-fts5": lambda c, w, q, _o: run_fts5(c, w, q),
}


def child(engine: str, corpus: str, work: str, scifact: str, opts: str) -> None:
    o = json.loads(opts)
    if not o.get("semantic"):
        os.environ["IPSEARCH_SEMANTIC"] = "0"
    queries = load_queries(Path(scifact), o["queries"])
    res = ENGINES[engine](Path(corpus), Path(work), queries, o)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def _run_engine(engine: str, corpus: Path, work: Path, args, opts: dict) -> dict | None:
    cmd = [sys.executable, __file__, str(args.scifact), "--child", engine, str(corpus)]
    cmd += [str(work), str(args.scifact), json.dumps(opts)]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, env=dict(os.environ), timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        print(f"  {engine}: stopped after --timeout {args.timeout:.0f} s", flush=True)
        return None
    if out.returncode:
        print(f"  {engine}: failed\n{out.stderr[-2000:]}", flush=True)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _print_size(size: int, results: dict) -> None:
    base = results.get("ipsearch")
    for engine, r in results.items():
        rate = r["sections"] / r["build_s"]
        extra = ""
        if engine == "ipsearch":
            extra = (
                f" (with snippets p50 {r['search_p50']:.1f} p95 {r['search_p95']:.1f})"
                f" incr {r['incremental_s']:.2f}s (small file"
                f" {r.get('incremental_small_s', float('nan')):.2f}s)"
                f" one-shot search {r['oneshot_search_ms']:.0f}"
                f" ask {r['oneshot_ask_ms']:.0f} which {r['oneshot_which_ms']:.0f} ms"
            )
        ratio = ""
        if base and engine != "ipsearch":
            cpu = base.get("build_cpu_s", float("nan")) / r.get("build_cpu_s", float("nan"))
            ratio = (
                f" [ingest {base['build_s'] / r['build_s']:.2f}x ipsearch's time"
                f" (cpu {cpu:.2f}x),"
                f" p50 {base['p50'] / max(r['p50'], 1e-9):.2f}x]"
            )
        print(
            f"  {size:>7} {engine:<12} ingest {r['build_s']:8.1f}s"
            f" (cpu {r.get('build_cpu_s', float('nan')):.1f}s) {rate:8.0f}/s "
            f"{r['mb']:8.1f} MB rss {r['peak_rss_mb']:6.0f} MB p50 {r['p50']:7.2f} "
            f"p95 {r['p95']:7.2f} ms{extra}{ratio}",
            flush=True,
        )


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    panels = [("build_s", "ingest (s)"), ("p50", "query p50 (ms)"), ("peak_rss_mb", "peak RSS")]
    for ax, (key, label) in zip(axes, panels, strict=True):
        for engine in ENGINES:
            pts = [
                (int(size), r[engine][key])
                for size, r in result["sizes"].items()
                if engine in r and key in r[engine]
            ]
            if pts:
                ax.plot(*zip(*sorted(pts), strict=True), marker="o", label=engine)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sections")
        ax.set_title(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact", type=Path)
    ap.add_argument("--sizes", default="1000,10000,50000,200000")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5, help="one-shot command repetitions")
    ap.add_argument("--semantic-max", type=int, default=0)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--out", type=Path, default=Path("scale.json"))
    ap.add_argument("--timeout", type=float, default=None, help="seconds per engine and size")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    result: dict = {"machine_cpus": os.cpu_count(), "queries": args.queries, "sizes": {}}
    for size in map(int, args.sizes.split(",")):
        opts = {"queries": args.queries, "runs": args.runs, "semantic": size <= args.semantic_max}
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            make_corpus(args.scifact, size, corpus)
            print(f"{size} sections (semantic {'on' if opts['semantic'] else 'off'})", flush=True)
            results = {}
            for engine in args.engines.split(","):
                work = Path(tmp) / engine
                work.mkdir()
                r = _run_engine(engine, corpus, work, args, opts)
                if r:
                    results[engine] = r
                shutil.rmtree(work, ignore_errors=True)
                # Written after each engine: a long run stopped half-way keeps what finished.
                result["sizes"][str(size)] = results
                args.out.write_text(json.dumps(result, indent=1))
            _print_size(size, results)
        result["sizes"][str(size)] = results
        args.out.write_text(json.dumps(result, indent=1))
    plot(result, args.out.with_suffix(".png"))
    print(f"wrote {args.out} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
