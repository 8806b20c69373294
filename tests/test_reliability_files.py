"""Hostile files in the corpus: each is skipped or read with a warning naming it, and the rest
of the corpus is indexed. Links never lead out of the corpus."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from ipsearch.config import resolve
from ipsearch.index import IndexStore

GOOD = "The aardvark partnership funds research into tunnelling.\n"


def _store(env) -> IndexStore:
    loc = resolve()
    return IndexStore(loc.index, loc.corpus)


def _sources(main_run, query: str, *opts: str) -> set[str]:
    code, out, err = main_run("search", "--json", query, *opts)
    assert code in (0, 1), err
    return {h["source"] for h in json.loads(out)["hits"]}


def _hostile_corpus(corpus: Path) -> None:
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 2000)
    (corpus / "latin1.txt").write_bytes(
        "Caf\xe9 policy: the okapi scheme is funded.\n".encode("latin-1")
    )
    (corpus / "utf16.txt").write_bytes(
        codecs.BOM_UTF16_LE
        + "The narwhal programme supports coastal research.\n".encode("utf-16-le")
    )
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text("\n   \n\t\n")
    (corpus / "malformed.html").write_text(
        "<html><body><p>The quokka fund <b>opens <i>in spring.<div></p></span>text</td>"
    )
    (corpus / "nested.html").write_text(
        "<html><body>"
        + "<div>" * 10_000
        + "<p>The wombat grant is nested deep.</p>"
        + "</div>" * 10_000
        + "</body></html>"
    )
    (corpus / "scripts.html").write_text(
        "<html><body>"
        + "<script>var secretscript = 1;</script>" * 2000
        + "<p>The pangolin award is visible.</p><style>.x{}</style></body></html>"
    )
    os.symlink("loop-b.txt", corpus / "loop-a.txt")
    os.symlink("loop-a.txt", corpus / "loop-b.txt")
    (corpus / "sub dir").mkdir()
    os.symlink("..", corpus / "sub dir" / "up")
    (corpus / "sub dir" / "naïve ünïcode 日本 name.txt").write_text(
        "The axolotl initiative has a long name.\n"
    )


def test_hostile_files_are_skipped_or_warned_and_the_rest_indexed(env, main_run):
    _hostile_corpus(env["corpus"])
    code, out, err = main_run("ingest", "--json")
    assert code == 0, err
    report = json.loads(out)
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped["binary.txt"] == "binary file"
    assert skipped["empty.txt"] == "empty file"
    assert skipped["blank.md"] == "no text"
    assert "looping" in skipped["loop-a.txt"] and "looping" in skipped["loop-b.txt"]
    assert skipped["sub dir/up"] == "linked directory not followed"
    assert any("latin1.txt" in w and "UTF-8" in w for w in report["warnings"])
    # Everything readable was indexed, the seed file included.
    for word, source in [
        ("okapi", "corpus/latin1.txt"),
        ("narwhal", "corpus/utf16.txt"),
        ("quokka", "corpus/malformed.html"),
        ("wombat", "corpus/nested.html"),
        ("pangolin", "corpus/scripts.html"),
        ("axolotl", "corpus/sub dir/naïve ünïcode 日本 name.txt"),
        ("partnership", "corpus/industrial-partnerships.txt"),
    ]:
        assert source in _sources(main_run, word), word
    # Keyword-only: the encoder may rightly relate "secretscript" to the page's title, which
    # falls back to its file name ("scripts"); the script's own text must not be indexed.
    assert _sources(main_run, "secretscript", "--no-semantic") == set()


def test_human_ingest_names_each_skipped_file_on_stderr(env, main_run):
    _hostile_corpus(env["corpus"])
    code, out, err = main_run("ingest")
    assert code == 0
    assert "skipped binary.txt: binary file" in err
    assert "warning: latin1.txt:" in err


@pytest.mark.slow
def test_fifty_megabyte_single_line_file_is_skipped_cheaply(env, main_run):
    (env["corpus"] / "one-line.txt").write_bytes(b"zebra " * (50 * 1024 * 1024 // 6))
    code, out, err = main_run("ingest", "--json")
    assert code == 0, err
    skipped = {s["path"]: s["reason"] for s in json.loads(out)["skipped"]}
    assert "line over" in skipped["one-line.txt"]
    assert _sources(main_run, "partnership")


def test_long_lines_with_old_mac_line_ends_are_not_one_line(tmp_path):
    from ipsearch.ingest import MAX_LINE_CHARS, parse_file

    p = tmp_path / "cr.txt"
    para = "The heron scheme is described here in some detail. " * 20
    p.write_text((para + "\r\r") * (MAX_LINE_CHARS // len(para) + 10), newline="")
    blocks = list(parse_file(p, "cr.txt").blocks())
    # grep -n counts one line (only LF ends a line), and every block cites it.
    assert blocks and {(b.first, b.last) for b in blocks} == {(1, 1)}


def test_file_vanishing_or_turning_into_a_directory_or_fifo_mid_ingest(env, main_run):
    """Swap files between the scan and the read (via the per-file progress hook): the run
    finishes, each is named, and the old sections of a file that became unreadable remain."""
    corpus = env["corpus"]
    for name in ("a-gone.txt", "b-dir.txt", "c-fifo.txt"):
        (corpus / name).write_text(f"The {name[0]}-heron scheme is indexed first.\n")
    store = _store(env)
    store.update()
    for name in ("a-gone.txt", "b-dir.txt", "c-fifo.txt"):
        (corpus / name).write_text(f"The {name[0]}-heron scheme changed its wording.\n")

    def sabotage(_done: int, _total: int, rel: str) -> None:
        path = corpus / rel
        if rel == "a-gone.txt":
            path.unlink()
        elif rel == "b-dir.txt":
            path.unlink()
            path.mkdir()
        elif rel == "c-fifo.txt":
            path.unlink()
            os.mkfifo(path)  # an open() without O_NONBLOCK would hang here forever

    report = store.update(progress=sabotage)
    reasons = dict(report.skipped)
    assert reasons["a-gone.txt"] == "vanished while reading"
    assert reasons["b-dir.txt"] == "no longer a regular file"
    assert reasons["c-fifo.txt"] == "no longer a regular file"
    # What was indexed for the unreadable files is kept (the vanished one too, until a run
    # finds it gone for good).
    entries = store.manifest()["files"]
    assert {"b-dir.txt", "c-fifo.txt"} <= set(entries)
    assert {s.source for s in store.sections()} >= {"b-dir.txt", "c-fifo.txt"}
    assert _sources(main_run, "partnership")


def test_links_never_lead_out_of_the_corpus(env, main_run, tmp_path):
    corpus = env["corpus"]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("The capybara secret must never be indexed.\n")
    os.symlink(outside / "secret.txt", corpus / "secret-link.txt")
    os.symlink(outside, corpus / "outside-dir")
    os.symlink("industrial-partnerships.txt", corpus / "inside-link.txt")
    code, out, err = main_run("ingest", "--json")
    assert code == 0, err
    skipped = {s["path"]: s["reason"] for s in json.loads(out)["skipped"]}
    assert skipped["secret-link.txt"] == "link points outside the corpus"
    assert skipped["outside-dir"] == "linked directory not followed"
    assert _sources(main_run, "capybara") == set()
    # Every cited source resolves inside the corpus.
    for src in _sources(main_run, "partnership"):
        assert Path(os.path.realpath(env["root"] / src)).is_relative_to(corpus.resolve())
    # Naming an outside path explicitly is refused.
    code, out, err = main_run("ingest", str(outside / "secret.txt"))
    assert code == 2 and "not inside the corpus" in err


def test_link_swapped_to_point_outside_after_the_scan_is_not_followed(env, main_run, tmp_path):
    corpus = env["corpus"]
    (tmp_path / "secret.txt").write_text("The capybara secret must never be indexed.\n")
    (corpus / "target.txt").write_text("The ibis scheme is inside.\n")
    os.symlink("target.txt", corpus / "link.txt")
    store = _store(env)

    def swap(_done: int, _total: int, rel: str) -> None:
        if rel == "link.txt":
            (corpus / "link.txt").unlink()
            os.symlink(tmp_path / "secret.txt", corpus / "link.txt")

    report = store.update(progress=swap)
    assert dict(report.skipped)["link.txt"] == "now links outside the corpus"
    assert _sources(main_run, "capybara") == set()


def test_sibling_directory_with_the_corpus_name_as_prefix_is_outside(env, main_run):
    sibling = Path(str(env["corpus"]) + "2")
    sibling.mkdir()
    (sibling / "x.txt").write_text("The gecko note.\n")
    code, out, err = main_run("ingest", str(sibling / "x.txt"))
    assert code == 2 and "not inside the corpus" in err
