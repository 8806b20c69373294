"""OpenDocument text parser: the seed page as ODF XML made by tests/fixtures_make.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ipsearch.ingest import Skip, parse_file
from ipsearch.ingest.odt import paragraph_text, parse
from tests.fixtures_make import CHAIR, leaflet_odt, seed

SEED = seed()


@pytest.fixture(scope="module")
def leaflet() -> bytes:
    return leaflet_odt(SEED)


def test_title_style_and_outline_levels_make_the_section_tree(leaflet):
    doc = parse(leaflet, "leaflet.odt")
    assert (doc.format, doc.unit, doc.title_from) == ("odt", "paragraph", "metadata")
    assert [s.heading_path for s in doc.sections] == [[SEED.title]] + [
        [SEED.title, p.name] for p in SEED.partnerships
    ]
    assert doc.metadata["created"] == "2015-03-06" and doc.metadata["modified"] == "2015-12-16"
    for section, part in zip(doc.sections[1:], SEED.partnerships, strict=True):
        fields = [(b.key, b.text) for b in section.blocks if b.kind == "field"]
        assert fields == [(CHAIR.rstrip(":"), part.chair)]


def test_changes_accepted_comments_and_notes_left_out(leaflet):
    doc = parse(leaflet, "leaflet.odt")
    text = "\n".join(b.text for b in doc.blocks())
    assert "up to  March 2017" in text  # inserted text kept, spaces as written
    for absent in ("a deleted sentence", "Check this", "A footnote"):
        assert absent not in text


def test_rows_and_list_items(leaflet):
    blocks = list(parse(leaflet, "leaflet.odt").blocks())
    rows = [b for b in blocks if b.kind == "row"]
    assert rows[1].cells == [SEED.partnerships[0].name, SEED.partnerships[0].chair]
    assert rows[1].header == ["Partnership", "Chair"]
    assert [(b.text, b.level) for b in blocks if b.kind == "item"] == [
        ("First point", 1),
        ("Nested point", 2),
    ]


def test_every_block_is_its_numbered_paragraph(leaflet):
    blocks = list(parse(leaflet, "leaflet.odt").blocks())
    assert [b.first for b in blocks] == list(range(1, len(blocks) + 1))
    for b in blocks:
        assert b.text in paragraph_text(leaflet, b.first, b.last)
    assert paragraph_text(leaflet, len(blocks) + 1, len(blocks) + 1) is None


def _zip(**parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts.items():
            z.writestr(name.replace("__", "/").replace("_xml", ".xml"), text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 cut short", "damaged"),
        (_zip(content_xml="<not-closed"), "damaged"),
        (_zip(mimetype="x"), "damaged"),
        (_zip(**{"META-INF__manifest_xml": "<m><encryption-data/></m>"}), "encrypted"),
    ],
)
def test_unreadable_odt_files_are_skipped_with_their_reason(data, reason):
    with pytest.raises(Skip, match=reason):
        parse(data, "bad.odt")
    assert paragraph_text(data, 1, 1) is None


def test_parse_file_reads_odt(tmp_path: Path, leaflet):
    p = tmp_path / "brief.odt"
    p.write_bytes(leaflet)
    assert parse_file(p, "brief.odt").format == "odt"


def test_quotes_verify_against_the_cited_paragraphs(tmp_path: Path, leaflet):
    from ipsearch.verify import verify_quote

    p = tmp_path / "brief.odt"
    p.write_bytes(leaflet)
    chair = next(b for b in parse(leaflet, "brief.odt").blocks() if b.kind == "field")
    assert verify_quote(p, (chair.first, chair.last), chair.text)
    assert not verify_quote(p, (chair.first + 1, chair.first + 1), chair.text)
