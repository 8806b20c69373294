"""Output: human (ripgrep-like, colour only when asked or on a terminal), JSON, Markdown.

The library returns dataclasses; everything about how they look lives here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ipsearch.models import Hit, IngestReport, SearchResult, Section
from ipsearch.search import MARK_END, MARK_START, plain


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
        return self(t, fg="magenta")

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


def emit_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def section_heading(st: Style, title: str, name: str | None, chair: str | None) -> str:
    head = st.title(title)
    if name and name.lower() != title.lower():
        head += f" — {name}"
    if chair:
        head += st.dim(f" (chair: {chair})")
    return head


def hit_dict(h: Hit) -> dict:
    return {
        "rank": h.rank,
        "score": h.score,
        "id": h.id,
        "source": h.source,
        "section": h.section,
        "chair": h.chair,
        "lines": list(h.lines),
        "snippet": plain(h.snippet),
        "name": h.name,
        "kind": h.kind,
        "snippet_lines": list(h.snippet_lines) if h.snippet_lines else list(h.lines),
    }


def search_json(r: SearchResult) -> dict:
    return {
        "query": r.query,
        "corrected": r.corrected,
        "total": r.total,
        "hits": [hit_dict(h) for h in r.hits],
    }


def search_human(r: SearchResult, st: Style) -> None:
    if r.corrected:
        st.echo(
            st.dim(f"Showing results for: {r.corrected} (searched instead of: {r.query})"), err=True
        )
    if not r.hits:
        st.echo(f"No matches for {r.corrected or r.query!r}.", err=True)
        return
    for h in r.hits:
        first, last = h.lines
        st.echo(
            f"{st.path(h.source)}:{st.line(f'{first}-{last}')}  "
            f"{section_heading(st, h.section, h.name, h.chair)}  " + st.dim(f"score {h.score:.2f}")
        )
        sf, sl = h.snippet_lines or h.lines
        where = f"{sf}" if sf == sl else f"{sf}-{sl}"
        st.echo(f"{st.line(where)}: {st.marks(h.snippet)}")
        st.echo()
    shown = len(r.hits)
    if r.total > shown:
        st.echo(st.dim(f"{shown} of {r.total} matching sections shown (-n to see more)"), err=True)


def section_dict(s: Section, source: str) -> dict:
    return {
        "id": s.id,
        "source": source,
        "section": s.title,
        "chair": s.chair,
        "lines": [s.first_line, s.last_line],
        "name": s.name,
        "aliases": s.aliases,
        "kind": s.kind,
        "labels": s.labels,
        "title_inferred": s.title_inferred,
        "published": s.published.isoformat() if s.published else None,
        "updated": s.updated.isoformat() if s.updated else None,
    }


def sections_human(rows: list[tuple[Section, str]], st: Style) -> None:
    for s, source in rows:
        lines = f"{s.first_line}-{s.last_line}"
        extra = " (title inferred)" if s.title_inferred else ""
        st.echo(
            f"{st.path(source)}:{st.line(lines)}  "
            f"{section_heading(st, s.title, s.name, s.chair)}{st.dim(extra)}"
        )


def show_human(s: Section, source: str, st: Style) -> None:
    st.echo(
        f"{st.path(source)}:{st.line(f'{s.first_line}-{s.last_line}')}  "
        f"{section_heading(st, s.title, s.name, s.chair)}"
    )
    if s.aliases:
        st.echo(st.dim("also: " + "; ".join(s.aliases)))
    width = len(str(s.last_line))
    for p in s.paragraphs:
        st.echo(f"{st.line(str(p.first).rjust(width))}: {p.text}")


def ingest_human(r: IngestReport, st: Style, index_dir: str) -> None:
    verb = "rebuilt" if r.rebuilt else "updated"
    st.echo(
        f"{verb} index {index_dir}: {r.added} added, {r.updated} updated, "
        f"{r.removed} removed, {r.unchanged} unchanged ({r.sections} sections)"
    )
    for path, why in r.skipped:
        st.echo(st.dim(f"skipped {path}: {why}"), err=True)
    for w in r.warnings:
        st.echo(f"warning: {w}", err=True)


def ingest_json(r: IngestReport, index_dir: str) -> dict:
    return {
        "index": index_dir,
        "rebuilt": r.rebuilt,
        "added": r.added,
        "updated": r.updated,
        "removed": r.removed,
        "unchanged": r.unchanged,
        "sections": r.sections,
        "skipped": [{"path": p, "reason": why} for p, why in r.skipped],
        "warnings": r.warnings,
    }
