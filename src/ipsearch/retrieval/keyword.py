"""Keyword ranking: our BM25F for plain words and ORs of words (wildcard and fuzzy words
expanded), Whoosh's searcher for the query language's structure (phrases, fields, AND/NOT)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.errors import QueryError
from ipsearch.index import DAMAGE_ERRORS, IndexStore, damaged
from ipsearch.index.matrix import lucene_idf
from ipsearch.index.schema import FIELD_BOOSTS
from ipsearch.retrieval.query import is_plain

if TYPE_CHECKING:
    from ipsearch.index.ranker import Matrix, SmallRanker

K1, B = 0.9, 0.4


def scorer():
    from whoosh import scoring

    class LuceneBM25F(scoring.BM25F):
        def idf(self, searcher, fieldname, text):
            parent = searcher.get_parent()
            return lucene_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

    return LuceneBM25F(B=B, K1=K1)


@contextlib.contextmanager
def query_errors(root: Path) -> Iterator[None]:
    """Whoosh's many failure types → a damaged-index error or a one-line query error."""
    try:
        yield
    except QueryError:
        raise
    except DAMAGE_ERRORS as e:
        raise damaged(root, e) from e
    except Exception as e:
        raise QueryError(f"cannot run query: {e}") from e


class Keyword:
    """Keyword ranking of one open index (keeps the Whoosh searcher and the matrix warm)."""

    def __init__(self, store: IndexStore, ix, notify: Callable[[str], None]) -> None:
        self.store = store
        self.ix = ix
        self.notify = notify
        self._searcher = None
        self._matrix: Matrix | SmallRanker | None = None
        # (query string, bounded query, its index terms if it is only an OR of words)
        self._bounded: tuple[str, object, list[str] | None] | None = None

    @functools.cached_property
    def schema(self):
        """The index's schema, read once (Whoosh reads its table of contents on each access)."""
        return self.ix.schema

    @property
    def searcher(self):
        if self._searcher is None:
            try:
                self._searcher = self.ix.searcher(weighting=scorer())
            except DAMAGE_ERRORS as e:
                raise damaged(self.store.root, e) from e
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._matrix = None

    def bag_rank(
        self, qstring: str, limit: int, kinds: tuple[str, ...] | None = None
    ) -> tuple[int, list[tuple[int, float]]]:
        """(number matching, [(docnum, score)]) for a plain-words query, from the matrix."""
        return self.rank_terms(
            [t.text for t in self.schema["body"].analyzer(qstring)], limit, kinds
        )

    def rank_terms(
        self, terms: list[str], limit: int, kinds: tuple[str, ...] | None = None
    ) -> tuple[int, list[tuple[int, float]]]:
        """(number matching, [(docnum, score)]): BM25F summed over index ``terms``."""
        if not terms:
            return 0, []
        reader = self.searcher.reader()
        matrix = self.ranker()
        allowed = None
        if kinds:
            allowed = sorted(
                {
                    d
                    for k in kinds
                    if ("kind", k) in reader
                    for d in reader.postings("kind", k).all_ids()
                }
            )
        return matrix.top(terms, limit, allowed)

    def ranker(self) -> Matrix | SmallRanker:
        """The exact BM25F ranker of this index (opened on first use)."""
        if self._matrix is None:
            from ipsearch.index.ranker import ranker

            gen = Path(self.ix.storage.folder)
            self._matrix = ranker(gen, self.searcher.reader(), FIELD_BOOSTS, K1, B)
        return self._matrix

    def parse(self, qstring: str):
        """Whoosh's query for ``qstring``, with wildcard and fuzzy words bounded."""
        return self.parse_words(qstring)[0]

    def parse_words(self, qstring: str) -> tuple[object, list[str] | None]:
        """The bounded query, and its index terms when it is only an OR of words (else None)."""
        from ipsearch.retrieval.query import bound, index_terms, is_word_or, parse

        try:
            q = parse(self.schema, qstring)
        except Exception as e:  # Whoosh's parser raises assorted errors on odd input
            raise QueryError(f"cannot parse query {qstring!r}: {e}") from e
        if self._bounded is None or self._bounded[0] != qstring:
            # Judged before bounding: expanded patterns no longer look like one word per field.
            words_only = is_word_or(q)
            # Narrowed once per query string, so the note is not repeated for highlighting.
            bounded = bound(q, self.searcher.reader(), self.notify)
            self._bounded = (qstring, bounded, index_terms(bounded) if words_only else None)
        return self._bounded[1], self._bounded[2]

    def ids(
        self, text: str, limit: int, kinds: tuple[str, ...] | None = None
    ) -> tuple[int, list[tuple[str, float]]]:
        """Keyword ranking: our BM25F for plain words and ORs of (expanded) words, Whoosh's
        searcher for the rest of the query language."""
        if is_plain(text):
            total, ranked = self.bag_rank(text, limit, kinds)
            return total, [(self._matrix.section_id(d), score) for d, score in ranked]
        q, terms = self.parse_words(text)
        if terms is not None:
            # Only an OR of words once wildcard and fuzzy words are expanded (e.g. ``a* b*``,
            # ``workers~``): ranked by the same exact BM25F sum over the expanded index
            # terms as plain words are, which stays fast when the patterns match most of a
            # large index (Whoosh's searcher took seconds). This drops Whoosh's OR-group
            # coordination bonus (more matched words, higher score), as plain-word queries
            # already do, and scores each field's expansions in every field, as a typed-out
            # word is. Phrases, field:value, AND/NOT and boosts still go through Whoosh.
            total, ranked = self.rank_terms(terms, limit, kinds)
            return total, [(self._matrix.section_id(d), score) for d, score in ranked]
        from whoosh.query import Or, Term

        filt = Or([Term("kind", k) for k in kinds]) if kinds else None
        results = self.searcher.search(q, limit=limit, filter=filt)
        return len(results), [(r["id"], r.score) for r in results]

    def terms(self, text: str) -> set[str]:
        """Index terms the query can match (wildcards and fuzzy terms expanded), to highlight."""
        if is_plain(text):
            return {t.text for t in self.schema["body"].analyzer(text)}
        q, words = self.parse_words(text)
        if words is not None:
            return set(words)  # the terms it was ranked by
        pairs = q.existing_terms(self.searcher.reader(), expand=True)
        return {t.decode("utf-8", "replace") if isinstance(t, bytes) else str(t) for _, t in pairs}

    def unknown_words(self, text: str) -> bool:
        """Whether some word of ``text`` is in no section's text."""
        reader = self.searcher.reader()
        return any(("body", t.text) not in reader for t in self.schema["body"].analyzer(text))
