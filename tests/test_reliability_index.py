"""The index survives kill -9, concurrent runs, damage, stale files, read-only and full disks.

Real processes (subprocess) where the scenario needs one: a SIGKILL, a second process holding
the lock, a lower file-size limit, another user. Each test checks that what was indexed before
still answers, and that the next run completes the update.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipsearch.config import resolve
from ipsearch.corpus import scan
from ipsearch.index import RACY_NS, IndexStore
from ipsearch.index.freshness import same_file as _same_file

CLI = [sys.executable, "-m", "ipsearch"]


def _store() -> IndexStore:
    loc = resolve()
    return IndexStore(loc.index, loc.corpus)


def _hits(main_run, query: str) -> tuple[int, list[dict], str]:
    code, out, err = main_run("search", "--json", query)
    return code, (json.loads(out)["hits"] if out else []), err


def _bulk(corpus: Path, n: int, word: str) -> None:
    """Enough files that an ingest of them is still running when we act on it."""
    d = corpus / "bulk"
    d.mkdir(exist_ok=True)
    text = "".join(
        f"Heading {i}\n\nThe {word} programme paragraph {i} covers tunnelling, aerospace and "
        f"automotive research with industrial partners in region {i}.\n\n"
        for i in range(15)
    )
    for i in range(n):
        (d / f"doc-{i:04d}.txt").write_text(text)


def _spawn(env: dict, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _wait_for_new_generation(index: Path, before: set[str], proc: subprocess.Popen) -> None:
    """Block until ``proc`` has started writing a generation (so it holds the lock)."""
    while proc.poll() is None:
        if {p.name for p in index.glob("gen-*")} - before:
            return
        time.sleep(0.01)
    raise AssertionError(f"ingest finished before it could be interrupted: {proc.stderr.read()}")


def _gens(index: Path) -> set[str]:
    return {p.name for p in index.glob("gen-*")}


@pytest.mark.slow
def test_kill_9_during_ingest_keeps_previous_index_and_next_ingest_completes(env, main_run):
    assert main_run("ingest")[0] == 0
    current = (env["index"] / "CURRENT").read_text()
    _bulk(env["corpus"], 120, "quetzal")
    proc = _spawn({}, "ingest")
    _wait_for_new_generation(env["index"], _gens(env["index"]), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (env["index"] / "CURRENT").read_text() == current
    # The old index opens and answers; the query itself sees the corpus changed and, with no
    # other writer now, brings the index up to date (said on stderr).
    store = _store()
    assert {s.source for s in store.sections()} == {"industrial-partnerships.txt"}
    code, out, err = main_run("ingest", "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == 120
    code, hits, err = _hits(main_run, "quetzal")
    assert code == 0 and hits
    # The half-written generation was cleaned away.
    assert len(_gens(env["index"])) <= 2


@pytest.mark.slow
def test_kill_9_during_rebuild_keeps_previous_index(env, main_run):
    _bulk(env["corpus"], 120, "quetzal")
    assert main_run("ingest")[0] == 0
    proc = _spawn({}, "ingest", "--rebuild")
    _wait_for_new_generation(env["index"], _gens(env["index"]), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    code, hits, err = _hits(main_run, "quetzal")
    assert code == 0 and hits and "damaged" not in err


@pytest.mark.slow
def test_two_ingests_one_waits_or_fails_cleanly_and_searches_see_a_whole_index(env, main_run):
    assert main_run("ingest")[0] == 0
    _bulk(env["corpus"], 120, "quetzal")
    first = _spawn({}, "ingest")
    _wait_for_new_generation(env["index"], _gens(env["index"]), first)
    # A second writer with a short patience gives up with exit 2 and one clear line.
    second = _spawn({"IPSEARCH_LOCK_TIMEOUT": "0.3"}, "ingest")
    _, err = second.communicate()
    assert second.returncode == 2
    assert "waiting for another ipsearch process" in err
    assert "is busy: another ipsearch process is updating it" in err
    assert "Traceback" not in err
    # A search meanwhile answers from the complete old index and says why it did not update.
    running = first.poll() is None
    code, hits, err = _hits(main_run, "partnership")
    if running:
        # It waits briefly, then searches the old index (or the new one if the writer is done).
        assert "waiting for another ipsearch process" in err
    assert code == 0 and hits
    # A patient second writer waits for the first, then finds nothing left to do.
    third = _spawn({"IPSEARCH_LOCK_TIMEOUT": "600"}, "ingest", "--json")
    out, err = third.communicate()
    assert first.wait() == 0
    assert third.returncode == 0, err
    assert json.loads(out)["unchanged"] == 121
    code, hits, _ = _hits(main_run, "quetzal")
    assert code == 0 and hits


def _segment_files(index: Path) -> list[Path]:
    gen = index / (index / "CURRENT").read_text().strip()
    return sorted(p for p in gen.iterdir() if p.suffix in (".seg", ".toc"))


@pytest.mark.parametrize("damage", ["truncate-seg", "delete-seg", "truncate-toc", "delete-toc"])
def test_damaged_index_says_rebuild_and_rebuild_recovers(env, main_run, damage):
    assert main_run("ingest")[0] == 0
    files = _segment_files(env["index"])
    target = next(p for p in files if p.suffix == "." + damage.split("-")[1])
    if damage.startswith("truncate"):
        with open(target, "r+b") as f:
            f.truncate(target.stat().st_size // 2)
    else:
        target.unlink()
    for args in (["search", "partnership"], ["sections"], ["show", "overview"]):
        code, out, err = main_run(*args)
        assert code == 2, (args, err)
        assert "damaged" in err and "ipsearch ingest --rebuild" in err
        assert len(err.strip().splitlines()) == 1
    code, out, err = main_run("ingest", "--rebuild")
    assert code == 0, err
    code, hits, _ = _hits(main_run, "partnership")
    assert code == 0 and hits


def test_rebuild_works_when_current_points_nowhere(env, main_run):
    assert main_run("ingest")[0] == 0
    (env["index"] / "CURRENT").write_text("gen-missing\n")
    assert main_run("ingest", "--rebuild")[0] == 0
    assert _hits(main_run, "partnership")[0] == 0


def _edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    st = path.stat()
    text = path.read_text()
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_changed_file_is_reingested_on_next_query_and_quotes_cite_current_lines(env, main_run):
    doc = env["corpus"] / "notes.txt"
    doc.write_text("Notes\n\nThe ocelot fund supports rail research.\n")
    assert main_run("ingest")[0] == 0
    # Lines shift: the quote must now cite line 5, where the text is.
    doc.write_text("Notes\n\nA new first paragraph.\n\nThe ocelot fund supports rail research.\n")
    code, hits, err = _hits(main_run, "ocelot")
    assert "corpus changed (0 added, 1 updated, 0 removed): index updated" in err
    hit = next(h for h in hits if h["source"].endswith("notes.txt"))
    lines = doc.read_text().splitlines()
    first, last = hit["snippet_lines"]
    assert "ocelot" in " ".join(lines[first - 1 : last])


def test_same_size_same_mtime_edit_is_noticed(env, main_run):
    doc = env["corpus"] / "notes.txt"
    doc.write_text("Notes\n\nThe ocelot fund supports rail research.\n")
    assert main_run("ingest")[0] == 0
    _edit_keeping_size_and_mtime(doc, "ocelot", "jaguar")
    code, hits, err = _hits(main_run, "jaguar")
    assert code == 0 and "index updated" in err
    assert _hits(main_run, "ocelot")[0] == 1


def test_racily_clean_files_are_judged_by_content(env):
    """Stat fields equal, but the file changed within the last build's clock tick."""
    doc = env["corpus"] / "notes.txt"
    doc.write_text("The ocelot fund.\n")
    (f,), _ = scan(env["corpus"], [doc])
    entry = {"size": f.size, "mtime_ns": f.mtime_ns, "ino": f.ino, "ctime_ns": f.ctime_ns}
    assert _same_file(entry, f, built_ns=f.mtime_ns + RACY_NS + 1)
    assert not _same_file(entry, f, built_ns=f.mtime_ns + RACY_NS)
    assert not _same_file(entry, f, built_ns=f.mtime_ns)


def test_racy_file_edited_in_same_tick_is_seen_by_content_hash(env, main_run):
    doc = env["corpus"] / "notes.txt"
    doc.write_text("Notes\n\nThe ocelot fund supports rail research.\n")
    assert main_run("ingest")[0] == 0  # built within RACY_NS of the file's mtime
    store = _store()
    manifest = store.manifest()
    assert not store.stale()
    entry = manifest["files"]["notes.txt"]
    # Forge the worst case: same size, mtime, inode and ctime as recorded, other content.
    _edit_keeping_size_and_mtime(doc, "ocelot", "jaguar")
    st = doc.stat()
    entry.update(ctime_ns=st.st_ctime_ns, ino=st.st_ino)
    gen = store.current()
    (gen / "manifest.json").write_text(json.dumps(manifest))
    assert store.stale()
    code, hits, err = _hits(main_run, "jaguar")
    assert code == 0 and hits


def _index_snapshot(index: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(index)): p.read_bytes()
        for p in sorted(index.rglob("*"))
        if p.is_file() and p.name != ".lock" and "WRITELOCK" not in p.name
    }


def _limit_file_size(limit: int):
    def pre() -> None:
        # Ignored, so the kernel fails the write with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return pre


@pytest.mark.slow
def test_full_disk_fails_cleanly_and_leaves_the_index_untouched(env, main_run):
    """The kernel refuses writes past RLIMIT_FSIZE (EFBIG), which root cannot bypass: a
    real failed write in the middle of Whoosh's commit, as a full disk would cause."""
    assert main_run("ingest")[0] == 0
    before = _index_snapshot(env["index"])
    _bulk(env["corpus"], 50, "quetzal")
    proc = _spawn({}, "ingest", preexec_fn=_limit_file_size(64 * 1024))
    _, err = proc.communicate()
    assert proc.returncode == 2, err
    assert err.startswith("ipsearch: error: cannot write index") and "Traceback" not in err
    assert _index_snapshot(env["index"]) == before
    # A query still answers from the old index, after warning that it could not update.
    proc = _spawn({}, "search", "partnership", preexec_fn=_limit_file_size(64 * 1024))
    out, err = proc.communicate()
    assert proc.returncode == 0 and "searching the existing index" in err
    assert main_run("ingest")[0] == 0
    assert _hits(main_run, "quetzal")[0] == 0


def test_no_space_left_when_saving_fails_cleanly(env, main_run, monkeypatch):
    """ENOSPC is simulated at the OS boundary: os.fsync is where delayed allocation reports
    a full disk. The new generation is discarded; CURRENT still names the old one."""
    assert main_run("ingest")[0] == 0
    before = _index_snapshot(env["index"])
    (env["corpus"] / "notes.txt").write_text("The ocelot fund supports rail research.\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = main_run("ingest")
    assert code == 2
    assert (
        err.strip()
        == f"ipsearch: error: cannot write index {env['index']}: No space left on device"
    )
    assert _index_snapshot(env["index"]) == before
    monkeypatch.undo()


def _read_only_fs(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Every write under ``root`` fails with EROFS, as on a read-only mount.

    Root ignores permission bits and CI cannot mount, so the refusal is made at the OS
    boundary: the calls that create or open files for writing. Reads are untouched.
    """
    import builtins

    def blocked(path) -> bool:
        return Path(os.path.abspath(os.fspath(path))).is_relative_to(root)

    def refuse(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    real_open, real_os_open, real_mkdir, real_link = builtins.open, os.open, os.mkdir, os.link
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def fake_open(file, mode="r", *a, **kw):
        if isinstance(file, (str, os.PathLike)) and set(mode) & set("wax+") and blocked(file):
            refuse(file)
        return real_open(file, mode, *a, **kw)

    def fake_os_open(path, flags, *a, **kw):
        if flags & writes and blocked(path):
            refuse(path)
        return real_os_open(path, flags, *a, **kw)

    def fake_mkdir(path, *a, **kw):
        if blocked(path) and not os.path.isdir(path):
            refuse(path)
        return real_mkdir(path, *a, **kw)

    def fake_link(src, dst, *a, **kw):
        if blocked(dst):
            refuse(dst)
        return real_link(src, dst, *a, **kw)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "link", fake_link)


def test_read_only_index_is_a_clear_error_and_untouched(env, main_run, monkeypatch):
    assert main_run("ingest")[0] == 0
    (env["corpus"] / "notes.txt").write_text("The ocelot fund supports rail research.\n")
    before = _index_snapshot(env["index"])
    with monkeypatch.context() as m:
        _read_only_fs(m, env["index"])
        code, out, err = main_run("ingest")
        assert code == 2
        assert err.strip() == (
            f"ipsearch: error: cannot write index {env['index']}: Read-only file system"
        )
        # A query still answers from the index it cannot update, and says so.
        code, hits, err = _hits(main_run, "partnership")
        assert code == 0 and hits
        assert "searching the existing index, which may be out of date" in err
        code, out, err = main_run("ingest", "--rebuild")
        assert code == 2 and "Read-only file system" in err
    assert _index_snapshot(env["index"]) == before
    assert main_run("ingest")[0] == 0
    assert _hits(main_run, "ocelot")[0] == 0
