"""Command line: parses options, calls the library, picks a renderer. Nothing else.

Errors are typed exceptions from the library; ``main`` maps them to one-line messages and exit
codes in one place (0 found, 1 nothing found, 2 usage or input error).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ipsearch.errors import ExitStatus, IpsearchError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class App:
    """Per-run state shared by commands: locations, the store, output style."""

    def __init__(self, corpus: str | None, index: str | None, color: str, as_json: bool):
        from ipsearch.render import Style, want_color

        self.corpus_opt, self.index_opt = corpus, index
        self.as_json = as_json
        self.style = Style(want_color(color) and not as_json)
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from ipsearch.config import resolve
            from ipsearch.index import IndexStore

            loc = resolve(self.corpus_opt, self.index_opt)
            self._store = IndexStore(loc.index, loc.corpus)
        return self._store

    def fresh_store(self):
        """The store, built or brought up to date first (said on stderr)."""
        from ipsearch.index import ensure_fresh, stderr_notify

        ensure_fresh(self.store, stderr_notify)
        return self.store


def common(json_option: bool = True) -> Callable:
    """Options every command takes, so they work after the command name too."""

    def deco(f: Callable) -> Callable:
        @click.option("--corpus", metavar="DIR", help="Corpus folder [env IPSEARCH_CORPUS].")
        @click.option(
            "--index", "index_dir", metavar="DIR", help="Index folder [env IPSEARCH_INDEX]."
        )
        @click.option(
            "--color",
            type=click.Choice(["auto", "always", "never"]),
            default="auto",
            show_default=True,
            help="Colour output.",
        )
        @functools.wraps(f)
        def wrapper(*args, corpus, index_dir, color, json_out=False, **kw):
            app = App(corpus, index_dir, color, json_out)
            return f(app, *args, **kw)

        if json_option:
            wrapper = click.option(
                "--json", "json_out", is_flag=True, help="Print JSON (a stable interface)."
            )(wrapper)
        return wrapper

    return deco


def semantic_option(f: Callable) -> Callable:
    """``--no-semantic``: keyword ranking only (also ``IPSEARCH_SEMANTIC=0``)."""
    return click.option(
        "--no-semantic",
        is_flag=True,
        help="Keyword ranking only, without the sentence encoder [env IPSEARCH_SEMANTIC=0].",
    )(f)


def fusion_option(f: Callable) -> Callable:
    """``--semantic/--no-semantic`` for ranking commands: always, never, or (unset) when needed."""
    return click.option(
        "--semantic/--no-semantic",
        default=None,
        help="Always / never fuse the sentence encoder's ranking (default: when keywords "
        "fall short) [env IPSEARCH_SEMANTIC=0 turns it off].",
    )(f)


def fusion_mode(semantic: bool | None) -> str:
    return {True: "always", False: "never", None: "auto"}[semantic]


def open_searcher(store, no_semantic: bool):
    """A Searcher that fuses dense similarity unless turned off; notices go to stderr once."""
    from ipsearch.index import stderr_notify
    from ipsearch.retrieval.searcher import Searcher

    return Searcher(store, semantic=False if no_semantic else None, notify=stderr_notify)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="ipsearch")
def cli() -> None:
    """Search policy documents and cite the passages that answer.

    Exit status: 0 found, 1 nothing found or no answer, 2 usage or input error.
    """


@cli.command()
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
    from ipsearch import render

    qstring = " ".join(query)
    with open_searcher(app.fresh_store(), semantic is False) as s:
        result = s.search(
            qstring, limit=limit, fix_spelling=not no_correct, fusion=fusion_mode(semantic)
        )
    if app.as_json:
        render.emit_json(render.search_json(result))
    else:
        render.search_human(result, app.style)
    return ExitStatus.FOUND if result.hits else ExitStatus.NOT_FOUND


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build afresh in a new folder, then swap it in.")
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Index only files matching GLOB (gitignore syntax; repeatable; kept with the index; "
    "'' clears).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out paths matching GLOB (gitignore syntax; repeatable; kept with the index; "
    "'' clears).",
)
@click.option("-v", "--verbose", is_flag=True, help="List every skipped file and why.")
@common()
def ingest(
    app: App,
    paths: tuple[Path, ...],
    rebuild: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool,
) -> int:
    """Index the corpus (or just PATHS inside it): only new or changed files are read.

    A single DIR outside the corpus (with no --corpus or IPSEARCH_CORPUS) is indexed as its
    own corpus, in its own index.
    """
    from ipsearch import render
    from ipsearch.errors import UsageError
    from ipsearch.index import stderr_notify

    paths = _own_corpus(app, paths)
    store = app.store
    if rebuild and paths:
        raise UsageError("--rebuild rebuilds the whole corpus; give no PATH with it")
    progress = _Progress()
    try:
        report = store.update(
            rebuild=rebuild,
            only=store.scope(paths) or None,
            notify=stderr_notify,
            progress=progress if sys.stderr.isatty() else None,
            include=include or None,
            exclude=exclude or None,
        )
    finally:
        progress.close()
    if app.as_json:
        render.emit_json(render.ingest_json(report, str(store.root)))
    else:
        render.ingest_human(report, app.style, str(store.root), verbose)
    return ExitStatus.FOUND


def _own_corpus(app: App, paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """``ingest DIR``: DIR becomes the corpus unless a corpus is set or DIR lies inside it."""
    from ipsearch.config import ENV_CORPUS, resolve

    if len(paths) != 1 or not paths[0].is_dir() or app.corpus_opt or os.environ.get(ENV_CORPUS):
        return paths
    if paths[0].resolve().is_relative_to(resolve(None, app.index_opt).corpus):
        return paths
    app.corpus_opt = str(paths[0])
    return ()


class _Progress:
    """click's progress bar on stderr (a terminal only), shown once a run passes ~2 s."""

    DELAY_S = 2.0

    def __init__(self) -> None:
        import time

        self.started = time.monotonic()
        self.bar = None

    def __call__(self, done: int, total: int, rel: str) -> None:
        import time

        from ipsearch.safe_text import clean

        if self.bar is None:
            if time.monotonic() - self.started < self.DELAY_S:
                return
            self.bar = click.progressbar(
                length=total,
                label="indexing",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda r: clean(r[-40:], multiline=False) if r else None,
            )
            self.bar.__enter__()
            self.bar.update(done)
        self.bar.update(1, current_item=rel)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.option("--json", "json_out", is_flag=True, help="Print JSON (a stable interface).")
def corpora(json_out: bool) -> int:
    """List the corpora with an index: path, files, sections, when built."""
    from ipsearch import render
    from ipsearch.config import indexes_dir, resolve
    from ipsearch.index.indexdir import find_indexes

    extra = []
    with contextlib.suppress(IpsearchError):
        extra.append(resolve().index)  # the index this folder's commands use, wherever it is
    rows = find_indexes(extra, indexes_dir())
    if json_out:
        render.emit_json(render.corpora_json(rows))
    else:
        render.corpora_human(rows, render.Style(render.want_color("auto")))
    return ExitStatus.FOUND if rows else ExitStatus.NOT_FOUND


@cli.command()
@click.option("--source", "source_glob", metavar="GLOB", help="Only files whose path matches GLOB.")
@common()
def sections(app: App, source_glob: str | None) -> int:
    """List the indexed sections with their chair, source and line range."""
    from ipsearch import render
    from ipsearch.corpus import display_path
    from ipsearch.retrieval.lookup import matches_source

    store = app.fresh_store()
    rows = [
        (s, display_path(store.corpus, s.source))
        for s in store.sections()
        if source_glob is None
        or matches_source(s.source, display_path(store.corpus, s.source), source_glob)
    ]
    if app.as_json:
        render.emit_json({"sections": [render.section_dict(s, src) for s, src in rows]})
    else:
        render.sections_human(rows, app.style)
    return ExitStatus.FOUND if rows else ExitStatus.NOT_FOUND


@cli.command()
@click.argument("section")
@common()
def show(app: App, section: str) -> int:
    """Print one SECTION (a title, slug, id or unique prefix) with line numbers.

    SECTION may also be a file (PATH: its outline, the heading tree with line ranges),
    PATH:LINE (the section at that line), or for a PDF PATH#page=N (that page's text with its
    line numbers) and PATH#page=N:LINE."""
    from ipsearch import render
    from ipsearch.corpus import display_path
    from ipsearch.locator import page_wide, parse_page_ref
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
                render.emit_json(render.outline_json(located[0], source))
            else:
                render.outline_human(located[0], source, app.style)
            return ExitStatus.FOUND
        found = s.at_line(*located) if located else s.section(section)
    source = display_path(store.corpus, found.source)
    if app.as_json:
        render.emit_json(render.show_json(found, source))
    else:
        render.show_human(found, source, app.style)
    return ExitStatus.FOUND


def _show_page(app: App, corpus: Path, sections: list, page: int) -> int:
    """``show report.pdf#page=N``: the page's text with the line numbers citations use."""
    from ipsearch import render, render_places
    from ipsearch.corpus import display_path
    from ipsearch.errors import NotFound, UsageError
    from ipsearch.ingest import Skip, read_bytes
    from ipsearch.ingest.pdf import page_lines

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
        render.emit_json(render_places.page_json(source, page, lines))
    else:
        render_places.page_human(source, page, lines, app.style)
    return ExitStatus.FOUND


@cli.command("bench-ir")
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
    from ipsearch import irbench, render

    report = irbench.run(
        collection,
        limit=limit,
        semantic=False if semantic is False else None,
        fusion=fusion_mode(semantic),
    )
    if json_out:
        render.emit_json(render.bench_json(report))
    else:
        render.bench_human(report)
    return ExitStatus.FOUND


@cli.command()
@click.argument("question", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Terminal text, or Markdown with footnote citations.",
)
@click.option("--explain", is_flag=True, help="Also print the question analysis, top passages "
              "and candidate scores (on stderr).")  # fmt: skip
@semantic_option
@common()
def ask(app: App, question: tuple[str, ...], fmt: str, explain: bool, no_semantic: bool) -> int:
    """Answer QUESTION briefly, quoting the sentences that say so (exit 1: no answer)."""
    from ipsearch import render
    from ipsearch.answer import Pipeline
    from ipsearch.errors import UsageError

    text = " ".join(question).strip()
    if not text:
        raise UsageError("empty question")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        pipeline = Pipeline(s)
        answer = pipeline.ask(text)
        if explain:
            from ipsearch.answer.explain import explain as describe

            click.echo(describe(pipeline.trace(text)), err=True)
    if app.as_json:
        render.emit_json(render.answer_json(answer))
    elif fmt == "markdown":
        click.echo(render.answer_markdown(answer))
    else:
        render.answer_human(answer, app.style)
    return ExitStatus.NOT_FOUND if answer.abstained else ExitStatus.FOUND


@cli.command()
@click.argument("topic", nargs=-1, required=True)
@click.option(
    "-n", "--limit", type=click.IntRange(1, 100), default=5, show_default=True,
    help="Most sections to show.",
)  # fmt: skip
@semantic_option
@common()
def which(app: App, topic: tuple[str, ...], limit: int, no_semantic: bool) -> int:
    """Rank the sections that cover TOPIC, each with its best evidence line."""
    from ipsearch import render
    from ipsearch.answer import Pipeline
    from ipsearch.errors import UsageError

    text = " ".join(topic).strip()
    if not text:
        raise UsageError("empty topic")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        result = Pipeline(s).which(text, limit=limit)
    if app.as_json:
        render.emit_json(render.topics_json(result))
    else:
        render.topics_human(result, app.style)
    return ExitStatus.FOUND if result.sections else ExitStatus.NOT_FOUND


@cli.command("eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", "kinds", multiple=True, metavar="K", help="Only items of kind K.")
@click.option(
    "--exclude-kind", "exclude", multiple=True, metavar="K", help="Leave out items of kind K."
)
@click.option("-v", "--verbose", is_flag=True, help="List each miss.")
@click.option("--calibration", is_flag=True, help="Print the reliability table of confidences.")
@semantic_option
@common()
def eval_(
    app: App,
    gold: Path,
    kinds: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool,
    calibration: bool,
    no_semantic: bool,
):
    """Score ask/search on a GOLD.jsonl file of questions with expected answers.

    Reads the seed form (section word) and the shared form (source, section, evidence); prints
    figures per kind (use --corpus for the gold's corpus).
    """
    from ipsearch import render
    from ipsearch.errors import UsageError
    from ipsearch.evaluate import evaluate, load_gold, misses, select

    items = select(load_gold(gold), kinds, exclude)
    if not items:
        raise UsageError(f"no gold items left in {gold} after --kind/--exclude-kind")
    with open_searcher(app.fresh_store(), no_semantic) as s:
        report = evaluate(s, items)
    missed = misses(report)
    if app.as_json:
        render.emit_json(render.eval_json(report, missed))
    else:
        render.eval_human(report, missed, app.style, verbose, calibration)
    return ExitStatus.FOUND


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and an exit code."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        from ipsearch.config import check_env

        check_env()
        # make_context + invoke rather than cli.main: click's main turns a broken pipe into a
        # bare exit 1 ("nothing found") before our handlers below could see it.
        with cli.make_context("ipsearch", args) as ctx:
            rv = cli.invoke(ctx)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e))
        sys.exit(ExitStatus.ERROR)
    except click.Abort:
        click.echo("ipsearch: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        msg = e.format_message().replace("\n", " ")
        click.echo(_one_line(f"ipsearch: error: {msg}", limit=2000), err=True)
        sys.exit(ExitStatus.ERROR)
    except IpsearchError as e:
        click.echo(
            f"ipsearch: error: {_one_line(str(e)) if str(e) else type(e).__name__}", err=True
        )
        sys.exit(e.exit_status)
    except KeyboardInterrupt:
        click.echo("ipsearch: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user. Point stdout
        # at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitStatus.FOUND)
    except Exception as e:
        if os.environ.get("IPSEARCH_DEBUG"):
            raise
        click.echo(_one_line(f"ipsearch: error: unexpected {type(e).__name__}: {e}"), err=True)
        sys.exit(ExitStatus.ERROR)
    sys.exit(int(rv) if isinstance(rv, int) else 0)


def _one_line(msg: str, limit: int = 300) -> str:
    """First line, shortened: messages quote the query, which may be 10,000 characters."""
    from ipsearch.safe_text import clean

    line = clean(msg.splitlines()[0]) if msg else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


# -- verify, mcp, watch (issue 14) ---------------------------------------------------------


@cli.command()
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
    from ipsearch import render
    from ipsearch.errors import UsageError
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
        render.emit_json(render.verify_json(checks))
    else:
        render.verify_human(checks, app.style)
    return ExitStatus.FOUND if all(c.ok for c in checks) else ExitStatus.NOT_FOUND


@cli.command("mcp")
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


@cli.command()
@common()
def watch(app: App) -> int:
    """Keep the index up to date as corpus files are saved, added, renamed or removed.

    Prints one line per update (JSON Lines with --json). Other ipsearch processes keep
    searching while it runs. Ctrl-C stops it (exit 0); the index is always whole.
    """
    from ipsearch import render
    from ipsearch.index import stderr_notify
    from ipsearch.watch import Watcher

    store = app.fresh_store()

    def ready() -> None:
        stderr_notify(f"watching {store.corpus} (index {store.root}); Ctrl-C stops")

    import contextlib

    # The store only swaps in whole generations: an interrupted update leaves nothing to undo.
    with contextlib.suppress(KeyboardInterrupt):
        Watcher(store, stderr_notify).run(
            lambda u: render.watch_line(u, app.style, app.as_json), ready=ready
        )
    stderr_notify("stopped watching")
    return ExitStatus.FOUND
