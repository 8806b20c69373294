"""Word parser: the seed page as a DOCX made at test time by tests/fixtures_make.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ipsearch.ingest import Skip, parse_file
from ipsearch.ingest.docx import paragraph_text, parse
from ipsearch.verify import normalise
from tests.fixtures_make import CHAIR, RUNNING_HEADER, leaflet_docx, seed, tracked_docx

SEED = seed()
NAMES = [p.name for p in SEED.partnerships]


@pytest.fixture(scope="module")
def leaflet() -> bytes:
    return leaflet_docx(SEED)


def test_title_and_heading_styles_make_the_section_tree(leaflet):
    doc = parse(leaflet, "leaflet.docx")
    assert (doc.format, doc.unit) == ("docx", "paragraph")
    assert (doc.title, doc.title_from) == (SEED.title, "metadata")
    assert [s.heading_path for s in doc.sections] == [[SEED.title]] + [
        [SEED.title, n] for n in NAMES
    ]
    assert [s.level for s in doc.sections] == [1] + [2] * 8
    assert doc.metadata["created"] == "2015-03-06" and doc.metadata["modified"] == "2015-12-16"


def test_each_chair_is_a_field_of_its_section(leaflet):
    doc = parse(leaflet, "leaflet.docx")
    for section, part in zip(doc.sections[1:], SEED.partnerships, strict=True):
        fields = [(b.key, b.text) for b in section.blocks if b.kind == "field"]
        assert fields == [(CHAIR.rstrip(":"), part.chair)]
        assert len([b for b in section.blocks if b.kind == "paragraph"]) == len(part.paragraphs)


def test_blocks_are_numbered_paragraphs_with_their_exact_text(leaflet):
    doc = parse(leaflet, "leaflet.docx")
    blocks = list(doc.blocks())
    assert [b.first for b in blocks] == list(range(1, len(blocks) + 1))
    assert all(b.first == b.last for b in blocks)
    for b in blocks:
        assert normalise(b.text) in normalise(paragraph_text(leaflet, b.first, b.last))
    assert paragraph_text(leaflet, 1, 2) == f"{SEED.title}\n{SEED.dateline[0]}"
    assert paragraph_text(leaflet, 0, 1) is None
    assert paragraph_text(leaflet, len(blocks), len(blocks) + 1) is None


def test_table_rows_carry_their_header(leaflet):
    doc = parse(leaflet, "leaflet.docx")
    rows = [b for b in doc.sections[0].blocks if b.kind == "row"]
    assert rows[0].cells == ["Partnership", "Chair"] and rows[0].header is None
    first = SEED.partnerships[0]
    assert rows[1].cells == [first.name, first.chair]
    assert rows[1].header == ["Partnership", "Chair"]
    assert rows[1].index_text() == f"Partnership: {first.name}; Chair: {first.chair}"
    assert len(rows) == 9


def test_headers_footers_and_comments_are_not_content(leaflet):
    import docx

    d = docx.Document(io.BytesIO(leaflet))
    # The fixture really has them, so the assertions below can fail.
    assert d.sections[0].header.paragraphs[0].text == RUNNING_HEADER
    assert any(c.text == "Reviewer comment, not content" for c in d.comments)
    text = " ".join(b.text for b in parse(leaflet, "leaflet.docx").blocks())
    for absent in (RUNNING_HEADER, "Page footer text", "Reviewer comment"):
        assert absent not in text


def test_tracked_changes_are_accepted_and_lists_are_items():
    data = tracked_docx()
    doc = parse(data, "tracked.docx")
    assert (doc.title, doc.title_from) == ("Tracked changes", "h1")
    blocks = list(doc.blocks())
    texts = [b.text for b in blocks]
    assert "The fund is £354 million in total." in texts
    assert not any("£300" in t for t in texts)  # deleted, and a wholly deleted paragraph
    items = [(b.text, b.level) for b in blocks if b.kind == "item"]
    assert items == [("First point", 1), ("Second point", 2)]
    assert paragraph_text(data, 2, 2) == "The fund is £354 million in total."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 this zip was cut short", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy"),
        (b"not a zip at all", "damaged"),
    ],
)
def test_unreadable_word_files_are_skipped_with_their_reason(data, reason):
    with pytest.raises(Skip, match=reason):
        parse(data, "bad.docx")
    assert paragraph_text(data, 1, 1) is None


def test_empty_document_is_skipped():
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with pytest.raises(Skip, match="no text"):
        parse(out.getvalue(), "empty.docx")


def test_parse_file_reads_docx_as_bytes(tmp_path: Path, leaflet):
    p = tmp_path / "brief.docx"
    p.write_bytes(leaflet)
    doc = parse_file(p, "brief.docx")
    assert doc.source == "brief.docx" and len(doc.sections) == 9


def test_quotes_verify_against_the_cited_paragraphs(tmp_path: Path, leaflet):
    from ipsearch.verify import verify_quote

    p = tmp_path / "brief.docx"
    p.write_bytes(leaflet)
    doc = parse(leaflet, "brief.docx")
    chair = next(b for b in doc.sections[1].blocks if b.kind == "field")
    assert verify_quote(p, (chair.first, chair.last), f"{CHAIR} {chair.text}")
    assert not verify_quote(p, (chair.first + 1, chair.first + 1), f"{CHAIR} {chair.text}")
    assert not verify_quote(tmp_path / "gone.docx", (1, 1), "x")
