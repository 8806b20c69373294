"""answer/ span stages alone: key morphology, table columns, merged answers, candidate spans."""

from __future__ import annotations

from ipsearch.answer.analysis import QuestionAnalyzer
from ipsearch.answer.features import Featurizer, label_of
from ipsearch.answer.model import gate_row, merge_shares, nested_rival
from ipsearch.answer.passages import Passage
from ipsearch.answer.reader import Candidate, Reader, answer_key
from ipsearch.answer.terms import Vocabulary, key_words, soft_match, stem_similarity
from tests.test_answer_stages import section

ROW = Passage("row", "Nightly full | `404` for all requests | 24 hours", 5, 5, section(), 0,
              cells=["Nightly full", "`404` for all requests", "24 hours"],
              header=["Strategy", "Retention", "RPO"])  # fmt: skip


def _cand(p: Passage, text: str, kinds: set[str] | None = None) -> Candidate:
    i = p.text.index(text)
    return Candidate(text, i, i + len(text), p, kinds or set())


def test_stems_of_one_word_match_softly_and_keys_split_into_words():
    assert stem_similarity("chair", "chair") == 1.0
    assert 0.5 < stem_similarity("retain", "retent") < 1.0  # retained ↔ retention
    assert stem_similarity("limit", "list") == 0.0  # opening alike is not enough
    assert key_words("owner_slack") == "owner slack"
    assert key_words("maxConnections") == "max Connections"
    assert soft_match(("owner", "slack"), {"own", "channel"}) == 0.5


def test_a_cell_is_labelled_by_its_column_header_even_inside_the_cell():
    assert label_of(_cand(ROW, "404")) == ("Retention", 1)
    assert label_of(_cand(ROW, "24 hours")) == ("RPO", 2)
    field = Passage("field", "owner_slack: #team", 1, 1, section(), 0, key="owner_slack")
    assert label_of(_cand(field, "#team")) == ("owner_slack", -1)


def test_question_word_matches_a_column_header_by_morphology(searcher):
    a = QuestionAnalyzer().run("How long are nightly backups retained?")
    feats = Featurizer(Vocabulary(searcher), a)
    f = feats.span(_cand(ROW, "24 hours", {"cell", "duration"}), 1)
    g = feats.span(_cand(ROW, "404", {"cell", "number"}), 1)
    assert g["key_match"] == 0.0 and g["key_soft"] > 0.5  # stems retain / retent differ
    assert f["key_soft"] == 0.0  # the RPO column is not what was asked
    assert g["row_match"] > 0  # the row's other cells name the nightly backups


def test_equal_answers_share_their_belief():
    keys = [answer_key(t) for t in ("5,", "5", "`5`", "six")]
    assert keys[:3] == ["5", "5", "5"]
    assert merge_shares(keys, [0.2, 0.2, 0.1, 0.5]) == [0.5, 0.5, 0.5, 0.5]
    # The gate sees merged rivals: a runner-up saying the same thing is no rival.
    row = gate_row([0.6, 0.3], {"type_first": 1.0}, ["type_first"])
    assert round(row["margin"], 2) == 0.3 and row["score_typed"] == 0.6
    assert round(row["margin_log"], 2) == 0.69  # twice as likely as the runner-up


def test_gate_sees_how_spread_the_belief_is_and_nested_readings():
    sure = gate_row([0.9, 0.05, 0.05], {}, [])
    torn = gate_row([0.4, 0.3, 0.3], {}, [])
    assert 0 < sure["entropy"] < torn["entropy"]
    assert gate_row([1.0], {}, [])["entropy"] == 0.0
    # A longer or shorter reading of the winner among its near rivals, on whole words only.
    assert nested_rival(["4 bytes", "20", "up to 4 bytes"]) == 1.0
    assert nested_rival(["channel 4", "channel"]) == 1.0
    assert nested_rival(["4mb", "14mb", "4 mb"]) == 0.0
    assert nested_rival(["x", "a", "b", "c", "d", "e", "x y"]) == 0.0  # beyond the near rivals
    assert nested_rival([]) == 0.0
    row = gate_row([0.6, 0.3], {}, [], ["4 bytes", "up to 4 bytes"])
    assert row["nested"] == 1.0 and gate_row([0.6, 0.3], {}, [])["nested"] == 0.0


def _texts(text: str, question: str) -> dict[str, set[str]]:
    p = Passage("sentence", text, 1, 1, section(), 0)
    return {c.text: c.kinds for c in Reader().run(QuestionAnalyzer().run(question), [p])}


def test_reader_trims_sentence_openers_and_reads_defaults():
    got = _texts("The TCP port the server listens on, 5432 by default.", "Which port?")
    assert "TCP" in got and "The TCP" not in got
    got = _texts("The number of loops, defaulting to one million.", "What is the loop count?")
    assert "one million" in got
    got = _texts("Use 5, which is the limit.", "What is the limit?")
    assert "5" in got and "5," not in got


def test_reader_marks_code_the_source_marks(tmp_path):
    (tmp_path / "a.rst").write_text("The default level is ``WARNING`` here.\n")
    s = section(id="a.rst#x", source="a.rst")
    p = Passage("sentence", "The default level is WARNING here.", 1, 1, s, 0)
    a = QuestionAnalyzer().run("What is the default level?")
    got = {c.text: c.kinds for c in Reader(tmp_path).run(a, [p])}
    assert {"code", "marked"} <= got["WARNING"]
    (tmp_path / "b.html").write_text('<p>Choose <code class="literal">btree</code> now.</p>\n')
    p = Passage("sentence", "Choose btree now.", 1, 1, section(id="b.html#x", source="b.html"), 0)
    assert "marked" in {c.text: c.kinds for c in Reader(tmp_path).run(a, [p])}["btree"]


def test_reader_reads_later_passages_that_hold_question_words():
    s = section()
    ps = [Passage("sentence", f"filler {i}", 1, 1, s, 0, order=i) for i in range(5)]
    ps.append(Passage("sentence", "the port is 5432", 1, 1, s, 1, order=0))
    got = Reader(max_passages=3).select(ps, lambda p: float("port" in p.text))
    assert got[:3] == ps[:3] and got[3] is ps[5] and len(got) == 4


def test_analysis_types_of_attribute_and_verb_questions():
    q = QuestionAnalyzer()
    assert q.run("How much memory does the buffer use?").type == "quantity"
    assert q.run("How much does the licence cost?").type == "money"
    assert q.run("What does the init command create?").type == "other"
    assert q.run("What is the default work_mem?").type != "code"
    assert q.run("What does dyn do?").type == "definition"


def test_context_features_nesting_place_agreement_and_echo(searcher):
    from ipsearch.answer.features import add_context
    from ipsearch.answer.which import Place

    top, other = section(), section(id="b.md#y", source="b.md")
    p = Passage("sentence", "A bigint takes 8 bytes of storage.", 1, 1, top, 0)
    q = Passage("sentence", "A bigint column is common.", 1, 1, other, 0)
    short, full, far = _cand(p, "8"), _cand(p, "8 bytes"), _cand(q, "bigint")
    add_context([short, full, far], [Place(top, {}, 0.8, p), Place(other, {}, 0.2, q)])
    assert short.features["inside"] == 1.0 and full.features["inside"] == 0.0
    assert full.features["in_top_place"] == 1.0 and far.features["in_top_place"] == 0.0
    assert far.features["place_rel"] == 0.25  # its section's share of the top place's
    again = _cand(Passage("sentence", "It stores 8 bytes.", 3, 3, top, 0), "8 bytes")
    elsewhere = _cand(Passage("item", "8 bytes each", 2, 2, other, 0), "8 bytes")
    add_context([full, again, far], [])
    assert full.features["agree_sections"] == 0.2  # said twice, by one section: one voice
    add_context([full, again, elsewhere, far], [])
    assert full.features["agree_sections"] == 0.4 and far.features["agree_sections"] == 0.2
    a = QuestionAnalyzer().run("How many bytes does a bigint take?")
    feats = Featurizer(Vocabulary(searcher), a)
    assert feats.span(far, 1)["echo"] == 1.0  # it only restates the question
    assert feats.span(full, 1)["echo"] == 0.0


def test_exit_codes_and_numeric_values_are_numbers_not_code():
    q = QuestionAnalyzer()
    assert q.run("Which exit code does the script return on failure?").type == "number"
    assert q.run("What exit status does the tool return when it times out?").type == "number"
    assert q.run("What is the numeric value of the warning level?").type == "number"
    assert q.run("Which command renames a file?").type == "code"  # a head noun still types
    assert q.run("What is the new scheme called?").type == "name"
    assert q.run("What is a scheme?").type == "definition"


def test_object_of_a_passive_verb_is_what_follows_it_never_the_participle():
    q = "What is it?"
    objects = lambda t: {c for c, k in _texts(t, q).items() if "object" in k}  # noqa: E731
    assert objects("The fund is managed by the regional agency.") == {"regional agency"}
    assert objects("If the mode is omitted, it defaults to --soft.") == {"--soft"}
    assert objects("The limit is set to 40.") == {"40"}


def test_a_quantity_counts_the_question_noun_in_its_own_unit(searcher):
    a = QuestionAnalyzer().run("How many cores should a build use?")
    feats = Featurizer(Vocabulary(searcher), a)
    p = Passage("sentence", "Use 8 cores (16 threads) for builds.", 1, 1, section(), 0)
    assert feats.span(_cand(p, "8 cores", {"quantity"}), 1)["counts_noun"] == 1.0
    assert feats.span(_cand(p, "8", {"number"}), 1)["counts_noun"] == 1.0
    assert feats.span(_cand(p, "16 threads", {"quantity"}), 1)["counts_noun"] == 0.0
    # Only the quantity carries the noun itself: the bare number beside it drops it.
    assert feats.span(_cand(p, "8 cores", {"quantity"}), 1)["noun_inside"] == 1.0
    assert feats.span(_cand(p, "8", {"number"}), 1)["noun_inside"] == 0.0
    assert a.noun == "cores"  # not "cores should": the verb is no part of what is counted
    assert QuestionAnalyzer().run("How many worker processes run?").noun == "worker processes"


def test_the_clause_of_a_value_names_the_case_asked_about(searcher):
    a = QuestionAnalyzer().run("Which status does the checker return when the partnership fails?")
    feats = Featurizer(Vocabulary(searcher), a)
    p = Passage("sentence", "It returns 0 if all is well, 4 if the partnership fails, and 9 "
                "otherwise.", 1, 1, section(), 0)  # fmt: skip
    got = {t: feats.span(_cand(p, t, {"number"}), 1) for t in ("0", "4", "9")}
    assert got["4"]["cov_clause"] > got["0"]["cov_clause"] >= got["9"]["cov_clause"]
    assert got["4"]["num_word"] == 0.0
    one = Passage("sentence", "Pick one of the partnerships.", 1, 1, section(), 0)
    assert feats.span(_cand(one, "one", {"number"}), 1)["num_word"] == 1.0


def test_a_value_of_bare_punctuation_is_marked(searcher):
    feats = Featurizer(Vocabulary(searcher), QuestionAnalyzer().run("When is the rota made?"))
    says = Passage("sentence", "The rota is made on Monday: see below.", 1, 1, section(), 0)
    assert feats.span(_cand(says, ":", {"code"}), 1)["no_alnum"] == 1.0
    assert feats.span(_cand(says, "Monday", {"date"}), 1)["no_alnum"] == 0.0


def test_the_acronym_of_what_the_question_names_echoes_it(searcher):
    a = QuestionAnalyzer().run("Who runs the Trades Union Congress and the Bank of England?")
    feats = Featurizer(Vocabulary(searcher), a)
    p = Passage("sentence", "The TUC and the BoE are run by Jane Roe.", 1, 1, section(), 0)
    assert feats.span(_cand(p, "TUC", {"name"}), 1)["echo"] == 1.0
    assert feats.span(_cand(p, "BoE", {"name"}), 1)["echo"] == 1.0
    assert feats.span(_cand(p, "Jane Roe", {"name"}), 1)["echo"] == 0.0
