"""Plain text: paragraphs, list items, ``Label: value`` fields and heading-like lines.

Headings are lines underlined with ``=``, ``-``, ``~``, ``^`` (setext, reStructuredText,
AsciiDoc), numbered headings (``2.1 Scope``), and short lines standing alone. A file without
underlined or numbered headings goes through headless-section recovery (``recover.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ipsearch.ingest.assemble import file_title, sections_from_blocks
from ipsearch.ingest.labels import label_of
from ipsearch.ingest.model import Block, Document

_LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d{1,3}[.)])\s+")
_UNDERLINE = re.compile(r" {0,3}([=\-~^*+#])\1{2,}\s*")
_NUMBERED = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?\s+[^\W\d_]")


def looks_like_heading(line: str) -> bool:
    """Title-like: short, starts with a capital or digit, no sentence punctuation at the end."""
    s = line.strip()
    if not s or len(s) > 80 or len(s.split()) > 10:
        return False
    if s[-1] in ".,;:!?)" or _LIST_ITEM.match(s):
        return False
    return s[0].isupper() or s[0].isdigit()


def paragraphs(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str]]]:
    """(first, last, lines) for each run of non-blank lines; list items split a run."""
    cur: list[str] = []
    start = no = 0
    for no, line in enumerate(lines, 1):  # noqa: B007 - ``no`` is read after the loop
        if not line.strip():
            if cur:
                yield start, no - 1, cur
                cur = []
            continue
        if cur and _LIST_ITEM.match(line) and not _UNDERLINE.fullmatch(line):
            yield start, no - 1, cur
            cur = []
        if not cur:
            start = no
        cur.append(line)
    if cur:
        yield start, no, cur


def _join(run: list[str]) -> str:
    return " ".join(part.strip() for part in run)


def blocks_of(lines: Iterable[str]) -> tuple[list[Block], set[int]]:
    """The blocks of a text, and the ids of headings that are marked (underlined/numbered)."""
    blocks: list[Block] = []
    marked: set[int] = set()
    order: list[str] = []  # underline characters in order of first use: rst's level rule
    for first, last, run in _runs(lines):
        if _delimited(run):
            # A delimited listing (AsciiDoc ``----`` … ``----``): its lines are verbatim text,
            # and its closing line is no heading's underline.
            inner = run[1:-1]
            blocks.append(Block("code", "\n".join(x.rstrip() for x in inner), first + 1, last - 1))
            continue
        under = _UNDERLINE.fullmatch(run[-1]) if len(run) >= 2 else None
        if under and not _UNDERLINE.fullmatch(run[-2]):
            char = under.group(1)
            over = len(run) >= 3 and _UNDERLINE.fullmatch(run[-3]) and run[-3][0] == char
            head_first = last - (2 if over else 1)
            if head_first > first:
                body = run[: head_first - first]
                blocks.append(Block(_kind(body), _join(body), first, head_first - 1))
            if char not in order:
                order.append(char)
            b = Block("heading", run[-2].strip(), head_first, last, level=order.index(char) + 1)
            blocks.append(b)
            marked.add(id(b))
            continue
        text = _join(run)
        if _numbered_heading(run, text):
            level = len([n for n in text.split()[0].split(".") if n])
            b = Block("heading", text, first, last, level=level)
            blocks.append(b)
            marked.add(id(b))
            continue
        if len(run) == 1 and (lab := label_of(text)) and lab[1]:
            blocks.append(Block("field", lab[1], first, last, key=lab[0], raw=text))
        elif len(run) == 1 and looks_like_heading(text):
            blocks.append(Block("heading", text, first, last, level=0))
        else:
            blocks.append(Block(_kind(run), text, first, last))
    return blocks, marked


def _runs(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str]]]:
    """Paragraph runs, a run split right after a heading's underline: AsciiDoc and man pages
    put text directly under ``NAME`` / ``----`` with no blank line between."""
    for first, last, run in paragraphs(lines):
        if _delimited(run):
            yield first, last, run
            continue
        start = 0
        for i in range(1, len(run) - 1):
            if (
                i > start
                and _UNDERLINE.fullmatch(run[i])
                and not _UNDERLINE.fullmatch(run[i - 1])
                and looks_like_heading(run[i - 1])
            ):
                yield first + start, first + i, run[start : i + 1]
                start = i + 1
        yield first + start, last, run[start:]


def _delimited(run: list[str]) -> bool:
    """Opens and closes with the same line of four or more ``-``/``=``/... characters: a
    delimited block, not a title between an overline and an underline (those are 3 lines)."""
    if len(run) < 4:
        return False
    top, bottom = run[0].strip(), run[-1].strip()
    return top == bottom and len(top) >= 4 and bool(_UNDERLINE.fullmatch(run[0]))


def _numbered_heading(run: list[str], text: str) -> bool:
    """``2.1 Scope``: one short unindented line that opens with a section number."""
    if len(run) != 1 or run[0][:1].isspace() or not _NUMBERED.match(text):
        return False
    return looks_like_heading(text) and len(text.split()) <= 8


def _kind(run: list[str]) -> str:
    return "item" if _LIST_ITEM.match(run[0]) else "paragraph"


def parse(text: str, source: str) -> Document:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return parse_lines(lines, source)


def parse_lines(lines: Iterable[str], source: str) -> Document:
    """The document of a file given as its lines (as ``split_lines`` gives them), read once
    and in order: a large file's lines are decoded one at a time and never held together."""
    blocks, marked = blocks_of(lines)
    title, title_from = file_title(source), "file name"
    if blocks and blocks[0].kind == "heading":
        title, title_from = blocks[0].text, "first line"
        marked.add(id(blocks[0]))
    elif blocks and blocks[0].kind == "field" and blocks[0].first == 1:
        # A first line such as "Annual report: an overview" is a title, not a field.
        b = blocks[0]
        blocks[0] = Block("heading", b.raw or b.text, b.first, b.last, level=1)
        title, title_from = blocks[0].text, "first line"
        marked.add(id(blocks[0]))
    if blocks and blocks[0].kind == "heading" and title_from == "first line":
        blocks[0].level = 1
        # A title line without an underline sits above every underlined or numbered heading.
        shift = 0 if blocks[0].last > blocks[0].first else 1
        for b in blocks[1:]:
            if b.kind == "heading" and id(b) in marked:
                b.level += shift
    if len(marked) <= (1 if title_from == "first line" else 0):
        from ipsearch.ingest.recover import recover

        sections = recover(blocks, title, title_from == "first line")
    else:
        for b in blocks:
            if b.kind == "heading" and id(b) not in marked:
                b.kind, b.level = "paragraph", 0  # a short line among marked headings is text
        sections = sections_from_blocks(blocks, title)
    return Document(
        source=source, format="txt", title=title, title_from=title_from, sections=sections
    )
