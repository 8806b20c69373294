"""The writer's fast paths give exactly what Whoosh's own code gives."""

from __future__ import annotations

import pytest
from whoosh.analysis import StemmingAnalyzer
from whoosh.formats import Positions

from ipsearch.index import fastwrite
from ipsearch.index.analysis import text_analyzer

TEXTS = [
    "",
    "the a an of",  # only stop words
    "The Vitamin D and bone fractures: a meta-analysis (n=1,204) of 12 trials.",
    "of the running runners ran; RUNNING again, and again run",
    "İstanbul straße CAFÉ naïve 東京 x_y 3.14 don't",
    "a " * 5 + "word " * 3 + "the word",
]


@pytest.fixture(autouse=True)
def _patched():
    fastwrite.speed_up_writing()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("boost", [1.0, 0.5])
def test_fast_word_values_equal_whoosh(text, boost):
    fmt = Positions(field_boost=boost)
    ana = text_analyzer()
    fast = list(Positions.word_values(fmt, text, ana, mode="index"))
    slow = list(fastwrite.ORIGINAL_WORD_VALUES(fmt, text, ana, mode="index"))
    assert fast == slow
    assert [type(v) for row in fast for v in row] == [type(v) for row in slow for v in row]


def test_other_analyzers_take_whoosh_path():
    fmt = Positions()
    ana = StemmingAnalyzer()
    text = "The runners were running"
    assert fastwrite._chain(ana) is None
    assert list(Positions.word_values(fmt, text, ana, mode="index")) == list(
        fastwrite.ORIGINAL_WORD_VALUES(fmt, text, ana, mode="index")
    )
