"""PDF → Document, on pypdfium2 (PDFium): text per page, cited as page + lines within the page.

Lines are numbered exactly as PDFium's extracted page text numbers them
(``PdfTextPage.get_text_range()`` split at its line breaks), so ``report.pdf#page=3:12-14``
can be checked against the same extraction (:func:`cited_text`, :func:`page_lines`).

PDFium itself joins a word hyphenated at a line end into one text line and marks the hyphen
with U+FFFE. The page shows a hyphen there, so the reader-visible text (block text, quotes,
``page_lines``) keeps ``-``: ``develop-ment``. Only the index form
(``Block.index_text()``) rejoins the word (``development``), unless the document itself
writes that compound with a hyphen (``co-investment``).

Pages are read one at a time and closed before the next, so memory stays bounded by the text,
not by the PDF's page objects.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ipsearch.ingest import Skip
from ipsearch.ingest.model import Document

# PDFium's marker for a hyphen it joined across a line end (U+FFFE in the text, 0x02 as a char).
SOFT_HYPHEN = "\ufffe"
_BREAK = re.compile(r"\r\n|\r|\n")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|extrabold", re.IGNORECASE)
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag
# Lines of one page past this are not read: the index numbers a PDF's lines page-wide as
# page × 10,000 + line (ipsearch.locator), and no real page comes near it.
MAX_PAGE_LINES = 9_999
_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
_JUNK_TITLE = re.compile(
    r"(\.(docx?|pdf|rtf|odt|indd|qxp|pptx?|xlsx?)$)|^(untitled|document\d*|slide \d+)$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Line:
    """One line of a page's extracted text, with what layout analysis needs to know about it.

    ``raw`` is the line as PDFium returns it (joined hyphens marked); ``text`` is what the
    page shows. Coordinates are PDF points, y growing upwards.
    """

    page: int
    no: int
    raw: str
    top: float
    bottom: float  # of the first char; ``end`` of the last (PDFium may join two lines in one)
    end: float
    left: float
    right: float
    size: float
    bold: bool
    text: str = ""

    def __post_init__(self) -> None:
        self.text = reader_text(self.raw).strip()


@dataclass
class Page:
    number: int
    height: float
    lines: list[Line]  # non-blank lines only; ``no`` keeps PDFium's numbering


def reader_text(raw: str) -> str:
    """A line of PDFium text as the page shows it."""
    return raw.replace(SOFT_HYPHEN, "-")


def open_pdf(source: bytes | Path) -> pdfium.PdfDocument:
    """Open a PDF or raise ``Skip`` with the reason a reader would want."""
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Skip("encrypted PDF (needs a password)") from e
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise Skip("encrypted PDF (unsupported security handler)") from e
        raise Skip("damaged PDF (PDFium cannot read it)") from e
    except (OSError, ValueError) as e:
        raise Skip(f"unreadable PDF ({e})") from e


def raw_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) for each line of PDFium page text, numbered as its line breaks split it."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _BREAK.finditer(text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return out


def page_lines(source: bytes | Path | pdfium.PdfDocument, page: int) -> list[str] | None:
    """The reader-visible lines of 1-based ``page`` as this parser numbers them (for ``show``
    and quote checks); None when the page or file cannot be read."""
    try:
        pdf = source if isinstance(source, pdfium.PdfDocument) else open_pdf(source)
    except Skip:
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        p = pdf[page - 1]
        tp = p.get_textpage()
        try:
            return [reader_text(line) for _, line in raw_lines(tp.get_text_range())]
        finally:
            tp.close()
            p.close()
    except pdfium.PdfiumError:
        return None
    finally:
        if pdf is not source:
            pdf.close()


def cited_text(source: bytes | Path, page: int, first: int, last: int) -> str | None:
    """Reader-visible text of lines ``first..last`` of ``page``, or None if out of range."""
    lines = page_lines(source, page)
    if lines is None or first < 1 or last < first or last > len(lines):
        return None
    return "\n".join(lines[first - 1 : last])


class _Fonts:
    """Per-page font lookups through the raw PDFium API (size, weight, name per char)."""

    def __init__(self, tp: pdfium.PdfTextPage) -> None:
        self.tp = tp
        self.rect = pdfium_c.FS_RECTF()
        self.box = [ctypes.c_double() for _ in range(4)]
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.bold_by_name: dict[bytes, bool] = {}

    def size(self, i: int) -> float:
        return pdfium_c.FPDFText_GetFontSize(self.tp, i)

    def bold(self, i: int) -> bool:
        if pdfium_c.FPDFText_GetFontWeight(self.tp, i) >= 600:
            return True
        if not pdfium_c.FPDFText_GetFontInfo(self.tp, i, self.name, 128, self.flags):
            return False
        name = self.name.value
        if name not in self.bold_by_name:
            self.bold_by_name[name] = bool(_BOLD_NAME.search(name.decode("latin-1")))
        return self.bold_by_name[name] or bool(self.flags.value & _FORCE_BOLD)

    def loose(self, i: int) -> tuple[float, float] | None:
        """(top, bottom) of the font's box around char ``i``: even for every glyph of a line."""
        if not pdfium_c.FPDFText_GetLooseCharBox(self.tp, i, self.rect):
            return None
        return self.rect.top, self.rect.bottom

    def tight(self, i: int) -> tuple[float, float] | None:
        """(left, right) of char ``i``."""
        b = self.box
        if not pdfium_c.FPDFText_GetCharBox(self.tp, i, b[0], b[1], b[2], b[3]):
            return None
        return b[0].value, b[1].value


def read_page(pdf: pdfium.PdfDocument, number: int) -> Page:
    """Lines of one page with geometry and font, sampling a few chars a line (not every char):
    fast enough for hundreds of pages, enough to tell headings and paragraphs apart."""
    p = pdf[number - 1]
    tp = p.get_textpage()
    try:
        fonts = _Fonts(tp)
        out: list[Line] = []
        for no, (offset, raw) in enumerate(raw_lines(tp.get_text_range()), 1):
            if no > MAX_PAGE_LINES:
                break
            stripped = raw.strip()
            if not stripped:
                continue
            start = offset + len(raw) - len(raw.lstrip())
            end = start + len(stripped) - 1
            line = _measure(fonts, (start, end), number, no, raw)
            if line is not None:
                out.append(line)
        return Page(number, p.get_height(), out)
    finally:
        tp.close()
        p.close()


def _char_index(tp: pdfium.PdfTextPage, text_index: int) -> int:
    i = pdfium_c.FPDFText_GetCharIndexFromTextIndex(tp, text_index)
    return text_index if i < 0 else i


def _measure(fonts: _Fonts, span: tuple[int, int], page: int, no: int, raw: str) -> Line | None:
    """A line's geometry from its text index span, sampling first, middle and last char (and
    the quarter points when their sizes disagree)."""
    start, end = span
    first, mid, last = (_char_index(fonts.tp, t) for t in (start, (start + end) // 2, end))
    vertical, closing = fonts.loose(first), fonts.loose(last)
    left, right = fonts.tight(first), fonts.tight(last)
    if vertical is None or closing is None or left is None or right is None:
        return None
    sizes = [fonts.size(i) for i in (first, mid, last)]
    if max(sizes) != min(sizes):
        quarters = ((3 * start + end) // 4, (start + 3 * end) // 4)
        sizes += [fonts.size(_char_index(fonts.tp, t)) for t in quarters]
    size = sorted(sizes)[len(sizes) // 2]
    bold = all(fonts.bold(i) for i in (first, mid, last))
    top, bottom = vertical
    return Line(page, no, raw, top, bottom, closing[1], left[0], right[1], size, bold)


def metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    meta = {}
    for key, value in pdf.get_metadata_dict(skip_empty=True).items():
        value = value.strip()
        if key.endswith("Date"):
            m = _DATE.match(value)
            if not m:
                continue
            value = "-".join(g for g in m.groups() if g)
            key = "created" if key == "CreationDate" else "modified"
        meta[key.lower()] = value
    meta["pages"] = str(len(pdf))
    return meta


def metadata_title(meta: dict[str, str]) -> str | None:
    """The metadata title, unless it is a leftover file name or placeholder."""
    title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", meta.get("title", "")).strip()
    if not title or _JUNK_TITLE.search(title):
        return None
    return title


@dataclass
class Bookmark:
    level: int  # 1 = top
    title: str
    page: int  # 1-based
    y: float | None  # destination height on the page, when the outline gives one


def outline(pdf: pdfium.PdfDocument) -> list[Bookmark]:
    """The outline entries that point into this document, in outline order."""
    marks: list[Bookmark] = []
    for bm in pdf.get_toc(max_depth=8):
        title = " ".join((bm.get_title() or "").split())
        dest = bm.get_dest()
        index = dest.get_index() if dest is not None else None
        if not title or index is None or index >= len(pdf):
            continue
        mode, pos = dest.get_view()
        y = pos[1] if mode == pdfium_c.PDFDEST_VIEW_XYZ and len(pos) >= 2 and pos[1] else None
        marks.append(Bookmark(bm.level + 1, title, index + 1, y))
    return marks


def parse(data: bytes, source: str) -> Document:
    """One PDF as a Document; ``Skip`` for encrypted, damaged or text-less (scanned) files."""
    from ipsearch.ingest.pdf_layout import build_document

    pdf = open_pdf(data)
    try:
        pages: list[Page] = []
        warnings: list[str] = []
        for number in range(1, len(pdf) + 1):
            try:
                pages.append(read_page(pdf, number))
            except pdfium.PdfiumError:
                warnings.append(f"{source}: page {number} could not be read; skipped")
        if not any(p.lines for p in pages):
            raise Skip("no text layer (a scanned PDF? run OCR on it first)")
        empty = [str(p.number) for p in pages if not p.lines]
        if empty:
            warnings.append(f"{source}: no text on page(s) {', '.join(empty[:10])} (scanned?)")
        meta = metadata(pdf)
        doc = build_document(source, pages, meta, outline(pdf))
    finally:
        pdf.close()
    doc.warnings[:0] = warnings
    return doc
