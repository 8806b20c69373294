import codecs

import pytest

from ipsearch.ingest import Skip, decode, parse_file, split_lines


def test_markdown_headings_atx_and_setext(tmp_path):
    p = tmp_path / "doc.md"
    p.write_text(
        "# Title\n\nIntro **text**.\n\nFirst part\n----------\n\nBody one.\n\n"
        "## Second part\n\n- item [link](http://x)\n"
    )
    parsed = parse_file(p, "doc.md")
    kinds = [(b.kind, b.text, b.first, b.last) for b in parsed.blocks()]
    assert kinds == [
        ("heading", "Title", 1, 1),
        ("paragraph", "Intro text.", 3, 3),
        ("heading", "First part", 5, 6),
        ("paragraph", "Body one.", 8, 8),
        ("heading", "Second part", 10, 10),
        ("item", "item link", 12, 12),
    ]
    assert parsed.title == "Title"
    assert [s.heading_path for s in parsed.sections] == [
        ["Title"],
        ["Title", "First part"],
        ["Title", "Second part"],
    ]


def test_decode_variants():
    assert decode("héllo".encode(), "a")[0] == "héllo"
    text, warnings = decode(codecs.BOM_UTF16_LE + "hi there".encode("utf-16-le"), "b")
    assert text == "hi there" and not warnings
    text, warnings = decode(b"caf\xe9 latte", "c")
    assert "latte" in text and warnings and "c:" in warnings[0]
    with pytest.raises(Skip):
        decode(b"", "d")
    with pytest.raises(Skip):
        decode(b"\x00\x01\x02binary", "e")


def test_split_lines_counts_like_grep():
    # Only LF ends a line (grep -n): a lone CR separates words within one line.
    assert split_lines("a\r\nb\rc\n\x0cd\r\r\n") == ["a", "b c", "\x0cd"]


def test_unsupported_suffix_is_skipped(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(Skip):
        parse_file(p, "x.pdf")


def test_jsonl_records(tmp_path):
    p = tmp_path / "docs.jsonl"
    p.write_text('{"id": "a1", "title": "T", "text": "Body"}\nnot json\n{"id": 2, "text": "B2"}\n')
    parsed = parse_file(p, "docs.jsonl")
    assert [s.anchor for s in parsed.sections] == ["a1", "2"]
    assert [s.first for s in parsed.sections] == [1, 3]
    assert parsed.warnings and "line 2" in parsed.warnings[0]


def test_bundled_corpus_is_the_seed_byte_for_byte():
    from ipsearch.config import bundled_corpus
    from tests.conftest import SEED_TXT

    bundled = bundled_corpus() / SEED_TXT.name
    assert bundled.read_bytes() == SEED_TXT.read_bytes()
