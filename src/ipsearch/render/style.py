"""Colours on or off, decided once per run."""

from __future__ import annotations

import sys
from typing import Any

import click

from ipsearch.retrieval.snippets import MARK_END, MARK_START, plain
from ipsearch.safe_text import clean


class Style:
    """Colours on or off, decided once per run."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def echo(self, text: str = "", err: bool = False, nl: bool = True) -> None:
        # click strips ANSI codes when stdout is not a terminal unless told otherwise.
        click.echo(text, err=err, nl=nl, color=self.color)

    def __call__(self, text: str, **kw: Any) -> str:
        return click.style(text, **kw) if self.color else text

    def path(self, t: str) -> str:
        return self(clean(t, multiline=False), fg="magenta")  # a name's \n must not break lines

    def line(self, t: str) -> str:
        return self(t, fg="green")

    def title(self, t: str) -> str:
        return self(t, bold=True)

    def dim(self, t: str) -> str:
        return self(t, dim=True)

    def match(self, t: str) -> str:
        return self(t, fg="red", bold=True)

    def marks(self, snippet: str) -> str:
        if not self.color:
            return plain(snippet)
        out, rest = [], snippet
        while MARK_START in rest:
            before, _, tail = rest.partition(MARK_START)
            term, _, rest = tail.partition(MARK_END)
            out += [before, self.match(term)]
        out.append(rest)
        return "".join(out)


def want_color(choice: str) -> bool:
    import os

    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
