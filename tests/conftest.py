"""Shared fixtures: every test works on a temporary copy of the corpus and its own index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ipsearch.index import IndexStore, ensure_fresh
from ipsearch.search import Searcher

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def _built(tmp_path_factory) -> tuple[Path, Path]:
    """One index of the seed corpus, built once; tests that write get their own (``env``)."""
    base = tmp_path_factory.mktemp("seed")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = base / "index"
    ensure_fresh(IndexStore(index, corpus.resolve()), lambda _m: None)
    return corpus.resolve(), index


@pytest.fixture
def env(_built, monkeypatch) -> tuple[Path, Path]:
    """Point the CLI at the temporary corpus and index, never at the user's."""
    corpus, index = _built
    monkeypatch.setenv("IPSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(index))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return corpus, index


@pytest.fixture
def searcher(_built):
    corpus, index = _built
    with Searcher(IndexStore(index, corpus)) as s:
        yield s
