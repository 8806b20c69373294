"""The on-disk index: generations, the live pointer, the lock and the manifest.

Layout of the index directory::

    ipsearch-index.json  marks the folder as ipsearch's and records the generations it made
    CURRENT              name of the live generation, replaced atomically
    gen-XXXX/            a Whoosh index plus manifest.json (what was indexed, content hashes)
    .lock                held while a process writes

Only recorded generations are ever removed (``indexdir``), so nothing else in the folder is;
``generations`` writes them.

Every write makes a new generation and swaps ``CURRENT`` only once the index and its manifest
are complete, so a failed or killed run leaves the previous index working and readers always
see a whole index, old or new. A rebuild starts empty; an incremental update starts from hard
links to the live generation's files (Whoosh never changes a file once written, so the links
cost nothing and the live generation is never touched).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch._whoosh import share_segment_buffers
from ipsearch.corpus import Rules, confined
from ipsearch.errors import IndexCorrupt, IndexError_
from ipsearch.index import indexdir
from ipsearch.index.freshness import is_stale, plan
from ipsearch.index.generations import CATALOG, SCHEMA_VERSION, Generations
from ipsearch.index.indexdir import DAMAGE_ERRORS, damaged
from ipsearch.index.schema import section_from_fields
from ipsearch.models import IngestReport, Section

if TYPE_CHECKING:
    from ipsearch.index.catalog import Catalog

share_segment_buffers()
Notify = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


class IndexStore(Generations):
    """An index directory: generations, the live pointer, the lock and the manifest.

    Writing a new generation and swapping it in is ``Generations``' part.
    """

    def __init__(self, root: Path, corpus: Path) -> None:
        self.root = root
        self.corpus = corpus
        self._rules: Rules | None = None  # set for one update; else the manifest's
        self._in_step: set[Path] = set()  # generations whose catalogue matched Whoosh's count

    def rules(self, manifest: dict | None = None) -> Rules:
        """What the walk leaves out: the --include/--exclude globs stored with the index."""
        if self._rules is not None:
            return self._rules
        stored = (self.manifest() if manifest is None else manifest).get("rules") or {}
        return Rules(tuple(stored.get("include", ())), tuple(stored.get("exclude", ())), self.root)

    # -- reading --------------------------------------------------------------------------
    def current(self) -> Path | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise IndexError_(f"cannot read index {self.root}: {e.strerror or e}") from e
        gen = self.root / name
        return gen if name and gen.is_dir() else None

    def manifest(self) -> dict:
        gen = self.current()
        if gen is None:
            return {}
        try:
            return json.loads((gen / "manifest.json").read_text())
        except (OSError, ValueError):
            return {}

    def open(self):
        """The live Whoosh index, or IndexCorrupt with the way out."""
        from whoosh import index as windex

        for attempt in (1, 2):
            gen = self.current()
            if gen is None:
                raise IndexCorrupt(f"no index in {self.root}; run `ipsearch ingest`")
            try:
                return windex.open_dir(str(gen))
            except Exception as e:  # Whoosh raises many types for damaged files
                # A writer may have swapped generations and removed this one in between.
                if attempt == 1 and self.current() != gen:
                    continue
                raise damaged(self.root, e) from e
        raise AssertionError("unreachable")

    def sections(self) -> list[Section]:
        ix = self.open()
        try:
            with ix.searcher() as s:
                out = [section_from_fields(f) for f in s.all_stored_fields()]
        except Exception as e:
            raise damaged(self.root, e) from e
        return sorted(out, key=lambda x: (x.source, x.position))

    def catalog(self, ix=None) -> Catalog | None:
        """The live generation's section catalogue, or None when it cannot be trusted.

        It must hold as many sections as the Whoosh index, which is opened for that: a
        damaged index is said to be damaged, even by a listing the catalogue could give."""
        from ipsearch.index.catalog import Catalog

        gen = Path(ix.storage.folder) if ix is not None else self.current()
        if gen in self._in_step:  # a generation never changes once written: checked once
            return Catalog.open(gen)
        ix = ix or self.open()
        try:
            cat = Catalog.open(Path(ix.storage.folder), ix.doc_count())
        except DAMAGE_ERRORS as e:
            raise damaged(self.root, e) from e
        if cat is not None:
            self._in_step.add(Path(ix.storage.folder))
        return cat

    def outline(
        self, source: str | None = None, limit: int | None = None, brief: bool = False
    ) -> list[Section]:
        """Every section (or ``source``'s) without its text, by file and position: read from
        the catalogue, else (an index made before it) from the stored sections. ``brief``:
        aliases, labels, heading path and dates may be left empty (a listing's columns)."""
        from ipsearch.index.catalog import errors

        cat = self.catalog()
        if cat is not None:
            try:
                with cat:
                    return cat.sections(source, -1 if limit is None else limit, brief)
            except errors():
                pass
        # sections() is in (source, position) order already.
        found = [s for s in self.sections() if source is None or s.source == source]
        return found if limit is None else found[:limit]

    def scope(self, paths) -> list[Path]:
        """PATHs given to ``ingest``, checked to lie inside the corpus."""
        from ipsearch.errors import UsageError

        out = []
        for p in map(Path, paths):
            full = p.resolve() if p.exists() or p.is_symlink() else p.absolute()
            if not full.is_relative_to(self.corpus):  # not a string prefix: corpus2/ is outside
                raise UsageError(f"{p} is not inside the corpus {self.corpus} (see --corpus)")
            out.append(full)
        return out

    # -- writing --------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, notify: Notify = _quiet, wait: float | None = None) -> Iterator[None]:
        """Exclusive write lock; waits up to ``wait`` seconds for another writer."""
        if wait is None:
            from ipsearch.config import lock_timeout

            wait = lock_timeout()
        indexdir.claim(self.root, self.corpus)
        with indexdir.write_lock(self.root, wait, notify):
            yield

    def update(
        self,
        rebuild: bool = False,
        only: list[Path] | None = None,
        notify: Notify = _quiet,
        progress: Callable | None = None,
        wait: float | None = None,
        include: tuple[str, ...] | None = None,
        exclude: tuple[str, ...] | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus; returns what changed.

        ``include``/``exclude`` globs replace the stored ones when given (empty strings
        clear them) and are kept with the index, so later runs and freshness checks use them.
        """
        started = time.perf_counter()
        with self.lock(notify, wait), confined(self.corpus):
            old = self.manifest()
            # Another corpus's index being replaced: its rules are not this corpus's.
            stored = self.rules(old if old.get("corpus") == str(self.corpus) else {})
            self._rules = Rules(
                stored.include if include is None else tuple(p for p in include if p),
                stored.exclude if exclude is None else tuple(p for p in exclude if p),
                self.root,
            )
            try:
                report = self._update(old, rebuild, only, notify, progress)
            finally:
                self._rules = None
        report.seconds = time.perf_counter() - started
        return report

    def _update(self, old: dict, rebuild: bool, only, notify: Notify, progress) -> IngestReport:
        if old and (old.get("schema") != SCHEMA_VERSION or old.get("corpus") != str(self.corpus)):
            rebuild = True
        if self.current() is None:
            rebuild = True
        if rebuild:
            return self._rebuild(notify, progress, old)
        return self._incremental(old, only, notify, progress)

    def _plan(self, manifest: dict, only: list[Path] | None):
        p = plan(self.corpus, manifest, only, self.rules())
        self._started_ns = p.started_ns
        return p.todo, p.unchanged, p.removed, p.skipped

    # -- freshness ------------------------------------------------------------------------
    def stale(self) -> bool:
        """Whether the corpus changed since the last build; costs one stat per file."""
        manifest = self.manifest()
        if (
            not manifest
            or manifest.get("schema") != SCHEMA_VERSION
            or manifest.get("corpus") != str(self.corpus)
        ):
            return True
        gen = self.current()
        if gen is not None and not (gen / CATALOG).is_file():
            return True  # made before the catalogue: an update writes it, nothing else
        return is_stale(self.corpus, manifest, self.rules(manifest))
