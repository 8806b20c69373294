"""ingest/text.py and decoding: headings, fields, recovery fallback, line ends, encodings."""

from __future__ import annotations

import codecs
import subprocess
import time

import pytest

from ipsearch.ingest import index_form, parse_file, parse_text, split_lines


def grep_n(path, word: str) -> list[int]:
    out = subprocess.run(["grep", "-n", word, str(path)], capture_output=True).stdout.decode()
    return [int(line.split(":", 1)[0]) for line in out.split("\n") if line]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r", "\r\r\n"], ids=["lf", "crlf", "cr", "crcrlf"])
@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_line_numbers_are_the_ones_grep_prints(tmp_path, eol, fmt):
    """Reliability II #10: only LF ends a line (CRLF, lone CR, CR CR LF)."""
    body = {
        "txt": ["Title", "", "Alpha one.", "", "Bravo two", "continues.", "", "Charlie."],
        "md": ["# Title", "", "Alpha one.", "", "Bravo two", "continues.", "", "Charlie."],
        "html": ["<h1>Title</h1>", "<p>Alpha one.</p>", "<p>Bravo two", "continues.</p>",
                 "<p>Charlie.</p>"],
    }[fmt]  # fmt: skip
    path = tmp_path / f"f.{fmt}"
    path.write_bytes(eol.join(body).encode() + b"\n")
    doc = parse_file(path, path.name)
    for word in ("Alpha", "Bravo", "continues", "Charlie"):
        block = next(b for b in doc.blocks() if word in b.text)
        (line,) = grep_n(path, word)
        assert block.first <= line <= block.last, (word, block)


def test_utf16_and_bom_files(tmp_path):
    p = tmp_path / "u.txt"
    p.write_bytes(codecs.BOM_UTF16_LE + "Title\n\nSome ﬁnance text.\n".encode("utf-16-le"))
    doc = parse_file(p, "u.txt")
    assert [b.text for b in doc.blocks()][-1] == "Some ﬁnance text."
    p.write_bytes(codecs.BOM_UTF8 + b"Title\n\nBody.\n")
    assert parse_file(p, "u.txt").title == "Title"


def test_not_utf8_is_detected_with_a_warning(tmp_path):
    p = tmp_path / "l.txt"
    p.write_bytes("Title\n\nCafé crème brûlée à la carte, déjà vu.\n".encode("cp1252"))
    doc = parse_file(p, "l.txt")
    assert doc.warnings and "Café" in " ".join(b.text for b in doc.blocks())


@pytest.mark.parametrize(
    ("written", "plain"),
    [("ﬁnance", "finance"), ("eﬃciency", "efficiency"), ("ＡＢＣ", "ABC"),
     ("apprentice\u00adships", "apprenticeships"), ("cafe\u0301", "café"), ("a\u00a0b", "a b")],
)  # fmt: skip
def test_index_form_is_nfkc_without_soft_hyphens(written, plain):
    """Reliability II #15."""
    assert index_form(written) == plain


def test_setext_rst_asciidoc_and_numbered_headings():
    doc = parse_text(
        "Guide\n=====\n\nIntro.\n\nInstall\n-------\n\nSteps here.\n\n2.1 Options\n\nText.\n\n"
        "Notes\n~~~~~\n\nMore.\n",
        "txt",
        "g.txt",
    )
    assert [s.heading_path for s in doc.sections] == [
        ["Guide"],
        ["Guide", "Install"],
        ["Guide", "2.1 Options"],  # "2.1": a second-level number, beside Install
        ["Guide", "2.1 Options", "Notes"],
    ]


def test_man_page_text_right_under_an_underline_starts_a_section():
    doc = parse_text(
        "tool(1)\n=======\n\nNAME\n----\ntool - does one thing\n\n"
        "SYNOPSIS\n--------\n[verse]\n'tool' [-v]\n",
        "txt",
        "tool.txt",
    )
    titles = [s.heading_path[-1] for s in doc.sections]
    assert titles[-2:] == ["NAME", "SYNOPSIS"]
    name = doc.sections[-2]
    assert [(b.text, b.first) for b in name.blocks if b.kind != "heading"] == [
        ("tool - does one thing", 6)
    ]


def test_a_delimited_listing_is_code_and_its_closing_line_no_underline():
    text = "Usage\n=====\n\nRun it:\n\n------\n$ tool --all\nabc123 First line\n------\n"
    doc = parse_text(text, "txt", "u.txt")
    assert [s.heading_path for s in doc.sections] == [["Usage"]]
    code = [b for b in doc.sections[0].blocks if b.kind == "code"]
    assert [(b.text, b.first, b.last) for b in code] == [("$ tool --all\nabc123 First line", 7, 8)]


def test_nothing_inside_a_delimited_block_starts_a_section():
    """A listing with blank lines inside, a one-line listing after a block with the same rule,
    a literal block, a listing right under an underline, after ``+`` and after ``or:``."""
    rule = "-" * 20
    text = (
        f"Tool\n====\n\nSCHEDULE\n--------\n\nThe schedule:\n\n{rule}\n# BEGIN SCHEDULE\n\n"
        f"0 1 * * * run\n\n# END SCHEDULE\n{rule}\n\nAfter it.\n\n"
        f"{rule}\n$ tool init\n$ tool add\n{rule}\n\nIt replies\n\n{rule}\nInitialized empty repo\n"
        f"{rule}\n\n....\nLiteral Title Line\n\nmore\n....\n\n"
        f"SYNOPSIS\n--------\n{rule}\ntool run\n{rule}\n\n"
        f"1. Find it.\n+\n{rule}\nFound It\n{rule}\n\nor:\n{rule}\n$ tool b\nTool Output\n{rule}\n"
    )
    doc = parse_text(text, "txt", "tool.txt")
    assert [s.heading_path for s in doc.sections] == [
        ["Tool"],
        ["Tool", "SCHEDULE"],
        ["Tool", "SYNOPSIS"],
    ]
    code = [(b.first, b.last) for s in doc.sections for b in s.blocks if b.kind == "code"]
    assert code[:4] == [(10, 14), (20, 21), (27, 27), (31, 33)]
    assert len(code) == 7


def test_an_example_block_is_text_without_headings():
    doc = parse_text("Guide\n=====\n\n====\nExample Title\n\nSome prose.\n====\n", "txt", "g.txt")
    assert [s.heading_path for s in doc.sections] == [["Guide"]]
    assert [(b.kind, b.text, b.first) for b in doc.sections[0].blocks[1:]] == [
        ("paragraph", "Example Title", 5),
        ("paragraph", "Some prose.", 7),
    ]


def test_rst_overlined_titles_and_transitions_are_no_blocks():
    text = (
        '=======================\n"Quoted" Title of a FAQ\n=======================\n\n'
        "Intro.\n\n--------------\n\nText.\n\nBasic Examples\n--------------\n\nMore.\n\n"
        "-----\nRecap\n-----\n\nEnd.\n"
    )
    doc = parse_text(text, "txt", "faq.rst.txt")
    assert [s.heading_path[-1] for s in doc.sections] == [
        '"Quoted" Title of a FAQ',
        "Basic Examples",
        "Recap",
    ]
    assert not [b for b in doc.blocks() if b.kind == "code"]


def test_label_lines_are_fields_of_their_section():
    doc = parse_text("Title\n\nOwner: Platform team\n\nText here.\n", "txt", "t.txt")
    field = next(b for b in doc.blocks() if b.kind == "field")
    assert (field.key, field.text, field.shown()) == (
        "Owner",
        "Platform team",
        "Owner: Platform team",
    )


def test_a_file_of_heading_like_lines_keeps_its_text():
    """Reliability II #14: a one-line file, or one whose lines all look like headings."""
    doc = parse_text("Wifi password is Zebra42\n", "txt", "w.txt")
    assert "Zebra42" in " ".join(b.text for b in doc.blocks())
    doc = parse_text("Alpha Line\n\nBravo Line\n\nCharlie Line\n", "txt", "h.txt")
    assert [b.text for b in doc.blocks()] == ["Alpha Line", "Bravo Line", "Charlie Line"]


def test_enumeration_line_with_labels_ingests_in_linear_time(tmp_path):
    """Reliability II #18: a 2.2 KB enumeration line and two labels took 22 s (cubic)."""
    from ipsearch.sections import build_sections

    line = "Partners work in " + ", ".join(f"area{i} x" for i in range(300)) + " and more"
    text = f"Boards overview\n\n{line[:2200]}\n\nChaired by: A\n\nText.\n\nChaired by: B\n\nText.\n"
    t = time.perf_counter()
    build_sections(parse_text(text, "txt", "r.txt"))
    assert time.perf_counter() - t < 5  # a hang guard: it takes milliseconds


def test_split_lines_never_splits_on_form_feed_or_line_separator():
    assert split_lines("a\fb\u2028c\nd") == ["a\fb\u2028c", "d"]


def test_asciidoc_includes_are_recorded_as_corpus_paths():
    text = "git-x(1)\n========\n\nNAME\n----\ngit-x - Do x\n\ninclude::sub/frag.txt[]\n"
    doc = parse_text(text, "txt", "man/git-x.txt")
    assert doc.metadata == {"includes": "man/sub/frag.txt"}
    assert parse_text("Title\n=====\n\nText.\n", "txt", "a.txt").metadata == {}
