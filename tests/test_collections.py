"""Issue 9, "Collections": one index per corpus, `corpora`, skips, --include/--exclude, the
ingest summary. The user data directory is pointed at tmp_path (XDG_DATA_HOME)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipsearch.config import default_index, resolve


@pytest.fixture
def home(env, tmp_path, monkeypatch):
    """No corpus or index configured: defaults apply, with the data dir inside tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("IPSEARCH_CORPUS", raising=False)
    monkeypatch.delenv("IPSEARCH_INDEX", raising=False)
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    return home


@pytest.fixture
def cli(home, main_run):
    return main_run


def _corpus(home: Path, name: str, text: str) -> Path:
    d = home / name
    d.mkdir()
    (d / f"{name}.txt").write_text(text)
    return d


def test_two_corpora_ingested_one_after_the_other_keep_separate_indexes(home, cli):
    a = _corpus(home, "alpha", "The okapi scheme funds rail research.\n")
    b = _corpus(home, "beta", "The walrus scheme funds harbour research.\n")
    assert cli("ingest", str(a))[0] == 0
    assert cli("ingest", str(b))[0] == 0
    ia, ib = default_index(a.resolve()), default_index(b.resolve())
    assert ia != ib and ia.is_dir() and ib.is_dir()
    assert ia.parent == home.parent / "data" / "ipsearch" / "indexes"
    code, out, _ = cli("search", "--json", "--corpus", str(a), "walrus")
    assert code == 1 and json.loads(out)["hits"] == []
    code, out, _ = cli("search", "--json", "--corpus", str(a), "okapi")
    assert code == 0 and [h["source"] for h in json.loads(out)["hits"]] == ["alpha/alpha.txt"]
    code, out, _ = cli("search", "--json", "--corpus", str(b), "walrus")
    assert code == 0 and [h["source"] for h in json.loads(out)["hits"]] == ["beta/beta.txt"]


def test_local_corpus_keeps_its_index_beside_it(home, cli):
    _corpus(home, "corpus", "The okapi scheme funds rail research.\n")
    assert resolve().index == home.resolve() / "index"
    assert cli("search", "okapi")[0] == 0
    assert (home / "index" / "CURRENT").is_file()
    # Named explicitly, the same corpus still finds the index beside it.
    assert resolve(str(home / "corpus")).index == home.resolve() / "index"


def test_ingest_dir_inside_the_configured_corpus_is_a_partial_update(home, cli, monkeypatch):
    c = _corpus(home, "corpus", "The okapi scheme funds rail research.\n")
    (c / "sub").mkdir()
    (c / "sub" / "s.txt").write_text("The walrus note.\n")
    code, out, _ = cli("ingest", "--json", str(c / "sub"))
    assert code == 0 and json.loads(out)["index"] == str(home.resolve() / "index")


def test_corpora_lists_each_index_with_files_sections_and_build_time(home, cli):
    a = _corpus(home, "alpha", "Okapi\n\nThe okapi scheme funds rail research.\n")
    b = _corpus(home, "beta", "Walrus\n\nThe walrus scheme funds harbour research.\n")
    code, _, err = cli("corpora")
    assert code == 1 and "No corpus has an index yet" in err
    cli("ingest", str(a))
    cli("ingest", str(b))
    code, out, _ = cli("corpora", "--json")
    assert code == 0
    rows = json.loads(out)["corpora"]
    assert [r["path"] for r in rows] == [str(a.resolve()), str(b.resolve())]
    assert all(r["files"] == 1 and r["sections"] >= 1 and r["built"] for r in rows)
    code, out, _ = cli("corpora")
    assert str(a.resolve()) in out and "1 file " in out


def test_skips_hidden_dependencies_ignore_file_and_index_folder(home, cli):
    c = _corpus(home, "corpus", "The okapi scheme funds rail research.\n")
    (c / ".git").mkdir()
    (c / ".git" / "notes.txt").write_text("The zebra note.\n")
    (c / "node_modules" / "pkg").mkdir(parents=True)
    (c / "node_modules" / "pkg" / "README.md").write_text("The zebra package.\n")
    (c / "drafts").mkdir()
    (c / "drafts" / "d.md").write_text("The zebra draft.\n")
    (c / "notes").mkdir()
    (c / "notes" / "keep.md").write_text("The heron note.\n")
    (c / "notes" / "scratch.md").write_text("The zebra scratch.\n")
    (c / ".ipsearchignore").write_text("drafts/\n# comment\n")
    (c / "notes" / ".ipsearchignore").write_text("scratch.md\n")
    code, out, err = cli("ingest", "--json", "--index", str(c / "ix"), str(c))
    assert code == 0, err
    report = json.loads(out)
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped == {
        ".git": "hidden",
        "node_modules": "dependency folder",
        "drafts": "ignored by .ipsearchignore",
        "notes/scratch.md": "ignored by notes/.ipsearchignore",
        "ix": "the index folder",
    }
    assert report["added"] == 2
    code, out, _ = cli("search", "--json", "--corpus", str(c), "--index", str(c / "ix"), "zebra")
    assert code == 1
    # A path named explicitly follows the same rules.
    code, out, _ = cli("ingest", "--json", "--corpus", str(c), "--index", str(c / "ix"),
                       str(c / "drafts" / "d.md"))  # fmt: skip
    assert {"path": "drafts/d.md", "reason": "ignored by .ipsearchignore"} in json.loads(out)[
        "skipped"
    ]


def test_include_and_exclude_are_kept_with_the_index(home, cli):
    c = _corpus(home, "corpus", "The okapi scheme funds rail research.\n")
    (c / "a.md").write_text("The walrus page.\n")
    (c / "old").mkdir()
    (c / "old" / "b.md").write_text("The heron page.\n")
    code, out, _ = cli("ingest", "--json", "--include", "*.md", "--exclude", "old/")
    report = json.loads(out)
    assert report["added"] == 1 and report["skipped_by_reason"] == {
        "excluded by --exclude": 1,
        "not matched by --include": 1,
    }
    # A search's freshness check applies the same rules: nothing looks changed.
    code, _, err = cli("search", "walrus")
    assert code == 0 and "corpus changed" not in err
    assert cli("search", "okapi")[0] == 1
    # Options replace the stored ones; '' clears.
    code, out, _ = cli("ingest", "--json", "--include", "")
    assert json.loads(out)["added"] == 1  # the .txt file; old/ stays excluded
    code, out, _ = cli("ingest", "--json", "--exclude", "")
    assert json.loads(out)["added"] == 1


def test_summary_line_counts_skips_by_reason_and_verbose_lists_them(home, cli):
    c = _corpus(home, "corpus", "Okapi\n\nThe okapi scheme funds rail research.\n")
    (c / ".hidden.txt").write_text("hidden\n")
    (c / "image.png").write_bytes(b"\x89PNG")
    (c / "empty.txt").write_text("")
    code, out, err = cli("ingest")
    assert code == 0
    line = out.strip()
    assert len(out.strip().splitlines()) == 1
    assert "1 file (1 added, 0 updated, 0 removed, 0 unchanged)" in line
    assert "skipped 3 (1 empty file, 1 hidden, 1 unsupported file type)" in line
    assert line.endswith(" s")
    # Problems are named without --verbose; rule skips only with it.
    assert "skipped empty.txt: empty file" in err and ".hidden.txt" not in err
    code, out, err = cli("ingest", "--verbose", "--rebuild")
    assert "skipped .hidden.txt: hidden" in err and "skipped image.png" in err


def test_progress_bar_only_on_a_terminal_after_two_seconds(monkeypatch, capsys):
    from ipsearch.cli.ingest import _Progress

    progress = _Progress()
    progress(0, 10, "a.txt")
    assert progress.bar is None  # quick runs show nothing
    progress.started -= 5
    progress(1, 10, "b\x1b[2J.txt")
    assert progress.bar is not None
    progress.close()
    err = capsys.readouterr().err
    assert "\x1b[2J" not in err
