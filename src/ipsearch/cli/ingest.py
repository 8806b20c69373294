"""ingest, corpora and watch: build and keep the index, list the indexed corpora."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from ipsearch.cli.app import App, common
from ipsearch.errors import ExitStatus, IpsearchError


@click.command()
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
    from ipsearch.errors import UsageError
    from ipsearch.index import stderr_notify
    from ipsearch.render.human import ingest_human
    from ipsearch.render.json import emit_json, ingest_json

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
        emit_json(ingest_json(report, str(store.root)))
    else:
        ingest_human(report, app.style, str(store.root), verbose)
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


@click.command()
@click.option("--json", "json_out", is_flag=True, help="Print JSON (a stable interface).")
def corpora(json_out: bool) -> int:
    """List the corpora with an index: path, files, sections, when built."""
    from ipsearch.config import indexes_dir, resolve
    from ipsearch.index.indexdir import find_indexes
    from ipsearch.render.human import corpora_human
    from ipsearch.render.json import corpora_json, emit_json
    from ipsearch.render.style import Style, want_color

    extra = []
    with contextlib.suppress(IpsearchError):
        extra.append(resolve().index)  # the index this folder's commands use, wherever it is
    rows = find_indexes(extra, indexes_dir())
    if json_out:
        emit_json(corpora_json(rows))
    else:
        corpora_human(rows, Style(want_color("auto")))
    return ExitStatus.FOUND if rows else ExitStatus.NOT_FOUND


@click.command()
@common()
def watch(app: App) -> int:
    """Keep the index up to date as corpus files are saved, added, renamed or removed.

    Prints one line per update (JSON Lines with --json). Other ipsearch processes keep
    searching while it runs. Ctrl-C stops it (exit 0); the index is always whole.
    """
    from ipsearch.index import stderr_notify
    from ipsearch.render.human import watch_line
    from ipsearch.watch import Watcher

    store = app.fresh_store()

    def ready() -> None:
        stderr_notify(f"watching {store.corpus} (index {store.root}); Ctrl-C stops")

    import contextlib

    # The store only swaps in whole generations: an interrupted update leaves nothing to undo.
    with contextlib.suppress(KeyboardInterrupt):
        Watcher(store, stderr_notify).run(
            lambda u: watch_line(u, app.style, app.as_json), ready=ready
        )
    stderr_notify("stopped watching")
    return ExitStatus.FOUND
