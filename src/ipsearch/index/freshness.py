"""Whether the index is in line with the corpus, and what an update must do to bring it there.

A manifest entry records each file's size, mtime, inode and ctime and its content hash; a file
whose stat matches is taken as unchanged without being read, unless it is "racily clean".
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.corpus import CorpusFile, Rules, confined, file_hash, keeps_sections, scan
from ipsearch.errors import IndexError_, IndexLocked
from ipsearch.models import IngestReport

if TYPE_CHECKING:
    from ipsearch.index.store import IndexStore

Notify = Callable[[str], None]

# A file modified this close to the start of the last build may have changed again within the
# same timestamp tick (coarse kernel clocks; 1-2 s on some filesystems) after it was read, so
# its size and mtime prove nothing: it is hashed instead, as git does with "racily clean" files.
RACY_NS = 2_000_000_000


def same_file(entry: dict, f: CorpusFile, built_ns: int) -> bool:
    """Whether a manifest entry still describes ``f`` without reading it."""
    return (
        entry.get("size") == f.size
        and entry.get("mtime_ns") == f.mtime_ns
        and entry.get("ino", f.ino) == f.ino
        and entry.get("ctime_ns", f.ctime_ns) == f.ctime_ns
        and not racy(entry, built_ns)
    )


def racy(entry: dict, built_ns: int) -> bool:
    return entry.get("mtime_ns", 0) >= built_ns - RACY_NS


def stat_entry(f: CorpusFile) -> dict:
    return {"size": f.size, "mtime_ns": f.mtime_ns, "ino": f.ino, "ctime_ns": f.ctime_ns}


def held_by(skipped: list[tuple[str, str]]) -> Callable[[str], bool]:
    """Whether a path was skipped this time for a passing reason (itself or a folder above)."""
    prefixes = tuple(r + "/" for r, why in skipped if keeps_sections(why))
    exact = {r for r, why in skipped if keeps_sections(why)}
    return lambda rel: rel in exact or rel.startswith(prefixes)


@dataclass
class Plan:
    """What an update does: files to (re)read, entries kept, entries dropped, files left out."""

    todo: list[tuple[CorpusFile, str, str]] = field(default_factory=list)  # file, hash, how
    unchanged: dict[str, dict] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Taken before the scan: a file changed after this instant is racy for the next run.
    started_ns: int = 0


def plan(corpus: Path, manifest: dict, only: list[Path] | None, rules: Rules) -> Plan:
    """Compare the corpus (or the ``only`` paths in it) with ``manifest``. Reads are confined
    to the corpus; a file is hashed only when its stat no longer proves it unchanged."""
    out = Plan(started_ns=time.time_ns())
    files, out.skipped = scan(corpus, only, rules)
    known = manifest.get("files", {})
    built_ns = manifest.get("built_ns", 0)
    with confined(corpus):
        for f in files:
            _judge(f, known.get(f.rel), built_ns, out)
    scope = {f.rel for f in files}
    if only:
        prefixes = [os.path.relpath(p.resolve(), corpus).replace(os.sep, "/") for p in only]
        in_scope = [
            r
            for r in known
            if any(p in (".", r) or r.startswith(p.rstrip("/") + "/") for p in prefixes)
        ]
        out.removed = [r for r in in_scope if r not in scope]
        for r in known:
            if r not in in_scope and r not in out.unchanged:
                out.unchanged[r] = known[r]
    else:
        out.removed = [r for r in known if r not in scope]
    # A file skipped this time (unreadable, vanished, in an unreadable folder) keeps its old
    # sections; one left out by a rule (hidden, ignored, excluded) does not.
    held = held_by(out.skipped)
    for r in list(out.removed):
        if held(r):
            out.removed.remove(r)
            out.unchanged[r] = known[r]
    return out


def _judge(f: CorpusFile, entry: dict | None, built_ns: int, out: Plan) -> None:
    """File ``f`` against its manifest entry: unchanged, to read, or unreadable for now."""
    if entry and same_file(entry, f, built_ns):
        out.unchanged[f.rel] = entry
    else:
        try:
            digest = file_hash(f.path)
        except OSError as e:
            out.skipped.append((f.rel, f"unreadable ({e.strerror or e})"))
            if entry:
                out.unchanged[f.rel] = entry  # keep what we had rather than lose it
            return
        if not entry or entry["hash"] != digest:
            out.todo.append((f, digest, "updated" if entry else "added"))
            return
        out.unchanged[f.rel] = {**entry, **stat_entry(f)}
    if entry.get("skipped"):  # not re-read, but still left out: say so each run
        out.skipped.append((f.rel, entry["skipped"]))


def is_stale(corpus: Path, manifest: dict, rules: Rules) -> bool:
    """Whether the corpus changed since ``manifest`` was written; costs one stat per file."""
    files, skipped = scan(corpus, None, rules)
    known = manifest.get("files", {})
    held = held_by(skipped)
    if {f.rel for f in files} != {r for r in known if not held(r)}:
        return True
    built_ns = manifest.get("built_ns", 0)
    for f in files:
        entry = known[f.rel]
        if same_file(entry, f, built_ns):
            continue
        if not racy(entry, built_ns):
            return True
        # Racy: only the content can tell. Hashing is limited to files changed just
        # before the last build, and the next update lets them settle.
        try:
            with confined(corpus):
                if file_hash(f.path) != entry.get("hash"):
                    return True
        except OSError:
            return True
    return False


def ensure_fresh(store: IndexStore, notify: Notify) -> IngestReport | None:
    """Build the index when missing, update it when the corpus changed; None when it was fresh.

    When another process holds the write lock, search what is there rather than wait: the
    index is always complete (old or new).
    """
    if store.current() is not None and not store.stale():
        return None
    building = store.current() is None
    try:
        report = store.update(notify=notify) if building else _try_update(store, notify)
    except IndexLocked:
        if building:
            raise
        notify("index is being updated by another process; searching the current index")
        return None
    if report is None:
        return None
    if building:
        notify(
            f"built index: {report.sections} sections from {report.added} file(s) in {store.root}"
        )
    elif report.changed:
        notify(
            f"corpus changed ({report.added} added, {report.updated} updated, "
            f"{report.removed} removed): index updated"
        )
    for w in report.warnings:
        notify(f"warning: {w}")
    return report


def _try_update(store: IndexStore, notify: Notify) -> IngestReport | None:
    try:
        return store.update(notify=notify, wait=2.0)
    except IndexLocked:
        raise
    except IndexError_ as e:
        if store.current() is None:
            raise
        notify(f"warning: {e}; searching the existing index, which may be out of date")
        return None


def stderr_notify(msg: str) -> None:
    from ipsearch.safe_text import clean

    print(f"ipsearch: {clean(msg)}", file=sys.stderr)
