"""Check that a printed quote is really what the cited lines of the source say."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from ipsearch.ingest import BINARY_PARSERS, Skip, format_of, read_text, render_lines, split_lines

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace-insensitive form: quotes may re-flow lines, never change words."""
    return _SPACE.sub(" ", text).strip()


def cited_text(path: Path, lines: tuple[int, int], page: int | None = None) -> str | None:
    """Reader-visible text of lines ``first..last`` of ``path`` (of ``page`` for a PDF, of the
    numbered paragraphs for a DOCX); None when they cannot be read."""
    fmt = format_of(path)
    if fmt is None:
        return None
    if fmt in BINARY_PARSERS:
        return _binary_cited_text(fmt, path, lines, page)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    all_lines = _lines(str(path), stamp)
    if all_lines is None:
        return None
    first, last = lines
    if first < 1 or last < first or last > len(all_lines):
        return None
    return render_lines(fmt, all_lines[first - 1 : last])


def verify_quote(path: Path, lines: tuple[int, int], quote: str, page: int | None = None) -> bool:
    """Whether ``quote`` occurs verbatim (up to whitespace) within the cited lines."""
    text = cited_text(path, lines, page)
    if text is None or not quote.strip():
        return False
    return normalise(quote) in normalise(text)


def _binary_cited_text(fmt: str, path: Path, lines: tuple[int, int], page: int | None):
    first, last = lines
    if fmt != "pdf":  # DOCX, ODT: numbered paragraphs
        return import_module(BINARY_PARSERS[fmt]).paragraph_text(path, first, last)
    if page is None:  # a PDF line number means nothing without its page
        return None
    from ipsearch.ingest.pdf import cited_text as pdf_cited_text

    return pdf_cited_text(path, page, first, last)


@lru_cache(maxsize=32)
def _lines(path: str, _mtime_ns: int) -> list[str] | None:
    # Keyed by modification time too, so an edited file is read afresh.
    try:
        text, _ = read_text(Path(path), path)
    except Skip:
        return None
    return split_lines(text)
