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
