"""Ordered blocks → the section tree every parser shares: a section per heading, with its path."""

from __future__ import annotations

from pathlib import PurePosixPath

from ipsearch.ingest.model import Block, Section


def sections_from_blocks(blocks: list[Block], title: str) -> list[Section]:
    """One section per heading (its blocks run to the next heading of any level); blocks before
    the first heading form the lead section, titled by the document title."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []  # (level, heading text) from the top down
    cur: Section | None = None
    for b in blocks:
        if b.kind == "heading":
            level = b.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, b.text))
            cur = Section([t for _, t in stack], level, b.first, b.last, [b])
            sections.append(cur)
            continue
        if cur is None:
            cur = Section([title], 0, b.first, b.last, [], lead=True)
            sections.append(cur)
        cur.blocks.append(b)
        cur.last = max(cur.last, b.last)
    return sections


def file_title(source: str) -> str:
    """A title from the file name when the file states none: ``ch03-02-data-types.md`` →
    ``ch03 02 data types``."""
    stem = PurePosixPath(source).name.split(".")[0] or PurePosixPath(source).name
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or source
