"""The on-disk index: the only module that writes Whoosh.

Layout of the index directory::

    ipsearch-index.json  marks the folder as ipsearch's and records the generations it made
    CURRENT              name of the live generation, replaced atomically
    gen-XXXX/            a Whoosh index plus manifest.json (what was indexed, content hashes)
    .lock                held while a process writes

Only recorded generations are ever removed (``indexdir``), so nothing else in the folder is.

Every write makes a new generation and swaps ``CURRENT`` only once the index and its manifest
are complete, so a failed or killed run leaves the previous index working and readers always
see a whole index, old or new. A rebuild starts empty; an incremental update starts from hard
links to the live generation's files (Whoosh never changes a file once written, so the links
cost nothing and the live generation is never touched).
"""

from __future__ import annotations

import contextlib
import json
import pickle
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.analysis import Filter

from ipsearch import indexdir
from ipsearch._whoosh import share_segment_buffers
from ipsearch.corpus import Rules, confined
from ipsearch.errors import IndexCorrupt, IndexError_
from ipsearch.freshness import (  # noqa: F401 - ensure_fresh and friends are imported from here
    RACY_NS,
    ensure_fresh,
    is_stale,
    plan,
    racy,
    same_file,
    stat_entry,
    stderr_notify,
)
from ipsearch.models import IngestReport, Section
from ipsearch.schema import make_schema, section_from_fields, to_doc

share_segment_buffers()
SCHEMA_VERSION = 6
Notify = Callable[[str], None]
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
        self._rules: Rules | None = None  # set for one update; else the manifest's

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

    def _write(
        self, writer, todo, report: IngestReport, progress, known: dict | None = None
    ) -> dict[str, dict]:
        from ipsearch.ingest import Skip, Unreadable
        from ipsearch.parsepool import parse_all

        entries: dict[str, dict] = {}
        jobs = [(f.path, f.rel, digest, f.size) for f, digest, _ in todo]
        results = parse_all(jobs, self.corpus)
        for done, (f, digest, how) in enumerate(todo):
            if progress:
                progress(done, len(todo), f.rel)
            # Pulled after the progress call: in-process, the file is read only now.
            parsed = next(results)
            try:
                if parsed.error is not None:
                    raise parsed.error
                sections = parsed.sections
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
                "format": parsed.fmt,
            }
            setattr(report, how, getattr(report, how) + 1)
        return entries

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
                or any(_racy(e, built_ns) for e in unchanged.values())
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
        indexed = {r: e for r, e in entries.items() if not e.get("skipped")}
        report.added = sum(1 for r in indexed if r not in known)
        report.updated = sum(
            1 for r, e in indexed.items() if r in known and known[r]["hash"] != e["hash"]
        )
        report.unchanged = len(indexed) - report.added - report.updated
        report.removed = sum(1 for r in known if r not in entries)
        report.sections = sum(e["sections"] for e in entries.values())
        return report

    def _after_commit(self, gen: Path | None, previous: Path | None, notify: Notify) -> None:
        """Bring derived data beside the Whoosh files (semantic vectors) in line, under the lock.

        Never fails the ingest: without vectors, search is keyword-only and says so; without
        the BM25F matrix, a search builds it in memory.
        """
        from ipsearch import matrix, semantic

        if gen is not None:
            matrix.sync(gen, notify)
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
        return is_stale(self.corpus, manifest, self.rules(manifest))


# Old names, kept for callers and tests that import them from here.
_same_file, _racy, _stat_entry = same_file, racy, stat_entry
