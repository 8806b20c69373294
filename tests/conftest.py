"""Shared fixtures: a private corpus copy and index per test, never the user's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "corpus" / "industrial-partnerships.txt"
SEED_HTML = ROOT / "tests" / "data" / "industrial-partnerships.html"


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
