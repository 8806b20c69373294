"""verification.align: folding, locating, aligning and naming what a quote changed."""

from __future__ import annotations

from ipsearch.verification.align import align, differences, fold, locate


def kinds(quote: str, found: str) -> list[tuple[str, str, str]]:
    return [(d.quoted, d.found, d.kind) for d in differences(quote, found)]


def test_amounts_dates_and_number_words_are_figures():
    assert kinds("funded up to March 2016 with £13m", "funded up to March 2017 with £13m") == [
        ("March 2016", "March 2017", "figure")
    ]
    assert kinds("a fund of 40 per cent", "a fund of 45 per cent") == [
        ("40 per cent", "45 per cent", "figure")
    ]
    assert kinds("there are seven partnerships", "there are eight partnerships") == [
        ("seven", "eight", "figure")
    ]
    assert kinds("the fund may grow", "the fund will grow") == [("may", "will", "wording")]


def test_style_and_punctuation_are_told_apart_from_words():
    assert kinds("“Each” partner—chaired", '"Each" partner-chaired') == [
        ("“", '"', "style"),
        ("”", '"', "style"),
        ("—", "-", "style"),
    ]
    assert kinds("The Fund grows", "the fund grows") == [
        ("The", "the", "style"),
        ("Fund", "fund", "style"),
    ]
    assert kinds("the fund, as planned", "the fund; as planned") == [(",", ";", "punctuation")]


def test_fold_maps_back_to_the_source_text():
    text = "Café  ﬁnances\u00a0— “rose”"
    folded, origin = fold(text, True)
    assert folded == 'café finances - "rose"'
    assert [text[origin[i]] for i in range(len(folded))][5:7] == ["ﬁ", "ﬁ"]
    span = locate('FINANCES - "ROSE"', text, True)
    assert span and text[span.start : span.end] == "ﬁnances\u00a0— “rose”"
    assert locate('FINANCES - "ROSE"', text, False) is None


def test_align_finds_the_changed_passage_with_its_edges():
    text = (
        "Other things first. These 8 partnerships are funded up to March 2017 through a "
        "co-investment model. Then something else entirely."
    )
    span = align("These 13 partnerships are funded up to March 2017 through a model", text)
    assert span is not None and span.score > 80
    assert text[span.start : span.end] == (
        "These 8 partnerships are funded up to March 2017 through a co-investment model"
    )
