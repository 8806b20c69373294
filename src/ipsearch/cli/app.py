"""What every command shares: per-run state (``App``) and the common options."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class App:
    """Per-run state shared by commands: locations, the store, output style."""

    def __init__(self, corpus: str | None, index: str | None, color: str, as_json: bool):
        from ipsearch.render.style import Style, want_color

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
