"""Places: which documents and sections cover a topic, scored by the fitted place model.

A place is a section; a document's best section stands for it when the question asks for a
page. A file with no headings is one section and a first-class answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipsearch.answer.analysis import PLACE_NOUNS, singular, words
from ipsearch.answer.features import Featurizer, add_relative
from ipsearch.answer.model import Scorer
from ipsearch.answer.passages import (
    Passage,
    Retrieved,
    doc_title,
    heading_path,
    section_passages,
)
from ipsearch.models import Section

if TYPE_CHECKING:
    from ipsearch.retrieval.lookup import Named
    from ipsearch.retrieval.searcher import Searcher


@dataclass
class Place:
    section: Section
    features: dict[str, float]
    prob: float
    evidence: Passage | None

    @property
    def label(self) -> str:
        return self._label(False)

    def _label(self, doc_level: bool) -> str:
        s = self.section
        title = doc_title(s)
        if (doc_level or s.level == 0 and s.kind != "section") and title:
            return title
        head = s.title or title
        if s.name and s.name.lower() != head.lower():
            name = re.sub(r"\s*\([^)]*\)$", "", s.name)
            return f"{head} — {name}"
        return head


def item_nouns(sections: Sequence[Section | Named]) -> set[str]:
    """What a corpus calls its items: a head noun many section names or titles share (a
    ``Named`` stands for its ``sections``)."""
    from ipsearch.retrieval.lookup import Named

    heads = Counter()
    total = 0
    for s in sections:
        n = s.sections if isinstance(s, Named) else 1
        total += n
        for name in {s.name or "", s.title}:
            ws = words(re.sub(r"\([^)]*\)", "", name))
            if ws and ws[-1][:1].isalpha():
                heads[singular(ws[-1])] += n
    floor = max(3, total // 20)
    return {h for h, n in heads.items() if n >= floor and h not in PLACE_NOUNS and len(h) > 2}


class ItemNouns:
    """``item_nouns`` of an open index, worked out on the first question that needs them:
    only "which <noun> ..." questions do, and they read every section's name and title."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._nouns: set[str] | None = None

    def __contains__(self, noun: object) -> bool:
        if self._nouns is None:
            make = lambda: sorted(item_nouns(self.searcher.names()))  # noqa: E731
            code = (item_nouns, words, singular, PLACE_NOUNS)
            self._nouns = set(self.searcher.derived("item_nouns", make, code))
        return noun in self._nouns


# Where a page's summary sits: a man page's NAME comes right after its title.
FIRST_SECTIONS = 3


def includers(sections: Sequence[Section]) -> dict[str, str]:
    """Included file → the file that includes it, for files of the collection that another of
    its files pulls in (AsciiDoc ``include::``, recorded by the parser as ``includes``): a
    fragment is read as part of the page that includes it, never as a page of its own."""
    indexed = {s.source for s in sections}
    listed = ((s.source, (s.metadata or {}).get("includes", "")) for s in sections)
    pairs = {(source, p) for source, paths in listed for p in paths.split()}
    return pages_of(p for p in pairs if p[1] in indexed)


def pages_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Included file → the file that includes it, from (file, indexed file it includes) pairs.
    A file two pages include has no one page and stays a page."""
    found: dict[str, set[str]] = {}
    for source, path in pairs:
        if path != source:
            found.setdefault(path, set()).add(source)
    return {frag: next(iter(by)) for frag, by in found.items() if len(by) == 1}


class Includers:
    """``includers`` of an open index, worked out on the first page-level question from the
    catalogue's list of includes (a few rows), else once from every stored section."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._map: dict[str, str] | None = None

    def get(self, source: str) -> str | None:
        if self._map is None:
            pairs = self.searcher.includes()
            if pairs is not None:
                self._map = pages_of(pairs)
            else:  # an index whose catalogue predates the list: kept in its generation
                make = lambda: sorted(includers(self.searcher.store.sections()).items())  # noqa: E731
                code = (includers, pages_of)
                self._map = dict(map(tuple, self.searcher.derived("includers", make, code)))
        return self._map.get(source)

    def first_said(self, source: str) -> Passage | None:
        """The first passage of a page that says something (below its title heading)."""
        head = [s.id for s in self.searcher.store.outline(source, limit=FIRST_SECTIONS)]
        for s in self.searcher.sections_by_id(head):
            said = [p for p in section_passages(s) if p.kind != "heading"]
            if said:
                return said[0]
        return None


PlaceKey = tuple[str, tuple[str, ...], bool]


def place_key(s: Section) -> PlaceKey:
    """What tells two places apart: the file, the heading path, and whether it is a page's root."""
    return s.source, tuple(heading_path(s)), s.kind == "overview"


def one_place(a: PlaceKey, b: PlaceKey, doc_level: bool) -> bool:
    """Whether place ``b`` is part of the answer place ``a`` gives: any section of the page when
    the question asks for a page or ``a`` is the page's root (it stands for the page); else
    ``a`` itself or a section inside it. A broader section holding ``a`` stays a rival: it
    claims a wider place than ``a`` does."""
    if a[0] != b[0]:
        return False
    return doc_level or a[2] or b[1][: len(a[1])] == a[1]


def rival_scores(
    keys: Sequence[PlaceKey], shares: Sequence[float], i: int, doc_level: bool
) -> list[float]:
    """Place ``i``'s share with the shares of the places inside it, then each other place's
    share, best first: what the gate weighs (as equal spans are merged)."""
    same = [j == i or one_place(keys[i], k, doc_level) for j, k in enumerate(keys)]
    own = sum(v for v, one in zip(shares, same, strict=True) if one)
    rivals = [v for v, one in zip(shares, same, strict=True) if not one]
    return [own, *sorted(rivals, reverse=True)]


class PlaceRanker:
    """Retrieved sections → places, most probable first."""

    def __init__(self, scorer: Scorer, pages: Includers | None = None) -> None:
        self.scorer = scorer
        self.pages = pages

    def run(self, feats: Featurizer, retrieved: Retrieved) -> list[Place]:
        by_section: dict[str, list[Passage]] = {}
        for p in retrieved.passages:
            by_section.setdefault(p.section.id, []).append(p)
        per_doc = Counter(s.source for s in retrieved.sections)
        out = []
        for rank, s in enumerate(retrieved.sections):
            passages = by_section.get(s.id, [])
            # Evidence is text that says something: a heading only when the section has no other.
            said = [p for p in passages if p.kind != "heading"] or passages
            scored = [(feats.passage_cov(p)[1], -p.order, p) for p in said]
            best = max(scored, key=lambda x: x[:2], default=None)
            f = feats.place(
                s,
                rank,
                retrieved,
                best[0] if best else 0.0,
                per_doc[s.source] if len(heading_path(s)) else 1,
            )
            out.append(Place(s, f, 0.0, best[2] if best else None))
        add_relative([p.features for p in out])
        for p, share in zip(out, self.scorer.shares([p.features for p in out]), strict=True):
            p.prob = share
        out.sort(key=lambda x: -x.prob)
        if feats.a.doc_level and self.pages is not None:
            out = [self.as_page(p) for p in out]
        return out

    def as_page(self, place: Place) -> Place:
        """A place in a fragment, to a question that asks for a page: the page that includes
        the fragment, cited by what that page says first (its summary or NAME line)."""
        page = self.pages.get(place.section.source)
        said = self.pages.first_said(page) if page else None
        return Place(said.section, place.features, place.prob, said) if said else place
