"""Check that a printed quote is really what the cited lines of the source say.

The cited lines are rendered by the very parser that indexed them (``ingest.rendered_range``):
a quote verifies when it occurs, up to whitespace, in the blocks that lie within those lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ipsearch.ingest import (
    MAX_LINE_CHARS,
    Skip,
    format_of,
    longest_line,
    parse_text,
    read_text,
    rendered_range,
    split_lines,
)
from ipsearch.ingest.model import Document

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace-insensitive form: quotes may re-flow lines, never change words."""
    return _SPACE.sub(" ", text).strip()


def cited_text(path: Path, lines: tuple[int, int]) -> str | None:
    """Reader-visible text of lines ``first..last`` of ``path``; None when they cannot be read."""
    if format_of(path) is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    read = _document(str(path), stamp)
    if read is None:
        return None
    doc, source_lines = read
    first, last = lines
    if first < 1 or last < first or last > len(source_lines):
        return None
    return rendered_range(doc, first, last, source_lines)


def verify_quote(path: Path, lines: tuple[int, int], quote: str) -> bool:
    """Whether ``quote`` occurs verbatim (up to whitespace) within the cited lines."""
    text = cited_text(path, lines)
    if text is None or not quote.strip():
        return False
    return normalise(quote) in normalise(text)


@lru_cache(maxsize=32)
def _document(path: str, _mtime_ns: int) -> tuple[Document, list[str]] | None:
    # Keyed by modification time too, so an edited file is read afresh.
    p = Path(path)
    try:
        text, _ = read_text(p, p.name)
        if len(text) > MAX_LINE_CHARS and longest_line(text) > MAX_LINE_CHARS:
            return None
        return parse_text(text, format_of(p) or "txt", p.name), split_lines(text)
    except (Skip, RecursionError, ValueError):
        return None
