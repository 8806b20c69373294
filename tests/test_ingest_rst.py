"""reStructuredText parser: the seed page written as reST."""

from __future__ import annotations

import pytest

from ipsearch.ingest import Skip
from ipsearch.ingest.rst import parse
from ipsearch.verify import normalise
from tests.fixtures_make import CHAIR, seed

SEED = seed()


def seed_rst() -> str:
    bar = "=" * len(SEED.title)
    out = [bar, SEED.title, bar, "", ":Author: Skills Funding Agency", ":Date: 2015-03-06", ""]
    for p in SEED.overview:
        out += [p, ""]
    for part in SEED.partnerships:
        out += [part.name, "-" * len(part.name), "", f"{CHAIR} {part.chair}", ""]
        for p in part.paragraphs:
            out += [p, ""]
    out += ["- A *first* point", "  over two lines", "- A second point", "", "::", ""]
    out += ["   code line one", "   code line two", ""]
    out += ["=========== =======", "Partnership Chair", "=========== =======", "Nuclear     Magnox"]
    out += ["=========== =======", ""]
    return "\n".join(out)


def test_sections_fields_and_metadata():
    doc = parse(seed_rst(), "seed.rst")
    assert (doc.title, doc.title_from, doc.unit) == (SEED.title, "h1", "line")
    assert doc.metadata == {"author": "Skills Funding Agency", "date": "2015-03-06"}
    assert [s.heading_path for s in doc.sections] == [[SEED.title]] + [
        [SEED.title, p.name] for p in SEED.partnerships
    ]
    for section, part in zip(doc.sections[1:], SEED.partnerships, strict=True):
        fields = [(b.key, b.text) for b in section.blocks if b.kind == "field"]
        assert fields == [(CHAIR.rstrip(":"), part.chair)]


def test_blocks_sit_on_their_source_lines():
    text = seed_rst()
    lines = text.split("\n")
    blocks = list(parse(text, "seed.rst").blocks())
    kinds = {b.kind for b in blocks}
    assert {"heading", "field", "paragraph", "item", "code", "row"} <= kinds
    for b in blocks:
        source = normalise(" ".join(lines[b.first - 1 : b.last]))
        shown = normalise(b.text).replace("first", "*first*")
        assert shown in source or (b.kind == "row" and b.cells[0] in source), b
    item = next(b for b in blocks if b.kind == "item")
    assert (item.text, item.last - item.first) == ("A first point over two lines", 1)
    row = next(b for b in blocks if b.kind == "row" and b.header)
    assert row.index_text() == "Partnership: Nuclear; Chair: Magnox"


def test_directives_cannot_read_other_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not index me")
    doc = parse(f"Title\n=====\n\n.. include:: {secret}\n\nBody text.\n", "x.rst")
    assert "do not index me" not in " ".join(b.text for b in doc.blocks())


def test_empty_document_is_skipped():
    with pytest.raises(Skip):
        parse(".. a comment only\n", "empty.rst")


def test_unknown_role_in_a_table_cell_reads_as_its_text():
    """docutils reports an unknown role (Sphinx's ``:func:``) inside the cell that holds it;
    the report is no text of the page."""
    text = (
        "Title\n=====\n\n=========  ======\nName       Does\n=========  ======\n"
        ":func:`a`  one\n=========  ======\n"
    )
    rows = [b for b in parse(text, "x.rst").blocks() if b.kind == "row"]
    assert rows[-1].cells == [":func:`a`", "one"]
