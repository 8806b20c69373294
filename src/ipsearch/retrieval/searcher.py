"""Queries → ranked, cited hits: keyword ranking, dense similarity and their fusion, snippets.

Whoosh is read in ``keyword`` and written only in ``ipsearch.index``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.corpus import display_path
from ipsearch.errors import QueryError
from ipsearch.index import DAMAGE_ERRORS, IndexStore, damaged, section_from_fields
from ipsearch.ingest import index_form
from ipsearch.locator import on_page, section_on_page, unit_of
from ipsearch.models import Hit, SearchResult, Section
from ipsearch.retrieval.fuse import DENSE_FLOOR, FUSE_DEPTH, fuse
from ipsearch.retrieval.keyword import Keyword, query_errors
from ipsearch.retrieval.lookup import SectionLookup
from ipsearch.retrieval.query import is_plain
from ipsearch.retrieval.snippets import block_kind, sentences, snippet_for
from ipsearch.retrieval.spelling import correct

if TYPE_CHECKING:
    from ipsearch.index.vocabulary import Corrector
    from ipsearch.retrieval.dense import Dense


def _plain_question(text: str) -> str:
    """A question mark ending a word ends a question; it is not a one-letter wildcard."""
    return re.sub(r"(?<=\w)\?+(?=\s|$)", "", text)


class Searcher(SectionLookup):
    """An open index for one or more queries (keeps the Whoosh searcher warm).

    ``semantic`` (default: on unless ``IPSEARCH_SEMANTIC=0``) fuses keyword ranking with the
    similarity of the bundled sentence encoder; without the model it is keyword-only, and
    ``notify`` is told why once.
    """

    def __init__(
        self,
        store: IndexStore,
        semantic: bool | None = None,
        notify: Callable[[str], None] = lambda _m: None,
    ) -> None:
        from ipsearch.semantic import wanted

        self.store = store
        self.ix = store.open()
        self.keyword = Keyword(store, self.ix, notify)
        self.semantic = wanted(semantic)
        self.notify = notify
        self._dense: Dense | None = None
        self._dense_tried = False
        self._spelling: Corrector | None = None

    @property
    def schema(self):
        """The index's schema, read once (Whoosh reads its table of contents on each access)."""
        return self.keyword.schema

    @property
    def searcher(self):
        """Whoosh's searcher, with our BM25F scorer."""
        return self.keyword.searcher

    def spelling(self) -> Corrector:
        """The index's unstemmed vocabulary, read on first use (a query word was unknown)."""
        if self._spelling is None:
            from ipsearch.index import vocabulary

            counts = vocabulary.read(Path(self.ix.storage.folder)) or {}
            self._spelling = vocabulary.Corrector(counts)
        return self._spelling

    def parse(self, qstring: str):
        """Whoosh's query for ``qstring``, with wildcard and fuzzy words bounded."""
        return self.keyword.parse(qstring)

    @property
    def dense(self) -> Dense | None:
        """Dense scoring of this index, or None when semantic retrieval is off or unavailable."""
        if self.semantic and not self._dense_tried:
            from ipsearch.retrieval.dense import Dense

            self._dense_tried = True
            self._dense = Dense.open(self.store.current(), self.store.manifest(), self.notify)
        return self._dense

    def dense_scores(self, text: str, kinds: tuple[str, ...] | None = None) -> Mapping[str, float]:
        """Similarity of ``text`` to each section, or {} when semantic retrieval is off."""
        d = self.dense
        return d.scores(text, kinds) if d and text.strip() else {}

    def closest_sentence(self, section: Section, text: str) -> tuple[str, int, int, float] | None:
        """The sentence of ``section`` most similar to ``text`` (evidence for a dense match).

        Field lines ("Label: value") are passed over: they say what a section is, not what it
        covers.
        """
        d = self.dense
        sents = [
            x for x in sentences(section) if x[0].split(":", 1)[0].strip() not in section.labels
        ]
        if not d or not sents:
            return None
        sims = d.similarities(text, [t for t, _, _ in sents])
        i = max(range(len(sents)), key=sims.__getitem__)
        return (*sents[i], sims[i])

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.keyword.close()

    def search(
        self,
        qstring: str,
        limit: int = 10,
        fix_spelling: bool = True,
        kinds: tuple[str, ...] | None = None,
        fusion: str = "auto",
    ) -> SearchResult:
        """Ranked hits for ``qstring``, with the sentences that match and their lines.

        ``fusion`` says when dense similarity joins the keyword ranking: ``always``, ``never``,
        or ``auto`` — only when the keywords cannot do the job alone (a word the index has
        never seen, or no keyword hit). ``auto`` keeps exact-word searches as fast as a
        keyword engine, since loading the encoder costs a one-shot query about 0.2 s.
        """
        if not qstring or not qstring.strip():
            raise QueryError("empty query")
        try:
            corrected = correct(self, qstring) if fix_spelling else None
        except DAMAGE_ERRORS as e:
            raise damaged(self.store.root, e) from e
        text = index_form(_plain_question(corrected or qstring))
        total, ranked, keyword_ids = self._ranking(text, limit, kinds, fusion)
        with query_errors(self.store.root):
            terms = self.keyword.terms(text)
            hits = []
            for rank, (sid, score) in enumerate(ranked, 1):
                fields = self.searcher.document(id=sid)
                if fields is not None:
                    hits.append(self._hit_for(rank, score, fields, terms, text, sid in keyword_ids))
        return SearchResult(query=qstring, corrected=corrected, total=total, hits=hits)

    def rank(self, qstring: str, limit: int = 100, fusion: str = "auto") -> list[tuple[str, float]]:
        """(section id, score), best first: the ranking ``search`` uses, without snippets."""
        return self._ranking(index_form(_plain_question(qstring)), limit, None, fusion)[1]

    def _ranking(
        self, text: str, limit: int, kinds: tuple[str, ...] | None, fusion: str
    ) -> tuple[int, list[tuple[str, float]], set[str]]:
        """(matching count, [(id, score)] best first, ids the keywords found): the one ranking."""
        depth = max(limit, FUSE_DEPTH)
        with query_errors(self.store.root):
            total, keyword = self.keyword.ids(text, depth, kinds)
        found = {sid for sid, _ in keyword}
        wanted = self._fuse_first(text, fusion) or (
            fusion == "auto" and not keyword and self.semantic and is_plain(text)
        )
        dense = self.dense_scores(text, kinds) if wanted else {}
        if not dense:
            return total, keyword[:limit], found
        # Keyword hits always count; a section only the encoder found must be close enough,
        # since every section has some similarity to any query.
        from ipsearch.retrieval.dense import best

        near = [sid for sid, _ in best(dense, floor=DENSE_FLOOR)]
        fused = fuse([[sid for sid, _ in keyword], near[:depth]])[:limit]
        return max(total, len(found | set(near))), fused, found

    def _fuse_first(self, text: str, fusion: str) -> bool:
        """Whether to fuse dense similarity before seeing the keyword hits."""
        if not self.semantic or fusion == "never" or not is_plain(text):
            return False
        if fusion == "always":
            return True
        return self.keyword.unknown_words(text)

    def _hit_for(
        self, rank: int, score: float, fields: dict, terms: set[str], text: str, by_words: bool
    ) -> Hit:
        section = section_from_fields(fields)
        analyzer = self.schema["body"].analyzer
        found = None if by_words else self.closest_sentence(section, text)
        if found:
            # Found by meaning, not words: quote the sentence closest to the query.
            snippet, lines = found[0], (found[1], found[2])
        else:
            snippet, lines = snippet_for(section, analyzer, terms)
        return self._hit(rank, round(float(score), 4), section, snippet, lines)

    def _hit(
        self, rank: int, score: float, s: Section, snippet: str, lines: tuple[int, int]
    ) -> Hit:
        kind = block_kind(s, lines)
        page, snippet_lines = on_page(lines)
        section_lines = s.lines
        if page is not None:  # a PDF: the section's lines on the snippet's page
            section_lines = section_on_page(s.blocks, s.lines, page) or snippet_lines
        return Hit(
            rank=rank,
            score=score,
            id=s.id,
            source=display_path(self.store.corpus, s.source),
            corpus_path=s.source,
            section=s.title,
            chair=s.chair,
            lines=section_lines,
            snippet=snippet,
            name=s.name,
            kind=s.kind,
            snippet_lines=snippet_lines,
            title=s.doc_title,
            heading_path=list(s.heading_path),
            block_kind=kind,
            page=page,
            unit=unit_of(s.format),
        )
