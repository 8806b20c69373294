"""answer/ places: label matching by word form, leads, the retriever's per-ranking evidence, and
the place ranker and gate on a small corpus (a single-topic file, a near-miss negative)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipsearch.answer.labels import joined_pairs, label_coverage, lead_text, path_words
from ipsearch.ingest.model import Block
from ipsearch.models import Section


def test_label_coverage_joins_two_question_words_written_as_one():
    w = {"roll": 1.0, "back": 1.0, "releas": 2.0}
    assert label_coverage(["roll", "back", "releas"], w, ("rollback", "releas")) == 1.0
    # ... and two label words the question writes as one.
    w = {"rollback": 2.0}
    assert label_coverage(["rollback"], w, ("roll", "back")) == 1.0
    assert label_coverage(["rollback"], w, ("roll", "forward")) == 0.0


def test_label_coverage_tolerates_stems_the_stemmer_left_apart():
    # "disabling" → "disabl", "disable" → "disable": one word's forms.
    assert label_coverage(["disabl"], {"disabl": 1.0}, ("disable", "cach")) == 1.0
    assert label_coverage(["disabl"], {"disabl": 1.0}, ("enable",)) == 0.0


def test_joined_pairs_skip_short_joins():
    assert joined_pairs(["a", "b", "rollin", "back"]) == {"rollinback": ("rollin", "back")}


def test_lead_text_is_the_first_thing_said_below_the_title():
    s = Section(
        id="git-mv.txt#1", source="git-mv.txt", title="git-mv(1)", kind="overview",
        first_line=1, last_line=9, text="git-mv - Move or rename a file", paragraphs=[],
        blocks=[Block("heading", "git-mv(1)", 1, 2),
                Block("paragraph", "git-mv - Move or rename a file", 4, 6)],
    )  # fmt: skip
    assert lead_text(s) == "git-mv - Move or rename a file"
    assert lead_text(None) == ""
    assert path_words("manual/manage-secrets.md") == "manual manage secrets md"


@pytest.fixture
def docs(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "rollback.md").write_text(
        "Releases can be reverted. Use the deploy tool's revert button to put the previous "
        "release back, then tell the team in the release channel.\n"
    )
    (corpus / "deploy.md").write_text(
        "# Deploying an application\n\n## Before you start\n\nCheck the release notes and "
        "the tests.\n\n## Deploy\n\nRun the deploy tool with the release tag.\n"
    )
    (corpus / "monitoring.md").write_text(
        "# Monitoring\n\n## Alerts\n\nAlerts page the on-call engineer.\n\n## Dashboards\n\n"
        "Dashboards show request rates and error rates for each application.\n"
    )
    return corpus, tmp_path / "index"


def _pipeline(corpus: Path, index: Path, semantic: bool = False):
    from ipsearch.answer import Pipeline
    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.retrieval.searcher import Searcher

    store = IndexStore(index, corpus.resolve())
    ensure_fresh(store, lambda _m: None)
    return Pipeline(Searcher(store, semantic=semantic))


def test_retriever_keeps_each_rankings_evidence_and_document_leads(docs):
    pipe = _pipeline(*docs)
    got = pipe.retriever.run("alerts dashboards")
    assert got.sections and got.sections[0].source == "monitoring.md"
    every = pipe.ranker.searcher.store.sections()
    assert set(got.kw_rank) <= {s.id for s in every}
    assert got.dense_rank == {}  # the encoder is off
    lead = got.lead("monitoring.md")
    assert lead.first_line == min(s.first_line for s in every if s.source == "monitoring.md")


def test_a_single_topic_file_without_sections_is_a_first_class_place(docs):
    pipe = _pipeline(*docs)
    t = pipe.trace("Which page covers reverting a release?")
    assert t.analysis.type == "place"
    assert t.places[0].section.source == "rollback.md"
    f = t.places[0].features
    assert f["cov_lead"] > 0 and f["kw_rank"] == 1.0
    answer = pipe.ask("Which page covers reverting a release?")
    assert not answer.abstained and answer.citations[0].corpus_path == "rollback.md"


def test_a_place_type_near_miss_is_abstained(docs):
    pipe = _pipeline(*docs)
    answer = pipe.ask("Which page covers streaming alerts to Kafka?")
    assert answer.abstained and not answer.citations


def test_a_place_and_the_sections_inside_it_are_one_answer_for_the_gate():
    from ipsearch.answer.which import one_place, rival_scores

    root = ("git-clone.txt", ("git-clone(1)",), True)
    options = ("git-clone.txt", ("git-clone(1)", "OPTIONS"), False)
    depth = ("git-clone.txt", ("git-clone(1)", "OPTIONS", "--depth"), False)
    synopsis = ("git-clone.txt", ("git-clone(1)", "SYNOPSIS"), False)
    other = ("git-fetch.txt", ("git-fetch(1)", "OPTIONS"), False)
    assert one_place(options, depth, False) and one_place(options, options, False)
    # The broader section holding a place claims more than it: a rival.
    assert not one_place(depth, options, False) and not one_place(depth, root, False)
    assert not one_place(options, synopsis, False)
    # A page's root stands for its page, whatever its sections' headings.
    assert one_place(root, synopsis, False) and one_place(
        root, ("git-clone.txt", ("X",), False), False
    )
    # For a page question any two sections of one page are one answer.
    assert one_place(synopsis, options, True) and not one_place(options, other, True)
    keys = [options, depth, other, synopsis]
    shares = [0.5, 0.3, 0.15, 0.05]
    assert rival_scores(keys, shares, 0, False) == pytest.approx([0.8, 0.15, 0.05])
    assert rival_scores(keys, shares, 1, False) == pytest.approx([0.3, 0.5, 0.15, 0.05])
    assert rival_scores(keys, shares, 0, True) == pytest.approx([0.85, 0.15])


def test_miss_rare_tells_a_word_the_corpus_never_uses_from_one_it_uses_elsewhere(docs):
    """A paraphrase misses words the corpus uses on other pages; a question about something the
    corpus does not hold misses the word that names it (rarity 1: no section uses it)."""
    pipe = _pipeline(*docs)
    elsewhere = pipe.trace("Which page covers alerts for a release?")
    unseen = pipe.trace("Which page covers alerts for Kafka?")
    top = {p.section.source: p.features for p in elsewhere.places}["monitoring.md"]
    top_unseen = {p.section.source: p.features for p in unseen.places}["monitoring.md"]
    assert 0 < top["miss_rare"] < 1
    assert top_unseen["miss_rare"] == 1.0


def test_a_fragment_is_answered_as_the_page_that_includes_it(tmp_path):
    """AsciiDoc ``include::``: a file another page pulls in is read as part of that page; a
    question that asks for a page gets the including page, cited by its NAME line."""
    from ipsearch.answer.which import includers

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "gitrevisions.txt").write_text(
        "gitrevisions(7)\n===============\n\nNAME\n----\ngitrevisions - Naming commits for "
        "Git\n\nDESCRIPTION\n-----------\n\nMany commands take commits.\n\n"
        "include::revisions.txt[]\n"
    )
    (corpus / "revisions.txt").write_text(
        "SPECIFYING RANGES\n-----------------\n\nA range of commits is written with two dots "
        "between the ends of the range.\n"
    )
    (corpus / "other.txt").write_text("other(1)\n========\n\nNAME\n----\nother - Other things\n")
    pipe = _pipeline(corpus, tmp_path / "index")
    assert includers(pipe.searcher.store.sections()) == {"revisions.txt": "gitrevisions.txt"}
    page = pipe.trace("Which page explains ranges of commits with two dots?")
    assert page.analysis.doc_level
    assert page.places[0].section.source == "gitrevisions.txt"
    assert page.places[0].evidence.text.startswith("gitrevisions - Naming commits")
    section = pipe.trace("How is a range of commits written?")
    assert section.places[0].section.source == "revisions.txt"


def test_item_nouns_count_a_repeated_name_as_often_as_sections_have_it():
    """The catalogue lists each (name, title) once with how many sections have it."""
    from ipsearch.answer.which import item_nouns
    from ipsearch.retrieval.lookup import Named

    each = [Named(None, "Mining Board")] * 4 + [Named("Budget", "Costs")] * 30
    each += [Named(None, f"Topic {i}") for i in range(40)]
    counted = [Named(None, "Mining Board", 4), Named("Budget", "Costs", 30)]
    counted += [Named(None, f"Topic {i}", 1) for i in range(40)]
    assert item_nouns(counted) == item_nouns(each) == {"board", "budget", "cost"}
    assert item_nouns(counted[:1] + counted[2:]) == item_nouns(each[:4] + each[34:]) == {"board"}
