"""evaluate.py: gold loading, metrics, and the dev-set floors."""

from __future__ import annotations

import json

import pytest

from ipsearch.errors import UsageError
from ipsearch.evaluate import answer_matches, evaluate, load_gold, misses, select
from tests.conftest import ROOT

GOLD = ROOT / "eval" / "seed-qa-dev.jsonl"


def test_answer_matching_rules():
    assert answer_matches("Digital — Tech Partnership (chair: Cisco Systems)", ["tech partnership"])
    assert not answer_matches(None, ["x"])
    assert not answer_matches(" ".join(["word"] * 13) + " x", ["x"])


def test_select_by_kind():
    items = [{"question": "a", "kind": "topic"}, {"question": "b", "kind": "paraphrase"}]
    assert select(items, exclude=("paraphrase",)) == items[:1]
    assert select(items, kinds=("paraphrase",)) == items[1:]


def test_bad_gold_line_is_an_input_error(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text('{"question": "ok"}\n{oops\n')
    with pytest.raises(UsageError, match=r"g.jsonl:2"):
        load_gold(f)
    with pytest.raises(UsageError):
        load_gold(tmp_path / "missing.jsonl")


def test_dev_set_floors_without_paraphrases(searcher):
    items = select(load_gold(GOLD), exclude=("paraphrase",))
    report = evaluate(searcher, items)
    # Fitted pipeline (weights fitted on six corpora): section@1 0.98, answer 0.85, no wrong
    # answer (at most one allowed: two money figures in one sentence, 0.41 vs 0.39, is a close
    # call); the short answers it does not trust are cited without one (issue 10, open).
    assert report.section_at_1 >= 0.95, misses(report)
    assert report.answer_accuracy >= 0.82, misses(report)
    assert report.abstention_rate == 1.0
    assert report.wrong_answers <= 1
    assert report.quotes_verified == 1.0
    assert report.mrr_at_10 >= 0.9


def test_paraphrases_never_verify_a_wrong_quote(searcher):
    report = evaluate(searcher, select(load_gold(GOLD), kinds=("paraphrase",)))
    assert report.quotes_verified in (None, 1.0)


def test_misses_explain_failures(searcher, tmp_path):
    f = tmp_path / "g.jsonl"
    rows = [
        {"id": "x1", "question": "Who chairs the nuclear partnership?", "kind": "factoid",
         "section": "aerospace", "answers": ["Airbus"], "command": "ask"},
        {"id": "x2", "question": "Who chairs the digital partnership?", "kind": "negative",
         "section": None, "answers": [], "command": "ask"},
    ]  # fmt: skip
    f.write_text("\n".join(json.dumps(r) for r in rows))
    report = evaluate(searcher, load_gold(f))
    why = dict((o.id, w) for o, w in misses(report))
    assert "#Nuclear', expected 'aerospace'" in why["x1"] and "answer 'Magnox Ltd'" in why["x1"]
    assert "instead of abstaining" in why["x2"]
    assert report.answer_accuracy == 0.0 and report.abstention_rate == 0.0


def test_html_copy_of_the_page_meets_the_floors_with_verified_quotes(tmp_path):
    import shutil

    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.retrieval.searcher import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "industrial-partnerships.html", corpus)
    store = IndexStore(tmp_path / "index", corpus.resolve())
    ensure_fresh(store, lambda _m: None)
    with Searcher(store) as s:
        report = evaluate(s, select(load_gold(GOLD), exclude=("paraphrase",)))
    assert report.quotes_verified == 1.0
    assert report.section_at_1 >= 0.95 and report.answer_accuracy >= 0.70  # measured 0.96 / 0.73
    # Measured 2: for two chair questions the ranker's winner in the HTML copy is another phrase
    # of the right section ("UK" for the nuclear chair), which the span gate, fitted with dense
    # similarity and heading coverage, trusts (0.85); the text copy answers both right.
    assert report.wrong_answers <= 2
    assert report.abstention_rate == 1.0
