"""Query-time index terms: the fast path gives exactly the analyzer chain's terms."""

from __future__ import annotations

import pytest
from whoosh.analysis import StemmingAnalyzer

from ipsearch.index.analysis import index_terms, plain_chain, text_analyzer

TEXTS = [
    "",
    "the a an of",
    "What does the evidence say about vitamin D and bone fractures?",
    "of the running runners ran; RUNNING again, and again run",
    "İstanbul straße CAFÉ naïve 東京 x_y 3.14 don't",
]


@pytest.mark.parametrize("text", TEXTS)
def test_index_terms_equal_the_analyzer_chain(text):
    ana = text_analyzer()
    assert plain_chain(ana) is not None
    assert index_terms(ana, text) == [t.text for t in ana(text)]


def test_another_analyzer_is_run_as_it_is():
    ana = StemmingAnalyzer()
    text = "The runners were running"
    assert plain_chain(ana) is None
    assert index_terms(ana, text) == [t.text for t in ana(text)]
