"""Sections by file, line, id or title: how ``show``, ``sections`` and QA name a section."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ipsearch.index import IndexStore, section_from_fields
from ipsearch.models import Section
from ipsearch.retrieval.keyword import query_errors
from ipsearch.retrieval.terms import term_spans


class Named(NamedTuple):
    """A name and title, as the catalogue lists them, and how many sections have both."""

    name: str | None
    title: str
    sections: int = 1


def matches_source(rel: str, shown: str, pattern: str) -> bool:
    """Whether a file matches a ``--source`` glob, by its corpus path or the path shown."""
    from fnmatch import fnmatchcase

    pat = pattern if any(c in pattern for c in "*?[") else f"*{pattern}*"
    return fnmatchcase(rel, pat) or fnmatchcase(shown, pat)


class SectionLookup:
    """The lookups of ``Searcher`` (which supplies ``store`` and ``searcher``)."""

    store: IndexStore

    def locate(self, key: str) -> tuple[list[Section], int | None] | None:
        """``PATH`` or ``PATH:LINE`` naming an indexed file: (its sections in order, the line);
        None when ``key`` names no indexed file."""
        import os

        path, line = key, None
        head, sep, tail = key.rpartition(":")
        if sep and tail.isdigit():
            path, line = head, int(tail)
        rels = {path.replace(os.sep, "/")}
        with contextlib.suppress(OSError, ValueError):
            rels.add(os.path.relpath(Path(path).resolve(), self.store.corpus).replace(os.sep, "/"))
        # The file's rows in the catalogue, then only its sections' stored text.
        listed = [s for rel in sorted(rels) for s in self.store.outline(rel, brief=True)]
        sections = self.sections_by_id(list(dict.fromkeys(s.id for s in listed)))
        if not sections:
            return None
        return sorted(sections, key=lambda s: s.position), line

    def names(self) -> list[Named]:
        """Each (name, title) the sections have and how many have it, from the catalogue (else
        one per stored section)."""
        from ipsearch.index.catalog import errors

        cat = self.store.catalog(self.ix)
        if cat is not None:
            try:
                with cat:
                    return [Named(*r) for r in cat.names()]
            except errors():
                pass
        return [Named(s.name, s.title) for s in self.store.sections()]

    def includes(self) -> list[tuple[str, str]] | None:
        """(file, indexed file it includes) pairs, from the catalogue; None when it cannot say."""
        from ipsearch.index.catalog import errors

        cat = self.store.catalog(self.ix)
        if cat is not None:
            try:
                with cat:
                    return cat.includes()
            except errors():
                pass
        return None

    def derived(self, name: str, make: Callable[[], list], code: tuple = ()) -> list:
        """``make()``, a value computed from every section of this index, kept in its
        generation after the first time; ``code``: the functions and constants ``make`` runs,
        so a changed computation is made afresh."""
        from ipsearch.index.derived import code_stamp, remembered

        stamp = code_stamp(make, *code)
        return remembered(Path(self.ix.storage.folder), name, stamp, make)

    def at_line(self, sections: list[Section], line: int) -> Section:
        """The section of a file that holds ``line`` (else the last one starting before it)."""
        from ipsearch.errors import NotFound

        inside = [s for s in sections if s.first_line <= line <= s.last_line]
        before = [s for s in sections if s.first_line <= line]
        if inside or before:
            return (inside or before)[-1]
        raise NotFound(f"line {line} is before the first section of {sections[0].source}")

    def word_rarity(self, text: str) -> list[tuple[str, int]]:
        """(word as written, how many sections' text has it) for each indexed word of ``text``."""
        reader = self.searcher.reader()
        return [(text[a:b], reader.doc_frequency("body", t)) for t, a, b in term_spans(self, text)]

    def sections_by_id(self, ids: list[str]) -> list[Section]:
        """The stored sections with these ids, in the order given; unknown ids are left out."""
        out = []
        with query_errors(self.store.root):
            for sid in ids:
                fields = self.searcher.document(id=sid)
                if fields is not None:
                    out.append(section_from_fields(fields))
        return out

    def section(self, key: str) -> Section:
        """A section by id, title, slug or unique prefix of either."""
        from ipsearch.errors import NotFound
        from ipsearch.textutil import slug

        if "#" in key:
            # An exact id is one lookup; only titles and prefixes need every section.
            with query_errors(self.store.root):
                fields = self.searcher.document(id=key.strip())
            if fields is not None:
                return section_from_fields(fields)
        sections = self.store.outline(brief=True)  # titles and ids; the one found is read whole
        k = key.strip().lower()
        ks = slug(key)
        exact = [
            s
            for s in sections
            if k in (s.id.lower(), s.title.lower()) or ks == s.id.split("#", 1)[-1]
        ]
        if len(exact) == 1:
            return self._whole(exact[0])
        pref = [
            s
            for s in sections
            if s.title.lower().startswith(k) or s.id.split("#", 1)[-1].startswith(ks)
        ]
        if len(pref) == 1:
            return self._whole(pref[0])
        if not exact and not pref:
            raise NotFound(f"no section matches {key!r}; `ipsearch sections` lists them")
        names = ", ".join(s.title for s in (exact or pref)[:8])
        raise NotFound(f"{key!r} matches several sections: {names}")

    def _whole(self, listed: Section) -> Section:
        """A catalogue row's section with its text (the row itself if it was read whole)."""
        if listed.blocks:
            return listed
        return next(iter(self.sections_by_id([listed.id])), listed)
