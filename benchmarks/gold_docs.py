"""The shared gold sets through the CLI: verbatim quotes, search MRR@10, right page first.

Usage: IPSEARCH_SEMANTIC=0 python benchmarks/gold_docs.py [--sets govuk-developer-docs rust-book]

Each set's corpus (eval/corpora/<name>/) is indexed once in a temporary folder (timed: files/s),
then every question runs through the CLI (`search --json` for keyword items, `ask --json` for
the rest). Printed: share of printed quotes that read back from their cited lines, MRR@10 over
keyword items, and the share of topic items whose first citation is the right page.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from ipsearch.cli import cli
from ipsearch.verify import verify_quote

ROOT = Path(__file__).resolve().parent.parent


def quotes_of(data: dict, command: str) -> list[tuple[str, tuple[int, int], str]]:
    """(source, lines, quote) of everything the command printed as a quote."""
    if command == "search":
        return [
            (h["source"], tuple(h["snippet_lines"]), part)
            for h in data.get("hits", [])
            for part in h["snippet"].split(" … ")
            if part.strip()
        ]
    cites = data.get("citations", []) + data.get("closest", [])
    return [(c["source"], tuple(c["lines"]), c["quote"]) for c in cites]


def run_set(name: str, runner: CliRunner, tmp: Path) -> dict:
    corpus = ROOT / "eval" / "corpora" / name
    items = [json.loads(x) for x in (ROOT / "eval" / f"{name}-qa.jsonl").read_text().splitlines()]
    opts = ["--corpus", str(corpus), "--index", str(tmp / name)]
    t = time.perf_counter()
    res = runner.invoke(cli, ["ingest", *opts, "--json"])
    seconds = time.perf_counter() - t
    files = json.loads(res.stdout)["added"]
    quotes = verified = 0
    rr, topic_first = [], []
    bad = []
    for it in items:
        res = runner.invoke(cli, [it["command"], it["question"], *opts, "--json"])
        data = json.loads(res.stdout) if res.stdout.strip() else {}
        for source, lines, quote in quotes_of(data, it["command"]):
            quotes += 1
            ok = verify_quote(Path(source), lines, quote)  # as printed: opens from here
            verified += ok
            if not ok:
                bad.append((it["id"], source, lines, quote[:80]))
        if it["kind"] == "keyword":
            rank = next(
                (
                    i
                    for i, h in enumerate(data.get("hits", [])[:10], 1)
                    if it["source"] in h["source"]
                    and (not it["section"] or it["section"] in h["section"].lower())
                ),
                None,
            )
            rr.append(1 / rank if rank else 0.0)
        if it["kind"] == "topic":
            cites = data.get("citations", [])
            topic_first.append(bool(cites) and it["source"] in cites[0]["source"])
    return {
        "set": name,
        "files": files,
        "ingest_s": round(seconds, 2),
        "files_per_s": round(files / seconds, 1),
        "quotes": quotes,
        "quotes_verified": round(verified / quotes, 3) if quotes else None,
        "mrr_at_10_keyword": round(sum(rr) / len(rr), 3) if rr else None,
        "topic_right_page_first": round(sum(topic_first) / len(topic_first), 3)
        if topic_first
        else None,
        "unverified": bad[:10],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["govuk-developer-docs", "rust-book"])
    args = ap.parse_args()
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            print(json.dumps(run_set(name, runner, Path(tmp)), indent=1))


if __name__ == "__main__":
    main()
