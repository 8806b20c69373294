"""The on-disk index: the only module that writes Whoosh.

Layout of the index directory::

    CURRENT        name of the live generation, replaced atomically
    gen-XXXX/      a Whoosh index plus manifest.json (what was indexed, with content hashes)
    .lock          held while a process writes

A rebuild writes a new generation and swaps ``CURRENT`` only once it is complete, so a failed or
killed rebuild leaves the previous index working. Incremental updates commit in place: Whoosh
writes new segments and then its table of contents, so readers see the old or the new state and
a killed writer leaves the old one. The manifest is written after the commit; if it lags, the
next run re-reads those files, which is idempotent.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from ipsearch import _whoosh  # noqa: F401  (must precede any whoosh import)
from ipsearch.corpus import CorpusFile, file_hash, scan
from ipsearch.errors import IndexCorrupt, IndexError_, IndexLocked
from ipsearch.models import IngestReport, Paragraph, Section

SCHEMA_VERSION = 1
FIELD_BOOSTS = {"section": 3.0, "name": 2.5, "chair": 2.0, "aliases": 2.0, "body": 1.0}
Notify = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


def make_schema():
    from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

    stem = StemmingAnalyzer()
    # Unstemmed, no stop words: the vocabulary that "did you mean" corrects against.
    plain = StandardAnalyzer(stoplist=None, minsize=2)
    return Schema(
        id=ID(stored=True, unique=True),
        source=ID(stored=True),
        kind=ID(stored=True),
        section=TEXT(analyzer=stem, stored=True),
        name=TEXT(analyzer=stem, stored=True),
        aliases=TEXT(analyzer=stem),
        chair=TEXT(analyzer=stem, stored=True),
        body=TEXT(analyzer=stem, stored=True),
        words=TEXT(analyzer=plain),
        first_line=NUMERIC(stored=True),
        last_line=NUMERIC(stored=True),
        position=NUMERIC(stored=True, sortable=True),
        published=DATETIME(stored=True),
        updated=DATETIME(stored=True),
        data=STORED(),
    )


def _to_doc(s: Section) -> dict:
    def dt(d):
        return datetime(d.year, d.month, d.day) if d else None

    doc = {
        "id": s.id,
        "source": s.source,
        "kind": s.kind,
        "section": s.title,
        "name": s.name or "",
        "aliases": " ".join(s.aliases),
        "chair": s.chair or "",
        "body": s.text,
        "words": " ".join([s.title, s.name or "", s.chair or "", s.text, *s.aliases]),
        "first_line": s.first_line,
        "last_line": s.last_line,
        "position": s.position,
        "data": json.dumps(
            {
                "paragraphs": [[p.text, p.first, p.last] for p in s.paragraphs],
                "labels": s.labels,
                "aliases": s.aliases,
                "document": s.document,
                "file_hash": s.file_hash,
                "title_inferred": s.title_inferred,
            }
        ),
    }
    for key in ("published", "updated"):
        if getattr(s, key):
            doc[key] = dt(getattr(s, key))
    return doc


def section_from_fields(f: dict) -> Section:
    """Stored fields → Section (the inverse of ``_to_doc``)."""
    data = json.loads(f.get("data") or "{}")
    return Section(
        id=f["id"],
        source=f["source"],
        title=f["section"],
        kind=f["kind"],
        first_line=f["first_line"],
        last_line=f["last_line"],
        text=f.get("body", ""),
        paragraphs=[Paragraph(t, a, b) for t, a, b in data.get("paragraphs", [])],
        file_hash=data.get("file_hash", ""),
        chair=f.get("chair") or None,
        name=f.get("name") or None,
        aliases=data.get("aliases", []),
        labels=data.get("labels", {}),
        document=data.get("document"),
        published=f["published"].date() if f.get("published") else None,
        updated=f["updated"].date() if f.get("updated") else None,
        title_inferred=data.get("title_inferred", False),
        position=f.get("position", 0),
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

        gen = self.current()
        if gen is None:
            raise IndexCorrupt(f"no index in {self.root}; run `ipsearch ingest`")
        try:
            return windex.open_dir(str(gen))
        except Exception as e:  # Whoosh raises many types for damaged files
            raise IndexCorrupt(
                f"index in {self.root} is damaged ({type(e).__name__}); "
                "run `ipsearch ingest --rebuild`"
            ) from e

    def sections(self, kinds: tuple[str, ...] | None = None) -> list[Section]:
        ix = self.open()
        try:
            with ix.searcher() as s:
                out = [section_from_fields(f) for f in s.all_stored_fields()]
        except Exception as e:
            raise IndexCorrupt(
                f"index in {self.root} is damaged ({type(e).__name__}); "
                "run `ipsearch ingest --rebuild`"
            ) from e
        if kinds:
            out = [x for x in out if x.kind in kinds]
        return sorted(out, key=lambda x: (x.source, x.position))

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
        files, skipped = scan(self.corpus, only)
        known = manifest.get("files", {})
        todo: list[tuple[CorpusFile, str, str]] = []  # (file, hash, "added"|"updated")
        unchanged: dict[str, dict] = {}
        for f in files:
            entry = known.get(f.rel)
            if entry and entry["size"] == f.size and entry["mtime_ns"] == f.mtime_ns:
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
                unchanged[f.rel] = {**entry, "size": f.size, "mtime_ns": f.mtime_ns}
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

    def _write(self, writer, todo, report: IngestReport, progress) -> dict[str, dict]:
        from ipsearch.ingest import Skip, parse_file
        from ipsearch.sections import build_sections

        entries: dict[str, dict] = {}
        for done, (f, digest, how) in enumerate(todo):
            if progress:
                progress(done, len(todo), f.rel)
            try:
                parsed = parse_file(f.path, f.rel)
                sections = build_sections(parsed, digest)
            except Skip as e:
                report.skipped.append((f.rel, str(e)))
                writer.delete_by_term("source", f.rel)
                # Remembered, so an unchanged skipped file is not re-read on every run.
                entries[f.rel] = {
                    "hash": digest,
                    "size": f.size,
                    "mtime_ns": f.mtime_ns,
                    "sections": 0,
                    "skipped": str(e),
                }
                continue
            except (RecursionError, MemoryError, ValueError) as e:
                report.skipped.append((f.rel, f"could not be parsed ({type(e).__name__})"))
                continue
            report.warnings.extend(parsed.warnings)
            writer.delete_by_term("source", f.rel)
            for s in sections:
                writer.add_document(**_to_doc(s))
            entries[f.rel] = {
                "hash": digest,
                "size": f.size,
                "mtime_ns": f.mtime_ns,
                "sections": len(sections),
                "format": parsed.fmt,
            }
            setattr(report, how, getattr(report, how) + 1)
        return entries

    def _incremental(self, old, only, notify, progress) -> IngestReport:
        todo, unchanged, removed, skipped = self._plan(old, only)
        report = IngestReport(unchanged=len(unchanged), skipped=skipped)
        if not todo and not removed:
            if unchanged != old.get("files"):
                self._save_manifest(self.current(), unchanged)
            self._after_commit(self.current(), None, notify)
            report.sections = sum(e.get("sections", 0) for e in unchanged.values())
            return report
        ix = self.open()
        try:
            writer = ix.writer(limitmb=128)
        except OSError as e:
            raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
        try:
            for rel in removed:
                writer.delete_by_term("source", rel)
            entries = self._write(writer, todo, report, progress)
            writer.commit()
        except BaseException as e:
            writer.cancel()
            if isinstance(e, OSError):
                raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
            raise
        report.removed = len(removed)
        files = {**unchanged, **entries}
        self._save_manifest(self.current(), files)
        self._after_commit(self.current(), None, notify)
        report.sections = sum(e.get("sections", 0) for e in files.values())
        return report

    def _rebuild(self, notify, progress, old) -> IngestReport:
        from whoosh import index as windex

        todo, _, _, skipped = self._plan({}, None)
        report = IngestReport(skipped=skipped, rebuilt=True)
        gen = self.root / f"gen-{time.time_ns():x}-{os.getpid()}"
        try:
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
        except OSError as e:
            shutil.rmtree(gen, ignore_errors=True)
            raise IndexError_(f"cannot write index {self.root}: {e.strerror or e}") from e
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
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
        data = {"schema": SCHEMA_VERSION, "corpus": str(self.corpus), "files": files}
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
        return any(
            known[f.rel]["size"] != f.size or known[f.rel]["mtime_ns"] != f.mtime_ns for f in files
        )


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


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
