"""How text becomes index terms: words, lowercased, Lucene's stop words, Snowball stems."""

from __future__ import annotations

import re

from whoosh.analysis import Filter


def lower_words(pattern: re.Pattern, text: str) -> list[str]:
    """The words ``pattern`` finds in ``text``, lowercased as the analyzer's filter does.
    Lowercasing ASCII first never changes which characters are word characters, at a fraction
    of the cost; other text is lowercased a word at a time ("İ" lowercases to two characters)."""
    if text.isascii():
        return pattern.findall(text.lower())
    return [w.lower() for w in pattern.findall(text)]


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


class SnowballStemFilter(Filter):
    """Snowball English (Porter2) stemming in C, via PyStemmer.

    Whoosh pickles analyzers into the index, so this class must stay importable as
    ``ipsearch.index.SnowballStemFilter``; only the algorithm name is pickled and the C stemmer
    is rebuilt on first use.
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


def plain_chain(analyzer):
    """(pattern, stop words, stemmer) when ``analyzer`` is exactly the
    tokenizer → lowercase → stop → Snowball chain of ``text_analyzer``, else None: its terms
    can then be made from one ``findall`` and one batched call of the C stemmer instead of a
    generator chain of ``Token`` objects (see ``index_terms`` and ``fastwrite``)."""
    from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StopFilter

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
        or stop.min > 1  # a match is at least one character: only stop words are dropped
        or stop.max is not None
        or type(stem) is not SnowballStemFilter
    ):
        return None
    return tok.expression, stop.stops, _stemmer(stem.algorithm)


_STEMMERS: dict = {}


def _stemmer(algorithm: str):
    if algorithm not in _STEMMERS:
        import Stemmer

        # The same stemmer and cache size as SnowballStemFilter; stemWords stems a list in C.
        _STEMMERS[algorithm] = Stemmer.Stemmer(algorithm, 100_000).stemWords
    return _STEMMERS[algorithm]


def index_terms(analyzer, text: str) -> list[str]:
    """The terms ``analyzer`` makes of ``text`` at query time (stop words dropped), in order."""
    chain = plain_chain(analyzer)
    if chain is None:
        return [t.text for t in analyzer(text)]
    pattern, stops, stem = chain
    return stem([w for w in lower_words(pattern, text) if w not in stops])


# Whoosh pickles the analyzer into every index, naming the class by its module: existing
# indexes name ``ipsearch.index.SnowballStemFilter``, so new ones keep that stable public path
# (the package re-exports it) and indexes stay readable by older and newer versions alike.
SnowballStemFilter.__module__ = "ipsearch.index"
