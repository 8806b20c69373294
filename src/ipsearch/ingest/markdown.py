"""Markdown: ATX (``# Title``) and setext (underlined) headings, paragraphs, list items."""

from __future__ import annotations

import re

from ipsearch.ingest import split_lines
from ipsearch.models import Block, ParsedFile

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+\s*)?$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")


def strip_inline(text: str) -> str:
    """Markdown inline markup → the text a reader sees."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"^ {0,3}(#{1,6})\s+", "", text, flags=re.M)
    text = re.sub(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+", "", text, flags=re.M)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)
    return text


def parse(text: str, source: str) -> ParsedFile:
    lines = split_lines(text)
    blocks: list[Block] = []
    run: list[str] = []
    start = 0
    in_fence = False

    def flush(end: int, kind: str = "para") -> None:
        nonlocal run
        if run:
            joined = " ".join(strip_inline(x).strip() for x in run).strip()
            if joined:
                if kind == "para" and _ITEM.match(run[0]):
                    kind = "item"
                blocks.append(Block(kind, joined, start, end))
        run = []

    for no, line in enumerate(lines, 1):
        if _FENCE.match(line):
            if in_fence:
                run.append(line)
                flush(no)
                in_fence = False
            else:
                flush(no - 1)
                in_fence, start = True, no
                run.append(line)
            continue
        if in_fence:
            run.append(line)
            continue
        atx = _ATX.match(line)
        if atx:
            flush(no - 1)
            blocks.append(
                Block("heading", strip_inline(atx.group(2)).strip(), no, no, len(atx.group(1)))
            )
            continue
        setext = _SETEXT.match(line)
        if setext and len(run) == 1 and not _ITEM.match(run[0]):
            level = 1 if setext.group(1)[0] == "=" else 2
            blocks.append(Block("heading", strip_inline(run[0]).strip(), start, no, level))
            run = []
            continue
        if not line.strip() or _RULE.match(line):
            flush(no - 1)
            continue
        if run and _ITEM.match(line):
            flush(no - 1)
        if not run:
            start = no
        run.append(line)
    flush(len(lines))
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return ParsedFile(source=source, fmt="md", blocks=blocks, title=title)
