"""Every quote the CLI prints for the shared gold questions is what the cited lines say.

Both bundled document corpora (eval/corpora/, with their gold sets in eval/) are indexed once
per test session, keyword-only to keep it quick; every question then runs through the CLI
(`search --json` for keyword items, `ask --json` for the rest) and every printed quote (search
snippets, ask citations and closest passages) is read back from its cited lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipsearch.cli import cli
from ipsearch.verify import verify_quote

ROOT = Path(__file__).resolve().parent.parent
SETS = ["govuk-developer-docs", "rust-book"]
ENV = {"IPSEARCH_SEMANTIC": "0"}


@pytest.fixture(scope="session")
def gold_indexes(tmp_path_factory) -> dict[str, list[str]]:
    """CLI options (corpus, index) of each set, its index built once."""
    out = {}
    for name in SETS:
        opts = [
            "--corpus",
            str(ROOT / "eval" / "corpora" / name),
            "--index",
            str(tmp_path_factory.mktemp(name)),
        ]
        res = CliRunner(env=ENV).invoke(cli, ["ingest", *opts], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        out[name] = opts
    return out


def printed_quotes(data: dict) -> list[tuple[str, tuple[int, int], str]]:
    if "hits" in data:
        return [
            (h["source"], tuple(h["snippet_lines"]), part)
            for h in data["hits"]
            for part in h["snippet"].split(" … ")
            if part.strip()  # a heading-only section has no snippet: nothing is quoted
        ]
    cites = data.get("citations", []) + data.get("closest", [])
    return [(c["source"], tuple(c["lines"]), c["quote"]) for c in cites]


@pytest.mark.parametrize("name", SETS)
def test_every_printed_quote_verifies(name, gold_indexes):
    corpus = ROOT / "eval" / "corpora" / name
    items = [json.loads(x) for x in (ROOT / "eval" / f"{name}-qa.jsonl").read_text().splitlines()]
    runner = CliRunner(env=ENV)
    checked, wrong = 0, []
    for it in items:
        res = runner.invoke(cli, [it["command"], it["question"], *gold_indexes[name], "--json"])
        assert res.exit_code in (0, 1), (it["id"], res.output)
        if not res.stdout.strip():
            continue
        data = json.loads(res.stdout)
        for source, lines, quote in printed_quotes(data):
            path = Path(source)  # as printed: it opens from the current directory
            assert path.resolve().is_relative_to(corpus), source
            checked += 1
            if not verify_quote(path, lines, quote):
                wrong.append((it["id"], source, lines, quote))
        if it["kind"] != "negative" and "hits" in data and data["hits"]:
            hit = data["hits"][0]
            assert set(hit) >= {"title", "heading_path", "block_kind", "kind"}
    assert checked > 100 and not wrong, wrong[:5]
