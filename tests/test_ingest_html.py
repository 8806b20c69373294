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


def _paths(doc) -> list[list[str]]:
    return [s.heading_path for s in doc.sections]


def _sect(n: int, title: str, body: str) -> str:
    """A DocBook section: its heading wrapped in ``titlepage`` divs, then its body."""
    return (
        f'<div class="sect{n}"><div class="titlepage"><div><div><h{n + 1}>{title}</h{n + 1}>'
        f"</div></div></div>{body}</div>"
    )


def _note(title: str, text: str) -> str:
    return f'<div class="note"><h3 class="title">{title}</h3><p>{text}</p></div>'


def test_a_note_box_inside_a_section_does_not_close_it(tmp_path):
    """A DocBook note, two notes in a row and a note before a deeper subsection stay in the
    section they sit in; the text after them is still that section's."""
    options = (
        "<dl><dt>-a</dt><dd><p>All.</p>" + _note("Note", "Careful with a.") + "</dd>"
        "<dt>-b</dt><dd><p>Both.</p>" + _note("Note", "One.") + _note("Tip", "Two.") + "</dd>"
        "<dt>-c</dt><dd><p>Count rows.</p></dd></dl>"
    )
    body = _sect(1, "Options", options) + _sect(
        1,
        "Formats",
        "<p>Intro.</p>"
        + _sect(2, "Binary", "<p>Bin.</p>" + _note("Note", "Odd.") + "")
        + _sect(2, "Text", "<p>Plain.</p>"),
    )
    _, doc = parse(tmp_path, f"<html><body><h1>Tool</h1>{body}</body></html>")
    assert _paths(doc) == [
        ["Tool"],
        ["Tool", "Options"],
        ["Tool", "Formats"],
        ["Tool", "Formats", "Binary"],
        ["Tool", "Formats", "Text"],
    ]
    options = doc.sections[1]
    texts = [b.text for b in options.blocks]
    assert "Careful with a." in texts and "Count rows." in texts and "Note" in texts
    binary = doc.sections[3]
    assert [b.text for b in binary.blocks if b.kind != "heading"] == ["Bin.", "Note", "Odd."]


def test_a_box_closing_its_section_with_a_deeper_heading_is_a_child_section(tmp_path):
    html = "<body><h1>T</h1>" + _sect(1, "Description", "<p>Text.</p>" + _note("Warning", "W."))
    html += _sect(1, "Options", "<p>O.</p>") + "</body>"
    _, doc = parse(tmp_path, html)
    assert _paths(doc) == [["T"], ["T", "Description"], ["T", "Description", "Warning"],
                           ["T", "Options"]]  # fmt: skip


def test_flat_and_wrapped_section_headings_stay_sections(tmp_path):
    """Headings that open no box (flat h2/p/h3), Sphinx's nested ``div.section`` and a page
    whose last section is followed by page furniture are sections as before."""
    flat = "<body><h1>T</h1><p>a</p><h2>A</h2><p>b</p><h3>B</h3><p>c</p><h2>C</h2><p>d</p></body>"
    _, doc = parse(tmp_path, flat)
    assert _paths(doc) == [["T"], ["T", "A"], ["T", "A", "B"], ["T", "C"]]
    sphinx = (
        '<body><div class="section"><h1>T</h1><p>a</p>'
        '<div class="section"><h2>A</h2><p>b</p>'
        '<div class="section"><h3>B</h3><p>c</p></div></div>'
        '<div class="section"><h2>C</h2><p>d</p></div></div>'
        '<div class="footer-links"><p>Prev Next</p></div></body>'
    )
    _, doc = parse(tmp_path, sphinx)
    assert _paths(doc) == [["T"], ["T", "A"], ["T", "A", "B"], ["T", "C"]]
    page = (
        '<body><div class="refentry"><div class="refnamediv"><h2>tool</h2><p>does it</p></div>'
        + "".join(f'<div class="refsect1"><h2>{t}</h2><p>{t} text</p></div>' for t in "XYZ")
        + '</div><div class="navfooter"><p>Prev</p></div></body>'
    )
    _, doc = parse(tmp_path, page)
    assert [p[-1] for p in _paths(doc)][-4:] == ["tool", "X", "Y", "Z"]
