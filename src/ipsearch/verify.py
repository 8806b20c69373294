"""Check that a printed quote is really what the cited lines of the source say.

The cited lines are rendered by the very parser that indexed them (``ingest.rendered_range``):
a quote verifies when it occurs, up to whitespace, in the blocks that lie within those lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from ipsearch.ingest import (
    BINARY_PARSERS,
    MAX_LINE_CHARS,
    Skip,
    format_of,
    longest_line,
    parse_text,
    read_bytes,
    read_text,
    render_lines,
    rendered_range,
    split_lines,
)
from ipsearch.ingest.model import Document

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace-insensitive form: quotes may re-flow lines, never change words."""
    return _SPACE.sub(" ", text).strip()


def cited_text(path: Path, lines: tuple[int, int], page: int | None = None) -> str | None:
    """Reader-visible text of lines ``first..last`` of ``path`` (of ``page`` for a PDF, of the
    numbered paragraphs for a DOCX or ODT); None when they cannot be read."""
    fmt = format_of(path)
    if fmt is None:
        return None
    if fmt in BINARY_PARSERS:
        return _binary_cited_text(fmt, path, lines, page)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    if fmt == "jsonl":
        return _record_lines(str(path), stamp, lines)
    read = _document(str(path), stamp)
    if read is None:
        return None
    doc, source_lines = read
    first, last = lines
    if first < 1 or last < first or last > len(source_lines):
        return None
    return rendered_range(doc, first, last, source_lines)


def verify_quote(path: Path, lines: tuple[int, int], quote: str, page: int | None = None) -> bool:
    """Whether ``quote`` occurs verbatim (up to whitespace) within the cited lines."""
    text = cited_text(path, lines, page)
    if text is None or not quote.strip():
        return False
    return normalise(quote) in normalise(text)


def _binary_cited_text(fmt: str, path: Path, lines: tuple[int, int], page: int | None):
    first, last = lines
    if fmt == "pdf" and page is None:  # a PDF line number means nothing without its page
        return None
    try:
        data = read_bytes(path)  # confined to the corpus, like every other read
    except Skip:
        return None
    if fmt != "pdf":  # DOCX, ODT: numbered paragraphs
        return import_module(BINARY_PARSERS[fmt]).paragraph_text(data, first, last)
    from ipsearch.ingest.pdf import cited_text as pdf_cited_text

    return pdf_cited_text(data, page, first, last)


def _record_lines(path: str, stamp: int, lines: tuple[int, int]) -> str | None:
    """The cited records of a JSON Lines file, rendered alone.

    Each line is its own record, parsed without regard to the others, so the cited lines parsed
    on their own give the very blocks the whole file gives them: a citation does not decode
    every record of a large file (~0.1 s for 50,000 records)."""
    source_lines = _lines(path, stamp)
    first, last = lines
    if source_lines is None or first < 1 or last < first or last > len(source_lines):
        return None
    return render_lines("jsonl", source_lines[first - 1 : last])


@lru_cache(maxsize=32)
def _lines(path: str, _mtime_ns: int) -> list[str] | None:
    """The file's lines, as ``_document`` reads them (None where it would read nothing)."""
    text = _readable_text(Path(path))
    return None if text is None else split_lines(text)


@lru_cache(maxsize=32)
def _document(path: str, _mtime_ns: int) -> tuple[Document, list[str]] | None:
    # Keyed by modification time too, so an edited file is read afresh.
    p = Path(path)
    try:
        text = _readable_text(p)
        if text is None:
            return None
        return parse_text(text, format_of(p) or "txt", p.name), split_lines(text)
    except (RecursionError, ValueError):
        return None


def _readable_text(p: Path) -> str | None:
    """The file's text as ingest reads it; None for a file ingest skips or a line too long
    to show."""
    try:
        text, _ = read_text(p, p.name)
    except Skip:
        return None
    if len(text) > MAX_LINE_CHARS and longest_line(text) > MAX_LINE_CHARS:
        return None
    return text
