"""Format parsers: each turns one file into an ``ingest.model.Document``.

``parse_file`` picks the parser by file suffix; ``decode`` and ``lf_text`` read bytes the same way
for all formats, so that line numbers agree with what ``grep -n`` prints (only LF ends a line).
"""

from __future__ import annotations

import codecs
import errno
import importlib
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ipsearch.errors import CorpusError
from ipsearch.ingest.model import Document

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
    ".rst": "rst",
}
# Formats parsed from bytes (not decoded text) by these modules' ``parse(data, source)``.
BINARY_PARSERS = {f: f"ipsearch.ingest.{f}" for f in ("pdf", "docx", "odt")}

# A single file larger than this is skipped: parsing it would hold too much in memory at once.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A "line" longer than this is generated data, not prose: every quote from it would cite the
# same line, and indexing it costs ~13x its size in memory. HTML is exempt (minified pages are
# common and their text is found by tags, not lines).
MAX_LINE_CHARS = 1024 * 1024
# Share of control characters above which undecodable bytes are taken for binary data.
_BINARY_CONTROLS = 0.05


class Skip(Exception):
    """A file that is not indexed, with the reason shown to the user."""


class Unreadable(Skip):
    """The file could not be read this time (vanished, replaced, I/O error): whatever was
    indexed for it before is kept, and it is tried again on the next run."""


def format_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes → text. A BOM picks the codec; else UTF-8; else detection, with a warning."""
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
                return _text_or_skip(data.decode(codec)), []
            except UnicodeDecodeError:
                text = data.decode(codec, errors="replace")
                return _text_or_skip(text), [f"{name}: invalid {codec}, replaced"]
    # NUL bytes do not occur in text files without a BOM: treat the file as binary.
    if b"\x00" in data[:65536]:
        raise Skip("binary file")
    try:
        return _text_or_skip(data.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:MAX_FILE_BYTES]).best()
    if best is not None:
        text = str(best)
        warning = f"{name}: not UTF-8; read as {best.encoding}"
    else:
        text = data.decode("utf-8", errors="replace")
        controls = sum(1 for c in text[:65536] if c < " " and c not in "\t\n\r\f")
        if controls > _BINARY_CONTROLS * min(len(text), 65536):
            raise Skip("binary file")
        warning = f"{name}: not valid UTF-8; undecodable bytes replaced"
    return _text_or_skip(text), [warning]


def _text_or_skip(text: str) -> str:
    if not text.strip():
        raise Skip("no text")
    return text


def lf_text(text: str) -> str:
    """The text with only LF ending lines, as ``grep -n`` counts them.

    CRs before an LF are dropped (CRLF, CR CR LF); a lone CR separates words but does not end
    a line, so line N of the result is line N of the file.
    """
    if "\r" not in text:
        return text
    return "\n".join(_grep_line(ln) for ln in text.split("\n"))


def _grep_line(line: str) -> str:
    """One LF-split line as grep shows it: CRs before its end dropped, a lone CR a space."""
    return line.rstrip("\r").replace("\r", " ") if "\r" in line else line


def split_lines(text: str) -> list[str]:
    """The file's lines as ``grep -n`` numbers them (not split on CR, \\f or U+2028)."""
    lines = lf_text(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def index_form(text: str) -> str:
    """Text as it is indexed: NFKC (ligatures, full-width forms, no-break spaces), soft
    hyphens removed. Quotes keep the file's own characters; only the index sees this form."""
    return unicodedata.normalize("NFKC", text.replace("\u00ad", ""))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; ``Unreadable`` if it is anything else by now.

    Opened by ``corpus.open_regular``: non-blocking and checked after opening, so a file swapped
    for a FIFO or a device between the corpus scan and this read cannot hang the run, and (while
    the index is written) a link swapped to a file outside the corpus is not read.
    """
    from ipsearch.corpus import LINK_OUT, OutsideCorpus, open_regular

    try:
        fd = open_regular(path)
    except FileNotFoundError as e:
        raise Unreadable("vanished while reading") from e
    except OutsideCorpus as e:
        raise Unreadable(
            "now links outside the corpus"
            if e.strerror == LINK_OUT
            else f"unreadable ({e.strerror})"
        ) from e
    except OSError as e:
        if e.errno == errno.EINVAL:
            raise Unreadable("no longer a regular file") from e
        raise Unreadable(f"unreadable ({e.strerror or e})") from e
    try:
        if os.fstat(fd).st_size > MAX_FILE_BYTES:
            raise Skip(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise Unreadable(f"unreadable ({e.strerror or e})") from e
    finally:
        os.close(fd)


def read_text(path: Path, name: str) -> tuple[str, list[str]]:
    return decode(read_bytes(path), name)


def longest_line(text: str | bytes, sep: str | bytes = "\n") -> int:
    """Length of the longest line, without splitting a large text into a list of lines."""
    longest = pos = 0
    while pos < len(text):
        end = text.find(sep, pos)
        if end < 0:
            end = len(text)
        longest = max(longest, end - pos)
        pos = end + 1
    return longest


def utf8_lines(data: bytes) -> Iterator[str] | None:
    """The lines of UTF-8 ``data`` as ``split_lines`` gives them, decoded one at a time; None
    when ``data`` is not plain UTF-8 (another BOM, invalid bytes, NUL bytes: ``decode``'s
    cases). A large file is read this way so that its text never exists as one string (one
    non-ASCII character makes a str of N characters 2-4N bytes) beside its lines."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not start and any(data.startswith(b) for b in _OTHER_BOMS):
        return None
    if b"\x00" in data[:65536] or not _valid_utf8(data, start):
        return None
    return _lines_from(data, start)


_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _valid_utf8(data: bytes, start: int, chunk: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for pos in range(start, len(data), chunk):
            decoder.decode(view[pos : pos + chunk])  # the text is dropped: only checked
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lines_from(data: bytes, pos: int) -> Iterator[str]:
    end = len(data)
    if data.endswith(b"\n"):
        end -= 1  # a final LF ends the last line; it does not open an empty one
    while pos <= end:
        nl = data.find(b"\n", pos, end)
        if nl < 0:
            nl = end
        # LF is never part of a multi-byte UTF-8 sequence: each line decodes on its own.
        line = data[pos:nl].decode("utf-8")
        yield _grep_line(line)
        pos = nl + 1


def parse_file(path: Path, source: str) -> Document:
    """Parse one file. Raises ``Skip`` for files that are not indexed."""
    fmt = format_of(path)
    if fmt is None:
        raise Skip("unsupported file type")
    if fmt in BINARY_PARSERS:
        return importlib.import_module(BINARY_PARSERS[fmt]).parse(read_bytes(path), source)
    if fmt == "txt":
        data = read_bytes(path)
        short = len(data) <= MAX_LINE_CHARS or longest_line(data, b"\n") <= MAX_LINE_CHARS
        lines = utf8_lines(data) if short else None  # else the general path's line check
        if lines is not None:
            from ipsearch.ingest.text import parse_lines

            doc = parse_lines(lines, source)
            if doc.sections:
                return doc
        text, warnings = decode(data, source)  # not UTF-8, or no text: the general path
        del data
    else:
        text, warnings = read_text(path, source)
    if (
        fmt != "html"
        and len(text) > MAX_LINE_CHARS
        and longest_line(text) > MAX_LINE_CHARS
        and longest_line(text, "\r") > MAX_LINE_CHARS  # old Mac line ends: prose, not data
    ):
        raise Skip(f"has a line over {MAX_LINE_CHARS:,} characters long (generated data?)")
    doc = parse_text(text, fmt, source)
    doc.warnings[:0] = warnings
    return doc


def parse_text(text: str, fmt: str, source: str) -> Document:
    """Decoded text of one file → its document (line numbers as ``grep -n`` prints them)."""
    if fmt == "txt":
        from ipsearch.ingest.text import parse
    elif fmt == "md":
        from ipsearch.ingest.markdown import parse
    elif fmt == "html":
        from ipsearch.ingest.html import parse
    elif fmt == "jsonl":
        from ipsearch.ingest.jsonl import parse
    elif fmt == "rst":
        from ipsearch.ingest.rst import parse
    else:
        raise CorpusError(f"no parser for {fmt}")
    return parse(lf_text(text), source)


def rendered_range(doc: Document, first: int, last: int, lines: list[str] | None = None) -> str:
    """What a reader sees on lines ``first..last``: the blocks that lie within them, as the
    parser rendered them (so a quote is checked by the very renderer that produced it).

    In plain text a line is what a reader sees, so given the file's ``lines``, the part of a
    block that the range cuts through counts too."""
    out = []
    for b in doc.blocks():
        if b.page is not None or b.last < first or b.first > last:
            continue
        if first <= b.first and b.last <= last:
            out.append(b.shown())
        elif doc.format == "txt" and lines is not None:
            out.append(" ".join(lines[max(b.first, first) - 1 : min(b.last, last)]))
    return "\n".join(out)


def render_lines(fmt: str, lines: list[str]) -> str:
    """The reader-visible text of some source lines taken on their own."""
    doc = parse_text("\n".join(lines), fmt, "fragment")
    return rendered_range(doc, 1, max(len(lines), 1))
