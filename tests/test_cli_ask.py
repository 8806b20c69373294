"""ask / which / eval commands through click, on a real index in a temporary folder."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from ipsearch.cli import cli
from ipsearch.verify import verify_quote
from tests.conftest import ROOT


def run(*args: str):
    return CliRunner().invoke(cli, list(args), standalone_mode=False)


def code(result) -> int:
    assert result.exception is None, result.exception
    return int(result.return_value or 0)


def test_ask_json_contract_and_quotes_verify(seed_env):
    corpus, _ = seed_env
    r = run("ask", "Who chairs the nuclear partnership?", "--json")
    assert code(r) == 0
    data = json.loads(r.stdout)
    assert {"question", "answer", "type", "confidence", "abstained", "citations"} <= set(data)
    assert data["answer"] == "Magnox Ltd" and data["type"] == "person"
    assert 0 <= data["confidence"] <= 1
    for c in data["citations"]:
        assert {"source", "section", "heading_path", "lines", "quote", "kind"} <= set(c)
        assert os.path.exists(c["source"])
        assert verify_quote(corpus / "industrial-partnerships.txt", tuple(c["lines"]), c["quote"])


def test_ask_human_output(seed_env):
    r = run("ask", "which", "partnership", "covers", "big", "data?", "--color", "never")
    assert code(r) == 0
    first = r.stdout.splitlines()[0]
    assert first == "Digital — Tech Partnership"
    assert "industrial-partnerships.txt:46-46" in r.stdout and "confidence" in r.stdout


def test_ask_bold_answer_with_colour(seed_env):
    r = run("ask", "Who chairs the nuclear partnership?", "--color", "always")
    assert code(r) == 0
    assert "\x1b[1mMagnox Ltd" in r.stdout


@pytest.mark.parametrize(
    "question",
    [
        "Which partnership covers agriculture?",
        "Who chairs the retail partnership?",
        "What is the capital of France?",
    ],
)
def test_ask_abstains_with_exit_1(seed_env, question):
    r = run("ask", question, "--color", "never")
    assert code(r) == 1
    assert "No answer in the corpus" in r.stdout


def test_abstention_shows_closest_matches(seed_env):
    r = run("ask", "Which partnership covers agriculture?", "--color", "never")
    assert "nearest, not an answer" in r.stdout
    data = json.loads(run("ask", "Which partnership covers agriculture?", "--json").stdout)
    assert data["answer"] is None and data["citations"] == [] and data["closest"]


def test_ask_markdown_footnotes(seed_env):
    # The answer's sentence first, then the rival amount of the same kind, side by side.
    q = "How much did the Government invest through the Employer Ownership Pilot fund?"
    r = run("ask", q, "--format", "markdown")
    assert code(r) == 0
    assert "**£131 million**[^1][^2]" in r.stdout
    assert "[^1]: “These 8 partnerships" in r.stdout and "[^2]: “Government investment" in r.stdout


def test_ask_empty_question_is_usage_error(seed_env):
    from ipsearch.errors import UsageError

    r = run("ask", "  ")
    assert isinstance(r.exception, UsageError)


def test_which_command(seed_env):
    r = run("which", "big", "data", "--json")
    assert code(r) == 0
    data = json.loads(r.stdout)
    assert data["topic"] == "big data"
    top = data["sections"][0]
    assert top["section"] == "Digital" and top["chair"] == "Cisco Systems"
    assert {"section", "chair", "source", "lines", "score", "evidence"} <= set(top)
    r = run("which", "agriculture")
    assert code(r) == 1
    assert "No section covers" in r.stderr


def test_eval_command(seed_env):
    gold = str(ROOT / "eval" / "seed-qa-dev.jsonl")
    r = run("eval", gold, "--exclude-kind", "paraphrase", "--json")
    assert code(r) == 0
    data = json.loads(r.stdout)
    assert data["items"] == 54 and data["quotes_verified"] == 1.0
    # Keyword ranking alone cannot find paraphrases; the misses are listed.
    r = run("eval", gold, "--kind", "paraphrase", "-v", "--color", "never", "--no-semantic")
    assert code(r) == 0
    assert "section@1" in r.stdout and "miss(es)" in r.stdout
    r = run("eval", gold, "--kind", "nonexistent")
    assert r.exception is not None


def test_main_maps_errors_to_exit_codes(seed_env, tmp_path, capsys):
    from ipsearch.cli import main

    with pytest.raises(SystemExit) as e:
        main(["eval", str(tmp_path / "missing.jsonl")])
    assert e.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as e:
        main(["ask", "What is the capital of France?", "--json"])
    assert e.value.code == 1


def test_ask_explain_prints_the_stages(seed_env):
    r = run("ask", "How many industrial partnerships are there?", "--explain")
    assert "type: number" in r.stderr and "candidates:" in r.stderr and "places:" in r.stderr


def test_which_finds_single_topic_files(tmp_path, monkeypatch):
    """Issue 11, item 13: a file with no sections is a first-class answer to `which`."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "b.txt").write_text(
        "Beekeeping grants\n\nThe beekeeping grant scheme pays hive owners.\n"
    )
    monkeypatch.setenv("IPSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(tmp_path / "i"))
    r = run("which", "beekeeping", "--json")
    assert code(r) == 0, r.stderr
    assert json.loads(r.stdout)["sections"][0]["source"].endswith("b.txt")
