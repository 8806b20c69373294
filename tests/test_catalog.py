"""The section catalogue beside each generation: written at ingest, kept in step incrementally,
never trusted when missing, damaged or out of step (listings then read the stored fields)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from ipsearch.index import IndexStore, catalog
from ipsearch.retrieval.searcher import Searcher


def _touch(path: Path, text: str) -> None:
    path.write_text(text)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def _light(sections):
    """Sections as the catalogue lists them: everything but their text."""
    return [replace(s, text="", paragraphs=[], blocks=[], metadata={}) for s in sections]


@pytest.fixture
def store(tmp_path: Path) -> IndexStore:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Reactors\n\nNuclear decommissioning.\n\n## Costs\n\nHigh.\n")
    (corpus / "b.md").write_text("---\ntitle: Budget\n---\n\n# Budget\n\nThe budget pays.\n")
    (corpus / "c.txt").write_text("A zebra crossing.\n")
    s = IndexStore(tmp_path / "idx", corpus.resolve())
    s.update()
    return s


def test_written_at_ingest_and_equal_to_the_stored_sections(store):
    assert (store.current() / catalog.FILE).is_file()
    listed = catalog.read(store.current(), store.open().doc_count())
    assert listed == _light(store.sections())
    assert [s.source for s in store.outline("a.md")] == ["a.md", "a.md"]
    assert store.outline("a.md", limit=1) == store.outline("a.md")[:1]
    assert store.outline("missing.md") == []


def test_brief_rows_keep_every_listed_field(store):
    full = store.outline()
    brief = store.outline(brief=True)
    assert brief == [
        replace(s, aliases=[], labels={}, heading_path=[], published=None, updated=None)
        for s in full
    ]
    assert any(s.heading_path for s in full)  # the brief form really leaves something out
    assert store.outline("a.md", limit=1, brief=True) == brief[:1]


def test_incremental_update_equals_a_rebuild(store, tmp_path):
    corpus = store.corpus
    _touch(corpus / "a.md", "# Reactors\n\nNuclear decommissioning.\n\n## Waste\n\nStored.\n")
    (corpus / "c.txt").unlink()
    (corpus / "d.md").write_text("# New\n\nA giraffe.\n")
    store.update()
    rebuilt = IndexStore(tmp_path / "idx2", corpus)
    rebuilt.update()
    titles = [s.title for s in store.outline()]
    assert "Waste" in titles and "Costs" not in titles
    assert not any(s.source == "c.txt" for s in store.outline())
    assert store.outline() == _light(store.sections())
    assert [(s.id, s.title) for s in store.outline()] == [
        (s.id, s.title) for s in rebuilt.outline()
    ]


@pytest.mark.parametrize("damage", ["garbage", "empty", "missing", "stale"])
def test_untrusted_catalogue_falls_back_and_is_rewritten(store, damage, run, env, monkeypatch):
    path = store.current() / catalog.FILE
    whole = _light(store.sections())
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 50)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "missing":
        path.unlink()
    else:  # a catalogue whose row count is not the index's
        b = catalog.Builder()
        b.add(store.sections()[:1])
        b.write(store.current())
    assert catalog.read(store.current(), store.open().doc_count()) is None
    assert _light(store.outline()) == whole
    assert _light(store.outline("a.md", limit=1)) == [s for s in whole if s.source == "a.md"][:1]
    with Searcher(store, semantic=False) as s:
        assert len(s.names()) == len(whole)
        assert s.section("Costs").text == "High."
    monkeypatch.setenv("IPSEARCH_CORPUS", str(store.corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(store.root))
    r = run("sections")
    assert r.exit_code == 0 and "Costs" in r.output and "Traceback" not in r.output
    # An index made before the catalogue is brought up to date by the next command.
    if damage == "missing":
        assert catalog.read(store.current(), store.open().doc_count()) == whole
    store.update()  # nothing changed: the ingest writes it again
    assert catalog.read(store.current(), store.open().doc_count()) == whole


def test_listings_read_only_the_catalogue(store, monkeypatch):
    """`sections` and QA's item nouns never decode every stored section."""

    def refuse(_self):
        raise AssertionError("read every stored section")

    monkeypatch.setattr(IndexStore, "sections", refuse)
    assert [s.title for s in store.outline()][:2] == ["Reactors", "Costs"]
    with Searcher(store, semantic=False) as s:
        assert {n.title for n in s.names()} >= {"Reactors", "Budget"}
        assert sum(n.sections for n in s.names()) == len(store.outline())
        found, _ = s.locate("a.md")
        assert [x.text for x in found] == ["Nuclear decommissioning.", "High."]
        assert s.section("Costs").text == "High."


def _asciidoc(corpus: Path) -> None:
    (corpus / "page.txt").write_text(
        "page(7)\n=======\n\nNAME\n----\npage - A page\n\ninclude::frag.txt[]\n\n"
        "include::missing.txt[]\n"
    )
    (corpus / "frag.txt").write_text("RANGES\n------\n\nTwo dots.\n")


def test_includes_are_listed_and_kept_in_step(store):
    """The (file, included file) rows QA's page map reads, only of files that are indexed."""
    _asciidoc(store.corpus)
    store.update()
    with catalog.Catalog.open(store.current()) as cat:
        assert cat.includes() == [("page.txt", "frag.txt")]
    _touch(store.corpus / "page.txt", "page(7)\n=======\n\nNAME\n----\npage - A page\n")
    store.update()
    with catalog.Catalog.open(store.current()) as cat:
        assert cat.includes() == []


def test_a_catalogue_without_includes_is_read_and_rewritten(store):
    """One written before includes were listed still serves listings; the next ingest (with
    nothing changed) writes it again with them, and the page map reads them from it."""
    from ipsearch.answer.which import Includers

    _asciidoc(store.corpus)
    store.update()
    with catalog.Catalog.open(store.current()) as cat:
        old = catalog.Builder()
        cat.con.backup(old.con)
    old.con.execute("DROP TABLE includes")
    old.write(store.current())
    with catalog.Catalog.open(store.current(), store.open().doc_count()) as cat:
        assert cat.includes() is None and len(cat.sections()) == len(store.sections())
    with Searcher(store, semantic=False) as s:
        assert s.includes() is None
        assert Includers(s).get("frag.txt") == "page.txt"  # from the stored sections
    store.update()
    with catalog.Catalog.open(store.current()) as cat:
        assert cat.includes() == [("page.txt", "frag.txt")]


def test_the_page_map_reads_only_the_catalogue(store, monkeypatch):
    from ipsearch.answer.which import Includers

    _asciidoc(store.corpus)
    store.update()
    monkeypatch.setattr(IndexStore, "sections", lambda _self: pytest.fail("read every section"))
    with Searcher(store, semantic=False) as s:
        pages = Includers(s)
        assert pages.get("frag.txt") == "page.txt"
        assert pages.get("page.txt") is None
