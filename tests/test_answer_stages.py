"""answer/: each stage alone on small hand-made sections and blocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ipsearch.answer.analysis import QuestionAnalyzer
from ipsearch.answer.model import Scorer
from ipsearch.answer.passages import Passage, section_passages
from ipsearch.answer.reader import Reader
from ipsearch.ingest.model import Block
from ipsearch.models import Section
from tests.conftest import ROOT


def section(**kw) -> Section:
    base = dict(id="a.md#x", source="a.md", title="X", kind="section", first_line=1,
                last_line=9, text="", paragraphs=[])  # fmt: skip
    base.update(kw)
    return Section(**base)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How long are backups retained?", "duration"),
        ("How many replicas should an app run?", "number"),
        ("How much did the government invest?", "money"),
        ("When does funding finish?", "date"),
        ("Which page covers publishing a gem?", "place"),
        ("Where does the book explain closures?", "place"),
        ("Which flag makes tests run one at a time?", "code"),
        ("Which Slack channel owns the page?", "channel"),
        ("Who chairs the board?", "person"),
        ("What does EOP stand for?", "expansion"),
        ("What is the Sidekiq Web URL for Whitehall?", "url"),
        ("How do I roll back a release?", "howto"),
    ],
)
def test_analysis_types(question, kind):
    assert QuestionAnalyzer().run(question).type == kind


def test_corpus_item_nouns_make_place_questions():
    a = QuestionAnalyzer({"board"}).run("Which board covers mining?")
    assert a.type == "place" and "mining" in a.focus


def test_blocks_become_typed_passages():
    blocks = [
        Block("field", "#team-a", 2, 2, key="owner_slack"),
        Block(
            "row",
            "Nightly | 120 days",
            7,
            7,
            cells=["Nightly", "120 days"],
            header=["Strategy", "Retention"],
        ),  # fmt: skip
        Block("paragraph", "Backups run nightly. They are kept.", 9, 9),
    ]
    ps = section_passages(section(blocks=blocks, heading_path=["Backups"], doc_title="Data"))
    assert [p.kind for p in ps] == ["field", "row", "sentence", "sentence"]
    assert ps[0].value == "#team-a" and ps[0].key == "owner_slack"
    assert ps[1].header == ["Strategy", "Retention"]
    assert ps[2].context == ["Data", "Backups"]


def test_label_field_quotes_its_line_and_answers_its_value():
    b = Block("field", "Acme", 3, 3, key="Chaired by", raw="Chaired by: Acme")
    (p,) = section_passages(section(blocks=[b]))
    assert p.kind == "field" and p.text == "Chaired by: Acme" and p.value == "Acme"


def _cands(passage: Passage, question: str) -> dict[str, set[str]]:
    a = QuestionAnalyzer().run(question)
    return {c.text: c.kinds for c in Reader().run(a, [passage])}


def test_reader_table_cell_and_typed_values():
    s = section()
    row = Passage("row", "Nightly full | 120 days | 24 hours", 5, 5, s, 0,
                  cells=["Nightly full", "120 days", "24 hours"],
                  header=["Strategy", "Retention", "RPO"])  # fmt: skip
    got = _cands(row, "How long are nightly backups retained?")
    assert {"cell", "duration"} <= got["120 days"]


def test_reader_metadata_field_value_and_title_span():
    s = section()
    field = Passage("field", 'owner_slack: "#team-a"', 2, 2, s, 0, key="owner_slack")
    assert "field" in _cands(field, "Which Slack channel owns this?")["#team-a"]
    title = Passage("field", "title: Run a load test with k6", 3, 3, s, 0, key="title")
    assert "title" in _cands(title, "What tool runs load tests?")["k6"]


def test_reader_objects_expansions_and_code():
    s = section()
    p = Passage("sentence", "The fund is managed by the Skills Funding Agency (SFA).", 1, 1, s, 0)
    got = _cands(p, "Who manages the fund?")
    assert "expansion" in got["Skills Funding Agency"]
    p = Passage("sentence", "Pass the --test-threads flag to the binary.", 1, 1, s, 0)
    assert "flag" in _cands(p, "Which flag runs tests one at a time?")["--test-threads"]


def test_no_gold_answer_appears_in_the_code():
    """Answers come from the index: no accepted answer of any gold set is written in the
    question-answering code. One ordinary word ("choice", "median") counts only as written,
    case and all, as a whole word; longer answers count in any case."""
    files = [
        *(ROOT / "src" / "ipsearch" / "answer").rglob("*.py"),
        ROOT / "src/ipsearch/evaluate.py",
    ]
    code = "\n".join(f.read_text(encoding="utf-8") for f in files)
    for gold in (ROOT / "eval").glob("*.jsonl"):
        for line in gold.read_text(encoding="utf-8").splitlines():
            for answer in json.loads(line).get("answers") or []:
                if len(answer) < 6:  # "eight", "mut": ordinary English or code
                    continue
                if re.fullmatch(r"[A-Za-z]+", answer):
                    assert not re.search(rf"\b{answer}\b", code), (gold.name, answer)
                else:
                    assert answer.lower() not in code.lower(), (gold.name, answer)


def test_weights_file_is_fitted_and_loads():
    from ipsearch.answer.model import WEIGHTS, load

    m = load(str(WEIGHTS))
    assert len(m.span.coef) == len(m.span.features) and 0 < m.span_gate.threshold < 1
    assert len(m.place_gate.coef) == len(m.place_gate.features) and 0 < m.place_gate.threshold < 1
    assert json.loads(Path(WEIGHTS).read_text())["meta"]["script"] == "scripts/fit_answer_model.py"


def test_a_page_question_uses_its_own_threshold_where_the_fit_chose_one() -> None:
    gate = Scorer(["score"], [1.0], 0.0, [0.0], [1.0], 0.55, {"place/doc": 0.75, "date": 0.3})
    assert gate.threshold_for("place", doc_level=True) == 0.75
    assert gate.threshold_for("place") == 0.55  # a section question: the global threshold
    assert gate.threshold_for("date", doc_level=True) == 0.3  # no page key: the type's own
