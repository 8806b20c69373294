"""The spelling vocabulary beside each generation: built incrementally, equal to a rebuild."""

from __future__ import annotations

import os

from ipsearch.index import IndexStore, vocabulary
from ipsearch.retrieval.searcher import Searcher


def _vocab(store: IndexStore) -> dict[str, int]:
    return vocabulary.read(store.current())


def test_incremental_vocabulary_equals_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Reactors\n\nNuclear decommissioning of reactors.\n")
    # A table: its rows are indexed with their header ("Item: ...; Cost: ..."), and the words
    # taken away when the file changes must be those that were added.
    (corpus / "b.md").write_text(
        "# Budget\n\nThe budget pays for decommissioning.\n\n"
        "| Item | Cost |\n|---|---|\n| Pumps | 10 |\n| Valves | 20 |\n"
    )
    (corpus / "c.md").write_text("# Gone\n\nA zebra crossing.\n")
    store = IndexStore(tmp_path / "idx", corpus)
    store.update()
    first = _vocab(store)
    assert first["decommissioning"] == 2 and first["zebra"] == 1

    (corpus / "b.md").write_text("# Budget\n\nThe treasury pays.\n")
    st = os.stat(corpus / "b.md")
    os.utime(corpus / "b.md", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    (corpus / "c.md").unlink()
    (corpus / "d.md").write_text("# New\n\nA giraffe and nuclear reactors.\n")
    store.update()
    incremental = _vocab(store)

    rebuilt = IndexStore(tmp_path / "idx2", corpus)
    rebuilt.update()
    assert incremental == _vocab(rebuilt)
    assert "zebra" not in incremental and incremental["decommissioning"] == 1
    assert incremental["nuclear"] == 2 and incremental["treasury"] == 1
    assert "item" not in incremental and "pumps" not in incremental


def test_respelling_reads_the_vocabulary_only_for_unknown_words(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Reactors\n\nNuclear decommissioning of reactors.\n")
    store = IndexStore(tmp_path / "idx", corpus)
    store.update()
    with Searcher(store, semantic=False) as s:
        assert s.search("nuclear reactors").corrected is None
        assert s._spelling is None
        assert s.search("nuclaer decommisioning").corrected == "nuclear decommissioning"
        assert s._spelling is not None
