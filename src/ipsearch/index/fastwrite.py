"""Whoosh's writer, made cheaper per posting without changing a byte it writes.

Profiled on 10,000 SciFact sections (keyword-only), two thirds of an ingest was Whoosh's
per-token and per-posting Python:

- analysis: every token of every field passes a chain of generators (tokenizer, lowercase,
  stop words, stemmer) as a mutable ``Token`` object, then ``Positions.word_values`` groups
  the positions by word. For ipsearch's own analyzer (``analysis.text_analyzer``) the same
  terms, positions and weights are made from one ``findall``, a list of lowercased words and
  one batched call of the C stemmer.
- field lengths at commit: ``add_postings`` asks the per-document reader for each posting's
  field length, decoding a column entry each time (once per posting, ~1.2 million calls for
  10,000 sections); they are read once per (section, field) instead.

Any other analyzer, format or call takes Whoosh's own path.
"""

from __future__ import annotations

from collections.abc import Iterator

_PATCHED = False
ORIGINAL_WORD_VALUES = None  # Whoosh's Positions.word_values, once replaced (tests compare)


def _chain(analyzer):
    """(pattern, stop words, min size, max size, stemmer) when ``analyzer`` is exactly the
    tokenizer → lowercase → stop → Snowball chain of ``text_analyzer``, else None."""
    from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StopFilter

    from ipsearch.index.analysis import SnowballStemFilter

    if type(analyzer) is not CompositeAnalyzer or len(analyzer.items) != 4:
        return None
    tok, low, stop, stem = analyzer.items
    if (
        type(tok) is not RegexTokenizer
        or tok.gaps
        or tok.expression.groups  # findall would return the groups, not the matches
        or type(low) is not LowercaseFilter
        or type(stop) is not StopFilter
        or not stop.renumber
        or type(stem) is not SnowballStemFilter
    ):
        return None
    return tok.expression, stop.stops, stop.min, stop.max, _stemmer(stem.algorithm)


_STEMMERS: dict = {}


def _stemmer(algorithm: str):
    if algorithm not in _STEMMERS:
        import Stemmer

        # The same stemmer and cache size as SnowballStemFilter; stemWords stems a list in C.
        _STEMMERS[algorithm] = Stemmer.Stemmer(algorithm, 100_000).stemWords
    return _STEMMERS[algorithm]


def positions(value: str, chain) -> dict[str, list[int]]:
    """Each term of ``value`` with its positions, as the analyzer chain numbers them: a
    match's index, stop words then removed and the kept words renumbered on from the first."""
    pattern, stops, minsize, maxsize, stem = chain
    kept = []
    first = None
    for i, word in enumerate(pattern.findall(value)):
        word = word.lower()
        if len(word) < minsize or (maxsize is not None and len(word) > maxsize) or word in stops:
            continue
        if first is None:
            first = i
        kept.append(word)
    poses: dict[str, list[int]] = {}
    for j, term in enumerate(stem(kept) if kept else ()):
        poses.setdefault(term, []).append(first + j)
    return poses


def _fast_word_values(original):
    def word_values(self, value, analyzer, **kwargs) -> Iterator:
        chain = _chain(analyzer) if isinstance(value, str) and kwargs == {"mode": "index"} else None
        if chain is None:
            yield from original(self, value, analyzer, **kwargs)
            return
        fb = self.field_boost
        for w, poslist in positions(value, chain).items():
            # A token's boost is 1.0: the weight is the count as a float, as Whoosh sums it.
            yield (w, len(poslist), float(len(poslist)) * fb, self.encode(poslist))

    return word_values


class _Lengths:
    """A per-document reader's field lengths, each decoded once (``None`` where Whoosh
    returns it, for a zero length byte)."""

    def __init__(self, pdr) -> None:
        self._pdr = pdr
        self._cols: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        col = self._cols.get(fieldname)
        if col is None:
            n = self._pdr.doc_count_all()
            col = [self._pdr.doc_field_length(d, fieldname, default) for d in range(n)]
            self._cols[fieldname] = col
        if docnum >= len(col):
            return self._pdr.doc_field_length(docnum, fieldname, default)
        return col[docnum]


def _flush_segment(self) -> None:
    """``SegmentWriter._flush_segment`` with the field lengths read once (see ``_Lengths``)."""
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    postings = self.pool.iter_postings()
    self.fieldwriter.add_postings(self.schema, _Lengths(pdr) if pdr else None, postings)
    self.fieldwriter.close()
    if pdr:
        pdr.close()


def speed_up_writing() -> None:
    """Install the fast paths (once per process; loads Whoosh's writing modules)."""
    global _PATCHED, ORIGINAL_WORD_VALUES
    if _PATCHED:
        return
    from whoosh.formats import Positions
    from whoosh.writing import SegmentWriter

    ORIGINAL_WORD_VALUES = Positions.word_values
    Positions.word_values = _fast_word_values(ORIGINAL_WORD_VALUES)
    SegmentWriter._flush_segment = _flush_segment
    _PATCHED = True
