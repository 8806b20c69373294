"""Format parsers: each turns one file into ordered blocks with 1-based line ranges.

``parse_file`` picks the parser by file suffix; ``read_text`` decodes bytes the same way for all
formats so that line numbers agree with what an editor shows.
"""

from __future__ import annotations

import codecs
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
}

# A single file larger than this is skipped: parsing it would hold too much in memory at once.
MAX_FILE_BYTES = 64 * 1024 * 1024


class Skip(Exception):
    """A file that is not indexed, with the reason shown to the user."""


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


def read_text(path: Path, name: str) -> tuple[str, list[str]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Skip(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise Skip("vanished while reading") from e
    except OSError as e:
        raise Skip(f"unreadable ({e.strerror or e})") from e
    return decode(data, name)


def parse_file(path: Path, source: str) -> ParsedFile:
    """Parse one file. Raises ``Skip`` for files that are not indexed."""
    fmt = format_of(path)
    if fmt is None:
        raise Skip("unsupported file type")
    text, warnings = read_text(path, source)
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
    return raw
