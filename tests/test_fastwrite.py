"""The writer's fast paths give exactly what Whoosh's own code gives."""

from __future__ import annotations

import pytest
from whoosh.analysis import StemmingAnalyzer
from whoosh.formats import Positions

from ipsearch.index import fastwrite
from ipsearch.index.analysis import plain_chain, text_analyzer

TEXTS = [
    "",
    "the a an of",  # only stop words
    "The Vitamin D and bone fractures: a meta-analysis (n=1,204) of 12 trials.",
    "of the running runners ran; RUNNING again, and again run",
    "İstanbul straße CAFÉ naïve 東京 x_y 3.14 don't",
    "a " * 5 + "word " * 3 + "the word",
]


@pytest.fixture(autouse=True)
def _patched():
    fastwrite.speed_up_writing()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("boost", [1.0, 0.5])
def test_fast_postings_equal_whoosh_word_values(text, boost):
    fmt = Positions(field_boost=boost)
    ana = text_analyzer()
    fast = [
        (w, n, float(n) * boost, vbytes)
        for w, n, vbytes in fastwrite._encoded(fmt, text, plain_chain(ana))
    ]
    slow = list(fmt.word_values(text, ana, mode="index"))
    assert fast == slow
    assert [type(v) for row in fast for v in row] == [type(v) for row in slow for v in row]


def test_other_analyzers_take_whoosh_path():
    assert plain_chain(StemmingAnalyzer()) is None


def _assert_matrix_as_read_back(gen) -> None:
    """Each segment's stored matrix (from the postings as written) equals one read back."""
    import numpy as np
    from whoosh import index as windex

    from ipsearch.index.matrix import ARRAYS, PREFIX, _segment_arrays
    from ipsearch.index.schema import FIELD_BOOSTS

    with windex.open_dir(str(gen)).reader() as reader:
        leaves = [r for r, _ in reader.leaf_readers()]
        assert leaves
        for seg in leaves:
            base = gen / f"{PREFIX}{seg.segment().segment_id()}"
            read_back = _segment_arrays(seg, list(FIELD_BOOSTS))
            for name in ARRAYS:
                stored = np.load(f"{base}.{name}.npy")
                assert np.array_equal(stored, read_back[name]), name


def test_matrix_from_written_postings_equals_read_back(tmp_path, monkeypatch):
    import ipsearch.index.ranker as ranker_module
    from ipsearch.index import IndexStore

    monkeypatch.setattr(ranker_module, "SMALL_INDEX", 0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = [
        "grant",
        "funding",
        "research",
        "the",
        "of",
        "partnership",
        "cyber",
        "security",
        "data",
        "energy",
    ]
    for i in range(12):
        text = "\n\n".join(
            f"## {words[(i + j) % 10].title()} {j}\n\n" + " ".join(words[: 3 + (i * j) % 8])
            for j in range(6)
        )
        (corpus / f"doc{i}.md").write_text(f"# Doc {i}\n\n{text}\n")
    store = IndexStore(tmp_path / "index", corpus)
    store.update()
    _assert_matrix_as_read_back(store.current())
    (corpus / "doc3.md").write_text("# Changed\n\nNew energy data.\n")  # old sections deleted
    (corpus / "doc4.md").unlink()
    (corpus / "new.md").write_text("# New\n\n## Cyber\n\nCyber security research.\n")
    store.update()  # a second segment (or one merged with the first)
    _assert_matrix_as_read_back(store.current())


def _index_digest(gen) -> str:
    """Every posting (weights, positions), field length and stored field of an index."""
    import hashlib

    from whoosh import index as windex

    h = hashlib.sha256()
    with windex.open_dir(str(gen)).reader() as r:
        for f, t in r.all_terms():
            h.update(repr((f, t, list(r.postings(f, t).items_as("weight")))).encode())
            if r.schema[f].format.supports("positions"):
                h.update(repr(list(r.postings(f, t).items_as("positions"))).encode())
        for f in r.indexed_field_names():
            n = r.doc_count_all()
            lengths = [r.doc_field_length(d, f) for d in range(n)]
            h.update(repr((f, r.field_length(f), lengths)).encode())
        for d in r.all_stored_fields():
            h.update(repr(sorted(d.items())).encode())
    return h.hexdigest()


def test_index_written_fast_equals_whoosh_own(tmp_path, monkeypatch):
    from ipsearch.index import IndexStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "# The Title of it\n\n## Café naïve İstanbul\n\nThe running of the runners, again and"
        " again (n=12; 3.14).\n\n## Empty of\n\nthe a an\n"
    )
    (corpus / "b.jsonl").write_text(
        '{"id": "1", "title": "Vitamin D", "text": "Bone fractures and vitamin D."}\n'
    )
    digests = []
    for name in ("whoosh", "fast"):
        if name == "whoosh":  # Whoosh's own functions back for this build
            for (cls, attr), func in fastwrite.ORIGINALS.items():
                monkeypatch.setattr(cls, attr, func)
        else:
            monkeypatch.undo()
        store = IndexStore(tmp_path / name, corpus)
        store.update()
        digests.append(_index_digest(store.current()))
    assert digests[0] == digests[1]
