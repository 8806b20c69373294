"""Format parsers: each turns one file into ordered blocks with 1-based line ranges.

``parse_file`` picks the parser by file suffix; ``read_text`` decodes bytes the same way for all
formats so that line numbers agree with what an editor shows.
"""

from __future__ import annotations

import codecs
import importlib
import os
import stat
from pathlib import Path

from ipsearch.errors import CorpusError
from ipsearch.models import ParsedFile

SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".jsonl": "jsonl",
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
}
# Formats parsed from bytes (not decoded text) by these modules' ``parse(data, source)``.
BINARY_PARSERS = {f: f"ipsearch.ingest.{f}" for f in ("pdf", "docx", "odt")}

# A single file larger than this is skipped: parsing it would hold too much in memory at once.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A "line" longer than this is generated data, not prose: every quote from it would cite the
# same line, and indexing it costs ~13x its size in memory. HTML is exempt (minified pages are
# common and their text is found by tags, not lines).
MAX_LINE_CHARS = 1024 * 1024


class Skip(Exception):
    """A file that is not indexed, with the reason shown to the user."""


class Unreadable(Skip):
    """The file could not be read this time (vanished, replaced, I/O error): whatever was
    indexed for it before is kept, and it is tried again on the next run."""


def format_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes → text. BOMs pick the codec; invalid UTF-8 is replaced, with a warning."""
    warnings: list[str] = []
    if not data:
        raise Skip("empty file")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), warnings
            except UnicodeDecodeError:
                return data.decode(codec, errors="replace"), [f"{name}: invalid {codec}, replaced"]
    # NUL bytes do not occur in text files without a BOM: treat the file as binary.
    if b"\x00" in data[:8192]:
        raise Skip("binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        warnings.append(f"{name}: not valid UTF-8; undecodable bytes replaced")
    if not text.strip():
        raise Skip("no text")
    return text, warnings


def split_lines(text: str) -> list[str]:
    """Split on newlines only, as grep and editors number lines (not on \\f or U+2028)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; ``Unreadable`` if it is anything else by now.

    Opened non-blocking and checked after opening, so a file swapped for a FIFO or a device
    between the corpus scan and this read cannot hang the run.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as e:
        raise Unreadable("vanished while reading") from e
    except OSError as e:
        raise Unreadable(f"unreadable ({e.strerror or e})") from e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("no longer a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise Skip(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise Unreadable(f"unreadable ({e.strerror or e})") from e
    finally:
        os.close(fd)


def read_text(path: Path, name: str) -> tuple[str, list[str]]:
    return decode(read_bytes(path), name)


def longest_line(text: str, sep: str = "\n") -> int:
    """Length of the longest line, without splitting a large text into a list of lines."""
    longest = pos = 0
    while pos < len(text):
        end = text.find(sep, pos)
        if end < 0:
            end = len(text)
        longest = max(longest, end - pos)
        pos = end + 1
    return longest


def parse_file(path: Path, source: str) -> ParsedFile:
    """Parse one file. Raises ``Skip`` for files that are not indexed."""
    fmt = format_of(path)
    if fmt is None:
        raise Skip("unsupported file type")
    if fmt in BINARY_PARSERS:
        return importlib.import_module(BINARY_PARSERS[fmt]).parse(read_bytes(path), source)
    text, warnings = read_text(path, source)
    if (
        fmt != "html"
        and len(text) > MAX_LINE_CHARS
        and longest_line(text) > MAX_LINE_CHARS
        and longest_line(text, "\r") > MAX_LINE_CHARS  # old Mac line ends
    ):
        raise Skip(f"has a line over {MAX_LINE_CHARS:,} characters long (generated data?)")
    if fmt == "txt":
        from ipsearch.ingest.text import parse
    elif fmt == "md":
        from ipsearch.ingest.markdown import parse
    elif fmt == "html":
        from ipsearch.ingest.html import parse
    elif fmt == "jsonl":
        from ipsearch.ingest.jsonl import parse
    else:  # pragma: no cover - SUFFIXES and this switch are kept in step
        raise CorpusError(f"no parser for {fmt}")
    parsed = parse(text, source)
    parsed.warnings[:0] = warnings
    return parsed


def render_lines(fmt: str, lines: list[str]) -> str:
    """The reader-visible text of some source lines, for checking quotes against the file."""
    raw = "\n".join(lines)
    if fmt == "html":
        from ipsearch.ingest.html import visible_text

        return visible_text(raw)
    if fmt == "md":
        from ipsearch.ingest.markdown import strip_inline

        return strip_inline(raw)
    if fmt == "jsonl":
        from ipsearch.ingest.jsonl import record_text

        return "\n".join(record_text(line) for line in lines)
    return raw
