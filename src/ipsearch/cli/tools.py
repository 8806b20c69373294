"""verify, mcp and bench-ir: check quotations, serve AI assistants, score retrieval."""

from __future__ import annotations

from pathlib import Path

import click

from ipsearch.cli.app import App, common, fusion_mode, fusion_option, open_searcher
from ipsearch.errors import ExitStatus


@click.command()
@click.argument("quote", nargs=-1)
@click.option(
    "-f",
    "--file",
    "draft",
    metavar="DRAFT",
    help='Check every quotation in DRAFT (“…”, "…", > block quotes); - reads stdin.',
)
@common()
def verify(app: App, quote: tuple[str, ...], draft: str | None) -> int:
    """Check that QUOTE (or each quotation of a draft) is what the corpus says.

    Prints exact, normalised (case, quote marks, dashes or Unicode forms differ), near (the
    closest passage and the words that differ; changed figures are named) or not found, with
    the source, section and lines. Exit 0 when every quote is exact or normalised, 1 when any
    is near or not found, 2 on usage or input errors.
    """
    from ipsearch.errors import UsageError
    from ipsearch.render.human import verify_human
    from ipsearch.render.json import emit_json, verify_json
    from ipsearch.verification import Quotation, QuoteChecker, extract, read_draft

    quotes = [Quotation(" ".join(quote), 0)] if quote else []
    if draft is not None:
        found = extract(read_draft(draft))
        if not found:
            raise UsageError(f'no quotations in {draft} (looked for “…”, "…" and > block quotes)')
        quotes += found
    if not quotes:
        raise UsageError("give a QUOTE or --file DRAFT")
    if any(not q.text.strip() for q in quotes):
        raise UsageError("empty quote")
    with open_searcher(app.fresh_store(), no_semantic=True) as s:
        checker = QuoteChecker(s)
        checks = [checker.run(q.text, q.line or None) for q in quotes]
    if app.as_json:
        emit_json(verify_json(checks))
    else:
        verify_human(checks, app.style)
    return ExitStatus.FOUND if all(c.ok for c in checks) else ExitStatus.NOT_FOUND


@click.command("mcp")
@common(json_option=False)
def mcp_(app: App) -> int:
    """Serve search, ask, which, show and verify_quote to AI assistants (MCP over stdio).

    Needs the MCP SDK: pip install 'ipsearch[mcp]'. The corpus and index are chosen as for
    every command (--corpus, --index or the environment).
    """
    from ipsearch.mcp_server import build_server

    server = build_server(app.store)
    server.run("stdio")
    return ExitStatus.FOUND


@click.command("bench-ir")
@click.argument("collection", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--limit",
    type=click.IntRange(10, 1000),
    default=100,
    show_default=True,
    help="Depth of each ranking (Recall@100 needs 100).",
)
@click.option("--json", "json_out", is_flag=True, help="Print JSON (a stable interface).")
@fusion_option
def bench_ir(collection: Path, limit: int, json_out: bool, semantic: bool | None) -> int:
    """Measure ranking on a BEIR-style COLLECTION (corpus.jsonl, queries.tsv, qrels.tsv).

    Ranks as `search` does (--semantic / --no-semantic as there).
    """
    from ipsearch import irbench
    from ipsearch.render.human import bench_human
    from ipsearch.render.json import bench_json, emit_json

    report = irbench.run(
        collection,
        limit=limit,
        semantic=False if semantic is False else None,
        fusion=fusion_mode(semantic),
    )
    if json_out:
        emit_json(bench_json(report))
    else:
        bench_human(report)
    return ExitStatus.FOUND
