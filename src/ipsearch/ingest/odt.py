"""OpenDocument text (.odt) → Document, cited by paragraph number like a DOCX.

ODF is the format UK government bodies are asked to publish editable documents in, so the
people who hold DOCX briefs hold ODT ones too. An .odt is a zip whose ``content.xml`` holds the
text in reading order (``text:h`` headings with their outline level, ``text:p`` paragraphs,
``text:list``, ``table:table``) and ``meta.xml`` the title and dates; both are read here with
lxml (python-docx's sibling for ODF, odfpy, adds nothing this needs).

Tracked changes: deleted text sits in ``text:tracked-changes``, outside the text flow, and
inserted text is inline, so skipping that element reads the document with changes accepted.
Comments (``office:annotation``), footnotes and frames floating in a paragraph are not read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ipsearch.ingest import Skip
from ipsearch.ingest.model import Document
from ipsearch.ingest.numbered import Unit, add_table, build_document, units_text

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
DC = "http://purl.org/dc/elements/1.1/"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
MAX_PART_BYTES = 256 * 1024 * 1024  # a zip bomb's content.xml is not read


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


# Not part of the paragraph's reading text.
_SKIP = {
    _t("note"),
    _t("tracked-changes"),
    f"{{{OFFICE}}}annotation",
    f"{{{DRAW}}}frame",
}
_SPACE = {_t("tab"): "\t", _t("line-break"): " "}


def paragraph_text_of(el) -> str:
    """A paragraph's reading text: spans and links kept, ``text:s`` expanded, notes left out."""
    parts: list[str] = []

    def walk(e) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            if child.tag == _t("s"):
                parts.append(" " * int(child.get(_t("c"), "1")))
            elif child.tag in _SPACE:
                parts.append(_SPACE[child.tag])
            elif child.tag not in _SKIP:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)


def _read(source: bytes | Path) -> tuple[etree._Element, etree._Element | None]:
    """(content root, meta root or None), or ``Skip`` with the reason."""
    try:
        z = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
        with z:
            if b"encryption-data" in _part(z, "META-INF/manifest.xml", required=False):
                raise Skip("encrypted OpenDocument file (needs a password)")
            content = etree.fromstring(_part(z, "content.xml"), etree.XMLParser(huge_tree=True))
            meta_xml = _part(z, "meta.xml", required=False)
            meta = etree.fromstring(meta_xml) if meta_xml else None
    except OSError as e:
        raise Skip(f"unreadable ({e.strerror or e})") from e
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError) as e:
        raise Skip("damaged OpenDocument file (not a readable ODT package)") from e
    except (NotImplementedError, EOFError, RuntimeError, zlib.error) as e:
        # zipfile's errors for an unknown compression method, a cut-off member, an
        # encrypted member, corrupt deflate data.
        raise Skip("damaged OpenDocument file (a part of it cannot be read)") from e
    return content, meta


def _part(z: zipfile.ZipFile, name: str, required: bool = True) -> bytes:
    try:
        info = z.getinfo(name)
    except KeyError:
        if required:
            raise
        return b""
    if info.file_size > MAX_PART_BYTES:
        raise Skip(f"{name} larger than {MAX_PART_BYTES // (1024 * 1024)} MB")
    return z.read(info)


def _title_styles(content) -> set[str]:
    """Names of paragraph styles that are the Title style or derive from it."""
    names = {"Title"}
    for st in content.iter(f"{{{STYLE}}}style"):
        if st.get(f"{{{STYLE}}}parent-style-name") in names:
            names.add(st.get(f"{{{STYLE}}}name"))
    return names


def units(content) -> list[Unit]:
    body = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    out: list[Unit] = []
    if body is not None:
        _walk(body, out, _title_styles(content), 0)
    return out


def _walk(el, out: list[Unit], titles: set[str], depth: int) -> None:
    for child in el:
        tag = child.tag
        if tag in (_t("h"), _t("p")):
            text = paragraph_text_of(child).strip()
            if not text:
                continue
            heading: str | int | None = None
            if tag == _t("h"):
                heading = int(child.get(_t("outline-level"), "1") or 1)
            elif child.get(_t("style-name")) in titles:
                heading = "title"
            out.append(Unit(len(out) + 1, text, heading, 0 if heading else depth))
        elif tag == _t("list"):
            for item in child:
                _walk(item, out, titles, depth + 1)
        elif tag == f"{{{TABLE}}}table":
            rows = (
                [
                    " ".join(t for p in cell.iter(_t("p")) if (t := paragraph_text_of(p).strip()))
                    for cell in row.iter(f"{{{TABLE}}}table-cell")
                ]
                for row in child.iter(f"{{{TABLE}}}table-row")
            )
            add_table(out, rows)
        elif tag == _t("section"):
            _walk(child, out, titles, depth)


def _metadata(meta) -> dict[str, str]:
    if meta is None:
        return {}
    found = {}
    for key, tag in (
        ("title", f"{{{DC}}}title"),
        ("author", f"{{{DC}}}creator"),
        ("subject", f"{{{DC}}}subject"),
        ("keywords", f"{{{META}}}keyword"),
        ("created", f"{{{META}}}creation-date"),
        ("modified", f"{{{DC}}}date"),
    ):
        el = next(meta.iter(tag), None)
        value = (el.text or "").strip() if el is not None else ""
        if value:
            found[key] = value[:10] if key in ("created", "modified") else value
    return found


def paragraph_text(source: bytes | Path, first: int, last: int) -> str | None:
    """Text of units ``first..last`` (1-based), one per line; None if out of range."""
    try:
        content, _ = _read(source)
    except Skip:
        return None
    return units_text(units(content), first, last)


def parse(data: bytes, source: str) -> Document:
    content, meta = _read(data)
    return build_document(source, "odt", units(content), _metadata(meta))
