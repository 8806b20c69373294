"""Queries → ranked, cited hits. Whoosh is read here and written only in ``index.py``."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.corpus import display_path
from ipsearch.errors import QueryError
from ipsearch.index import DAMAGE_ERRORS, IndexStore, damaged, section_from_fields
from ipsearch.ingest import index_form
from ipsearch.matrix import lucene_idf
from ipsearch.models import Hit, SearchResult, Section
from ipsearch.query import FIELD_BOOSTS, PAGE_FIELDS, is_plain, query_words

if TYPE_CHECKING:
    from ipsearch.matrix import Matrix, SmallRanker
    from ipsearch.semantic import Dense

K1, B = 0.9, 0.4
# Marks a matched term inside a snippet; the renderer turns them into colour or nothing.
MARK_START, MARK_END = "\x02", "\x03"


def scorer():
    from whoosh import scoring

    class LuceneBM25F(scoring.BM25F):
        def idf(self, searcher, fieldname, text):
            parent = searcher.get_parent()
            return lucene_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))

    return LuceneBM25F(B=B, K1=K1)


def _plain_question(text: str) -> str:
    """A question mark ending a word ends a question; it is not a one-letter wildcard."""
    return re.sub(r"(?<=\w)\?+(?=\s|$)", "", text)


def correct(searcher, qstring: str) -> str | None:
    """Respell words the index has never seen, using its unstemmed vocabulary."""
    reader = searcher.reader()
    corrector = None
    fixed = qstring
    changed = False
    for word in query_words(qstring):
        low = word.lower()
        # Over 40 letters is no word to respell, and the edit-distance search grows with
        # length (a 10,000-letter query took seconds).
        if len(low) < 4 or len(low) > 40 or any(c.isdigit() for c in low):
            continue
        if reader.doc_frequency("words", low):
            continue
        # A word the corpus uses in another form ("page" where it says "pages") is no typo.
        stems = [t.text for t in searcher.schema["body"].analyzer(low)]
        if stems and all(("body", s) in reader for s in stems):
            continue
        if corrector is None:
            corrector = searcher.corrector("words")
        maxdist = 1 if len(low) < 6 else 2
        best = corrector.suggest(low, limit=1, maxdist=maxdist, prefix=1)
        if best and best[0] != low:
            fixed, n = re.subn(rf"(?<![\w:]){re.escape(word)}(?![\w:])", best[0], fixed, count=1)
            changed = changed or n > 0
    return fixed if changed else None


def plain(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def sentences(section: Section) -> list[tuple[str, int, int]]:
    """(sentence, first line, last line) for every sentence of a section, in order."""
    from ipsearch.textutil import split_sentences

    return [(sent, p.first, p.last) for p in section.paragraphs for sent in split_sentences(p.text)]


def mark(text: str, analyzer, terms: set[str]) -> tuple[str, int]:
    """Wrap words whose analysed form is a matched term; returns (text, number marked)."""
    spans = [
        (t.startchar, t.endchar)
        for t in analyzer(text, chars=True, mode="index")
        if t.text in terms
    ]
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], MARK_START, text[a:b], MARK_END]
        pos = b
    out.append(text[pos:])
    return "".join(out), len(spans)


def snippet_for(
    section: Section,
    analyzer,
    terms: set[str],
    top: int = 2,
) -> tuple[str, tuple[int, int]]:
    """The sentences with the most distinct matched terms, in text order, and their lines."""
    scored = []
    for i, (sent, first, last) in enumerate(sentences(section)):
        marked, n = mark(sent, analyzer, terms)
        distinct = len({t.text for t in analyzer(sent, mode="index")} & terms)
        scored.append((distinct, n, -i, marked, first, last))
    best = sorted((x for x in scored if x[0]), reverse=True)[:top]
    if not best:
        best = [x for x in scored[:1]]
    if not best:
        return "", section.lines
    best.sort(key=lambda x: -x[2])
    text = " … ".join(x[3] for x in best)
    return text, (min(x[4] for x in best), max(x[5] for x in best))


def matches_source(rel: str, shown: str, pattern: str) -> bool:
    """Whether a file matches a ``--source`` glob, by its corpus path or the path shown."""
    from fnmatch import fnmatchcase

    pat = pattern if any(c in pattern for c in "*?[") else f"*{pattern}*"
    return fnmatchcase(rel, pat) or fnmatchcase(shown, pat)


def block_kind(s: Section, lines: tuple[int, int]) -> str | None:
    """Kind of the first block of ``s`` that the quoted lines cover (paragraph, row, ...)."""
    first, last = lines
    return next(
        (b.kind for b in s.blocks if b.kind != "heading" and first <= b.first and b.last <= last),
        None,
    )


# Reciprocal rank fusion: each ranking adds 1 / (RRF_K + rank). 60 is the constant of the
# original RRF paper; it keeps one ranking's top hit from outweighing agreement of both.
RRF_K = 60
# How deep each ranking is read before fusing.
FUSE_DEPTH = 100
# A section only the encoder found is shown by `search` from this similarity up. Unrelated
# queries stay below it on the seed page (fishing 0.21, the capital of France 0.14).
DENSE_FLOOR = 0.35


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several rankings of ids, best first."""
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, sid in enumerate(ranking, 1):
            score[sid] = score.get(sid, 0.0) + 1.0 / (k + rank)
    return sorted(score.items(), key=lambda x: -x[1])


@contextlib.contextmanager
def _query_errors(root: Path) -> Iterator[None]:
    """Whoosh's many failure types → a damaged-index error or a one-line query error."""
    try:
        yield
    except QueryError:
        raise
    except DAMAGE_ERRORS as e:
        raise damaged(root, e) from e
    except Exception as e:
        raise QueryError(f"cannot run query: {e}") from e


class Searcher:
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
        self._searcher = None
        self._matrix: Matrix | SmallRanker | None = None
        self._bounded: tuple[str, object] | None = None
        self.semantic = wanted(semantic)
        self.notify = notify
        self._dense: Dense | None = None
        self._dense_tried = False

    @functools.cached_property
    def schema(self):
        """The index's schema, read once (Whoosh reads its table of contents on each access)."""
        return self.ix.schema

    @property
    def dense(self) -> Dense | None:
        """Dense scoring of this index, or None when semantic retrieval is off or unavailable."""
        if self.semantic and not self._dense_tried:
            from ipsearch.semantic import Dense

            self._dense_tried = True
            self._dense = Dense.open(self.store.current(), self.store.manifest(), self.notify)
        return self._dense

    def dense_scores(self, text: str, kinds: tuple[str, ...] | None = None) -> dict[str, float]:
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
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._matrix = None

    def _bag_rank(
        self, qstring: str, limit: int, kinds: tuple[str, ...] | None = None
    ) -> tuple[int, list[tuple[int, float]]]:
        """(number matching, [(docnum, score)]) for a plain-words query, from the matrix."""
        terms = [t.text for t in self.schema["body"].analyzer(qstring)]
        if not terms:
            return 0, []
        reader = self.searcher.reader()
        if self._matrix is None:
            from ipsearch.matrix import ranker

            gen = Path(self.ix.storage.folder)
            self._matrix = ranker(gen, reader, FIELD_BOOSTS, K1, B)
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
        return self._matrix.top(terms, limit, allowed)

    @property
    def searcher(self):
        if self._searcher is None:
            try:
                self._searcher = self.ix.searcher(weighting=scorer())
            except DAMAGE_ERRORS as e:
                raise damaged(self.store.root, e) from e
        return self._searcher

    def parse(self, qstring: str):
        """Whoosh's query for ``qstring``, with wildcard and fuzzy words bounded."""
        from ipsearch.query import bound, parse

        try:
            q = parse(self.schema, qstring)
        except Exception as e:  # Whoosh's parser raises assorted errors on odd input
            raise QueryError(f"cannot parse query {qstring!r}: {e}") from e
        if self._bounded is None or self._bounded[0] != qstring:
            # Narrowed once per query string, so the note is not repeated for highlighting.
            self._bounded = (qstring, bound(q, self.searcher.reader(), self.notify))
        return self._bounded[1]

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
            corrected = correct(self.searcher, qstring) if fix_spelling else None
        except DAMAGE_ERRORS as e:
            raise damaged(self.store.root, e) from e
        text = index_form(_plain_question(corrected or qstring))
        total, ranked, keyword_ids = self._ranking(text, limit, kinds, fusion)
        with _query_errors(self.store.root):
            terms = self._query_terms(text)
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
        with _query_errors(self.store.root):
            total, keyword = self._keyword_ids(text, depth, kinds)
        found = {sid for sid, _ in keyword}
        wanted = self._fuse_first(text, fusion) or (
            fusion == "auto" and not keyword and self.semantic and is_plain(text)
        )
        dense = self.dense_scores(text, kinds) if wanted else {}
        if not dense:
            return total, keyword[:limit], found
        # Keyword hits always count; a section only the encoder found must be close enough,
        # since every section has some similarity to any query.
        near = [sid for sid, v in sorted(dense.items(), key=lambda x: -x[1]) if v >= DENSE_FLOOR]
        fused = fuse([[sid for sid, _ in keyword], near[:depth]])[:limit]
        return max(total, len(found | set(near))), fused, found

    def _fuse_first(self, text: str, fusion: str) -> bool:
        """Whether to fuse dense similarity before seeing the keyword hits."""
        if not self.semantic or fusion == "never" or not is_plain(text):
            return False
        if fusion == "always":
            return True
        reader = self.searcher.reader()
        return any(("body", t.text) not in reader for t in self.schema["body"].analyzer(text))

    def _keyword_ids(
        self, text: str, limit: int, kinds: tuple[str, ...] | None = None
    ) -> tuple[int, list[tuple[str, float]]]:
        """Keyword ranking: our BM25F for plain words, Whoosh's searcher for query syntax."""
        if is_plain(text):
            total, ranked = self._bag_rank(text, limit, kinds)
            return total, [(self._matrix.section_id(d), score) for d, score in ranked]
        from whoosh.query import Or, Term

        filt = Or([Term("kind", k) for k in kinds]) if kinds else None
        results = self.searcher.search(self.parse(text), limit=limit, filter=filt)
        return len(results), [(r["id"], r.score) for r in results]

    def _query_terms(self, text: str) -> set[str]:
        """Index terms the query can match (wildcards and fuzzy terms expanded), to highlight."""
        if is_plain(text):
            return {t.text for t in self.schema["body"].analyzer(text)}
        pairs = self.parse(text).existing_terms(self.searcher.reader(), expand=True)
        return {t.decode("utf-8", "replace") if isinstance(t, bytes) else str(t) for _, t in pairs}

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
        return Hit(
            rank=rank,
            score=score,
            id=s.id,
            source=display_path(self.store.corpus, s.source),
            corpus_path=s.source,
            section=s.title,
            chair=s.chair,
            lines=s.lines,
            snippet=snippet,
            name=s.name,
            kind=s.kind,
            snippet_lines=lines,
            title=s.doc_title,
            heading_path=list(s.heading_path),
            block_kind=block_kind(s, lines),
        )

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
        sections = [s for s in self.store.sections() if s.source in rels]
        if not sections:
            return None
        return sorted(sections, key=lambda s: s.position), line

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
        with _query_errors(self.store.root):
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
            with _query_errors(self.store.root):
                fields = self.searcher.document(id=key.strip())
            if fields is not None:
                return section_from_fields(fields)
        sections = self.store.sections()
        k = key.strip().lower()
        ks = slug(key)
        exact = [
            s
            for s in sections
            if k in (s.id.lower(), s.title.lower()) or ks == s.id.split("#", 1)[-1]
        ]
        if len(exact) == 1:
            return exact[0]
        pref = [
            s
            for s in sections
            if s.title.lower().startswith(k) or s.id.split("#", 1)[-1].startswith(ks)
        ]
        if len(pref) == 1:
            return pref[0]
        if not exact and not pref:
            raise NotFound(f"no section matches {key!r}; `ipsearch sections` lists them")
        names = ", ".join(s.title for s in (exact or pref)[:8])
        raise NotFound(f"{key!r} matches several sections: {names}")


# -- helpers for question answering (qa.py never touches Whoosh itself) --------------------


def analyze(searcher: Searcher, text: str) -> list[str]:
    """Index terms of ``text`` as the body field stems them (stop words dropped), in order."""
    analyzer = searcher.schema["body"].analyzer
    return [t.text for t in analyzer(text)]


def term_spans(searcher: Searcher, text: str) -> list[tuple[str, int, int]]:
    """(index term, start char, end char) for each word of ``text`` the body field keeps."""
    analyzer = searcher.schema["body"].analyzer
    return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index")]


def doc_frequencies(searcher: Searcher, terms: list[str]) -> tuple[int, dict[str, int]]:
    """Number of sections, and in how many sections each analysed term occurs.

    A term may be in a title but not the text ("Overview"), so each field counts; the largest
    count stands in for the union, which the index does not store.
    """
    reader = searcher.searcher.reader()
    # The section's own fields: page-wide context (document title, path) is in every
    # section of a page and would make its words look common.
    fields = [f for f in FIELD_BOOSTS if f not in PAGE_FIELDS]

    def df(t: str) -> int:
        # The stemmer leaves some forms apart ("run" / "runn"): count near variants as one.
        counts = [0]
        for f in fields:
            for u in reader.expand_prefix(f, t):
                u = u.decode("utf-8") if isinstance(u, bytes) else u
                if same_stem(t, u):
                    counts.append(reader.doc_frequency(f, u))
        return max(counts)

    return reader.doc_count(), {t: df(t) for t in terms}


def same_stem(a: str, b: str) -> bool:
    """Whether two index terms are one word's forms the stemmer left apart (run / runn)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 2


def respell(searcher: Searcher, text: str) -> str | None:
    """``text`` with words the index has never seen respelt, or None when nothing changed."""
    return correct(searcher.searcher, text)
