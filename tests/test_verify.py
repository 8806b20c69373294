"""verify.py: quotes must be the cited lines' text, up to whitespace, in every format."""

from __future__ import annotations

from ipsearch.verify import cited_text, verify_quote


def test_txt_quote_verifies_only_within_its_lines(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Title\n\nThe fund is   managed\nby the Agency.\nOther line.\n")
    assert verify_quote(f, (3, 4), "The fund is managed by the Agency.")
    assert not verify_quote(f, (3, 3), "The fund is managed by the Agency.")
    assert not verify_quote(f, (3, 4), "The fund is run by the Agency.")
    assert not verify_quote(f, (9, 12), "Other line.")
    assert not verify_quote(f, (5, 5), "")


def test_html_and_markdown_use_visible_text(tmp_path):
    h = tmp_path / "a.html"
    h.write_text("<html><body>\n<p>Chaired by: <b>Airbus</b> &amp; co</p>\n</body></html>\n")
    assert verify_quote(h, (2, 2), "Chaired by: Airbus & co")
    m = tmp_path / "a.md"
    m.write_text("# T\n\nRun by **the Agency** today.\n")
    assert verify_quote(m, (3, 3), "Run by the Agency today.")


def test_unreadable_or_unsupported_files_do_not_verify(tmp_path):
    assert cited_text(tmp_path / "missing.txt", (1, 1)) is None
    (tmp_path / "a.pdf").write_text("x")
    assert cited_text(tmp_path / "a.pdf", (1, 1)) is None


def test_jsonl_cited_records_read_as_the_whole_file_renders_them(tmp_path):
    from ipsearch.ingest import parse_text, read_text, rendered_range

    rows = [
        '{"_id": "1", "title": "Vitamin  D", "text": "Bones\\u2028heal."}',
        "",
        "not json",
        '{"id": 7, "text": "Only text.\\r"}\r',
        '{"title": "Only a title"}',
        "[1, 2]",
        '{"_id": "9", "title": "T", "abstract": "Tab\\there."}',
    ]
    f = tmp_path / "a.jsonl"
    f.write_bytes("\n".join(rows).encode() + b"\n")
    whole = parse_text(read_text(f, f.name)[0], "jsonl", f.name)
    for first in range(1, len(rows) + 1):
        for last in range(first, len(rows) + 1):
            assert cited_text(f, (first, last)) == rendered_range(whole, first, last)
    assert verify_quote(f, (1, 1), "Vitamin D")
    assert not verify_quote(f, (2, 3), "Vitamin D")
    assert cited_text(f, (0, 1)) is None and cited_text(f, (7, 8)) is None
