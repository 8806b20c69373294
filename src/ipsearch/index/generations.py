"""Writing a generation and swapping it in.

A rebuild starts from an empty Whoosh index; an incremental update from hard links to the live
generation's files. Either way the new generation gets its manifest and derived data (the BM25F
matrix, semantic vectors) before ``CURRENT`` names it, and a generation that fails half-way is
removed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from ipsearch.errors import IndexError_
from ipsearch.index import indexdir, vocabulary
from ipsearch.index.freshness import racy, stat_entry
from ipsearch.index.indexdir import damaged
from ipsearch.index.schema import make_schema, section_from_fields, to_doc
from ipsearch.models import IngestReport

SCHEMA_VERSION = 7
# Whoosh's posting buffer (its own estimate, in MB) before it sorts a run out to disk. Runs
# are merged at commit, so this bounds memory, not the index (a 63 MB text file peaked at
# 300 MB with 64, 296 with 48: most of the rest is the file's blocks).
WRITER_MB = 48
CATALOG = "sections.sqlite"  # index/catalog.py; named here so a freshness check needs no sqlite3
Notify = Callable[[str], None]


def _writer(ix):
    """A Whoosh writer with a bounded posting buffer, its runs spilled in batches, and the
    ranked fields' postings kept for the BM25F matrix as they are written (``postings_tap``).
    Whoosh's writing module is loaded here, not at import: a search never writes."""
    from ipsearch.index.fastwrite import PostingsTap, speed_up_writing
    from ipsearch.index.schema import FIELD_BOOSTS

    speed_up_writing()
    writer = ix.writer(limitmb=WRITER_MB)
    writer.postings_tap = PostingsTap(list(FIELD_BOOSTS))
    return writer


class SideFiles:
    """The files each generation keeps beside Whoosh's, kept in step as sections come and
    go: the spelling vocabulary and the section catalogue."""

    def __init__(self, previous: Path | None = None) -> None:
        from ipsearch.index import catalog  # sqlite3: imported by writers and listings only

        self.vocabulary = vocabulary.Builder(previous)
        try:
            self.catalog = catalog.Builder(previous)
        except BaseException:
            self.close()
            raise

    def add(self, sections) -> None:
        self.vocabulary.add(sections)
        self.catalog.add(sections)

    def drop(self, source: str) -> None:
        self.vocabulary.drop(source)
        self.catalog.drop(source)

    def write(self, gen: Path) -> None:
        self.vocabulary.write(gen)
        self.catalog.write(gen)

    def close(self) -> None:
        """Let go of the previous generation (the new files are kept until ``write``)."""
        self.vocabulary.close()


def _skipped(f, digest: str, reason: str) -> dict:
    return {"hash": digest, **stat_entry(f), "sections": 0, "skipped": reason}


def write_files(
    writer,
    todo,
    report: IngestReport,
    progress,
    corpus: Path,
    sides: SideFiles,
    known: dict | None = None,
) -> dict[str, dict]:
    """Parse ``todo`` and write its sections; returns the manifest entries of the files."""

    def delete(rel: str) -> None:
        writer.delete_by_term("source", rel)
        sides.drop(rel)

    from ipsearch.index.parsepool import parse_all

    entries: dict[str, dict] = {}
    jobs = [(f.path, f.rel, digest, f.size) for f, digest, _ in todo]
    results = parse_all(jobs, corpus)
    for done, (f, digest, how) in enumerate(todo):
        if progress:
            progress(done, len(todo), f.rel)
        # Pulled after the progress call: in-process, the file is read only now.
        parsed = next(results)
        sections = _sections_or_skip(parsed, f, digest, report, entries, known, delete)
        if sections is None:
            continue
        report.warnings.extend(parsed.warnings)
        delete(f.rel)
        count = 0
        # One section at a time: a large file's sections are made as they are written.
        for s in sections:
            writer.add_document(**to_doc(s))
            sides.add([s])
            count += 1
        entries[f.rel] = {
            "hash": digest,
            **stat_entry(f),
            "sections": count,
            "format": parsed.fmt,
        }
        setattr(report, how, getattr(report, how) + 1)
    return entries


def _sections_or_skip(parsed, f, digest: str, report: IngestReport, entries: dict, known, delete):
    """The parsed file's sections as an iterator, or None once a file that cannot be indexed
    is recorded in the report and the manifest entries."""
    from ipsearch.ingest import Skip, Unreadable

    try:
        if parsed.error is not None:
            raise parsed.error
        sections = iter(parsed.sections)
        first = next(sections, None)
        if first is None:
            raise Skip("no text a reader sees")
    except Unreadable as e:
        # Transient: keep what was indexed for it; it is read again next run.
        report.skipped.append((f.rel, str(e)))
        if known and f.rel in known:
            entries[f.rel] = known[f.rel]
        return None
    except Skip as e:
        report.skipped.append((f.rel, str(e)))
        delete(f.rel)
        # Remembered, so an unchanged skipped file is not re-read on every run.
        entries[f.rel] = _skipped(f, digest, str(e))
        return None
    except (RecursionError, MemoryError, ValueError) as e:
        # Like a skipped file: its old sections go (they no longer match the file) and
        # the manifest remembers it, so it is not re-read on every query.
        reason = f"could not be parsed ({type(e).__name__})"
        report.skipped.append((f.rel, reason))
        delete(f.rel)
        entries[f.rel] = _skipped(f, digest, reason)
        return None
    return itertools.chain([first], sections)


class Generations:
    """The writing half of ``IndexStore`` (which supplies ``root``, ``corpus``, ``current``,
    ``rules`` and ``_plan``)."""

    def _incremental(self, old, only, notify, progress) -> IngestReport:
        from whoosh import index as windex

        todo, unchanged, removed, skipped = self._plan(old, only)
        report = IngestReport(
            unchanged=sum(1 for e in unchanged.values() if not e.get("skipped")), skipped=skipped
        )
        if not todo and not removed:
            built_ns = old.get("built_ns", 0)
            # Also re-saved when files were racy: the new start time lets them settle.
            if (
                unchanged != old.get("files")
                or any(racy(e, built_ns) for e in unchanged.values())
                or self._rules_dict() != old.get("rules", {})
            ):
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
            indexdir.link_generation(live, gen)
            try:
                ix = windex.open_dir(str(gen))
            except Exception as e:
                raise damaged(self.root, e) from e
            writer = _writer(ix)
            sides = SideFiles(live)
            try:
                for rel in removed:
                    writer.delete_by_term("source", rel)
                    sides.drop(rel)
                known = old.get("files", {})
                entries = write_files(writer, todo, report, progress, self.corpus, sides, known)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            finally:
                sides.close()
            files = {**unchanged, **entries}
            sides.write(gen)
            self._save_manifest(gen, files)
            self._after_commit(gen, live, notify, writer.postings_tap.segments)
            self._swap(gen)
        report.removed = len(removed)
        report.sections = sum(e.get("sections", 0) for e in files.values())
        return report

    def _new_generation(self) -> Path:
        try:
            return indexdir.new_generation(self.root)
        except OSError as e:
            raise indexdir.fail(self.root, e) from e

    @contextlib.contextmanager
    def _building(self, gen: Path) -> Iterator[None]:
        """A generation that fails half-way is removed; the live one is never touched."""
        try:
            yield
        except OSError as e:
            indexdir.discard(gen)
            raise indexdir.fail(self.root, e) from e
        except BaseException:
            indexdir.discard(gen)
            raise

    def _rebuild(self, notify, progress, old) -> IngestReport:
        from whoosh import index as windex

        todo, _, _, skipped = self._plan({}, None)
        report = IngestReport(skipped=skipped, rebuilt=True)
        gen = self._new_generation()
        with self._building(gen):
            gen.mkdir(parents=True)
            ix = windex.create_in(str(gen), make_schema())
            writer = _writer(ix)
            sides = SideFiles()
            try:
                entries = write_files(writer, todo, report, progress, self.corpus, sides)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            sides.write(gen)
            self._save_manifest(gen, entries)
            self._after_commit(gen, self.current(), notify, writer.postings_tap.segments)
            self._swap(gen)
        known = old.get("files", {})
        indexed = {r: e for r, e in entries.items() if not e.get("skipped")}
        report.added = sum(1 for r in indexed if r not in known)
        report.updated = sum(
            1 for r, e in indexed.items() if r in known and known[r]["hash"] != e["hash"]
        )
        report.unchanged = len(indexed) - report.added - report.updated
        report.removed = sum(1 for r in known if r not in entries)
        report.sections = sum(e["sections"] for e in entries.values())
        return report

    def _after_commit(
        self, gen: Path | None, previous: Path | None, notify: Notify, tapped=None
    ) -> None:
        """Bring derived data beside the Whoosh files (semantic vectors) in line, under the lock.
        ``tapped``: the postings the writer kept for the matrix (``fastwrite.PostingsTap``).

        Never fails the ingest: without vectors, search is keyword-only and says so; without
        the BM25F matrix, a search builds it in memory.
        """
        from ipsearch import semantic
        from ipsearch.index import catalog, matrix

        if gen is not None:
            matrix.sync(gen, notify, tapped)
            catalog.sync(gen, notify)
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
            "rules": self._rules_dict(),
        }
        indexdir.atomic_write(gen / "manifest.json", json.dumps(data, indent=1, sort_keys=True))

    def _rules_dict(self) -> dict:
        rules = self.rules()
        return {"include": list(rules.include), "exclude": list(rules.exclude)}

    def _swap(self, gen: Path) -> None:
        previous = self.current()
        indexdir.atomic_write(self.root / indexdir.CURRENT, gen.name + "\n")
        # Keep the generation just replaced (a reader may still be using it); drop older ones.
        indexdir.prune(self.root, {gen.name, previous.name if previous else gen.name})
