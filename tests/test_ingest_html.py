"""ingest/html.py: exact lines (grep -n), main content, furniture by element and role only."""

from __future__ import annotations

import subprocess

from ipsearch.ingest import parse_text


def grep_n(path, word: str) -> int:
    out = subprocess.run(["grep", "-n", word, str(path)], capture_output=True, text=True).stdout
    return int(out.split(":", 1)[0])


def parse(tmp_path, html: str, name: str = "p.html"):
    path = tmp_path / name
    path.write_text(html)
    return path, parse_text(html, "html", name)


def test_lines_after_multiline_comment_script_and_tag_match_grep(tmp_path):
    """Reliability II #9: text after a multi-line comment/script/tag was cited early."""
    path, doc = parse(
        tmp_path,
        "<html><body>\n<p><!-- a\nb\nc -->Alpha.</p>\n<script>\nx = 1;\n</script><p\n"
        ' class="x">Bravo <b>Charlie\n</b> Delta</p>\n</body></html>\n',
    )
    got = {b.text.split()[0]: (b.first, b.last) for b in doc.blocks()}
    assert got["Alpha."] == (grep_n(path, "Alpha"),) * 2
    assert got["Bravo"] == (grep_n(path, "Bravo"), grep_n(path, "Delta"))


def test_block_boundaries_separate_words(tmp_path):
    """Reliability II #12: cells, rows, divs inside <a>, labels and centers ran together."""
    _, doc = parse(
        tmp_path,
        "<body><table><tbody><tr><td>Alpha</td><td>Bravo</td></tr><tr><td>Charlie</td></tr>"
        "</tbody></table><a href=x><div>Delta</div><div>Echo</div></a><label>Foxtrot</label>"
        "<label>Golf</label><center>Hotel</center><center>India</center></body>",
    )
    words = " ".join(b.text for b in doc.blocks()).split()
    for w in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India"):
        assert w in words


def test_tables_by_row_with_th_header(tmp_path):
    _, doc = parse(
        tmp_path,
        "<table>\n<tr><th>Type</th><th>Retention</th></tr>\n<tr><td>Nightly full</td>"
        "<td>120 days</td></tr>\n</table>",
    )
    rows = [b for b in doc.blocks() if b.kind == "row"]
    assert rows[1].header == ["Type", "Retention"] and rows[1].first == 3
    assert rows[1].index_text() == "Type: Nightly full; Retention: 120 days"


def test_pre_is_verbatim_and_dl_is_term_and_definition(tmp_path):
    _, doc = parse(
        tmp_path, "<pre>\n  a   b\n    c\n</pre>\n<dl><dt>Term</dt>\n<dd>Def</dd></dl>\n"
    )
    got = [(b.kind, b.text, b.first, b.last) for b in doc.blocks()]
    assert got == [
        ("code", "  a   b\n    c", 2, 3),
        ("term", "Term", 5, 5),
        ("definition", "Def", 6, 6),
    ]


def test_page_without_main_drops_furniture_by_element_and_role_only(tmp_path):
    """Reliability II #14: a class or id merely containing a furniture word is content."""
    _, doc = parse(
        tmp_path,
        "<html><head><title>Care - Site</title></head><body><nav>Menu</nav>"
        "<header>Banner</header><div role='navigation'>Links</div>"
        "<a class='govuk-skip-link' href='#m'>Skip to main content</a>"
        "<section id='social-care'><p>Social care text.</p></section>"
        "<div class='shareholder-report'>Shareholder text.</div>"
        "<footer>Foot</footer></body></html>",
    )
    text = " ".join(b.text for b in doc.blocks())
    assert doc.title == "Care"
    assert "Social care text." in text and "Shareholder text." in text
    for junk in ("Menu", "Banner", "Links", "Skip to main", "Foot"):
        assert junk not in text


def test_main_content_is_chosen(tmp_path):
    _, doc = parse(tmp_path, "<body><div>Outside</div><main><h1>T</h1><p>Inside.</p></main></body>")
    assert [b.text for b in doc.blocks()] == ["T", "Inside."]
    _, doc = parse(tmp_path, "<body><div>Outside</div><article><p>In article.</p></article></body>")
    assert [b.text for b in doc.blocks()] == ["In article."]
