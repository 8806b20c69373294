"""Retriever: the top sections for a question, cut into quotable passages.

Sections are ranked as ``search`` ranks them (BM25F and the bundled encoder, fused by
reciprocal rank). Each is then cut into passages a reader can check on their own lines:
sentences, list items, table rows (with their header), code lines, metadata fields, and the
titles and headings that name the section, all read from the document model's typed blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ipsearch.models import Section
from ipsearch.retrieval.dense import best
from ipsearch.retrieval.fuse import FUSE_DEPTH, fuse
from ipsearch.retrieval.searcher import Searcher
from ipsearch.textutil import split_sentences

TOP_SECTIONS = 8


@dataclass
class Passage:
    """One quotable unit: its text as the reader sees it and the exact lines it comes from."""

    kind: str  # sentence | item | row | code | field | title | heading
    text: str
    first: int
    last: int
    section: Section
    rank: int  # rank of its section among the retrieved ones (0 = best)
    score: float = 0.0  # fused retrieval score of its section, as a share of the best
    dense: float = 0.0  # encoder similarity of its section to the question
    key: str | None = None  # field: its key
    cells: list[str] | None = None  # row: its cells
    header: list[str] | None = None  # row: its table's header cells
    order: int = 0  # position within the section
    context: list[str] = field(default_factory=list)  # headings it is read under
    field_value: str | None = None  # field: its value as the parser read it

    @property
    def value(self) -> str:
        """A field's value without its key or YAML quotes; any other passage's text."""
        if self.field_value is not None:
            return self.field_value.strip().strip("\"'").strip()
        if self.kind != "field" or ":" not in self.text:
            return self.text
        return self.text.split(":", 1)[1].strip().strip("\"'").strip()


@dataclass
class Retrieved:
    sections: list[Section]
    scores: dict[str, float]  # fused score per section id, best = 1
    dense: dict[str, float]
    passages: list[Passage]
    # Each ranking's own evidence, kept apart for the place model: rank (0 = best) in the
    # keyword ranking and in the dense one, and the spread of dense similarity over the corpus
    # (a section far above the corpus's mean stands out; near misses do not).
    kw_rank: dict[str, int] = field(default_factory=dict)
    dense_rank: dict[str, int] = field(default_factory=dict)
    dense_mean: float = 0.0
    dense_std: float = 1.0
    dense_max: float = 0.0
    # source → its first section, read on demand
    lead: Callable[[str], Section | None] = field(default=lambda source: None)


def heading_path(s: Section) -> list[str]:
    if s.heading_path:
        return list(s.heading_path)
    return [t for t in (s.title, s.name) if t]


def doc_title(s: Section) -> str:
    return s.doc_title or s.document or ""


class SectionRanker:
    """Section ranking fused as ``Searcher.rank`` does, keeping each ranking's scores."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._read: dict[str, Section | None] = {}  # sections read so far, by id
        self._leads: dict[str, Section | None] = {}

    def read(self, sid: str) -> Section | None:
        """One section by id, read from the index once (None: the index no longer holds it)."""
        if sid not in self._read:
            found = self.searcher.sections_by_id([sid])
            self._read[sid] = found[0] if found else None
        return self._read[sid]

    def lead(self, source: str) -> Section | None:
        """A document's first section (where its title and summary sit), found in the
        section catalogue and read only for documents a question reaches."""
        if source not in self._leads:
            outline = self.searcher.store.outline(source, limit=1)
            self._leads[source] = self.read(outline[0].id) if outline else None
        return self._leads[source]

    def run(self, query: str, limit: int = TOP_SECTIONS) -> Retrieved:
        """Sections best first, with the fused score by id as a share of the best, the dense
        similarity by id and each ranking's ranks (no passages yet)."""
        keyword = self.searcher.rank(query, limit=FUSE_DEPTH, fusion="never") if query else []
        dense = self.searcher.dense_scores(query) if query.strip() else {}
        near = [sid for sid, _ in best(dense, FUSE_DEPTH)]
        fused = fuse([[sid for sid, _ in keyword], near]) if near else keyword
        # Only the top sections are read from the index, each once: ids it no longer holds
        # are passed over.
        kept = []
        for sid, v in fused:
            if len(kept) == limit:
                break
            if self.read(sid) is not None:
                kept.append((sid, v))
        top = kept[0][1] if kept else 1.0
        out = Retrieved([self._read[sid] for sid, _ in kept], {sid: v / top for sid, v in kept},
                        dense, [], {sid: i for i, (sid, _) in enumerate(keyword)},
                        {sid: i for i, sid in enumerate(near)}, lead=self.lead)  # fmt: skip
        if dense:
            from ipsearch.retrieval.dense import score_array

            values = score_array(dense)
            out.dense_mean, out.dense_max = float(values.mean()), float(values.max())
            out.dense_std = float(values.std()) or 1.0
        return out


class PassageRetriever:
    """Question words → passages of the top sections, best sections first."""

    def __init__(self, searcher: Searcher, ranker: SectionRanker | None = None) -> None:
        self.searcher = searcher
        self.ranker = ranker or SectionRanker(searcher)

    def run(self, query: str, limit: int = TOP_SECTIONS) -> Retrieved:
        got = self.ranker.run(query, limit)
        for rank, s in enumerate(got.sections):
            for p in section_passages(s, self.searcher.store.corpus):
                p.rank, p.score, p.dense = rank, got.scores.get(s.id, 0.0), got.dense.get(s.id, 0.0)
                got.passages.append(p)
        return got


def section_passages(s: Section, corpus: Path | None = None) -> list[Passage]:
    """The passages of one section, in order."""
    context = [doc_title(s), *heading_path(s)]
    out = _from_blocks(s)
    for i, p in enumerate(out):
        p.order, p.context = i, context
    return out


def _from_blocks(s: Section) -> list[Passage]:
    out: list[Passage] = []
    for b in s.blocks:
        if b.kind == "row":
            out.append(
                Passage("row", b.text, b.first, b.last, s, 0, cells=b.cells, header=b.header)
            )
        elif b.kind == "field":
            out.append(
                Passage("field", b.shown(), b.first, b.last, s, 0, key=b.key, field_value=b.text)
            )
        elif b.kind == "heading":
            out.append(Passage("heading", b.text, b.first, b.last, s, 0))
        elif b.kind == "code":
            out += [Passage("code", line.strip(), b.first, b.last, s, 0)
                    for line in b.text.splitlines() if line.strip()][:40]  # fmt: skip
        else:
            kind = "item" if b.kind == "item" else "sentence"
            out += [Passage(kind, t, b.first, b.last, s, 0) for t in split_sentences(b.text)]
    return out
