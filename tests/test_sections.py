from pathlib import Path

import pytest

from ipsearch.ingest import parse_file
from ipsearch.sections import build_sections, enumerated_topics, expansions, parse_date
from tests.conftest import SEED_HTML, SEED_TXT

EXPECTED = {
    "Aerospace": "Airbus",
    "Automotive": "Jaguar Land Rover",
    "Creative Industries": "Channel 4",
    "Digital": "Cisco Systems",
    "Energy & Efficiency": "National Grid",
    "Nuclear": "Magnox Ltd",
    "Science": "GlaxoSmithKline",
    "Tunnelling": "Crossrail",
}


def sections_of(path: Path):
    return build_sections(parse_file(path, path.name))


@pytest.mark.parametrize("path", [SEED_TXT, SEED_HTML], ids=["txt", "html"])
def test_seed_gives_eight_partnerships_with_chairs(path):
    secs = sections_of(path)
    parts = [s for s in secs if s.kind == "section"]
    assert {s.title: s.chair for s in parts} == EXPECTED
    assert [s.kind for s in secs].count("overview") == 1
    assert "overview" in next(s for s in secs if s.kind == "overview").title.lower()


@pytest.mark.parametrize("path", [SEED_TXT, SEED_HTML], ids=["txt", "html"])
def test_partnership_names(path):
    names = {s.title: s.name for s in sections_of(path) if s.kind == "section"}
    assert names["Aerospace"] == "Aerospace Growth Partnership for Skills (AGPS)"
    assert names["Digital"] == "Tech Partnership"
    assert names["Tunnelling"] == "Tunnelling Talent"
    assert names["Science"] == "Science Industry Partnership (SIP)"


@pytest.mark.parametrize("path", [SEED_TXT, SEED_HTML], ids=["txt", "html"])
def test_line_ranges_contain_the_text(path):
    from ipsearch.ingest import render_lines, split_lines

    lines = split_lines(path.read_text(encoding="utf-8"))
    fmt = "html" if path.suffix == ".html" else "txt"
    for s in sections_of(path):
        for p in s.paragraphs:
            visible = " ".join(render_lines(fmt, lines[p.first - 1 : p.last]).split())
            assert " ".join(p.text.split()) in visible, (s.title, p.first)
        assert s.first_line <= min(p.first for p in s.paragraphs)
        assert s.last_line == max(p.last for p in s.paragraphs)


def test_txt_line_numbers_match_the_seed():
    secs = {s.title: s for s in sections_of(SEED_TXT)}
    assert secs["Aerospace"].lines == (22, 24)
    assert secs["Tunnelling"].lines == (75, 77)
    assert secs["Aerospace"].title_inferred and not secs["Creative Industries"].title_inferred


def test_html_boilerplate_is_not_indexed():
    text = " ".join(s.text for s in sections_of(SEED_HTML))
    for junk in (
        "cookies",
        "Skip to main content",
        "Crown copyright",
        "Related content",
        "Search GOV.UK",
        "Business and industry",
        "Guidance",
    ):
        assert junk not in text


def test_further_information_is_not_content():
    for s in sections_of(SEED_TXT):
        assert all(not p.text.startswith("Further information") for p in s.paragraphs)


def test_page_dates_are_metadata_not_a_partnership():
    from datetime import date

    secs = sections_of(SEED_TXT)
    meta = [s for s in secs if s.kind == "metadata"]
    assert len(meta) == 1 and "Published 6 March 2015" in meta[0].text
    assert all(s.published == date(2015, 3, 6) for s in secs)
    assert all(s.updated == date(2015, 12, 16) for s in secs)


def test_enumerated_topics_and_expansions():
    text = "There are 3 groups covering the farming, fishing & forestry and mining industries."
    assert enumerated_topics(text) == ["farming", "fishing & forestry", "mining"]
    assert expansions("run by the Open Data Institute (ODI) today") == [
        ("Open Data Institute", "ODI")
    ]
    assert parse_date("Last updated 16 December 2015") is not None


def test_headless_sections_on_another_page(tmp_path):
    """The recovery rules are general: a made-up page with lost headings still splits."""
    lines = [
        "Regional boards: an overview",
        "There are 3 boards covering the farming, fishing and mining sectors.",
        "Led by: Acme Farms",
        "The Farming Growth Board (FGB) helps farming businesses grow crops.",
        "Led by: Sea Co",
        "The fishing fleet needs skipper training. Fishing ports benefit.",
        "Led by: Deep Rock",
        "Mining apprenticeships are run by the Mining Skills Board.",
    ]
    page = tmp_path / "x.txt"
    page.write_text("\n\n".join(lines) + "\n")
    secs = sections_of(page)
    parts = {s.title: (s.labels["Led by"], s.name) for s in secs if s.kind == "section"}
    assert parts == {
        "Farming": ("Acme Farms", "Farming Growth Board (FGB)"),
        "Fishing": ("Sea Co", None),
        "Mining": ("Deep Rock", "Mining Skills Board"),
    }
    assert all(s.title_inferred for s in secs if s.kind == "section")


def test_a_file_with_headings_is_never_split_at_labels(tmp_path):
    page = tmp_path / "x.txt"
    page.write_text(
        "Boards\n======\n\nIntro text here.\n\nFarming\n-------\n\nLed by: Acme\n\n"
        "Farm text.\n\nLed by: Other\n\nMore farm text.\n"
    )
    secs = sections_of(page)
    assert [s.title for s in secs] == ["Boards", "Farming"]
    farming = secs[1]
    assert farming.labels == {"Led by": "Acme"} and farming.heading_path == ["Boards", "Farming"]
