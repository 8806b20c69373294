"""ingest/texttables.py: reStructuredText grid and simple tables and field lists in plain
text become rows (with their header) and fields, on the lines ``grep -n`` gives."""

from __future__ import annotations

from ipsearch.ingest import parse_text
from ipsearch.verify import verify_quote

GRID = """Logging levels
==============

+----------+-----------------------------+
| Level    | When it's used              |
+==========+=============================+
| DEBUG    | Detailed information, for   |
|          | diagnosing problems.        |
+----------+-----------------------------+
| WARNING  | Something unexpected.       |
+----------+-----------------------------+
"""

SIMPLE = """Averages
========

=========  ==========================
Function   Computes
=========  ==========================
mean       Arithmetic mean of data.
median     Middle value of data,
           ignoring outliers.
=========  ==========================
"""

FIELDS = """Sorting HOWTO
=============

:Author: Ann Smith
:Release: 0.1
:Note: a value that runs
   onto a second line

Text.
"""


def blocks(text: str, kind: str):
    return [b for b in parse_text(text, "txt", "x.rst.txt").blocks() if b.kind == kind]


def test_grid_table_rows_join_each_cell_and_carry_the_header():
    rows = blocks(GRID, "row")
    assert [r.cells for r in rows] == [
        ["Level", "When it's used"],
        ["DEBUG", "Detailed information, for diagnosing problems."],
        ["WARNING", "Something unexpected."],
    ]
    assert rows[0].header is None
    assert rows[1].header == ["Level", "When it's used"]
    assert [(r.first, r.last) for r in rows] == [(5, 5), (7, 8), (10, 10)]


def test_simple_table_rows_with_continuation_lines():
    rows = blocks(SIMPLE, "row")
    assert [r.cells for r in rows] == [
        ["Function", "Computes"],
        ["mean", "Arithmetic mean of data."],
        ["median", "Middle value of data, ignoring outliers."],
    ]
    assert rows[2].header == ["Function", "Computes"]
    assert (rows[2].first, rows[2].last) == (8, 9)


def test_simple_table_without_header_rule_has_no_header():
    text = "T\n=\n\n====  ====\nab    one\ncd    two\n====  ====\n"
    rows = blocks(text, "row")
    assert [r.cells for r in rows] == [["ab", "one"], ["cd", "two"]]
    assert all(r.header is None for r in rows)


def test_field_list_lines_are_fields():
    fields = blocks(FIELDS, "field")
    assert [(f.key, f.text, f.first, f.last) for f in fields] == [
        ("Author", "Ann Smith", 4, 4),
        ("Release", "0.1", 5, 5),
        ("Note", "a value that runs onto a second line", 6, 7),
    ]


def test_roles_and_prose_are_no_field_list():
    text = "T\n=\n\n:func:`mean` is the mean.\n\nKey: value but\nthen prose that goes on.\n"
    assert not blocks(text, "field")


def test_a_cell_quote_verifies_against_its_lines(tmp_path):
    path = tmp_path / "levels.txt"
    path.write_text(GRID)
    assert verify_quote(path, (7, 8), "Detailed information, for diagnosing problems.")
