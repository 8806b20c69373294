"""Property: for any generated document, every block's cited lines hold its words, with lines
numbered as ``grep -n`` numbers them (only LF ends a line)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ipsearch.ingest import parse_text

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
EOL = st.sampled_from(["\n", "\r\n", "\r\r\n"])


def md_block():
    return st.one_of(
        st.lists(LINE, min_size=1, max_size=3).map("\n".join),  # paragraph
        st.tuples(st.integers(1, 6), LINE).map(lambda t: "#" * t[0] + " " + t[1]),
        LINE.map(lambda x: x + "\n" + "=" * 3),  # setext
        st.lists(LINE, min_size=1, max_size=3).map(lambda xs: "\n".join("- " + x for x in xs)),
        st.lists(LINE, min_size=1, max_size=3).map(lambda xs: "\n".join("> " + x for x in xs)),
        st.lists(LINE, min_size=1, max_size=3).map(lambda xs: "```\n" + "\n".join(xs) + "\n```"),
        st.lists(st.tuples(WORD, WORD), min_size=1, max_size=3).map(
            lambda rows: "| H1 | H2 |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
        ),
    )


def txt_block():
    return st.one_of(
        st.lists(LINE, min_size=1, max_size=3).map("\n".join),
        LINE.map(lambda x: x + "\n" + "-" * max(3, len(x))),
        st.tuples(WORD, LINE).map(lambda t: f"{t[0].capitalize()}: {t[1]}"),
        st.lists(LINE, min_size=1, max_size=3).map(lambda xs: "\n".join("* " + x for x in xs)),
    )


def check(fmt: str, blocks: list[str], eol: str, blank: str) -> None:
    text = (blank + "\n").join(b + "\n" for b in blocks).replace("\n", eol)
    lines = text.split("\n")  # grep -n's lines
    doc = parse_text(text, fmt, f"x.{fmt}")
    for b in doc.blocks():
        cited = " ".join(lines[b.first - 1 : b.last])
        for word in re.findall(r"[A-Za-z]+", b.text):
            assert word in cited, (word, b, cited)


@settings(max_examples=150, deadline=None)
@given(st.lists(md_block(), min_size=1, max_size=8), EOL, st.sampled_from(["", "  "]))
def test_markdown_blocks_cite_lines_holding_their_words(blocks, eol, blank):
    check("md", blocks, eol, blank)


@settings(max_examples=150, deadline=None)
@given(st.lists(txt_block(), min_size=1, max_size=8), EOL, st.sampled_from(["", "  "]))
def test_text_blocks_cite_lines_holding_their_words(blocks, eol, blank):
    check("txt", blocks, eol, blank)


def html_block():
    return st.one_of(
        st.lists(LINE, min_size=1, max_size=3).map(lambda xs: "<p>" + "\n".join(xs) + "</p>"),
        st.tuples(st.integers(1, 6), LINE).map(lambda t: f"<h{t[0]}>{t[1]}</h{t[0]}>"),
        st.lists(LINE, min_size=1, max_size=3).map(
            lambda xs: "<ul>\n" + "\n".join(f"<li>{x}</li>" for x in xs) + "\n</ul>"
        ),
        st.tuples(LINE, LINE).map(lambda t: f"<!-- {t[0]}\n-->\n<p\nclass='x'>{t[1]}</p>"),
        st.tuples(LINE, LINE).map(lambda t: f"<div><b>{t[0]}\n</b><i>{t[1]}</i></div>"),
        st.lists(st.tuples(WORD, WORD), min_size=1, max_size=3).map(
            lambda rows: (
                "<table>\n<tr><th>H1</th><th>H2</th></tr>\n"
                + "\n".join(f"<tr><td>{a}</td>\n<td>{b}</td></tr>" for a, b in rows)
                + "\n</table>"
            )
        ),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(html_block(), min_size=1, max_size=8), EOL, st.sampled_from(["", "  "]))
def test_html_blocks_cite_lines_holding_their_words(blocks, eol, blank):
    check("html", blocks, eol, blank)
