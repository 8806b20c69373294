"""\"Did you mean\": words the index has never seen, respelt from its unstemmed vocabulary."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ipsearch.retrieval.query import query_words

if TYPE_CHECKING:
    from ipsearch.retrieval.searcher import Searcher


def correct(searcher: Searcher, qstring: str) -> str | None:
    """Respell words the index has never seen, using its unstemmed vocabulary."""
    reader = searcher.searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    corrector = None
    fixed = qstring
    changed = False
    for word in query_words(qstring):
        low = word.lower()
        # Over 40 letters is no word to respell, and the edit-distance search grows with
        # length (a 10,000-letter query took seconds).
        if len(low) < 4 or len(low) > 40 or any(c.isdigit() for c in low):
            continue
        # A word the corpus uses in another form ("page" where it says "pages") is no typo;
        # checked first, as it needs no vocabulary file read.
        stems = [t.text for t in analyzer(low)]
        if stems and all(("body", s) in reader for s in stems):
            continue
        if corrector is None:
            corrector = searcher.spelling()
        if low in corrector:
            continue
        maxdist = 1 if len(low) < 6 else 2
        best = corrector.suggest(low, maxdist=maxdist, prefix=1)
        if best and best != low:
            fixed, n = re.subn(rf"(?<![\w:]){re.escape(word)}(?![\w:])", best, fixed, count=1)
            changed = changed or n > 0
    return fixed if changed else None


def respell(searcher: Searcher, text: str) -> str | None:
    """``text`` with words the index has never seen respelt, or None when nothing changed."""
    return correct(searcher, text)
