"""Markdown on markdown-it-py: CommonMark + GFM tables, YAML front matter, exact source lines.

Every block comes from a block token, whose ``map`` gives its source lines; inline markup is
rendered to the text a reader sees (code spans verbatim, links as their text, images as their
alt text, emphasis marks and inline HTML removed, entities decoded, reference links resolved).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ipsearch.ingest.assemble import file_title, sections_from_blocks
from ipsearch.ingest.model import Block, Document

_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    front_matter_plugin(md)
    # Link targets are never shown or followed: skip percent-encoding them (a tenth of the
    # parse time on a docs corpus).
    md.normalizeLink = md.normalizeLinkText = lambda url: url
    md.validateLink = lambda url: True
    return md


def render_inline(token) -> str:
    """An inline token → the text a reader sees."""
    out: list[str] = []
    _inline(token.children or [], out)
    return " ".join("".join(out).split())


def _inline(children, out: list[str]) -> None:
    for t in children:
        if t.type in ("text", "text_special", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "image":
            _inline(t.children or [], out)
        elif t.type == "html_inline" and _BREAK_TAG.fullmatch(t.content.strip()):
            out.append(" ")
        # link_open/close, em/strong/s open/close: their marks vanish, their text stays


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for t in soup.find_all(["script", "style", "template"]):
        t.decompose()
    return " ".join(soup.get_text(" ").split())


class _Walker:
    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.blocks: list[Block] = []
        self.metadata: dict[str, str] = {}
        self.warnings: list[str] = []
        self.lists = 0  # nesting depth of lists
        self.items = 0  # open list items
        self.quotes = 0  # nesting depth of blockquotes
        self.header: list[str] | None = None
        self.row: list[str] | None = None
        self.row_map: list[int] | None = None
        self.in_head = False

    def add(self, kind: str, text: str, span, **kw) -> None:
        if text.strip() and span:
            self.blocks.append(Block(kind, text, span[0] + 1, max(span[1], span[0] + 1), **kw))

    def walk(self, tokens) -> None:
        for i, t in enumerate(tokens):
            kind = t.type
            if kind == "front_matter":
                self.front_matter(t)
            elif kind == "heading_open":
                self.add("heading", render_inline(tokens[i + 1]), t.map, level=int(t.tag[1]))
            elif kind == "paragraph_open":
                text = render_inline(tokens[i + 1])
                if self.items:
                    self.add("item", text, t.map, level=self.lists)
                else:
                    self.add("quote" if self.quotes else "paragraph", text, t.map)
            elif kind in ("fence", "code_block"):
                span = t.map
                if kind == "fence" and span and span[1] - span[0] >= 2:
                    # The fences themselves hold no text: cite the lines between them.
                    # An unclosed fence runs to the end of the file: its last line is code.
                    closed = self.lines[span[1] - 1].strip().startswith(t.markup)
                    span = [span[0] + 1, span[1] - 1 if closed else span[1]]
                self.add("code", t.content.rstrip("\n"), span)
            elif kind == "html_block":
                self.add("quote" if self.quotes else "paragraph", _html_text(t.content), t.map)
            else:
                self.structure(t, tokens, i)

    def structure(self, t, tokens, i) -> None:
        kind = t.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists -= 1
        elif kind == "list_item_open":
            self.items += 1
        elif kind == "list_item_close":
            self.items -= 1
        elif kind == "blockquote_open":
            self.quotes += 1
        elif kind == "blockquote_close":
            self.quotes -= 1
        elif kind == "table_open":
            self.header = None
        elif kind == "thead_open":
            self.in_head = True
        elif kind == "thead_close":
            self.in_head = False
        elif kind == "tr_open":
            self.row, self.row_map = [], t.map
        elif kind in ("th_open", "td_open") and self.row is not None:
            self.row.append(render_inline(tokens[i + 1]))
        elif kind == "tr_close" and self.row is not None:
            if self.in_head:
                self.header = self.row
            text = " | ".join(self.row)
            header = None if self.in_head else self.header
            self.add("row", text, self.row_map, cells=self.row, header=header)
            self.row = None

    def front_matter(self, t) -> None:
        import yaml

        first = (t.map[0] if t.map else 0) + 2  # the line after the opening ---
        lines = t.content.split("\n")
        try:
            # safe_load's rules, in libyaml's C when present (about 10x faster)
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(t.content, Loader=loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as e:
            where = getattr(e, "problem_mark", None)
            at = f" at line {first + where.line}" if where else ""
            self.warnings.append(f"{self.source}: front matter is not valid YAML{at}; read as text")
            self.add("paragraph", " ".join(t.content.split()), [first - 1, first - 1 + len(lines)])
            return
        if not isinstance(data, dict):
            self.add("paragraph", " ".join(t.content.split()), [first - 1, first - 1 + len(lines)])
            return
        starts = _key_lines(lines)
        for key, value in data.items():
            text = _scalar(value)
            if text is None or str(key) not in starts:
                continue
            a, b = starts[str(key)]
            self.metadata[str(key)] = text
            raw = " ".join(" ".join(lines[a : b + 1]).split())
            self.add("field", text, [first - 1 + a, first + b], key=str(key), raw=raw)


def _key_lines(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level YAML keys → (first, last) index of their lines (a value may run on)."""
    starts: list[tuple[str, int]] = []
    for n, line in enumerate(lines):
        if line[:1] not in ("", " ", "\t", "#", "-") and ":" in line:
            starts.append((line.split(":", 1)[0].strip().strip("\"'"), n))
    out: dict[str, tuple[int, int]] = {}
    for j, (key, n) in enumerate(starts):
        end = starts[j + 1][1] - 1 if j + 1 < len(starts) else len(lines) - 1
        while end > n and not lines[end].strip():
            end -= 1
        out[key] = (n, end)
    return out


def _scalar(value) -> str | None:
    """A front matter value as text; lists of scalars joined; mappings are not fields."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float, dt.date)):
        return str(value).strip() or None
    if isinstance(value, list) and value and all(_scalar(v) is not None for v in value):
        return ", ".join(_scalar(v) for v in value)
    return None


def parse(text: str, source: str) -> Document:
    walker = _Walker(source, text.split("\n"))
    walker.walk(_parser().parse(text))
    blocks = walker.blocks
    title, title_from = walker.metadata.get("title"), "front matter"
    if not title:
        h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        title, title_from = (h1.text, "h1") if h1 else (file_title(source), "file name")
    return Document(
        source=source,
        format="md",
        title=title,
        title_from=title_from,
        metadata=walker.metadata,
        sections=sections_from_blocks(blocks, title),
        warnings=walker.warnings,
    )
