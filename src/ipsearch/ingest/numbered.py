"""Documents without lines, cited by numbered paragraph (DOCX, ODT): units → Document.

Every non-empty paragraph and every non-empty table row is one unit, numbered from 1 in
reading order; ``Block.first/last`` hold that number and ``Document.unit`` is
``"paragraph"``. A format module reads its units; this module makes the section tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ipsearch.ingest import Skip
from ipsearch.ingest.model import Block, Document
from ipsearch.ingest.tree import Heading, build_sections, split_field


@dataclass
class Unit:
    """One numbered unit: a paragraph or a table row."""

    number: int
    text: str
    heading: str | int | None = None  # "title", or a heading level 1-9
    item: int = 0  # list nesting depth (1 = top level); 0 when not a list item
    cells: list[str] | None = None
    header: list[str] | None = None


def _block(u: Unit, levels: dict) -> Block | Heading:
    if u.heading is not None:
        return Heading(levels[u.heading], u.text)
    if u.cells is not None:
        return Block("row", u.text, u.number, u.number, cells=u.cells, header=u.header)
    if u.item:
        return Block("item", u.text, u.number, u.number, level=u.item)
    field = split_field(u.text)
    if field:
        return Block("field", field[1], u.number, u.number, key=field[0], raw=u.text)
    return Block("paragraph", u.text, u.number, u.number)


def _stream(found: list[Unit]) -> Iterator[Block | Heading]:
    # The Title paragraph sits above Heading 1, as an HTML h1 above its h2s.
    shift = 1 if any(u.heading == "title" for u in found) else 0
    levels: dict = {"title": 1, **{n: n + shift for n in range(1, 10)}}
    for u in found:
        item = _block(u, levels)
        yield item
        if isinstance(item, Heading):
            yield Block("heading", u.text, u.number, u.number, level=item.level)


def _title(meta: dict[str, str], found: list[Unit], source: str) -> tuple[str, str]:
    if meta.get("title"):
        return meta["title"], "metadata"
    for kind, name in (("title", "title"), (1, "h1")):
        u = next((u for u in found if u.heading == kind), None)
        if u:
            return u.text, name
    return PurePosixPath(source).stem, "file name"


def add_table(out: list[Unit], rows: Iterable[list[str]]) -> None:
    """One unit per non-empty row; rows after the first carry the first row as header."""
    header: list[str] | None = None
    for cells in rows:
        if not any(cells):
            continue
        out.append(Unit(len(out) + 1, " | ".join(cells), cells=cells, header=header))
        if header is None:
            header = cells


def units_text(found: list[Unit], first: int, last: int) -> str | None:
    """Text of units ``first..last`` (1-based), one per line; None if out of range."""
    if first < 1 or last < first or last > len(found):
        return None
    return "\n".join(u.text for u in found[first - 1 : last])


def build_document(source: str, fmt: str, found: list[Unit], meta: dict[str, str]) -> Document:
    if not found:
        raise Skip("no text")
    title, title_from = _title(meta, found, source)
    sections = build_sections(_stream(found), title)
    return Document(source, fmt, title, title_from, meta, sections, unit="paragraph")
