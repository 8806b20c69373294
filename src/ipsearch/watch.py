"""``ipsearch watch``: keep the index in line with the corpus as files are saved.

File-system events (watchfiles) name the paths that changed; each batch goes through the
store's ordinary incremental update limited to those paths, under the index lock, so other
processes keep searching the previous generation until the new one is swapped in. A file that
could not be read this time (half-written, vanished mid-read) keeps what was indexed for it and
is tried again on the next ticks; a file removed or renamed away is dropped from the index.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ipsearch.errors import IndexCorrupt, IndexError_
from ipsearch.index import IndexStore
from ipsearch.models import IngestReport

# Changes are applied once no new one arrived for STEP_MS, and at the latest DEBOUNCE_MS after
# the first: an editor's save (write, rename, chmod) becomes one update well within a second.
STEP_MS = 100
DEBOUNCE_MS = 500
# How often the loop wakes with nothing new, to retry what could not be read or locked.
TICK_MS = 500
# Ticks a path that could not be read is retried for before waiting for its next change.
RETRIES = 3
# How long one update waits for another writer (ipsearch ingest) before retrying later.
LOCK_WAIT = 1.0
_NOT_INDEXED = ("unsupported file type", "linked directory not followed")


@dataclass
class WatchUpdate:
    """One batch of changes applied to the index (or, with ``error``, put off to retry)."""

    at: datetime
    paths: list[str]  # changed paths, relative to the corpus
    report: IngestReport | None = None
    error: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def _quiet(_msg: str) -> None:
    pass


class Watcher:
    """Applies corpus changes to an index as they happen, until stopped."""

    def __init__(self, store: IndexStore, notify: Callable[[str], None] = _quiet) -> None:
        self.store = store
        self.notify = notify

    def _wanted(self, _change, path: str) -> bool:
        """Paths in the corpus worth an update: not hidden, not the index's own files."""
        from watchfiles import DefaultFilter

        p = Path(path)
        if p == self.store.root or self.store.root in p.parents:
            return False
        try:
            rel = p.relative_to(self.store.corpus)
        except ValueError:
            return False
        if any(part.startswith(".") for part in rel.parts):
            return False
        return DefaultFilter()(_change, path)

    def _rel(self, p: Path) -> str:
        return os.path.relpath(p, self.store.corpus).replace(os.sep, "/")

    def run(
        self,
        on_update: Callable[[WatchUpdate], None],
        stop: threading.Event | None = None,
        ready: Callable[[], None] | None = None,
    ) -> None:
        """Watch until ``stop`` is set or the process is interrupted; ``ready`` is called once
        the file-system watch is in place (changes from then on are seen)."""
        import logging

        import watchfiles

        # watchfiles logs its own line on Ctrl-C; the command says "stopped watching" itself.
        logging.getLogger("watchfiles.main").setLevel(logging.ERROR)
        pending: dict[Path, int] = {}  # path → retries left
        for changes in watchfiles.watch(
            self.store.corpus,
            watch_filter=self._wanted,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if ready is not None:
                ready()
                ready = None
            for _, path in changes:
                pending[Path(path)] = RETRIES
            if pending:
                pending = self._apply(pending, bool(changes), on_update)

    def _apply(
        self, pending: dict[Path, int], fresh: bool, on_update: Callable[[WatchUpdate], None]
    ) -> dict[Path, int]:
        """Update the index for ``pending``; returns the paths to try again."""
        rels = sorted({self._rel(p) for p in pending})
        try:
            report = self.store.update(only=sorted(pending), notify=self.notify, wait=LOCK_WAIT)
        except IndexCorrupt:
            raise  # no retry mends it: the message says to rebuild
        except IndexError_ as e:  # busy (another writer) or not writable now: retried
            if fresh:
                on_update(WatchUpdate(datetime.now(), rels, error=f"{e}; will retry"))
            return pending
        skipped = [(r, why) for r, why in report.skipped if why not in _NOT_INDEXED]
        again = {r for r, _ in skipped}
        if report.changed or (skipped and fresh):
            on_update(WatchUpdate(datetime.now(), rels, report, skipped=skipped))
        return {p: n - 1 for p, n in pending.items() if n > 1 and self._rel(p) in again}
