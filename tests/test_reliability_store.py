"""Issue 11, items 1, 3 and 8: the index folder is ipsearch's own; nothing else is deleted or
written through a link, and bad settings are one-line errors."""

from __future__ import annotations

import json
import os

import pytest

from ipsearch.indexdir import MARKER


def test_rebuild_never_deletes_folders_it_did_not_make(env, main_run):
    # An index folder ipsearch made, then a user's own gen-* folder in it.
    assert main_run("ingest")[0] == 0
    keep = env["index"] / "gen-keep"
    keep.mkdir()
    (keep / "f.txt").write_text("precious\n")
    for _ in range(3):
        code, _, err = main_run("ingest", "--rebuild")
        assert code == 0, err
    assert (keep / "f.txt").read_text() == "precious\n"
    # ipsearch's own generations are still pruned: the live one and the one before.
    recorded = json.loads((env["index"] / MARKER).read_text())["generations"]
    assert len(recorded) == 2
    assert sorted(p.name for p in env["index"].glob("gen-*")) == sorted([*recorded, "gen-keep"])


def test_existing_folder_without_marker_is_refused_as_index(env, main_run):
    index = env["index"]
    (index / "gen-keep").mkdir(parents=True)
    (index / "gen-keep" / "f.txt").write_text("precious\n")
    code, out, err = main_run("ingest", "--rebuild")
    assert code == 2 and "is not an ipsearch index" in err and "Traceback" not in err
    assert (index / "gen-keep" / "f.txt").read_text() == "precious\n"
    assert not (index / MARKER).exists()


def test_index_equal_to_the_corpus_is_refused(env, main_run):
    corpus = env["corpus"]
    (corpus / "gen-2023-notes").mkdir()
    (corpus / "gen-2023-notes" / "notes.txt").write_text("Notes on the walrus grant.\n")
    code, _, err = main_run("ingest", "--index", str(corpus))
    assert code == 2 and "is the corpus itself" in err
    assert (corpus / "gen-2023-notes" / "notes.txt").exists()
    code, _, err = main_run("search", "--index", str(corpus), "walrus")
    assert code == 2 and "is the corpus itself" in err
    assert (corpus / "gen-2023-notes" / "notes.txt").exists()


def test_index_inside_the_corpus_with_content_is_refused_but_new_folder_is_skipped(env, main_run):
    corpus = env["corpus"]
    (corpus / "notes").mkdir()
    (corpus / "notes" / "n.txt").write_text("The walrus note.\n")
    code, _, err = main_run("ingest", "--index", str(corpus / "notes"))
    assert code == 2 and "not an ipsearch index" in err
    # A new folder inside the corpus becomes the index; the walk leaves it out.
    code, out, err = main_run("ingest", "--json", "--index", str(corpus / "ix"))
    assert code == 0, err
    report = json.loads(out)
    assert report["added"] == 2
    code, out, err = main_run("ingest", "--json", "--index", str(corpus / "ix"))
    assert json.loads(out)["unchanged"] == 2 and json.loads(out)["added"] == 0


def test_index_folder_holding_the_corpus_is_refused(env, main_run):
    code, _, err = main_run("ingest", "--index", str(env["root"]))
    assert code == 2 and "contains the corpus" in err


def test_legacy_index_without_marker_is_adopted(env, main_run):
    assert main_run("ingest")[0] == 0
    (env["index"] / MARKER).unlink()
    (env["index"] / "gen-keep").mkdir()
    code, _, err = main_run("ingest", "--rebuild")
    assert code == 0, err
    assert (env["index"] / "gen-keep").is_dir()
    assert (env["index"] / MARKER).exists()


def test_planted_temp_file_link_does_not_redirect_writes(env, main_run, tmp_path):
    assert main_run("ingest")[0] == 0
    victim = tmp_path / "victim"
    victim.write_text("untouched\n")
    index = env["index"]
    pid = os.getpid()
    gen = (index / "CURRENT").read_text().strip()
    for name in (f"CURRENT.tmp{pid}", f"{MARKER}.tmp{pid}"):
        os.symlink(victim, index / name)
    os.symlink(victim, index / gen / f"manifest.json.tmp{pid}")
    (env["corpus"] / "more.txt").write_text("The okapi scheme.\n")
    code, _, err = main_run("ingest", "--rebuild")
    assert code == 0, err
    assert victim.read_text() == "untouched\n"


def test_lock_file_link_does_not_create_a_file_elsewhere(env, main_run, tmp_path):
    assert main_run("ingest")[0] == 0
    (env["index"] / ".lock").unlink()
    target = tmp_path / "elsewhere.lock"
    os.symlink(target, env["index"] / ".lock")
    code, _, err = main_run("ingest", "--rebuild")
    assert code == 2 and ".lock is a symbolic link" in err
    assert not target.exists()


@pytest.mark.parametrize("value", ["abc", "nan", "-1", "inf", "1e400"])
def test_bad_lock_timeout_is_a_one_line_usage_error(env, main_run, monkeypatch, value):
    monkeypatch.setenv("IPSEARCH_LOCK_TIMEOUT", value)
    code, out, err = main_run("search", "partnership")
    assert code == 2 and "IPSEARCH_LOCK_TIMEOUT" in err and len(err.strip().splitlines()) == 1


def test_bad_semantic_switch_is_a_usage_error(env, main_run, monkeypatch):
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "maybe")
    code, _, err = main_run("search", "partnership")
    assert code == 2 and "IPSEARCH_SEMANTIC" in err


def test_good_lock_timeout_values_pass(env, main_run, monkeypatch):
    monkeypatch.setenv("IPSEARCH_LOCK_TIMEOUT", " 2.5 ")
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    assert main_run("ingest")[0] == 0
