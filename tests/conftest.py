"""Shared fixtures: a private corpus copy and index per test, never the user's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "corpus" / "industrial-partnerships.txt"
SEED_HTML = ROOT / "tests" / "data" / "industrial-partnerships.html"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Derived files (the optimised encoder graph) go to a folder of this test run, never the
    user's cache; one folder for the session, as one user's runs share theirs."""
    import os

    old = os.environ.get("IPSEARCH_CACHE")
    os.environ["IPSEARCH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("IPSEARCH_CACHE", None)
    else:
        os.environ["IPSEARCH_CACHE"] = old


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(SEED_TXT, d / SEED_TXT.name)
    return d


@pytest.fixture
def env(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point ipsearch at the tmp corpus and a tmp index through the environment."""
    index = tmp_path / "index"
    monkeypatch.setenv("IPSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(index))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)
    return {"corpus": corpus, "index": index, "root": tmp_path}


@pytest.fixture
def run(env):
    """Invoke the CLI in-process through ``main``'s error mapping; returns the click Result."""
    from click.testing import CliRunner

    from ipsearch.cli import cli

    def invoke(*args: str, **kw):
        runner = CliRunner()
        return runner.invoke(cli, list(args), catch_exceptions=False, **kw)

    return invoke


@pytest.fixture
def main_run(env, capsys):
    """Run ``ipsearch.cli.main`` as the console script does; returns (code, out, err)."""
    from ipsearch.cli import main

    def invoke(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return invoke


@pytest.fixture(scope="session")
def _built(tmp_path_factory) -> tuple[Path, Path]:
    """One index of the seed corpus, built once, for tests that only read it."""
    from ipsearch.index import IndexStore, ensure_fresh

    base = tmp_path_factory.mktemp("seed")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = base / "index"
    ensure_fresh(IndexStore(index, corpus.resolve()), lambda _m: None)
    return corpus.resolve(), index


@pytest.fixture
def seed_env(_built, monkeypatch) -> tuple[Path, Path]:
    """Point the CLI at the shared read-only seed corpus and index, never at the user's."""
    corpus, index = _built
    monkeypatch.setenv("IPSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(index))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return corpus, index


@pytest.fixture
def searcher(_built):
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    corpus, index = _built
    with Searcher(IndexStore(index, corpus)) as s:
        yield s
