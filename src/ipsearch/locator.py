"""Where a passage is, for every format: ``notes.md:12-14``, ``report.pdf#page=3:12-14``,
``brief.docx ¶12-14``.

A PDF numbers its lines within each page. So that the index, ranking and QA can keep treating
a passage's place as one line range, a PDF's lines are indexed page-wide as
``page × PAGE_SPAN + line``: ranges stay ordered and never collide across pages, and
everything that shows or checks a place (hits, citations, ``show``, quote verification) splits
them back into page and line here.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from ipsearch.ingest.model import Block, Section

# No page has this many lines (the PDF parser stops reading a page there); the index stores
# line numbers as 32-bit ints, so this allows 214,748 pages.
PAGE_SPAN = 10_000
PARAGRAPH_FORMATS = ("docx", "odt")  # blocks counted as paragraphs, not lines


def page_wide(page: int, line: int) -> int:
    return page * PAGE_SPAN + line


def page_wide_section(s: Section) -> Section:
    """A copy of a PDF section whose blocks carry page-wide line numbers (``index_text`` and
    every other attribute of a block kept)."""
    blocks = []
    for b in s.blocks:
        nb = copy.copy(b)
        if b.page is not None:
            nb.first, nb.last = page_wide(b.page, b.first), page_wide(b.page, b.last)
        blocks.append(nb)
    if not blocks:
        return s
    return replace(s, blocks=blocks, first=blocks[0].first, last=blocks[-1].last)


def split(line: int) -> tuple[int | None, int]:
    """(page, line within it) of an indexed line; page None when it has none."""
    if line < PAGE_SPAN:
        return None, line
    return line // PAGE_SPAN, line % PAGE_SPAN


def on_page(lines: tuple[int, int]) -> tuple[int | None, tuple[int, int]]:
    """A passage's page and its lines there (a passage never runs over a page break)."""
    page, first = split(lines[0])
    return page, (first, split(lines[1])[1])


def section_on_page(
    blocks: list[Block], lines: tuple[int, int], page: int
) -> tuple[int, int] | None:
    """The part of a section's page-wide ``lines`` that lies on ``page``, in page lines."""
    on = [(split(b.first)[1], split(b.last)[1]) for b in blocks if split(b.first)[0] == page]
    if not on:
        return None
    first_page, first = split(lines[0])
    last_page, last = split(lines[1])
    return (first if first_page == page else on[0][0], last if last_page == page else on[-1][1])


def unit_of(fmt: str) -> str:
    return "paragraph" if fmt in PARAGRAPH_FORMATS else "line"


def ref(source: str, lines: tuple[int, int], page: int | None = None, unit: str = "line") -> str:
    """How a place is printed: ``a.md:3-5``, ``a.pdf#page=2:3-5``, ``a.docx ¶3-5``."""
    first, last = lines
    span = f"{first}-{last}"
    if unit == "paragraph":
        return f"{source} ¶{span}"
    if page is not None:
        return f"{source}#page={page}:{span}"
    return f"{source}:{span}"


def parse_page_ref(key: str) -> tuple[str, int, int | None] | None:
    """``report.pdf#page=3`` or ``report.pdf#page=3:12`` → (path, page, line or None)."""
    path, sep, rest = key.rpartition("#page=")
    if not sep or not path:
        return None
    page, _, line = rest.partition(":")
    if not page.isdigit() or (line and not line.isdigit()):
        return None
    return path, int(page), int(line) if line else None
