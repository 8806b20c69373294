"""ingest/markdown.py: markdown-it-py blocks with exact lines and text as a reader sees it."""

from __future__ import annotations

from ipsearch.ingest import parse_text


def blocks(text: str, source: str = "doc.md"):
    return list(parse_text(text, "md", source).blocks())


def test_front_matter_fields_title_and_metadata():
    doc = parse_text(
        '---\ntitle: Run a load test\nowner_slack: "#govuk-tech-leads"\n---\n\nBody.\n',
        "md",
        "a.md",
    )
    assert doc.title == "Run a load test" and doc.title_from == "front matter"
    assert doc.metadata["owner_slack"] == "#govuk-tech-leads"
    field = next(b for b in doc.blocks() if b.key == "owner_slack")
    assert (field.kind, field.first, field.last) == ("field", 3, 3)
    assert field.shown() == 'owner_slack: "#govuk-tech-leads"'
    assert field.index_text() == "owner_slack: #govuk-tech-leads"


def test_broken_front_matter_is_a_warning_and_stays_text():
    doc = parse_text("---\ntitle: [unclosed\n---\n\n# Real title\n", "md", "a.md")
    assert doc.warnings and "not valid YAML" in doc.warnings[0]
    assert doc.title == "Real title"
    assert any("unclosed" in b.text for b in doc.blocks())


def test_no_front_matter_title_from_h1_else_file_name():
    assert parse_text("# Heading one\n\nText.\n", "md", "a.md").title == "Heading one"
    assert parse_text("Just text.\n", "md", "ch03-02-data-types.md").title == "ch03 02 data types"


def test_setext_and_atx_headings_and_heading_paths():
    doc = parse_text("Top\n===\n\nIntro.\n\nPart\n----\n\nText.\n\n### Deep\n\nMore.\n", "md", "a")
    assert [(s.heading_path, s.first, s.last) for s in doc.sections] == [
        (["Top"], 1, 4),
        (["Top", "Part"], 6, 9),
        (["Top", "Part", "Deep"], 11, 13),
    ]


def test_lead_section_is_titled_by_the_document_title():
    doc = parse_text("---\ntitle: T\n---\n\nLead text.\n\n## A\n\nA text.\n", "md", "a.md")
    assert doc.sections[0].lead and doc.sections[0].heading_path == ["T"]


def test_nested_lists_keep_depth_and_lines():
    got = [
        (b.kind, b.text, b.first, b.level) for b in blocks("- one\n  - two\n    - three\n- four\n")
    ]
    assert got == [
        ("item", "one", 1, 1),
        ("item", "two", 2, 2),
        ("item", "three", 3, 3),
        ("item", "four", 4, 1),
    ]


def test_gfm_table_rows_with_header_inline_code_and_escaped_pipes():
    rows = [
        b
        for b in blocks(
            "| Type | Retention |\n|---|---|\n| Nightly `full` | 120 days |\n| `a\\|b` | x |\n"
        )
        if b.kind == "row"
    ]
    assert [r.cells for r in rows] == [
        ["Type", "Retention"],
        ["Nightly full", "120 days"],
        ["a|b", "x"],
    ]
    assert rows[1].header == ["Type", "Retention"] and rows[1].first == 3
    assert rows[1].index_text() == "Type: Nightly full; Retention: 120 days"
    assert rows[1].text == "Nightly full | 120 days"


def test_inline_rendering_code_links_images_emphasis_entities_html():
    (b,) = blocks(
        "Use `Box<T>` and [the book][rb] or ![a logo](x.png), **bold** _em_ &amp; <span>x</span>.\n"
        "\n[rb]: https://example.invalid\n"
    )
    assert b.text == "Use Box<T> and the book or a logo, bold em & x."


def test_fenced_code_is_verbatim_and_hash_lines_are_not_headings():
    doc = parse_text("# T\n\n```sh\n# not a heading\nrun --test-threads=1\n```\n", "md", "a")
    assert len(doc.sections) == 1
    code = next(b for b in doc.blocks() if b.kind == "code")
    assert code.text == "# not a heading\nrun --test-threads=1" and (code.first, code.last) == (
        4,
        5,
    )


def test_heading_inside_blockquote_is_a_heading():
    doc = parse_text("#### Integer Types\n\n> ##### Integer Overflow\n>\n> Wraps.\n", "md", "a")
    assert doc.sections[-1].heading_path == ["Integer Types", "Integer Overflow"]
    assert doc.sections[-1].blocks[-1].kind == "quote"


def test_a_line_of_brackets_parses_in_linear_time():
    """Reliability II #19: 40,000 '[' took 9.3 s with the link regex."""
    import time

    t = time.perf_counter()
    (b,) = blocks("[" * 40000 + "\n")
    assert len(b.text) == 40000 and time.perf_counter() - t < 5
