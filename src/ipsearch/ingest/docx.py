"""Word (.docx) → Document, on python-docx, cited by paragraph number (``brief.docx ¶12-14``).

A DOCX has no lines, so ``Document.unit`` is ``"paragraph"``: every non-empty body paragraph
and every non-empty table row is one numbered unit, in reading order, and ``Block.first/last``
count those units. :func:`paragraph_text` gives the text of units a..b with the same reading.

The text is the document as it reads with tracked changes accepted: python-docx's
``Paragraph.text`` skips runs inside ``<w:ins>`` and has no notion of ``<w:del>``, so runs are
read from the XML here (inserted runs kept, deleted and moved-away runs dropped). Comments,
headers, footers and footnotes live in other parts of the package and are not content.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ipsearch.ingest import Skip
from ipsearch.ingest.model import Document
from ipsearch.ingest.numbered import Unit, add_table, build_document, units_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_OUT = "not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::mc:Fallback)"
# Text-bearing run children of a paragraph, in document order; text boxes are left out (their
# text floats outside the paragraph flow and a VML fallback would repeat it).
_RUN_TEXT = etree.XPath(
    f".//w:r[{_OUT} and not(ancestor::w:txbxContent)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]",
    namespaces=NS,
)
_CHARS = {f"{{{W}}}tab": "\t", f"{{{W}}}br": " ", f"{{{W}}}cr": " ", f"{{{W}}}noBreakHyphen": "-"}
_HEADING = re.compile(r"^heading ([1-9])$")
_OLE = b"\xd0\xcf\x11\xe0"  # a legacy .doc, or a password-protected DOCX wrapped in OLE


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class _Styles:
    """Paragraph style id → heading kind and list depth, following ``basedOn`` chains."""

    def __init__(self, styles_el) -> None:
        self.by_id: dict[str, tuple[str, str | None, object]] = {}
        for el in styles_el.iterchildren(_w("style")):
            name = el.find(_w("name"))
            based = el.find(_w("basedOn"))
            self.by_id[el.get(_w("styleId"))] = (
                (name.get(_w("val")) if name is not None else "").lower(),
                based.get(_w("val")) if based is not None else None,
                el.find(_w("pPr")),
            )

    def chain(self, style_id: str | None) -> Iterator[tuple[str, object]]:
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            name, based, ppr = self.by_id[style_id]
            yield name, ppr
            style_id = based

    def heading(self, style_id: str | None, ppr) -> str | int | None:
        level = _outline_level(ppr)
        if level is not None:
            return level
        for name, style_ppr in self.chain(style_id):
            if name == "title":
                return "title"
            m = _HEADING.match(name)
            if m:
                return int(m[1])
            level = _outline_level(style_ppr)
            if level is not None:
                return level
        return None

    def item(self, style_id: str | None, ppr) -> int:
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        for name, style_ppr in self.chain(style_id):
            if numpr is not None:
                break
            if style_ppr is not None and style_ppr.find(_w("numPr")) is not None:
                m = re.search(r"(\d)$", name)
                return int(m[1]) if m else 1
        if numpr is None:
            return 0
        ilvl = numpr.find(_w("ilvl"))
        return 1 + int(ilvl.get(_w("val"), "0")) if ilvl is not None else 1


def _outline_level(ppr) -> int | None:
    el = ppr.find(_w("outlineLvl")) if ppr is not None else None
    if el is None:
        return None
    level = int(el.get(_w("val"), "9"))
    return level + 1 if level < 9 else None  # 9 = body text


def run_text(p) -> str:
    """A paragraph's text as it reads with tracked changes accepted."""
    return "".join(_CHARS.get(el.tag, el.text or "") for el in _RUN_TEXT(p))


def read_docx(source: bytes | Path) -> tuple[list[Unit], dict[str, str]]:
    """The document's numbered units and metadata, or ``Skip`` with the reason."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as e:
        raise Skip(f"unreadable ({e.strerror or e})") from e
    if data[:4] == _OLE:
        raise Skip("encrypted or legacy Word file (not a DOCX package)")
    try:
        doc = docx.Document(io.BytesIO(data))
        return units(doc), _metadata(doc)
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as e:
        raise Skip("damaged Word document (not a readable DOCX package)") from e
    except ValueError as e:  # e.g. a template or macro document's content type
        raise Skip(f"not a Word document ({e})") from e
    except Exception as e:
        # A corrupt part fails wherever python-docx, zipfile, zlib or lxml first reads it
        # (parts load lazily): whatever the error, the file is damaged, not our bug to show.
        raise Skip("damaged Word document (a part of it cannot be read)") from e


def units(doc) -> list[Unit]:
    """The numbered units of a document's body, in reading order."""
    styles = _Styles(doc.styles.element)
    out: list[Unit] = []
    carry = ""  # text of a paragraph whose mark was deleted: it joins the next paragraph
    for el in _body_elements(doc.element.body):
        if el.tag == _w("tbl"):
            _table_units(el, out)
            continue
        ppr = el.find(_w("pPr"))
        text = carry + run_text(el)
        if ppr is not None and ppr.find(f"{_w('rPr')}/{_w('del')}") is not None:
            carry = text
            continue
        carry = ""
        text = text.strip()
        if not text:
            continue
        style = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = style.get(_w("val")) if style is not None else None
        heading = styles.heading(style_id, ppr)
        item = 0 if heading else styles.item(style_id, ppr)
        out.append(Unit(len(out) + 1, text, heading, item))
    return out


def _body_elements(parent) -> Iterator:
    """Paragraphs and tables, looking inside content controls and custom XML wrappers."""
    for el in parent.iterchildren():
        if el.tag in (_w("p"), _w("tbl")):
            yield el
        elif el.tag in (_w("sdt"), _w("customXml")):
            content = el.find(_w("sdtContent"))
            yield from _body_elements(content if content is not None else el)


def _table_units(tbl, out: list[Unit]) -> None:
    rows = (
        [
            " ".join(t for p in tc.iter(_w("p")) if (t := run_text(p).strip()))
            for tc in tr.iterchildren(_w("tc"))
        ]
        for tr in tbl.iterchildren(_w("tr"))
    )
    add_table(out, rows)


def paragraph_text(source: bytes | Path, first: int, last: int) -> str | None:
    """Text of units ``first..last`` (1-based), one per line; None if out of range or
    unreadable."""
    try:
        found, _ = read_docx(source)
    except Skip:
        return None
    return units_text(found, first, last)


def _metadata(doc) -> dict[str, str]:
    props = doc.core_properties
    meta = {}
    for key in ("title", "author", "subject", "keywords", "category"):
        value = (getattr(props, key) or "").strip()
        if value:
            meta[key] = value
    for key in ("created", "modified"):
        value = getattr(props, key)
        if value is not None:
            meta[key] = value.date().isoformat()
    return meta


def parse(data: bytes, source: str) -> Document:
    found, meta = read_docx(data)
    return build_document(source, "docx", found, meta)
