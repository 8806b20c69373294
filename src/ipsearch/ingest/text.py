"""Plain text: paragraphs, list items, ``Label: value`` fields and heading-like lines.

Headings are lines underlined with ``=``, ``-``, ``~``, ``^`` (setext, reStructuredText,
AsciiDoc), numbered headings (``2.1 Scope``), and short lines standing alone. A file without
underlined or numbered headings goes through headless-section recovery (``recover.py``).
AsciiDoc delimited blocks (``----``, ``....``, ``====``, ...) are read whole, blank lines and
all, so nothing inside one starts a section.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from ipsearch.ingest.assemble import file_title, sections_from_blocks
from ipsearch.ingest.labels import label_of
from ipsearch.ingest.model import Block, Document

_LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d{1,3}[.)])\s+")
_UNDERLINE = re.compile(r" {0,3}([=\-~^*+#])\1{2,}\s*")
_RULE = re.compile(r" {0,3}([-=.*+_/])\1{3,}\s*")  # an AsciiDoc block delimiter
_VERBATIM = "-.+/"  # listing, literal, passthrough, comment: lines kept as written
_NUMBERED = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?\s+[^\W\d_]")
_INCLUDE = re.compile(r"include::([^\[\s{}]+)\[[^\]]*\]")  # AsciiDoc, without attributes


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
    for first, last, run, delimited in _runs(lines):
        if delimited:
            blocks.extend(_delimited_blocks(run, first))
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


def _runs(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str], bool]]:
    """Paragraph runs (and delimited blocks, flagged), a run split right after a heading's
    underline: AsciiDoc and man pages put text directly under ``NAME`` / ``----`` with no
    blank line between."""
    for first, last, run, delimited in _chunks(lines):
        if delimited:
            yield first, last, run, True
            continue
        start = 0
        for i in range(1, len(run) - 1):
            if (
                i > start
                and _UNDERLINE.fullmatch(run[i])
                and not _UNDERLINE.fullmatch(run[i - 1])
                and looks_like_heading(run[i - 1])
            ):
                yield first + start, first + i, run[start : i + 1], False
                start = i + 1
        yield first + start, last, run[start:], False


def _chunks(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str], bool]]:
    """``paragraphs``, except that a delimited block (see ``_is_block``) is one run, blank
    lines and all: nothing inside it may start a section or split it."""
    numbered = enumerate(lines, 1)
    pending: deque[tuple[int, str]] = deque()  # lines read ahead that were no block

    def take() -> tuple[int, str] | None:
        return pending.popleft() if pending else next(numbered, None)

    plain: list[tuple[int, str]] = []  # the current paragraph, held until a blank line
    known: set[str] = set()  # rules this file has used to delimit a block of several lines
    while (item := take()) is not None:
        no, line = item
        if not line.strip():
            yield from _paragraphs_at(plain)
            plain = []
            continue
        if _RULE.fullmatch(line) and (not plain or _opens_below(plain)):
            ahead = _block_end(line, take)
            if _is_block(line, ahead, known):
                if len(ahead) > 2:
                    known.add(line.strip())
                yield from _paragraphs_at(plain)
                plain = []
                yield no, ahead[-1][0], [line] + [x for _, x in ahead], True
                continue
            pending.extendleft(reversed(ahead))
        plain.append(item)
    yield from _paragraphs_at(plain)


def _opens_below(numbered: list[tuple[int, str]]) -> bool:
    """A block may open right below these lines: they end with a heading and its underline,
    with AsciiDoc's list continuation ``+``, or with text no rule could underline (``or:``)."""
    last = numbered[-1][1]
    if last.strip() == "+" or not (_UNDERLINE.fullmatch(last) or looks_like_heading(last)):
        return True
    if len(numbered) < 2 or not _UNDERLINE.fullmatch(last):
        return False
    return not _UNDERLINE.fullmatch(numbered[-2][1]) and looks_like_heading(numbered[-2][1])


def _paragraphs_at(numbered: list[tuple[int, str]]) -> Iterator[tuple[int, int, list[str], bool]]:
    if numbered:
        offset = numbered[0][0] - 1
        for first, last, run in paragraphs(x for _, x in numbered):
            yield first + offset, last + offset, run, False


def _block_end(opener: str, take: Callable[[], tuple[int, str] | None]) -> list[tuple[int, str]]:
    """The lines after ``opener`` up to the next rule of its character (inclusive), or to the
    end of the file when there is none. Only an identical rule closes a block: a shorter or
    longer one is a heading's underline, so the opener was a transition, not a block."""
    char = opener.strip()[0]
    ahead: list[tuple[int, str]] = []
    while (item := take()) is not None:
        ahead.append(item)
        rule = _UNDERLINE.fullmatch(item[1]) or _RULE.fullmatch(item[1])
        if rule and rule.group(1) == char:
            break
    return ahead


def _is_block(opener: str, ahead: list[tuple[int, str]], known: set[str]) -> bool:
    """``opener`` … ``ahead[-1]`` is an AsciiDoc delimited block (listing ``----``, literal
    ``....``, example ``====``, sidebar ``****``, quote ``____``, passthrough ``++++``,
    comment ``////``), not a reStructuredText overlined title or two transitions."""
    if not ahead or ahead[-1][1].strip() != opener.strip():
        return False
    inner = [x for _, x in ahead[:-1]]
    if len(inner) == 1 and opener.strip() not in known and _UNDERLINE.fullmatch(opener):
        # ``-----`` / ``Title`` / ``-----``: an overlined title when the rules cover the text
        # and it reads as one (or the rules match it exactly, as rst's titles do), unless the
        # file has already used this rule to delimit a block.
        text, rule = inner[0].rstrip(), opener.strip()
        covered = len(rule) >= len(text.strip())
        return not (covered and (looks_like_heading(text) or len(rule) == len(text)))
    if inner and not inner[0].strip():
        # A rule with a blank line after it is also an rst transition; as a block it pads its
        # content on both sides (a diagram), and a transition's next rule closes no padding.
        return not inner[-1].strip()
    return True


def _delimited_blocks(run: list[str], first: int) -> list[Block]:
    """A verbatim block's lines are one code block; a compound block's (example, sidebar,
    quote) are text whose heading-like lines are no headings."""
    inner = run[1:-1]
    if not inner:
        return []
    if run[0].strip()[0] in _VERBATIM:
        return [Block("code", "\n".join(x.rstrip() for x in inner), first + 1, first + len(inner))]
    blocks, _ = blocks_of(inner)
    for b in blocks:
        b.first += first
        b.last += first
        if b.kind == "heading":
            b.kind, b.level = "paragraph", 0
    return blocks


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
    meta = {"includes": " ".join(found)} if (found := includes(blocks, source)) else {}
    return Document(source, "txt", title, title_from, meta, sections)


def includes(blocks: list[Block], source: str) -> list[str]:
    """The files an AsciiDoc document pulls in (``include::revisions.txt[]``), as corpus
    paths: the including page is where a reader meets their text."""
    here = posixpath.dirname(source)
    found = [m[1] for b in blocks if b.kind == "paragraph" and (m := _INCLUDE.fullmatch(b.text))]
    return list(dict.fromkeys(posixpath.normpath(posixpath.join(here, f)) for f in found))
