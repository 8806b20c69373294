"""Queries → ranked, cited hits. Whoosh is read here and written only in ``index.py``."""

from __future__ import annotations

import re
from pathlib import Path

from ipsearch.corpus import display_path
from ipsearch.errors import QueryError
from ipsearch.index import DAMAGE_ERRORS, FIELD_BOOSTS, IndexStore, damaged, section_from_fields
from ipsearch.models import Hit, SearchResult, Section

SEARCH_FIELDS = ["section", "name", "aliases", "chair", "body"]
FIELD_ALIASES = {
    "section": ["title", "heading", "partnership"],
    "body": ["text", "content"],
    "source": ["file", "path"],
}
# Marks a matched term inside a snippet; the renderer turns them into colour or nothing.
MARK_START, MARK_END = "\x02", "\x03"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SYNTAX_WORDS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def make_parser(schema):
    from whoosh import qparser

    parser = qparser.MultifieldParser(
        SEARCH_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=qparser.OrGroup.factory(0.9)
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def scorer():
    from whoosh import scoring

    return scoring.BM25F(B=0.75, K1=1.2)


def query_words(qstring: str) -> list[str]:
    """Plain words of a query, leaving out operators and ``field:`` prefixes."""
    out = []
    for m in _WORD.finditer(qstring):
        word = m.group()
        end = m.end()
        if end < len(qstring) and qstring[end] == ":":
            continue
        if word in _SYNTAX_WORDS:
            continue
        out.append(word)
    return out


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
        if corrector is None:
            corrector = searcher.corrector("words")
        maxdist = 1 if len(low) < 6 else 2
        best = corrector.suggest(low, limit=1, maxdist=maxdist, prefix=1)
        if best and best[0] != low:
            fixed = re.sub(rf"(?<![\w:]){re.escape(word)}(?![\w:])", best[0], fixed, count=1)
            changed = True
    return fixed if changed else None


def plain(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def sentences(section: Section) -> list[tuple[str, int, int]]:
    """(sentence, first line, last line) for every sentence of a section, in order."""
    from ipsearch.sections import split_sentences

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


class Searcher:
    """An open index for one or more queries (keeps the Whoosh searcher warm)."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self.ix = store.open()
        self._searcher = None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    @property
    def searcher(self):
        if self._searcher is None:
            try:
                self._searcher = self.ix.searcher(weighting=scorer())
            except DAMAGE_ERRORS as e:
                raise damaged(self.store.root, e) from e
        return self._searcher

    def parse(self, qstring: str):
        try:
            return make_parser(self.ix.schema).parse(qstring)
        except Exception as e:  # Whoosh's parser raises assorted errors on odd input
            raise QueryError(f"cannot parse query {qstring!r}: {e}") from e

    def search(
        self,
        qstring: str,
        limit: int = 10,
        fix_spelling: bool = True,
        kinds: tuple[str, ...] | None = None,
    ) -> SearchResult:
        if not qstring or not qstring.strip():
            raise QueryError("empty query")
        try:
            corrected = correct(self.searcher, qstring) if fix_spelling else None
        except DAMAGE_ERRORS as e:
            raise damaged(self.store.root, e) from e
        q = self.parse(corrected or qstring)
        hits = self.run(q, limit, kinds)
        return SearchResult(query=qstring, corrected=corrected, total=hits[0], hits=hits[1])

    def run(self, q, limit: int, kinds: tuple[str, ...] | None = None) -> tuple[int, list[Hit]]:
        from whoosh.query import Or, Term

        filt = Or([Term("kind", k) for k in kinds]) if kinds else None
        try:
            results = self.searcher.search(q, limit=limit, filter=filt, terms=True)
            analyzer = self.ix.schema["body"].analyzer
            out = []
            for rank, r in enumerate(results, 1):
                section = section_from_fields(r.fields())
                terms = {
                    t.decode("utf-8", "replace") if isinstance(t, bytes) else str(t)
                    for _, t in (r.matched_terms() or [])
                }
                snippet, lines = snippet_for(section, analyzer, terms)
                out.append(self._hit(rank, r.score, section, snippet, sorted(terms), lines))
            return len(results), out
        except QueryError:
            raise
        except DAMAGE_ERRORS as e:
            raise damaged(self.store.root, e) from e
        except Exception as e:
            raise QueryError(f"cannot run query: {e}") from e

    def _hit(
        self,
        rank: int,
        score: float,
        s: Section,
        snippet: str,
        terms: list[str],
        lines: tuple[int, int],
    ) -> Hit:
        return Hit(
            rank=rank,
            score=round(float(score), 4),
            id=s.id,
            source=display_path(self.store.corpus, s.source),
            corpus_path=s.source,
            section=s.title,
            chair=s.chair,
            lines=s.lines,
            snippet=snippet,
            name=s.name,
            kind=s.kind,
            terms=terms,
            snippet_lines=lines,
        )

    def section(self, key: str) -> Section:
        """A section by id, title, slug or unique prefix of either."""
        from ipsearch.errors import NotFound
        from ipsearch.sections import slug

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


def source_path(store: IndexStore, rel: str) -> Path:
    return store.corpus / rel
