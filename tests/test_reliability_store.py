"""Issue 11, items 1, 3 and 8: the index folder is ipsearch's own; nothing else is deleted or
written through a link, and bad settings are one-line errors."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from ipsearch.index.indexdir import MARKER


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
    from ipsearch.semantic import VECTORS

    os.symlink(victim, index / gen / f"manifest.json.tmp{pid}")
    os.symlink(victim, index / gen / f"{VECTORS}.tmp{pid}.npz")
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


# -- item 2: reads never leave the corpus --------------------------------------------------


def _hop_corpus(corpus: Path, outside: Path, n: int) -> None:
    """``fN.txt -> .hop/fN.txt``, ``.hop`` a link to a folder inside (or outside) the corpus."""
    inside = corpus / "inside"
    inside.mkdir()
    outside.mkdir()
    for i in range(n):
        (inside / f"f{i}.txt").write_text(f"The heron scheme, part {i}.\n")
        (outside / f"f{i}.txt").write_text(f"The capybara secret {i} must never be indexed.\n")
        os.symlink(f".hop/f{i}.txt", corpus / f"f{i}.txt")
    os.symlink("inside", corpus / ".hop")


def _flip(corpus: Path, outside: Path, to_outside: bool) -> None:
    tmp = corpus / ".hop-new"
    os.symlink(outside if to_outside else "inside", tmp)
    os.replace(tmp, corpus / ".hop")


def test_symlink_flipped_between_check_and_open_is_not_read(env, main_run, tmp_path, monkeypatch):
    import ipsearch.corpus as corpus_module
    from ipsearch.config import resolve
    from ipsearch.index import IndexStore

    corpus, outside = env["corpus"], tmp_path / "outside"
    _hop_corpus(corpus, outside, 3)
    real_is_inside = corpus_module.is_inside

    def check_then_flip(path, root):
        ok = real_is_inside(path, root)  # the check passes on the inside target ...
        _flip(corpus, outside, True)  # ... and the link leaves the corpus before the open
        return ok

    loc = resolve()
    with monkeypatch.context() as m:
        m.setattr(corpus_module, "is_inside", check_then_flip)
        report = IndexStore(loc.index, loc.corpus).update(rebuild=True)
    reasons = dict(report.skipped)
    assert all(reasons[f"f{i}.txt"] == "now links outside the corpus" for i in range(3)), reasons
    code, out, err = main_run("search", "--json", "--no-semantic", "capybara")
    assert code in (0, 1), err
    assert "capybara" not in out.lower().replace('"query": "capybara"', "")


@pytest.mark.slow
def test_symlink_race_during_rebuild_never_indexes_outside_text(env, main_run, tmp_path):
    import threading

    from ipsearch.config import resolve
    from ipsearch.index import IndexStore

    corpus, outside = env["corpus"], tmp_path / "outside"
    _hop_corpus(corpus, outside, 300)
    stop = threading.Event()

    def flipper() -> None:
        out = False
        while not stop.is_set():
            out = not out
            _flip(corpus, outside, out)

    thread = threading.Thread(target=flipper)
    thread.start()
    try:
        loc = resolve()
        for _ in range(3):
            IndexStore(loc.index, loc.corpus).update(rebuild=True)
    finally:
        stop.set()
        thread.join()
    _flip(corpus, outside, False)
    store = IndexStore(loc.index, loc.corpus)
    assert not any("capybara" in s.text for s in store.sections())


# -- item 4: terminal injection ------------------------------------------------------------

EVIL = "The \x1b]0;pwned\x07okapi \x1b[2Jgrant\x9b31m is funded \u202eand\u202c paid.\n"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _no_raw_controls(text: str, colour: bool) -> None:
    if colour:
        text = SGR.sub("", text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text), repr(text)


@pytest.mark.parametrize("colour", ["never", "always"])
def test_terminal_injection_is_escaped_in_every_human_output(env, main_run, colour):
    corpus = env["corpus"]
    (corpus / "evil.txt").write_text("Okapi grants\n\n" + EVIL)
    (corpus / "evil.html").write_text(
        "<html><body><h1>Okapi</h1><p>The okapi &#27;]0;pwned&#7; fund &#27;[2J pays.</p>"
        "</body></html>"
    )
    (corpus / "name\x1b[2J.txt").write_text("The okapi fund has a strange file name.\n")
    (corpus / "empty\x1b]0;x\x07.txt").write_text("")
    runs = [
        main_run("ingest", "--verbose", "--color", colour),
        main_run("search", "--color", colour, "okapi"),
        main_run("sections", "--color", colour),
        main_run("show", "--color", colour, "evil.txt#okapi-grants"),
        main_run("ask", "--color", colour, "--no-semantic", "Is the okapi grant funded?"),
        main_run("which", "--color", colour, "--no-semantic", "okapi"),
    ]
    for code, out, err in runs:
        assert code in (0, 1), err
        _no_raw_controls(out, colour == "always")
        _no_raw_controls(err, colour == "always")
    shown = "".join(out + err for _, out, err in runs)
    assert "\\x1b" in shown and "name\\x1b[2J.txt" in shown
    # JSON keeps the text, escaped.
    code, out, _ = main_run("search", "--json", "okapi")
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert any("\x1b" in h["source"] for h in json.loads(out)["hits"])


def test_clean_escapes_visibly_and_keeps_layout():
    from ipsearch.safe_text import clean, json_safe

    assert clean("a\x1b[2Jb\tc\nd") == "a\\x1b[2Jb\tc\nd"
    assert clean("a\tb\n", multiline=False) == "a\\x09b\\x0a"
    assert clean("caf\udce9") == "caf\\xe9" and clean("\u202e") == "\\u202e"
    assert clean("x\x02y", keep="\x02") == "x\x02y"
    assert json.loads(json_safe(json.dumps({"a": "\x9b\udce9"}, ensure_ascii=False))) == {
        "a": "\x9b\udce9"
    }


# -- items 5, 6: names that are not UTF-8, an index with no sections --------------------------


def test_non_utf8_file_name_is_skipped_with_its_reason_and_the_rest_works(env, main_run):
    name = os.fsdecode(b"caf\xe9.txt")
    (env["corpus"] / name).write_text("x.\n")
    code, out, err = main_run("ingest", "--json")
    assert code == 0, err
    skipped = {s["path"]: s["reason"] for s in json.loads(out)["skipped"]}
    assert "not valid UTF-8" in skipped[name]
    code, out, err = main_run("ingest")
    assert code == 0 and "caf\\xe9.txt" in err and "Traceback" not in err
    code, out, err = main_run("search", "partnership")
    assert code == 0, err


def test_empty_index_search_says_no_matches_exit_1(env, main_run, tmp_path):
    # A page with nothing a reader sees in its content gives an index with no sections.
    corpus = tmp_path / "no-content"
    corpus.mkdir()
    (corpus / "w.html").write_text("<html><body><script>var zebra42 = 1;</script></body></html>\n")
    for args in (["search", "zebra42"], ["search", "zeb*"], ["which", "--no-semantic", "wifi"]):
        code, out, err = main_run(*args, "--corpus", str(corpus), "--index", str(tmp_path / "i"))
        assert code == 1, err
        assert "cannot run query" not in err


# -- item 7: gold and qrels input errors ----------------------------------------------------


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"question": "q", "id": ' + "9" * 5000 + "}", "not valid JSON"),
        ('{"question": "q", "answers": 5}', "'answers' must be a list"),
        ('{"question": "q", "answers": [5]}', "'answers' must be a list of strings"),
        ('{"question": "q", "section": ["a"]}', "'section' must be a string"),
        ('{"question": "q", "command": "delete"}', "'command' must be"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_gold_line_is_a_one_line_error_naming_file_and_line(
    env, main_run, tmp_path, line, message
):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "Who chairs the nuclear partnership?"}\n' + line + "\n")
    code, out, err = main_run("eval", str(gold))
    assert code == 2 and f"{gold}:2:" in err and message in err, err
    assert len(err.strip().splitlines()) == 1


def test_non_utf8_gold_file_names_the_line(env, main_run, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"question": "a"}\n{"question": "caf\xe9"}\n')
    code, _, err = main_run("eval", str(gold))
    assert code == 2 and f"{gold}:2: not UTF-8" in err


@pytest.mark.parametrize(
    "qrels, message",
    [
        ("query_id\tdoc_id\trelevance\nq1\td1\t1.5\n", ":2: relevance '1.5'"),
        ("query_id\tdoc_id\trelevance\nq1\td1\n", ":2: expected query_id"),
        ("query_id\tdoc_id\trelevance\nq1\td1\t" + "9" * 5000 + "\n", ":2: relevance"),
    ],
)
def test_bad_qrels_line_is_a_one_line_error(env, main_run, tmp_path, qrels, message):
    d = tmp_path / "coll"
    d.mkdir()
    (d / "corpus.jsonl").write_text('{"id": "d1", "title": "T", "text": "The okapi."}\n')
    (d / "queries.tsv").write_text("q1\tokapi\n")
    (d / "qrels.tsv").write_text(qrels)
    code, _, err = main_run("bench-ir", str(d))
    assert code == 2 and f"{d / 'qrels.tsv'}{message}" in err, err


def test_non_utf8_queries_file_names_the_line(env, main_run, tmp_path):
    d = tmp_path / "coll"
    d.mkdir()
    (d / "corpus.jsonl").write_text('{"id": "d1", "title": "T", "text": "The okapi."}\n')
    (d / "queries.tsv").write_bytes(b"q1\tokapi\nq2\tcaf\xe9\n")
    (d / "qrels.tsv").write_text("q1\td1\t1\n")
    code, _, err = main_run("bench-ir", str(d))
    assert code == 2 and "queries.tsv:2: not UTF-8" in err


# -- items 16, 17: unreadable folders, hidden files named explicitly --------------------------


def test_unreadable_sub_folder_is_skipped_and_its_sections_stay(env, main_run, monkeypatch):
    sub = env["corpus"] / "sub"
    sub.mkdir()
    (sub / "s.txt").write_text("The quokka fund pays for harbours.\n")
    assert main_run("ingest")[0] == 0
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(sub):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    with monkeypatch.context() as m:
        m.setattr(os, "scandir", scandir)
        code, out, err = main_run("ingest", "--json")
        assert code == 0, err
        report = json.loads(out)
        assert report["removed"] == 0
        reason = {"path": "sub", "reason": "unreadable folder (Permission denied)"}
        assert reason in report["skipped"]
        code, out, err = main_run("search", "--json", "quokka")
        assert code == 0 and "corpus changed" not in err
        assert [h["source"] for h in json.loads(out)["hits"]] == ["corpus/sub/s.txt"]
    (sub / "s.txt").unlink()
    code, out, _ = main_run("ingest", "--json")
    assert json.loads(out)["removed"] == 1, out


def test_hidden_file_named_explicitly_follows_the_same_rule_as_the_walk(env, main_run):
    corpus = env["corpus"]
    (corpus / ".hidden.txt").write_text("The zebra note is hidden.\n")
    (corpus / ".cache").mkdir()
    (corpus / ".cache" / "c.txt").write_text("The zebra cache is hidden.\n")
    for path in (".hidden.txt", ".cache/c.txt", ".cache"):
        code, out, err = main_run("ingest", "--json", str(corpus / path))
        assert code == 0, err
        assert {"path": path, "reason": "hidden"} in json.loads(out)["skipped"]
    code, out, err = main_run("search", "--json", "zebra")
    assert code == 1 and "corpus changed" not in err


def test_file_name_with_a_newline_stays_on_one_line(env, main_run):
    (env["corpus"] / "two\nlines.txt").write_text("The okapi fund has a strange file name.\n")
    code, out, err = main_run("search", "--color", "never", "okapi")
    assert code == 0, err
    assert out.splitlines()[0].startswith("corpus/two\\x0alines.txt:1-1")
