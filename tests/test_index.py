import shutil

import pytest

from ipsearch.index import IndexStore
from tests.conftest import SEED_HTML


@pytest.fixture
def store(env):
    return IndexStore(env["index"], env["corpus"].resolve())


def titles(store):
    return {(s.source, s.title) for s in store.sections()}


def test_build_then_nothing_to_do(store):
    first = store.update()
    assert first.rebuilt and first.added == 1 and first.sections == 10
    again = store.update()
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 1)
    assert not store.stale()


def test_incremental_add_change_delete(store, env):
    store.update()
    shutil.copy(SEED_HTML, env["corpus"] / "page.html")
    (env["corpus"] / "notes.md").write_text("# Notes\n\nAbout welding.\n")
    assert store.stale()
    r = store.update()
    assert (r.added, r.updated, r.removed, r.unchanged) == (2, 0, 0, 1)
    assert ("notes.md", "Notes") in titles(store)

    (env["corpus"] / "notes.md").write_text("# Notes\n\nAbout plumbing now.\n")
    r = store.update()
    assert (r.added, r.updated, r.removed, r.unchanged) == (0, 1, 0, 2)
    bodies = [s.text for s in store.sections() if s.source == "notes.md"]
    assert bodies == ["About plumbing now."]

    (env["corpus"] / "page.html").unlink()
    r = store.update()
    assert (r.added, r.updated, r.removed, r.unchanged) == (0, 0, 1, 2)
    assert not any(src == "page.html" for src, _ in titles(store))


def test_touch_without_change_rehashes_but_does_not_reindex(store, env):
    store.update()
    f = env["corpus"] / "industrial-partnerships.txt"
    f.write_bytes(f.read_bytes())
    r = store.update()
    assert r.unchanged == 1 and not r.changed


def test_rebuild_swaps_generations_and_keeps_one_back(store, env):
    store.update()
    first = store.current()
    store.update(rebuild=True)
    second = store.current()
    assert first != second and second.is_dir() and first.is_dir()
    store.update(rebuild=True)
    assert not first.exists()


def test_failed_rebuild_leaves_old_index(store, env, monkeypatch):
    store.update()
    before = titles(store)
    live = store.current()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ipsearch.index.IndexStore._save_manifest", boom)
    from ipsearch.errors import IndexError_

    with pytest.raises(IndexError_, match="No space left"):
        store.update(rebuild=True)
    assert store.current() == live and titles(store) == before
    assert [p.name for p in env["index"].glob("gen-*")] == [live.name]


def test_skipped_files_are_reported(store, env):
    (env["corpus"] / "empty.txt").write_text("")
    (env["corpus"] / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (env["corpus"] / "bad.txt").write_bytes(b"Heading\n\nOld caf\xe9 text here.\n")
    (env["corpus"] / "image.png").write_bytes(b"\x89PNG")
    r = store.update()
    reasons = dict(r.skipped)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blob.txt"] == "binary file"
    assert reasons["image.png"] == "unsupported file type"
    assert any("bad.txt" in w for w in r.warnings)
    assert any(s.source == "bad.txt" for s in store.sections())
    # Skipped files are remembered: nothing to do next time.
    assert not store.update().changed


def test_corpus_links_never_leave_the_root(store, env, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret\n\nDo not index this.\n")
    (env["corpus"] / "link.txt").symlink_to(outside)
    (env["corpus"] / "loop.txt").symlink_to(env["corpus"] / "loop.txt")
    r = store.update()
    reasons = dict(r.skipped)
    assert reasons["link.txt"] == "link points outside the corpus"
    assert "loop" in reasons["loop.txt"]
    assert all(s.source == "industrial-partnerships.txt" for s in store.sections())


# ``pickle.dumps(SnowballStemFilter(), 2)`` as the code before the split into ``ipsearch/index/``
# wrote it: Whoosh pickles the analyzer into every index's table of contents this way.
OLD_STEM_FILTER_PICKLE = (
    b"\x80\x02cipsearch.index\nSnowballStemFilter\nq\x00)\x81q\x01}q\x02X\t\x00\x00\x00"
    b"algorithmq\x03X\x07\x00\x00\x00englishq\x04sb."
)


def test_stem_filter_pickled_by_older_indexes_still_loads():
    import pickle

    from ipsearch.index import SnowballStemFilter

    f = pickle.loads(OLD_STEM_FILTER_PICKLE)
    assert isinstance(f, SnowballStemFilter)
    assert f.stem("running") == "run"
    # New indexes name the same path, so older and newer versions read each other's indexes.
    assert pickle.dumps(SnowballStemFilter(), 2) == OLD_STEM_FILTER_PICKLE
