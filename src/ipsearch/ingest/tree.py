"""Blocks in reading order → the section tree, for parsers that find headings as they go
(PDF outline or font sizes, Word heading styles)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ipsearch.ingest.model import Block, Section

# "Label: value" on one line: a short label (at most five words, no sentence punctuation), a
# colon and a value. The text parser reads such lines as fields the same way.
_FIELD = re.compile(r"^(?P<key>[^\W\d_][\w'’()&/ -]{0,39}?)\s*:\s+(?P<value>\S.*)$")
_FIELD_WORDS = 5


def split_field(text: str) -> tuple[str, str] | None:
    """(key, value) when ``text`` is a ``Label: value`` line, else None."""
    m = _FIELD.match(text.strip())
    if not m or len(m["key"].split()) > _FIELD_WORDS or "http" in m["key"].lower():
        return None
    return m["key"], m["value"]


@dataclass
class Heading:
    """Opens a section at ``level`` (1 = top); its heading block, if any, follows it."""

    level: int
    title: str


def build_sections(stream: Iterable[Block | Heading], title: str) -> list[Section]:
    """Sections in reading order. Blocks before the first heading form the lead section, titled
    by the document title; sections with no blocks are dropped (their titles still appear in
    the heading paths of the sections below them)."""
    sections: list[Section] = []
    stack: list[Heading] = []
    current = Section([title], 0, 0, 0, lead=True)
    for item in stream:
        if isinstance(item, Heading):
            _close(current, sections)
            while stack and stack[-1].level >= item.level:
                stack.pop()
            stack.append(item)
            current = Section([h.title for h in stack], item.level, 0, 0)
        else:
            current.blocks.append(item)
    _close(current, sections)
    return sections


def _close(section: Section, out: list[Section]) -> None:
    if section.blocks:
        section.first = section.blocks[0].first
        section.last = section.blocks[-1].last
        out.append(section)
