"""The on-disk index: the only module that writes Whoosh.

Layout of the index directory::

    CURRENT        name of the live generation, replaced atomically
    gen-XXXX/      a Whoosh index plus manifest.json (what was indexed, with content hashes)
    .lock          held while a process writes

Every write makes a new generation and swaps ``CURRENT`` only once the index and its manifest
are complete, so a failed or killed run leaves the previous index working and readers always
see a whole index, old or new. A rebuild starts empty; an incremental update starts from hard
links to the live generation's files (Whoosh never changes a file once written, so the links
cost nothing and the live generation is never touched).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import shutil
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.analysis import Filter

from ipsearch.corpus import CorpusFile, file_hash, is_inside, scan
from ipsearch.errors import IndexCorrupt, IndexError_, IndexLocked
from ipsearch.models import IngestReport, Section
from ipsearch.schema import make_schema, section_from_fields, to_doc

SCHEMA_VERSION = 5
Notify = Callable[[str], None]
# A file modified this close to the start of the last build may have changed again within the
# same timestamp tick (coarse kernel clocks; 1-2 s on some filesystems) after it was read, so
# its size and mtime prove nothing: it is hashed instead, as git does with "racily clean" files.
RACY_NS = 2_000_000_000
# Errors Whoosh lets through when index files are truncated, missing or garbled.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
)


def damaged(root: Path, e: BaseException) -> IndexCorrupt:
    return IndexCorrupt(
        f"index in {root} is damaged ({type(e).__name__}); run `ipsearch ingest --rebuild`"
    )


def _same_file(entry: dict, f: CorpusFile, built_ns: int) -> bool:
    """Whether a manifest entry still describes ``f`` without reading it."""
    return (
        entry.get("size") == f.size
        and entry.get("mtime_ns") == f.mtime_ns
        and entry.get("ino", f.ino) == f.ino
        and entry.get("ctime_ns", f.ctime_ns) == f.ctime_ns
        and not _racy(entry, built_ns)
    )


def _racy(entry: dict, built_ns: int) -> bool:
    return entry.get("mtime_ns", 0) >= built_ns - RACY_NS


def _stat_entry(f: CorpusFile) -> dict:
    return {"size": f.size, "mtime_ns": f.mtime_ns, "ino": f.ino, "ctime_ns": f.ctime_ns}


# Lucene's English stop set: small on purpose. Longer lists (Whoosh's default adds "can", "may",
# "we", "from", ...) drop words that carry meaning in claims and questions and measured worse on
# SciFact (README, "Ranking").
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)


def _quiet(_msg: str) -> None:
    pass


class SnowballStemFilter(Filter):
    """Snowball English (Porter2) stemming in C, via PyStemmer.

    Whoosh pickles analyzers into the index, so this class must stay importable at this path;
    only the algorithm name is pickled and the C stemmer is rebuilt on first use.
    """

    def __init__(self, algorithm: str = "english") -> None:
        self.algorithm = algorithm
        self._stem = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStemFilter) and other.algorithm == self.algorithm

    def __hash__(self) -> int:
        return hash(self.algorithm)

    def __getstate__(self) -> dict:
        return {"algorithm": self.algorithm}

    def __setstate__(self, state: dict) -> None:
        self.algorithm = state["algorithm"]
        self._stem = None

    def stem(self, word: str) -> str:
        if self._stem is None:
            import Stemmer

            self._stem = Stemmer.Stemmer(self.algorithm, 100_000).stemWord
        return self._stem(word)

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = self.stem(t.text)
            yield t


def text_analyzer():
    """Words split on non-word characters, lowercased, Lucene stop words, Snowball stems."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

    return (
        RegexTokenizer(r"\w+")
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS, minsize=1)
        | SnowballStemFilter()
    )


class IndexStore:
    """An index directory: generations, the live pointer, the lock and the manifest."""

    def __init__(self, root: Path, corpus: Path) -> None:
        self.root = root
        self.corpus = corpus

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
            wait = float(os.environ.get("IPSEARCH_LOCK_TIMEOUT", "60"))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
        try:
            deadline = time.monotonic() + wait
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexLocked(
                            f"index {self.root} is busy: another ipsearch process is updating "
                            f"it (waited {wait:g}s)"
                        ) from None
                    if not told:
                        notify("waiting for another ipsearch process to finish updating the index")
                        told = True
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)

    def update(
        self,
        rebuild: bool = False,
        only: list[Path] | None = None,
        notify: Notify = _quiet,
        progress: Callable | None = None,
        wait: float | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus; returns what changed."""
        with self.lock(notify, wait):
            old = self.manifest()
            if old and (
                old.get("schema") != SCHEMA_VERSION or old.get("corpus") != str(self.corpus)
            ):
                rebuild = True
            if self.current() is None:
                rebuild = True
            if rebuild:
                return self._rebuild(notify, progress, old)
            return self._incremental(old, only, notify, progress)

    def _plan(self, manifest: dict, only: list[Path] | None):
        # Taken before the scan: a file changed after this instant is racy for the next run.
        self._started_ns = time.time_ns()
        files, skipped = scan(self.corpus, only)
        known = manifest.get("files", {})
        built_ns = manifest.get("built_ns", 0)
        todo: list[tuple[CorpusFile, str, str]] = []  # (file, hash, "added"|"updated")
        unchanged: dict[str, dict] = {}
        for f in files:
            entry = known.get(f.rel)
            if entry and _same_file(entry, f, built_ns):
                unchanged[f.rel] = entry
                continue
            try:
                digest = file_hash(f.path)
            except OSError as e:
                skipped.append((f.rel, f"unreadable ({e.strerror or e})"))
                if entry:
                    unchanged[f.rel] = entry  # keep what we had rather than lose it
                continue
            if entry and entry["hash"] == digest:
                unchanged[f.rel] = {**entry, **_stat_entry(f)}
                continue
            todo.append((f, digest, "updated" if entry else "added"))
        scope = {f.rel for f in files}
        if only:
            prefixes = [
                os.path.relpath(p.resolve(), self.corpus).replace(os.sep, "/") for p in only
            ]
            in_scope = [
                r
                for r in known
                if any(p in (".", r) or r.startswith(p.rstrip("/") + "/") for p in prefixes)
            ]
            removed = [r for r in in_scope if r not in scope]
            for r in known:
                if r not in in_scope and r not in unchanged:
                    unchanged[r] = known[r]
        else:
            removed = [r for r in known if r not in scope]
        # A file skipped this time (unreadable, vanished) keeps its old sections.
        skipped_rels = {r for r, _ in skipped}
        for r in list(removed):
            if r in skipped_rels:
                removed.remove(r)
                unchanged[r] = known[r]
        return todo, unchanged, removed, skipped

    def _write(
        self, writer, todo, report: IngestReport, progress, known: dict | None = None
    ) -> dict[str, dict]:
        from ipsearch.ingest import Skip, Unreadable, parse_file
        from ipsearch.sections import build_sections

        entries: dict[str, dict] = {}
        for done, (f, digest, how) in enumerate(todo):
            if progress:
                progress(done, len(todo), f.rel)
            try:
                # Checked again here: a link swapped in since the scan must not be followed out.
                if not is_inside(f.path, self.corpus):
                    raise Unreadable("now links outside the corpus")
                parsed = parse_file(f.path, f.rel)
                sections = build_sections(parsed, digest)
                if not sections:
                    raise Skip("no text a reader sees")
            except Unreadable as e:
                # Transient: keep what was indexed for it; it is read again next run.
                report.skipped.append((f.rel, str(e)))
                if known and f.rel in known:
                    entries[f.rel] = known[f.rel]
                continue
            except Skip as e:
                report.skipped.append((f.rel, str(e)))
                writer.delete_by_term("source", f.rel)
                # Remembered, so an unchanged skipped file is not re-read on every run.
                entries[f.rel] = {
                    "hash": digest,
                    **_stat_entry(f),
                    "sections": 0,
                    "skipped": str(e),
                }
                continue
            except (RecursionError, MemoryError, ValueError) as e:
                # Like a skipped file: its old sections go (they no longer match the file) and
                # the manifest remembers it, so it is not re-read on every query.
                reason = f"could not be parsed ({type(e).__name__})"
                report.skipped.append((f.rel, reason))
                writer.delete_by_term("source", f.rel)
                entries[f.rel] = {
                    "hash": digest,
                    **_stat_entry(f),
                    "sections": 0,
                    "skipped": reason,
                }
                continue
            report.warnings.extend(parsed.warnings)
            writer.delete_by_term("source", f.rel)
            for s in sections:
                writer.add_document(**to_doc(s))
            entries[f.rel] = {
                "hash": digest,
                **_stat_entry(f),
                "sections": len(sections),
                "format": parsed.format,
            }
            setattr(report, how, getattr(report, how) + 1)
        return entries

    def _incremental(self, old, only, notify, progress) -> IngestReport:
        from whoosh import index as windex

        todo, unchanged, removed, skipped = self._plan(old, only)
        report = IngestReport(unchanged=len(unchanged), skipped=skipped)
        if not todo and not removed:
            built_ns = old.get("built_ns", 0)
            # Also re-saved when files were racy: the new start time lets them settle.
            if unchanged != old.get("files") or any(_racy(e, built_ns) for e in unchanged.values()):
                try:
                    self._save_manifest(self.current(), unchanged)
                except OSError as e:
                    raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
            self._after_commit(self.current(), None, notify)
            report.sections = sum(e.get("sections", 0) for e in unchanged.values())
            return report
        live = self.current()
        gen = self._new_generation()
        with self._building(gen):
            _link_tree(live, gen)
            try:
                ix = windex.open_dir(str(gen))
            except Exception as e:
                raise damaged(self.root, e) from e
            writer = ix.writer(limitmb=128)
            try:
                for rel in removed:
                    writer.delete_by_term("source", rel)
                entries = self._write(writer, todo, report, progress, old.get("files", {}))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            files = {**unchanged, **entries}
            self._save_manifest(gen, files)
            self._after_commit(gen, live, notify)
            self._swap(gen)
        report.removed = len(removed)
        report.sections = sum(e.get("sections", 0) for e in files.values())
        return report

    def _new_generation(self) -> Path:
        return self.root / f"gen-{time.time_ns():x}-{os.getpid()}"

    @contextlib.contextmanager
    def _building(self, gen: Path) -> Iterator[None]:
        """A generation that fails half-way is removed; the live one is never touched."""
        try:
            yield
        except OSError as e:
            shutil.rmtree(gen, ignore_errors=True)
            raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise

    def _rebuild(self, notify, progress, old) -> IngestReport:
        from whoosh import index as windex

        todo, _, _, skipped = self._plan({}, None)
        report = IngestReport(skipped=skipped, rebuilt=True)
        gen = self._new_generation()
        with self._building(gen):
            gen.mkdir(parents=True)
            ix = windex.create_in(str(gen), make_schema())
            writer = ix.writer(limitmb=256)
            try:
                entries = self._write(writer, todo, report, progress)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self._save_manifest(gen, entries)
            self._after_commit(gen, self.current(), notify)
            self._swap(gen)
        known = old.get("files", {})
        report.added = sum(1 for r in entries if r not in known)
        report.updated = sum(
            1 for r, e in entries.items() if r in known and known[r]["hash"] != e["hash"]
        )
        report.unchanged = len(entries) - report.added - report.updated
        report.removed = sum(1 for r in known if r not in entries)
        report.sections = sum(e["sections"] for e in entries.values())
        return report

    def _after_commit(self, gen: Path | None, previous: Path | None, notify: Notify) -> None:
        """Bring derived data beside the Whoosh files (semantic vectors) in line, under the lock.

        Never fails the ingest: without vectors, search is keyword-only and says so.
        """
        from ipsearch import semantic

        if gen is None or not semantic.wanted() or semantic.unavailable():
            return
        manifest = json.loads((gen / "manifest.json").read_text())
        if semantic.is_current(gen, manifest):
            return
        try:
            from whoosh import index as windex

            with windex.open_dir(str(gen)).searcher() as s:
                sections = [section_from_fields(f) for f in s.all_stored_fields()]
            semantic.sync(gen, sections, manifest, previous, notify)
        except Exception as e:  # a broken runtime must not lose the keyword index just built
            notify(f"warning: semantic vectors not updated ({type(e).__name__}: {e})")

    def _save_manifest(self, gen: Path, files: dict) -> None:
        data = {
            "schema": SCHEMA_VERSION,
            "corpus": str(self.corpus),
            "built_ns": getattr(self, "_started_ns", 0),
            "files": files,
        }
        _atomic_write(gen / "manifest.json", json.dumps(data, indent=1, sort_keys=True))

    def _swap(self, gen: Path) -> None:
        previous = self.current()
        _atomic_write(self.root / "CURRENT", gen.name + "\n")
        # Keep the generation just replaced (a reader may still be using it); drop older ones.
        for old in self.root.glob("gen-*"):
            if old not in (gen, previous):
                shutil.rmtree(old, ignore_errors=True)

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
        files, _ = scan(self.corpus)
        known = manifest.get("files", {})
        if {f.rel for f in files} != set(known):
            return True
        built_ns = manifest.get("built_ns", 0)
        for f in files:
            entry = known[f.rel]
            if _same_file(entry, f, built_ns):
                continue
            if not _racy(entry, built_ns):
                return True
            # Racy: only the content can tell. Hashing is limited to files changed just
            # before the last build, and the next update lets them settle.
            try:
                if file_hash(f.path) != entry.get("hash"):
                    return True
            except OSError:
                return True
        return False


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _link_tree(src: Path, dst: Path) -> None:
    """A new generation sharing the live one's Whoosh files (hard links; copies if the
    filesystem has none). Lock and manifest files are the generation's own."""
    dst.mkdir()
    for p in src.iterdir():
        if p.name == "manifest.json" or "WRITELOCK" in p.name or ".tmp" in p.name:
            continue
        try:
            os.link(p, dst / p.name)
        except OSError:
            shutil.copy2(p, dst / p.name)


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
    print(f"ipsearch: {msg}", file=sys.stderr)
