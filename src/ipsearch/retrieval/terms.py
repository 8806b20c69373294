"""Index terms and their frequencies, for question answering (which never touches Whoosh)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipsearch.index.schema import FIELD_BOOSTS, PAGE_FIELDS

if TYPE_CHECKING:
    from ipsearch.retrieval.searcher import Searcher


def analyze(searcher: Searcher, text: str) -> list[str]:
    """Index terms of ``text`` as the body field stems them (stop words dropped), in order."""
    from ipsearch.index.analysis import index_terms

    return index_terms(searcher.schema["body"].analyzer, text)


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
    ranker = searcher.keyword.ranker()  # the matrix's vocabulary, where there is one
    # The section's own fields: page-wide context (document title, path) is in every
    # section of a page and would make its words look common.
    fields = [f for f in FIELD_BOOSTS if f not in PAGE_FIELDS]

    def df(t: str) -> int:
        # The stemmer leaves some forms apart ("run" / "runn"): count near variants as one
        # (only a term of three letters or more has longer variants, see ``same_stem``).
        found = ranker.frequencies(t, fields, prefix=len(t) >= 3)
        return max((n for (_f, u), n in found.items() if same_stem(t, u)), default=0)

    return reader.doc_count(), {t: df(t) for t in terms}


def same_stem(a: str, b: str) -> bool:
    """Whether two index terms are one word's forms the stemmer left apart (run / runn)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 2
