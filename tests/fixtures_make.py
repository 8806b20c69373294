"""Make the PDF and Word test documents from the seed page, at test time (no binaries in git).

The seed page (corpus/industrial-partnerships.txt) is laid out as a multi-page PDF leaflet
(larger bold headings, a bookmark per partnership, a running header and page numbers) and as a
DOCX with heading styles; broken inputs (scanned-like, encrypted, damaged) sit beside them.

    python3 tests/fixtures_make.py OUT_DIR     # writes every fixture into OUT_DIR
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "corpus" / "industrial-partnerships.txt"

# The plain-text copy of the seed page lost most of its <h2> headings (see
# tests/data/industrial-partnerships.html); the leaflet restores them in page order.
PARTNERSHIPS = [
    "Aerospace",
    "Automotive",
    "Creative Industries",
    "Digital",
    "Energy & Efficiency",
    "Nuclear",
    "Science",
    "Tunnelling",
]
RUNNING_HEADER = "Industrial partnerships – information leaflet"
CHAIR = "Chaired by:"


@dataclass
class Partnership:
    name: str
    chair: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Seed:
    title: str
    dateline: list[str]
    overview: list[str]
    partnerships: list[Partnership]


def seed(path: Path = SEED_TXT) -> Seed:
    """The seed page's parts: title, dates, overview paragraphs and the eight partnerships."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))]
    paras = [p for p in paras if p]
    title = paras[0]
    chairs = [i for i, p in enumerate(paras) if p.startswith(CHAIR)]
    overview = [p for p in paras[1 : chairs[0]] if p not in PARTNERSHIPS]
    parts: list[Partnership] = []
    for k, start in enumerate(chairs):
        end = chairs[k + 1] if k + 1 < len(chairs) else len(paras)
        body: list[str] = []
        for p in paras[start + 1 : end]:
            if p.startswith("Further information"):
                break
            body.append(p)
        chair = paras[start][len(CHAIR) :].strip()
        parts.append(Partnership(PARTNERSHIPS[k], chair, body))
    tail = paras[chairs[-1] :]
    published = next(p for p in tail if p.startswith("Published"))
    # Keep the dates; "+ show all updates" and the change list are web page controls.
    dateline = [
        re.sub(r"\s*\+\s*show all updates", "", line).strip()
        for line in published.splitlines()
        if line.startswith(("Published", "Last updated"))
    ]
    return Seed(title, dateline, overview, parts)


def _leaflet_pdf(s: Seed, bookmarks: bool = True):
    from fpdf import FPDF

    class Leaflet(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "", 8)
            self.set_text_color(110)
            self.cell(0, 6, RUNNING_HEADER, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0)
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Leaflet(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_title(s.title)
    pdf.set_author("Skills Funding Agency")
    pdf.set_creation_date(__import__("datetime").datetime(2015, 12, 16))

    def heading(text: str, size: int, level: int) -> None:
        if pdf.will_page_break(size * 1.2):
            pdf.add_page()
        if bookmarks:
            pdf.start_section(text, level=level)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    def para(text: str, markdown: bool = False) -> None:
        pdf.set_font("Helvetica", "", 10.5)
        pdf.multi_cell(0, 5.2, text, markdown=markdown, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3.5)

    pdf.add_page()
    heading(s.title, 20, 0)
    pdf.set_font("Helvetica", "", 9)
    for line in s.dateline:
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for p in s.overview:
        para(p)
    for part in s.partnerships:
        pdf.ln(3)
        heading(part.name, 14, 1)
        para(f"**{CHAIR}** {part.chair}", markdown=True)
        for p in part.paragraphs:
            para(p)
    return pdf


def leaflet_pdf(s: Seed | None = None, bookmarks: bool = True) -> bytes:
    return bytes(_leaflet_pdf(s or seed(), bookmarks).output())


def leaflet_docx(s: Seed | None = None) -> bytes:
    """The seed page as a Word document: Title and Heading 1 styles, a summary table in the
    overview, a comment, and a running header and footer."""
    import datetime

    from docx import Document

    s = s or seed()
    doc = Document()
    doc.core_properties.title = s.title
    doc.core_properties.author = "Skills Funding Agency"
    doc.core_properties.created = datetime.datetime(2015, 3, 6)
    doc.core_properties.modified = datetime.datetime(2015, 12, 16)
    section = doc.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.footer.paragraphs[0].text = "Page footer text"
    doc.add_paragraph(s.title, style="Title")
    for line in s.dateline:
        doc.add_paragraph(line)
    for p in s.overview:
        doc.add_paragraph(p)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Partnership"
    table.rows[0].cells[1].text = "Chair"
    for part in s.partnerships:
        row = table.add_row()
        row.cells[0].text = part.name
        row.cells[1].text = part.chair
    for part in s.partnerships:
        doc.add_heading(part.name, level=1)
        doc.add_paragraph(f"{CHAIR} {part.chair}")
        for p in part.paragraphs:
            doc.add_paragraph(p)
    first = doc.paragraphs[2]
    doc.add_comment(first.runs[0], text="Reviewer comment, not content", author="Reviewer")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def tracked_docx() -> bytes:
    """A small DOCX with tracked changes: an insertion, a deletion and a list."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    doc.add_heading("Tracked changes", level=1)
    p = doc.add_paragraph("The fund is ")
    w = nsdecls("w")
    deleted = "<w:r><w:delText>£300 million</w:delText></w:r>"
    inserted = "<w:r><w:t>£354 million</w:t></w:r>"
    p._p.append(parse_xml(f'<w:del {w} w:id="1" w:author="A">{deleted}</w:del>'))
    p._p.append(parse_xml(f'<w:ins {w} w:id="2" w:author="A">{inserted}</w:ins>'))
    p.add_run(" in total.")
    gone = doc.add_paragraph()
    gone._p.append(parse_xml(f'<w:del {w} w:id="3" w:author="A">{deleted}</w:del>'))
    doc.add_paragraph("First point", style="List Bullet")
    doc.add_paragraph("Second point", style="List Bullet 2")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)


def leaflet_odt(s: Seed | None = None) -> bytes:
    """The seed page as OpenDocument text, written as ODF XML: a Title paragraph, level-1
    headings, a table, a list, a tracked deletion and insertion, a comment and a footnote."""
    from xml.sax.saxutils import escape as x

    s = s or seed()
    body = [f'<text:p text:style-name="P1">{x(s.title)}</text:p>']
    body += [f"<text:p>{x(line)}</text:p>" for line in s.dateline]
    body.append(
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion>"
        "<text:p>a deleted sentence</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
    )
    for i, p in enumerate(s.overview):
        note = (
            '<text:note text:note-class="footnote"><text:note-body><text:p>A footnote'
            "</text:p></text:note-body></text:note>"
            if i == 0
            else ""
        )
        body.append(f"<text:p>{x(p)}{note}</text:p>")
    body.append(
        "<text:p>Funding: <text:change text:change-id='c1'/><text:span>up to"
        "</text:span><text:s text:c='2'/>March 2017<office:annotation><text:p>Check this"
        "</text:p></office:annotation></text:p>"
    )
    body.append("<table:table>")
    for cells in [("Partnership", "Chair")] + [(q.name, q.chair) for q in s.partnerships]:
        row = "".join(
            f"<table:table-cell><text:p>{x(c)}</text:p></table:table-cell>" for c in cells
        )
        body.append(f"<table:table-row>{row}</table:table-row>")
    body.append("</table:table>")
    for part in s.partnerships:
        body.append(f'<text:h text:outline-level="1">{x(part.name)}</text:h>')
        body.append(f"<text:p>{CHAIR} {x(part.chair)}</text:p>")
        body += [f"<text:p>{x(p)}</text:p>" for p in part.paragraphs]
    body.append(
        "<text:list><text:list-item><text:p>First point</text:p><text:list><text:list-item>"
        "<text:p>Nested point</text:p></text:list-item></text:list></text:list-item></text:list>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
        'style:parent-style-name="Title"/></office:automatic-styles>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODF_NS}><office:meta>'
        f"<dc:title>{x(s.title)}</dc:title><dc:creator>Skills Funding Agency</dc:creator>"
        "<meta:creation-date>2015-03-06T09:00:00</meta:creation-date>"
        "<dc:date>2015-12-16T10:00:00</dc:date></office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("meta.xml", meta)
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def hyphen_pdf() -> bytes:
    """One page whose paragraph breaks a word with a hyphen at a line end."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        0,
        6,
        "Skills for the develop-\nment of the industry and its co-\ninvestment model.\n"
        "A co-investment model matches public money with employers' own.",
    )
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """Pages that hold only an image of text (no text layer), as a scanner produces."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for y in range(60, 740, 24):
        draw.text((40, y), "Scanned text that has no text layer " * 2, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    pdf = _leaflet_pdf(seed())
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def damaged_pdf() -> bytes:
    """A file named .pdf whose body is not a PDF any more (a truncated download)."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00garbage" * 40


def damaged_docx() -> bytes:
    return b"PK\x03\x04 this zip was cut short"


def long_pdf(pages: int) -> bytes:
    """A document of at least ``pages`` pages: the seed leaflet with its partnerships repeated
    (for benchmarks)."""
    s = seed()

    def make(repeats: int):
        return _leaflet_pdf(Seed(s.title, s.dateline, s.overview, s.partnerships * repeats))

    repeats = 1
    pdf = make(repeats)
    while len(pdf.pages) < pages:  # scale by the pages one repeat adds, then close in
        per = max(0.5, (len(pdf.pages) - 1) / repeats)
        repeats = max(repeats + 1, int(repeats + (pages - len(pdf.pages)) / per))
        pdf = make(repeats)
    return bytes(pdf.output())


FIXTURES = {
    "leaflet.pdf": leaflet_pdf,
    "leaflet-plain.pdf": lambda: leaflet_pdf(bookmarks=False),
    "leaflet.docx": leaflet_docx,
    "tracked.docx": tracked_docx,
    "leaflet.odt": leaflet_odt,
    "hyphen.pdf": hyphen_pdf,
    "scanned.pdf": scanned_pdf,
    "encrypted.pdf": encrypted_pdf,
    "damaged.pdf": damaged_pdf,
    "damaged.docx": damaged_docx,
}


def write_all(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in FIXTURES.items():
        paths[name] = out / name
        paths[name].write_bytes(make())
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for p in write_all(Path(sys.argv[1])).values():
        print(p)
