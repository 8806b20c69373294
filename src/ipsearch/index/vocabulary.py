"""The corpus's unstemmed vocabulary: the words "did you mean" corrects against.

A file beside each generation's Whoosh files (``vocabulary.tsv``: one ``word<TAB>count`` a
line, sorted), not an index field: as a field it was about half of all postings written, for a
list read only when a query word is unknown. The count is how often the word occurs, as
Whoosh's term frequency was, and ranks respellings the same way.

An incremental update starts from the live generation's file, takes away the words of the
sections it deletes (read back from the live generation: only the changed files' sections) and
adds those of the sections it writes; it never re-reads the whole index.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import cache
from pathlib import Path

from ipsearch.index.indexdir import replace_atomically
from ipsearch.ingest import index_form
from ipsearch.models import Section

FILE = "vocabulary.tsv"


@cache
def _word() -> re.Pattern:
    """Words as Whoosh's StandardAnalyzer without a stop list splits them: its own pattern,
    lowercased, with no minimum length (the minimum goes with the stop list)."""
    from whoosh.analysis.tokenizers import default_pattern

    return re.compile(default_pattern.pattern.replace("(", "(?:"))


def section_words(s: Section) -> list[str]:
    """The words of a section that spelling knows: title, name, chair, text and aliases.

    The text is taken from the blocks (what ``Section.text`` was built from), as a section read
    back from the index gives the same words to take away as it gave when it was written.
    """
    from ipsearch.sections import index_text

    body = "\n".join(index_text(s.blocks))
    text = index_form(" ".join([s.title, s.name or "", s.chair or "", body, *s.aliases]))
    from ipsearch.index.analysis import lower_words

    return lower_words(_word(), text)


def read(gen: Path) -> dict[str, int] | None:
    """``word → count`` of a generation, or None when it has no vocabulary file."""
    try:
        text = (gen / FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    counts: dict[str, int] = {}
    # A damaged line costs only its word's respellings, never the search.
    for line in text.splitlines():
        word, _, n = line.rpartition("\t")
        if word and n.isdigit():
            counts[word] = int(n)
    return counts


class Builder:
    """The vocabulary of the generation being written: the previous one plus and minus."""

    def __init__(self, previous: Path | None = None) -> None:
        self.counts: Counter[str] = Counter()
        self._previous = previous
        self._searcher = None
        if previous is not None:
            old = read(previous)
            if old is None:  # a generation without the file: count it once, from its sections
                for s in self._old_sections(None):
                    self.counts.update(section_words(s))
            else:
                self.counts.update(old)

    def _old_sections(self, source: str | None) -> list[Section]:
        from whoosh import index as windex

        from ipsearch.index.schema import section_from_fields

        if self._searcher is None:
            self._searcher = windex.open_dir(str(self._previous)).searcher()
        if source is None:
            found = self._searcher.all_stored_fields()
        else:
            found = self._searcher.documents(source=source)
        return [section_from_fields(f) for f in found]

    def add(self, sections: list[Section]) -> None:
        for s in sections:
            self.counts.update(section_words(s))

    def drop(self, source: str) -> None:
        """Take away the words of the previous generation's sections of ``source``."""
        if self._previous is None:
            return
        # Counted first (in C), then taken away a distinct word at a time: ``subtract`` of a
        # list of words is a Python loop over every occurrence.
        gone: Counter[str] = Counter()
        for s in self._old_sections(source):
            gone.update(section_words(s))
        self.counts.subtract(gone)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def write(self, gen: Path) -> None:
        lines = "".join(f"{w}\t{n}\n" for w, n in sorted(self.counts.items()) if n > 0)
        replace_atomically(gen / FILE, lambda f: f.write(lines.encode("utf-8")))


class Corrector:
    """Respellings from a vocabulary: the words within ``maxdist`` Levenshtein edits that
    share the first ``prefix`` letters, ranked as Whoosh's reader corrector ranked them (the
    most frequent; among equals, the last in order)."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._sorted = sorted(counts)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def suggest(self, word: str, maxdist: int, prefix: int) -> str | None:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        head = word[:prefix]
        lo = bisect_left(self._sorted, head)
        hi = bisect_left(self._sorted, head + "\U0010ffff", lo) if head else len(self._sorted)
        found = process.extract(
            word,
            self._sorted[lo:hi],
            scorer=Levenshtein.distance,
            score_cutoff=maxdist,
            limit=None,
        )
        if not found:
            return None
        return max((w for w, _, _ in found), key=lambda w: (self.counts[w], w))
