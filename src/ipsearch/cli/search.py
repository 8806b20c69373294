"""search, sections and show: rank sections, list them, print one (or a PDF page)."""

from __future__ import annotations

from pathlib import Path

import click

from ipsearch.cli.app import App, common, fusion_mode, fusion_option, open_searcher
from ipsearch.errors import ExitStatus


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Most hits to show.",
)
@click.option("--no-correct", is_flag=True, help="Do not respell unknown words.")
@fusion_option
@common()
def search(
    app: App, query: tuple[str, ...], limit: int, no_correct: bool, semantic: bool | None
) -> int:
    """Rank sections for QUERY (natural language or Whoosh query syntax).

    Keyword ranking, joined by the sentence encoder when a query word is not in the corpus or
    no keyword matches (--semantic: always; --no-semantic: never).
    """
    from ipsearch.render.human import search_human
    from ipsearch.render.json import emit_json, search_json

    qstring = " ".join(query)
    with open_searcher(app.fresh_store(), semantic is False) as s:
        result = s.search(
            qstring, limit=limit, fix_spelling=not no_correct, fusion=fusion_mode(semantic)
        )
    if app.as_json:
        emit_json(search_json(result))
    else:
        search_human(result, app.style)
    return ExitStatus.FOUND if result.hits else ExitStatus.NOT_FOUND


@click.command()
@click.option("--source", "source_glob", metavar="GLOB", help="Only files whose path matches GLOB.")
@common()
def sections(app: App, source_glob: str | None) -> int:
    """List the indexed sections with their chair, source and line range."""
    from ipsearch.corpus import display_path
    from ipsearch.render.human import sections_human
    from ipsearch.render.json import emit_json, section_dict

    store = app.fresh_store()
    if source_glob is not None:
        from ipsearch.retrieval.lookup import matches_source
    shown = {}  # a file's path as shown, worked out once per file

    def show(rel: str) -> str:
        if rel not in shown:
            shown[rel] = display_path(store.corpus, rel)
        return shown[rel]

    rows = [
        (s, show(s.source))
        for s in store.outline(brief=not app.as_json)
        if source_glob is None or matches_source(s.source, show(s.source), source_glob)
    ]
    if app.as_json:
        emit_json({"sections": [section_dict(s, src) for s, src in rows]})
    else:
        sections_human(rows, app.style)
    return ExitStatus.FOUND if rows else ExitStatus.NOT_FOUND


@click.command()
@click.argument("section")
@common()
def show(app: App, section: str) -> int:
    """Print one SECTION (a title, slug, id or unique prefix) with line numbers.

    SECTION may also be a file (PATH: its outline, the heading tree with line ranges),
    PATH:LINE (the section at that line), or for a PDF PATH#page=N (that page's text with its
    line numbers) and PATH#page=N:LINE."""
    from ipsearch.corpus import display_path
    from ipsearch.locator import page_wide, parse_page_ref
    from ipsearch.render.human import outline_human, show_human
    from ipsearch.render.json import emit_json, outline_json, show_json
    from ipsearch.retrieval.searcher import Searcher

    store = app.fresh_store()
    with Searcher(store) as s:
        page_ref = parse_page_ref(section)
        located = s.locate(page_ref[0] if page_ref else section)
        if page_ref and located is not None:
            _, page, line = page_ref
            if line is None:
                return _show_page(app, store.corpus, located[0], page)
            located = (located[0], page_wide(page, line))
        elif located and located[1] is not None and located[0][0].format == "pdf":
            from ipsearch.errors import UsageError

            raise UsageError("a PDF's lines are counted within pages: use PATH#page=N:LINE")
        if located is not None and located[1] is None:
            source = display_path(store.corpus, located[0][0].source)
            if app.as_json:
                emit_json(outline_json(located[0], source))
            else:
                outline_human(located[0], source, app.style)
            return ExitStatus.FOUND
        found = s.at_line(*located) if located else s.section(section)
    source = display_path(store.corpus, found.source)
    if app.as_json:
        emit_json(show_json(found, source))
    else:
        show_human(found, source, app.style)
    return ExitStatus.FOUND


def _show_page(app: App, corpus: Path, sections: list, page: int) -> int:
    """``show report.pdf#page=N``: the page's text with the line numbers citations use."""
    from ipsearch.corpus import display_path
    from ipsearch.errors import NotFound, UsageError
    from ipsearch.ingest import Skip, read_bytes
    from ipsearch.ingest.pdf import page_lines
    from ipsearch.render.json import emit_json
    from ipsearch.render.places import page_human, page_json

    first = sections[0]
    source = display_path(corpus, first.source)
    if first.format != "pdf":
        raise UsageError(f"{source} is not a PDF: #page= names a page of a PDF")
    try:
        data = read_bytes(corpus / first.source)  # confined to the corpus, like every read
    except Skip as e:
        raise NotFound(f"{source}: {e}") from e
    lines = page_lines(data, page)
    if lines is None:
        raise NotFound(f"{source} has no page {page}")
    if app.as_json:
        emit_json(page_json(source, page, lines))
    else:
        page_human(source, page, lines, app.style)
    return ExitStatus.FOUND
