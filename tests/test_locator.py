"""Places: page-wide PDF line numbers and how every format's place prints."""

from __future__ import annotations

import pytest

from ipsearch.ingest.model import Block, Section
from ipsearch.ingest.pdf import MAX_PAGE_LINES
from ipsearch.locator import (
    PAGE_SPAN,
    on_page,
    page_wide,
    page_wide_section,
    parse_page_ref,
    ref,
    section_on_page,
    split,
)


def test_page_wide_lines_split_back():
    assert MAX_PAGE_LINES < PAGE_SPAN
    assert split(page_wide(3, 12)) == (3, 12)
    assert split(12) == (None, 12)
    assert on_page((page_wide(2, 5), page_wide(2, 9))) == (2, (5, 9))
    assert on_page((5, 9)) == (None, (5, 9))
    # Ordered across pages: the last line of page 1 comes before the first of page 2.
    assert page_wide(1, MAX_PAGE_LINES) < page_wide(2, 1)


def test_a_pdf_section_on_each_of_its_pages():
    blocks = [Block("paragraph", "a", 30, 34, page=1), Block("paragraph", "b", 2, 5, page=2)]
    s = page_wide_section(Section(["T"], 1, 30, 5, blocks))
    assert (s.first, s.last) == (page_wide(1, 30), page_wide(2, 5))
    assert [b.page for b in s.blocks] == [1, 2] and blocks[0].first == 30  # the original kept
    assert section_on_page(s.blocks, (s.first, s.last), 1) == (30, 34)
    assert section_on_page(s.blocks, (s.first, s.last), 2) == (2, 5)
    assert section_on_page(s.blocks, (s.first, s.last), 3) is None


def test_refs_and_page_refs():
    assert ref("a.md", (3, 5)) == "a.md:3-5"
    assert ref("a.pdf", (3, 5), 2) == "a.pdf#page=2:3-5"
    assert ref("a.docx", (3, 5), None, "paragraph") == "a.docx ¶3-5"
    assert parse_page_ref("docs/a.pdf#page=3") == ("docs/a.pdf", 3, None)
    assert parse_page_ref("a.pdf#page=3:12") == ("a.pdf", 3, 12)


@pytest.mark.parametrize("key", ["a.pdf", "a.pdf#page=", "a.pdf#page=x", "#page=2", "a#page=2:y"])
def test_not_page_refs(key):
    assert parse_page_ref(key) is None
