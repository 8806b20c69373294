"""PDF parser: the seed leaflet made at test time by tests/fixtures_make.py."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ipsearch.ingest import Skip, parse_file
from ipsearch.ingest.pdf import cited_text, page_lines, parse
from ipsearch.verify import normalise
from tests.fixtures_make import CHAIR, RUNNING_HEADER, seed, write_all

SEED = seed()
NAMES = [p.name for p in SEED.partnerships]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("pdf"))


def _parse(files, name: str):
    return parse(files[name].read_bytes(), name)


@pytest.mark.parametrize("name", ["leaflet.pdf", "leaflet-plain.pdf"])
def test_overview_and_eight_partnerships(files, name):
    """Sections from bookmarks (leaflet.pdf) or, without them, from the type sizes."""
    doc = _parse(files, name)
    assert doc.format == "pdf" and doc.title == SEED.title and doc.title_from == "metadata"
    paths = [s.heading_path for s in doc.sections]
    assert paths == [[SEED.title]] + [[SEED.title, n] for n in NAMES]
    assert [s.level for s in doc.sections] == [1] + [2] * 8
    assert doc.metadata["pages"] == "4" and doc.metadata["created"] == "2015-12-16"


@pytest.mark.parametrize("name", ["leaflet.pdf", "leaflet-plain.pdf"])
def test_each_chair_is_a_field_of_its_section(files, name):
    doc = _parse(files, name)
    for section, part in zip(doc.sections[1:], SEED.partnerships, strict=True):
        fields = [b for b in section.blocks if b.kind == "field"]
        assert [(b.key, b.text) for b in fields] == [(CHAIR.rstrip(":"), part.chair)]
        assert fields[0].index_text() == f"{CHAIR} {part.chair}"


@pytest.mark.parametrize("name", ["leaflet.pdf", "leaflet-plain.pdf"])
def test_every_block_is_verbatim_on_its_page_lines(files, name):
    data = files[name].read_bytes()
    doc = parse(data, name)
    blocks = list(doc.blocks())
    assert len(blocks) > 30
    for b in blocks:
        assert b.page is not None and 1 <= b.first <= b.last
        cited = cited_text(data, b.page, b.first, b.last)
        assert cited is not None, b
        assert normalise(b.text) in normalise(cited), b
        # The cited lines are the block's own: its first words open them.
        assert normalise(cited).startswith(normalise(b.text)[:10]) or b.kind == "field"


def test_lines_are_numbered_as_pdfium_extracts_the_page(files):
    data = files["leaflet.pdf"].read_bytes()
    pdf = pdfium.PdfDocument(data)
    for index in range(len(pdf)):
        text = pdf[index].get_textpage().get_text_range()
        assert page_lines(data, index + 1) == text.replace("\ufffe", "-").split("\r\n")
    doc = parse(data, "leaflet.pdf")
    aerospace = doc.sections[1]
    chair = next(b for b in aerospace.blocks if b.kind == "field")
    assert page_lines(data, chair.page)[chair.first - 1] == f"{CHAIR} {chair.text}"
    # A paragraph running over a page break is one block per page, each on its own lines.
    assert {b.page for b in aerospace.blocks} == {1, 2}


@pytest.mark.parametrize("name", ["leaflet.pdf", "leaflet-plain.pdf"])
def test_running_header_and_page_numbers_are_not_content(files, name):
    data = files[name].read_bytes()
    page_text = "\n".join(page_lines(data, 2))
    assert RUNNING_HEADER in page_text and "Page 2 of 4" in page_text
    for b in parse(data, name).blocks():
        assert RUNNING_HEADER not in b.text
        assert not re.search(r"Page \d of \d", b.text)


def test_line_end_hyphens_join_for_indexing_only(files):
    doc = _parse(files, "hyphen.pdf")
    first = next(doc.blocks())
    assert "develop-ment" in first.text and "co-investment" in first.text
    assert "development" in first.index_text()
    # The document writes "co-investment" with its hyphen elsewhere, so that one stays.
    assert "co-investment" in first.index_text() and "coinvestment" not in first.index_text()
    assert "develop-ment" in cited_text(files["hyphen.pdf"].read_bytes(), 1, 1, 1)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("scanned.pdf", "no text layer"),
        ("encrypted.pdf", "encrypted"),
        ("damaged.pdf", "damaged"),
    ],
)
def test_unreadable_pdfs_are_skipped_with_their_reason(files, name, reason):
    with pytest.raises(Skip, match=reason):
        _parse(files, name)
    with pytest.raises(Skip, match=reason):
        parse_file(files[name], name)
    assert page_lines(files[name].read_bytes(), 1) in (None, [""])


def test_title_is_the_largest_text_on_page_one_without_metadata(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Consultation response", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 12, "Skills for Growth", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "Body text of the response. " * 30)
    doc = parse(bytes(pdf.output()), "response.pdf")
    assert (doc.title, doc.title_from) == ("Skills for Growth", "largest text")
    assert doc.sections[-1].heading_path == ["Skills for Growth"]


def test_out_of_range_citations_are_none(files):
    data = files["leaflet.pdf"].read_bytes()
    assert cited_text(data, 9, 1, 1) is None
    assert cited_text(data, 1, 0, 1) is None
    assert cited_text(data, 1, 5, 500) is None


def test_parse_file_reads_pdf_as_bytes(files):
    doc = parse_file(files["leaflet.pdf"], "docs/leaflet.pdf")
    assert doc.source == "docs/leaflet.pdf" and doc.format == "pdf"


def test_quotes_verify_on_the_cited_page(files):
    from ipsearch.verify import verify_quote

    path = files["leaflet.pdf"]
    doc = parse(path.read_bytes(), "leaflet.pdf")
    chair = next(b for b in doc.sections[1].blocks if b.kind == "field")
    lines = (chair.first, chair.last)
    assert verify_quote(path, lines, f"{CHAIR} {chair.text}", page=chair.page)
    assert not verify_quote(path, lines, f"{CHAIR} {chair.text}", page=chair.page + 1)
    assert not verify_quote(path, lines, f"{CHAIR} {chair.text}")  # no page: no check


def _line(page: int, no: int, text: str, top: float, size: float = 10.0):
    from ipsearch.ingest.pdf import Line

    return Line(page, no, text, top, top - size, top - size, 50, 500, size, False)


def test_running_chapter_headers_and_lone_page_numbers_are_furniture():
    from ipsearch.ingest.pdf import Page
    from ipsearch.ingest.pdf_layout import furniture

    pages = [
        Page(
            n,
            800,
            [
                _line(n, 1, f"Chapter 2: Setup {n + 6}", 780),
                # A heading that opens two of six pages at the same height: content.
                _line(n, 2, "Results" if n < 3 else ["Aims", "Scope", "Plan", "Cost"][n - 3], 700),
                _line(n, 3, "Body text that differs on every page " + "x" * n, 400),
                _line(n, 4, str(n), 40),
            ],
        )
        for n in (1, 2, 3, 4, 5, 6)
    ]
    assert furniture(pages) == {(n, no) for n in range(1, 7) for no in (1, 4)}


def test_outline_entries_match_numbered_headings():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for number, name in (("1", "Scope"), ("1.1", "Terms used"), ("2", "Method")):
        pdf.start_section(name, level=number.count("."))
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, f"{number} {name}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, f"What the {name.lower()} part says. " * 8, new_x="LMARGIN")
        pdf.ln(4)
    doc = parse(bytes(pdf.output()), "spec.pdf")
    assert [s.heading_path for s in doc.sections] == [
        ["Scope"],
        ["Scope", "Terms used"],
        ["Method"],
    ]
    assert [s.blocks[0].text for s in doc.sections] == ["1 Scope", "1.1 Terms used", "2 Method"]
    assert all(s.blocks[0].kind == "heading" for s in doc.sections)


def test_hyphen_in_a_field_label_or_list_item_keeps_its_place(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Co-\nordinator: National Grid\n\n- A list item about develop-\nment work")
    doc = parse(bytes(pdf.output()), "f.pdf")
    blocks = list(doc.blocks())
    field = next(b for b in blocks if b.kind == "field")
    assert (field.key, field.text) == ("Co-ordinator", "National Grid")
    item = next(b for b in blocks if b.kind == "item")
    assert item.text == "A list item about develop-ment work"
    assert item.index_text() == "A list item about development work"


def test_a_pdf_locked_only_against_editing_is_read():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Chaired by: Airbus")
    pdf.set_encryption(owner_password="owner")  # no user password: anyone may open it
    doc = parse(bytes(pdf.output()), "locked.pdf")
    assert [(b.key, b.text) for b in doc.blocks()] == [("Chaired by", "Airbus")]


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Annual report 2015", "Annual report 2015"),
        ("Microsoft Word - Annual report.docx", None),
        ("Microsoft Word - Annual report", "Annual report"),
        ("untitled", None),
        ("", None),
    ],
)
def test_metadata_titles_that_are_file_names_are_not_titles(title, kept):
    from ipsearch.ingest.pdf import metadata_title

    assert metadata_title({"title": title}) == kept
