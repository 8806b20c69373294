"""The catalogue of a generation's sections: what listings need, without their text.

``sections.sqlite`` beside each generation's Whoosh files holds one row per indexed section
(id, file, position, title, name, chair, lines, heading path, document title ...), never its
text, and the files each file includes. ``sections`` lists it, ``show`` finds a file's sections
or a title in it, and QA reads the names and titles of every section and the includes from it,
so none of them decodes every stored document (1.5 s at 10,000 sections) at start-up; the
text of the few sections an answer quotes is read from Whoosh by id.

It is written at ingest like the spelling vocabulary: an incremental update starts from the
live generation's catalogue, deletes the rows of the files it re-reads or removes and adds the
rows of the sections it writes. A catalogue that is missing (an index made before it existed),
unreadable or out of step with the Whoosh index (its row count differs) is never trusted:
readers fall back to Whoosh's stored fields, and the next ingest writes it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.index.generations import CATALOG
from ipsearch.models import Section

if TYPE_CHECKING:
    import sqlite3

FILE = CATALOG
FORMAT = 1
_COLUMNS = [
    *("id", "source", "position", "title", "name", "chair", "kind", "first_line", "last_line"),
    *("level", "format", "doc_title", "document", "heading_path", "aliases", "labels"),
    *("title_inferred", "published", "updated", "file_hash"),
]
_CREATE = f"""
CREATE TABLE sections ({", ".join(_COLUMNS)});
CREATE INDEX sections_by_source ON sections (source, position);
CREATE INDEX sections_by_id ON sections (id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE includes (source, path, UNIQUE (source, path));
"""
# The document metadata field where a parser lists the corpus files a file pulls in (AsciiDoc
# ``include::``): kept as (file, included file) rows, so QA's page map reads a few rows.
INCLUDES = "includes"
_INSERT = f"INSERT INTO sections VALUES ({', '.join('?' * len(_COLUMNS))})"
# What a listing or a lookup by id or title reads: no JSON or date column to decode per row.
_BRIEF = ("id", "source", "title", "kind", "first_line", "last_line", "file_hash", "chair")
_BRIEF += ("name", "document", "title_inferred", "position", "doc_title", "level", "format")
# The rest, read after the brief columns by a full read.
_DECODED = ("heading_path", "aliases", "labels", "published", "updated")
assert sorted(_BRIEF + _DECODED) == sorted(_COLUMNS)
_SELECT_BRIEF = f"SELECT {', '.join(_BRIEF)} FROM sections"
_SELECT = f"SELECT {', '.join(_BRIEF + _DECODED)} FROM sections"


def errors() -> tuple[type[Exception], ...]:
    """Errors of a damaged, truncated or foreign file (sqlite3.DatabaseError covers "not a
    database"); sqlite3 is imported only by the commands that read the catalogue."""
    import sqlite3

    return (sqlite3.Error, OSError, ValueError, TypeError, KeyError, IndexError)


def _row(s: Section) -> tuple:
    return (
        s.id,
        s.source,
        s.position,
        s.title,
        s.name,
        s.chair,
        s.kind,
        s.first_line,
        s.last_line,
        s.level,
        s.format,
        s.doc_title,
        s.document,
        json.dumps(s.heading_path, ensure_ascii=False),
        json.dumps(s.aliases, ensure_ascii=False),
        json.dumps(s.labels, ensure_ascii=False),
        int(s.title_inferred),
        s.published.isoformat() if s.published else None,
        s.updated.isoformat() if s.updated else None,
        s.file_hash,
    )


def _json(text: str):
    # Most rows have no aliases or labels: skip the decoder for those.
    if text == "[]":
        return []
    if text == "{}":
        return {}
    return json.loads(text)


def _brief_section(r: tuple) -> Section:
    i, src, title, kind, first, last, fh, chair, name, doc, inferred, pos, doc_title, level, fmt = r
    return Section(
        i, src, title, kind, first, last, "", [], fh or "", chair, name, document=doc,
        title_inferred=bool(inferred), position=pos, doc_title=doc_title or "", level=level,
        format=fmt or "",
    )  # fmt: skip


def _section(r: tuple) -> Section:
    s = _brief_section(r[: len(_BRIEF)])
    path, aliases, labels, published, updated = r[len(_BRIEF) :]
    s.heading_path, s.aliases, s.labels = _json(path), _json(aliases), _json(labels)
    s.published = date.fromisoformat(published) if published else None
    s.updated = date.fromisoformat(updated) if updated else None
    return s


class Catalog:
    """A generation's catalogue, open for reading (``open`` checks it first)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    @classmethod
    def open(cls, gen: Path, expected: int | None = None) -> Catalog | None:
        """The catalogue of ``gen``, or None when it is missing, unreadable, of another format
        or does not hold ``expected`` rows (the Whoosh index's section count)."""
        import sqlite3

        path = gen / FILE
        if not path.is_file():
            return None
        con = None
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            meta = dict(con.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT or (
                expected is not None and meta.get("rows") != expected
            ):
                con.close()
                return None
            return cls(con)
        except errors():
            if con is not None:
                con.close()
            return None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sections(
        self, source: str | None = None, limit: int = -1, brief: bool = False
    ) -> list[Section]:
        """Every section (or ``source``'s, or its first ``limit``) without its text, by file
        and position; ``brief``: without aliases, labels, heading path and dates either."""
        where, args = (" WHERE source = ?", (source,)) if source is not None else ("", ())
        order = " ORDER BY source, position, rowid LIMIT ?"
        select, make = (_SELECT_BRIEF, _brief_section) if brief else (_SELECT, _section)
        return list(map(make, self.con.execute(f"{select}{where}{order}", (*args, limit))))

    def has_includes(self) -> bool:
        """Whether the catalogue lists includes (one written before it did not)."""
        found = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'includes'"
        return self.con.execute(found).fetchone() is not None

    def includes(self) -> list[tuple[str, str]] | None:
        """(file, indexed file it includes) for every include of the collection, or None
        when the catalogue does not list them."""
        if not self.has_includes():
            return None
        indexed = "EXISTS (SELECT 1 FROM sections WHERE sections.source = includes.path)"
        return list(self.con.execute(f"SELECT source, path FROM includes WHERE {indexed}"))

    def names(self) -> list[tuple[str | None, str, int]]:
        """Each (name, title) and how many sections have it: what QA reads to learn what a
        corpus calls its items (a collection repeats many, e.g. "Overview", "Examples")."""
        from collections import Counter

        # Counted here: SQL's GROUP BY sorts every row first (twice the time at 50,000).
        counted = Counter(self.con.execute("SELECT name, title FROM sections"))
        return [(name, title, n) for (name, title), n in counted.items()]


def read(gen: Path, expected: int | None = None) -> list[Section] | None:
    """Every section of ``gen`` without its text, or None when its catalogue cannot be trusted."""
    cat = Catalog.open(gen, expected)
    if cat is None:
        return None
    try:
        with cat:
            return cat.sections()
    except errors():
        return None


class Builder:
    """The catalogue of the generation being written: the previous one's rows plus and minus."""

    def __init__(self, previous: Path | None = None) -> None:
        import sqlite3

        self.con = sqlite3.connect(":memory:")
        if previous is not None and self._copy(previous):
            return
        self.con.executescript(_CREATE)
        if previous is not None:  # none, or not to be trusted: from the stored sections, once
            self.add(_stored_sections(previous))

    def _copy(self, previous: Path) -> bool:
        """Start from ``previous``'s catalogue; False when it cannot be trusted."""
        import sqlite3

        old = Catalog.open(previous, _section_count(previous))
        if old is None:
            return False
        try:
            if not old.has_includes():  # written before includes were listed: made afresh
                return False
            old.con.backup(self.con)
            return True
        except errors():
            self.con.close()
            self.con = sqlite3.connect(":memory:")
            return False
        finally:
            old.close()

    def add(self, sections: Iterable[Section]) -> None:
        included: set[tuple[str, str]] = set()

        def rows():
            for s in sections:
                meta = s.metadata or {}
                included.update((s.source, p) for p in meta.get(INCLUDES, "").split())
                yield _row(s)

        self.con.executemany(_INSERT, rows())
        self.con.executemany("INSERT OR IGNORE INTO includes VALUES (?, ?)", sorted(included))

    def drop(self, source: str) -> None:
        self.con.execute("DELETE FROM sections WHERE source = ?", (source,))
        self.con.execute("DELETE FROM includes WHERE source = ?", (source,))

    def write(self, gen: Path) -> None:
        """Save the catalogue into ``gen`` whole (a temporary file renamed over the name)."""
        (rows,) = self.con.execute("SELECT count(*) FROM sections").fetchone()
        self.con.execute("DELETE FROM meta")
        self.con.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("rows", rows)])
        self.con.commit()
        import sqlite3

        fd, tmp = tempfile.mkstemp(dir=gen, prefix=FILE + ".tmp")
        os.close(fd)
        try:
            out = sqlite3.connect(tmp)
            try:
                self.con.backup(out)
            finally:
                out.close()
            os.replace(tmp, gen / FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _stored_sections(gen: Path) -> list[Section]:
    from whoosh import index as windex

    from ipsearch.index.schema import section_from_fields

    with windex.open_dir(str(gen)).searcher() as s:
        return [section_from_fields(f) for f in s.all_stored_fields()]


def _section_count(gen: Path) -> int:
    from whoosh import index as windex

    return windex.open_dir(str(gen)).doc_count()


def sync(gen: Path, notify) -> None:
    """Write ``gen``'s catalogue when it is missing or out of step; never fails the ingest."""
    try:
        cat = Catalog.open(gen, _section_count(gen))
        if cat is not None:
            with cat:
                if cat.has_includes():
                    return
        b = Builder()
        b.add(_stored_sections(gen))
        b.write(gen)
    except Exception as e:  # listings still work, from the stored fields
        notify(f"warning: section catalogue not written ({type(e).__name__}: {e})")
