"""`ipsearch watch`: saves, additions, renames and deletions reach `search` while it runs."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ipsearch.index import IndexStore, ensure_fresh
from ipsearch.retrieval.searcher import Searcher
from ipsearch.watch import Watcher
from tests.conftest import ROOT

WAIT = 20  # seconds: a bound for slow machines, not an expected time


@pytest.fixture
def watching(env, monkeypatch):
    """A Watcher running in a thread over the tmp corpus; yields (store, queue of updates)."""
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    store = IndexStore(env["index"], env["corpus"].resolve())
    ensure_fresh(store, lambda _m: None)
    updates: queue.Queue = queue.Queue()
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=Watcher(store).run, args=(updates.put, stop, ready.set), daemon=True
    )
    thread.start()
    assert ready.wait(WAIT)
    yield store, updates
    stop.set()
    thread.join(WAIT)
    assert not thread.is_alive()


def wait_for(updates: queue.Queue, **counts: int):
    """The next update whose report has these counts (added=1, ...)."""
    while True:
        u = updates.get(timeout=WAIT)
        if u.report and all(getattr(u.report, k) == v for k, v in counts.items()):
            return u


def sources(store: IndexStore, word: str) -> list[str]:
    with Searcher(store, semantic=False) as s:
        return [h.corpus_path for h in s.search(word, fix_spelling=False).hits]


def test_edits_additions_renames_and_deletions_reach_search(watching, env):
    store, updates = watching
    note = env["corpus"] / "notes.md"
    note.write_text("# Field notes\n\nThe zanzibar pilot starts in June.\n")
    u = wait_for(updates, added=1)
    assert u.paths == ["notes.md"]
    assert sources(store, "zanzibar") == ["notes.md"]

    note.write_text("# Field notes\n\nThe quokka pilot starts in July.\n")
    wait_for(updates, updated=1)
    assert sources(store, "zanzibar") == []
    assert sources(store, "quokka") == ["notes.md"]

    note.rename(env["corpus"] / "renamed.md")
    wait_for(updates, added=1, removed=1)
    assert sources(store, "quokka") == ["renamed.md"]

    (env["corpus"] / "renamed.md").unlink()
    wait_for(updates, removed=1)
    assert sources(store, "quokka") == []
    # The seed file was never touched and is still searchable.
    assert sources(store, "Magnox") == ["industrial-partnerships.txt"]


def test_unindexable_files_are_reported_not_fatal(watching, env):
    store, updates = watching
    (env["corpus"] / "empty.txt").write_bytes(b"")
    u = updates.get(timeout=WAIT)
    assert u.skipped == [("empty.txt", "empty file")]
    (env["corpus"] / "later.txt").write_text("A walrus census was held.\n")
    wait_for(updates, added=1)
    assert sources(store, "walrus") == ["later.txt"]


def _pump(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def _line(q: queue.Queue, contains: str) -> str:
    while True:
        line = q.get(timeout=WAIT)
        if contains in line:
            return line


def test_command_prints_one_line_per_update_and_ctrl_c_exits_0(env):
    environ = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "IPSEARCH_SEMANTIC": "0",
        "IPSEARCH_CORPUS": str(env["corpus"]),
        "IPSEARCH_INDEX": str(env["index"]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipsearch", "watch", "--color", "never"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        cwd=env["root"],
    )
    out: queue.Queue = queue.Queue()
    err: queue.Queue = queue.Queue()
    pumps = [
        threading.Thread(target=_pump, args=(stream, q), daemon=True)
        for stream, q in ((proc.stdout, out), (proc.stderr, err))
    ]
    for t in pumps:
        t.start()
    try:
        _line(err, "watching")
        Path(env["corpus"] / "new.txt").write_text("The narwhal fund opened.\n")
        line = _line(out, "index updated")
        assert "1 added, 0 updated, 0 removed" in line and line.rstrip().endswith("new.txt")
        # Another process searches while the watcher holds the index.
        found = subprocess.run(
            [sys.executable, "-m", "ipsearch", "search", "narwhal", "--json"],
            env=environ,
            cwd=env["root"],
            capture_output=True,
            text=True,
            timeout=WAIT * 3,
        )
        assert found.returncode == 0 and "new.txt" in found.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(WAIT)
    for t in pumps:
        t.join(WAIT)
    assert code == 0
    rest = []
    while not err.empty():
        rest.append(err.get())
    assert rest[-1] == "ipsearch: stopped watching\n"
    assert not any("Traceback" in x for x in rest)


def test_a_busy_index_is_retried_not_fatal(watching, env):
    store, updates = watching
    with store.lock():  # another writer, e.g. `ipsearch ingest`, holds the index
        (env["corpus"] / "queued.txt").write_text("The pelican survey was queued.\n")
        u = updates.get(timeout=WAIT)
        assert u.report is None and "busy" in u.error and u.paths == ["queued.txt"]
    wait_for(updates, added=1)
    assert sources(store, "pelican") == ["queued.txt"]
