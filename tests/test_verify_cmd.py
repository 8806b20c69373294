"""`ipsearch verify` and the quote checker behind it, on the seed corpus and small drafts."""

from __future__ import annotations

import json

import pytest

from ipsearch.cli import main
from ipsearch.verification import extract
from ipsearch.verify import verify_quote

VERBATIM = (
    "The fund is managed by the Skills Funding Agency, part of the Department for Business "
    "Innovation and Skills."
)
ALTERED = (
    "These 8 partnerships are funded up to March 2017 through a co-investment model, with the "
    "Government investing £13 million through its Employer Ownership Pilot (EOP) fund."
)
INVENTED = "The partnerships were abolished by the Treasury in 2019 after a review of their costs."


@pytest.fixture
def verify(seed_env, capsys, monkeypatch):
    """Run ``ipsearch verify ARGS`` as the console script does: (exit code, stdout, stderr)."""
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")

    def invoke(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exc:
            main(["verify", *args])
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return invoke


def one(out: str) -> dict:
    data = json.loads(out)
    assert len(data["quotes"]) == 1
    return data["quotes"][0]


def test_verbatim_sentence_is_exact_with_checkable_lines(verify, seed_env):
    code, out, _ = verify(VERBATIM, "--json")
    assert code == 0
    q = one(out)
    assert q["status"] == "exact" and q["found"] == VERBATIM and q["differences"] == []
    assert q["section"] and q["lines"] == [11, 11]
    assert q["source"].endswith("industrial-partnerships.txt")
    corpus, _ = seed_env
    assert verify_quote(corpus / "industrial-partnerships.txt", tuple(q["lines"]), q["found"])


def test_altered_amount_is_near_and_names_the_figure(verify):
    code, out, _ = verify(ALTERED, "--json")
    assert code == 1
    q = one(out)
    assert q["status"] == "near"
    assert "£131 million" in q["found"]
    figures = [d for d in q["differences"] if d["kind"] == "figure"]
    assert figures == [{"quoted": "£13 million", "found": "£131 million", "kind": "figure"}]
    code, out, _ = verify(ALTERED, "--color", "never")
    assert code == 1
    assert out.startswith("near")
    assert "figure changed: “£13 million” → “£131 million”" in out


def test_invented_sentence_is_not_found(verify):
    code, out, _ = verify(INVENTED, "--json")
    assert code == 1
    q = one(out)
    assert q["status"] == "not found"
    assert q["source"] is None and q["lines"] is None and q["found"] is None
    code, out, _ = verify(INVENTED, "--color", "never")
    assert code == 1 and out.startswith("not found")


def test_case_and_quote_style_are_normalised(verify):
    quote = "“each industrial partnership is chaired by a major employer”"
    code, out, _ = verify(quote, "--json")
    assert code == 0
    q = one(out)
    assert q["status"] == "normalised"
    assert q["found"] == "Each industrial partnership is chaired by a major employer"
    assert q["differences"] == [{"quoted": "each", "found": "Each", "kind": "style"}]


def test_elided_quote_is_exact_when_every_part_is(verify):
    code, out, _ = verify("These 8 partnerships are funded … creating a total fund of £354 million")
    assert code == 0 and out.startswith("exact")


def test_draft_file_json_reports_every_quote(verify, tmp_path):
    draft = tmp_path / "brief.md"
    draft.write_text(
        "# Brief\n\n"
        f"The overview says “{VERBATIM}” and that\n"
        f'"{ALTERED}"\n\n'
        "A so-called “co-investment” model.\n",
        encoding="utf-8",
    )
    code, out, err = verify("--file", str(draft), "--json")
    assert code == 1
    quotes = json.loads(out)["quotes"]
    assert [(q["status"], q["draft_line"]) for q in quotes] == [("exact", 3), ("near", 4)]
    for q in quotes:
        assert {"quote", "status", "source", "section", "lines", "found", "differences"} <= set(q)
    assert err == ""


def test_draft_from_stdin_and_summary(verify, monkeypatch):
    import io

    stdin = io.TextIOWrapper(io.BytesIO(f"> {VERBATIM}\n> — the overview\n".encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = verify("-f", "-", "--color", "never")
    assert code == 0
    assert out.startswith("exact  draft line 1:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a QUOTE or --file DRAFT"),
        (("  ",), "empty quote"),
        (("--file", "missing.md"), "cannot read missing.md"),
    ],
)
def test_usage_errors_are_one_line_exit_2(verify, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = verify(*args)
    assert code == 2 and out == ""
    assert err.startswith("ipsearch: error: ") and message in err and err.count("\n") == 1


def test_draft_without_quotations_is_an_input_error(verify, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("No quotations here, only “scare quotes”.\n")
    code, _, err = verify("--file", str(draft))
    assert code == 2 and "no quotations in" in err


def test_markdown_quote_over_two_lines_cites_them_as_a_reader_sees_them(env, capsys, monkeypatch):
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    (env["corpus"] / "notes.md").write_text(
        "# Funding notes\n\nSome context first.\n\nThe fund is **run** by\nthe Agency, "
        "which reports each year.\n"
    )
    with pytest.raises(SystemExit) as exc:
        main(["verify", "The fund is run by the Agency", "--json"])
    q = one(capsys.readouterr().out)
    assert exc.value.code == 0
    assert (q["status"], q["lines"], q["section"]) == ("exact", [5, 6], "Funding notes")
    assert verify_quote(env["corpus"] / "notes.md", (5, 6), q["found"])


def test_extract_quotations_from_a_draft():
    draft = (
        'Intro with “four words in here” and `"code is never four words"`.\n'
        "\n"
        "```\n"
        '"fenced code is not a quotation either"\n'
        "```\n"
        "> First block quote line\n"
        "> goes on here.\n"
        ">\n"
        "> A second paragraph.\n"
        "> — Someone, 2016\n"
        "\n"
        'A straight "quotation spanning\ntwo lines of prose" and a “short one”.\n'
        "Markup inside: “the fund is **managed** by them”.\n"
    )
    got = [(q.text, q.line) for q in extract(draft)]
    assert got == [
        ("four words in here", 1),
        ("First block quote line goes on here.", 6),
        ("A second paragraph.", 9),
        ("quotation spanning two lines of prose", 12),
        ("the fund is managed by them", 14),
    ]
