from pathlib import Path

import pytest

from ipsearch.config import bundled_corpus, resolve
from ipsearch.errors import CorpusError


def test_option_beats_env_beats_local(tmp_path, monkeypatch):
    a, b, c = (tmp_path / n for n in ("a", "b", "corpus"))
    for d in (a, b, c):
        d.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IPSEARCH_CORPUS", str(b))
    monkeypatch.delenv("IPSEARCH_INDEX", raising=False)
    assert resolve(str(a)).corpus == a.resolve()
    assert resolve().corpus == b.resolve()
    monkeypatch.delenv("IPSEARCH_CORPUS")
    loc = resolve()
    assert loc.corpus == c.resolve() and loc.index == tmp_path.resolve() / "index"


def test_bundled_corpus_when_nothing_local(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IPSEARCH_CORPUS", raising=False)
    monkeypatch.setenv("IPSEARCH_INDEX", str(tmp_path / "ix"))
    loc = resolve()
    assert loc.bundled and loc.corpus == bundled_corpus().resolve()
    assert loc.index == Path(tmp_path / "ix")


def test_bad_corpus(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        resolve(str(tmp_path / "nope"))
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(CorpusError, match="not a directory"):
        resolve(str(f))
