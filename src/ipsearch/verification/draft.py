"""Pulling the quotations out of a draft: “…” and "…" in the prose, and ``>`` block quotes.

Code (fenced blocks, inline code spans) is not prose and is left out. A short quoted phrase is a
scare quote or a term ("so-called “hot spots”"), not a claim about a source, so inline
quotations need at least ``MIN_WORDS`` words; a block quote is always a quotation.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ipsearch.errors import UsageError
from ipsearch.ingest import Skip, decode, split_lines

MIN_WORDS = 4
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BLOCK = re.compile(r"^ {0,3}>")
_INLINE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_BLANK_LINE = re.compile(r"\n\s*\n")
# A block quote's last line naming its source ("— Annual report") is not part of the quote.
_ATTRIBUTION = re.compile(r"^\s*(?:—|–|--)\s")


@dataclass
class Quotation:
    text: str
    line: int  # 1-based line of the draft where it starts


def _markup_free(text: str) -> str:
    from ipsearch.ingest import render_lines

    return " ".join(render_lines("md", text.split("\n")).split())


def _unquote_block(line: str) -> str:
    # Nested markers ("> > text") are one quotation.
    return re.sub(r"^(?:\s{0,3}>\s?)+", "", line)


def extract(draft: str) -> list[Quotation]:
    """The quotations of a draft, in the order they appear."""
    lines = split_lines(draft)
    prose = list(lines)
    found: list[Quotation] = []
    block: list[tuple[int, str]] = []
    in_fence = False

    def end_block() -> None:
        paras: list[list[tuple[int, str]]] = [[]]
        for no, text in block:
            if text.strip():
                paras[-1].append((no, text))
            elif paras[-1]:
                paras.append([])
        for para in paras:
            if len(para) > 1 and _ATTRIBUTION.match(para[-1][1]):
                para = para[:-1]
            text = _markup_free(" ".join(t for _, t in para))
            if text:
                found.append(Quotation(text, para[0][0]))
        block.clear()

    for no, line in enumerate(lines, 1):
        if _FENCE.match(line):
            in_fence = not in_fence
            prose[no - 1] = ""
            continue
        if in_fence:
            prose[no - 1] = ""
            continue
        if _BLOCK.match(line):
            block.append((no, _unquote_block(line)))
            prose[no - 1] = ""
            continue
        if block:
            end_block()
    if block:
        end_block()
    text = _CODE_SPAN.sub(lambda m: " " * len(m.group()), "\n".join(prose))
    for m in _INLINE.finditer(text):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if _BLANK_LINE.search(body):
            continue  # quote marks left unpaired in one paragraph, not a quotation
        quote = _markup_free(body)
        if len(quote.split()) >= MIN_WORDS:
            found.append(Quotation(quote, text.count("\n", 0, m.start()) + 1))
    return sorted(found, key=lambda q: q.line)


def read_draft(name: str) -> str:
    """A draft's text (``-``: standard input), decoded as corpus files are (BOMs honoured,
    invalid UTF-8 replaced); UsageError when it cannot be read."""
    try:
        if name == "-":
            stdin = sys.stdin
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        else:
            data = Path(name).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {name}: {e.strerror or e}") from e
    try:
        return decode(data, name)[0]
    except Skip as e:
        raise UsageError(f"cannot read {name}: {e}") from e
