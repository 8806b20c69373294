"""Plain text: paragraphs are runs of non-blank lines; a short unpunctuated line is a heading."""

from __future__ import annotations

import re

from ipsearch.ingest import split_lines
from ipsearch.models import Block, ParsedFile

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")


def looks_like_heading(line: str) -> bool:
    """Title-like: short, starts with a capital or digit, no sentence punctuation at the end."""
    s = line.strip()
    if not s or len(s) > 80 or len(s.split()) > 10:
        return False
    if s[-1] in ".,;:!?)" or _LIST_ITEM.match(s):
        return False
    return s[0].isupper() or s[0].isdigit()


def paragraphs(lines: list[str]) -> list[tuple[int, int, list[str]]]:
    """(first, last, lines) for each run of non-blank lines; list items split a run."""
    out: list[tuple[int, int, list[str]]] = []
    cur: list[str] = []
    start = 0
    for no, line in enumerate(lines, 1):
        if not line.strip():
            if cur:
                out.append((start, no - 1, cur))
                cur = []
            continue
        if cur and _LIST_ITEM.match(line):
            out.append((start, no - 1, cur))
            cur = []
        if not cur:
            start = no
        cur.append(line)
    if cur:
        out.append((start, len(lines), cur))
    return out


def parse(text: str, source: str) -> ParsedFile:
    blocks: list[Block] = []
    for first, last, run in paragraphs(split_lines(text)):
        joined = " ".join(part.strip() for part in run)
        kind = "heading" if first == last and looks_like_heading(joined) else "para"
        if kind == "para" and _LIST_ITEM.match(run[0]):
            kind = "item"
        blocks.append(Block(kind, joined, first, last))
    return ParsedFile(source=source, fmt="txt", blocks=blocks)
