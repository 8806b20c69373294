"""PDF and Word documents through the CLI: pages and paragraphs in hits, citations and show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipsearch.cli import cli
from ipsearch.ingest.pdf import cited_text, page_lines
from ipsearch.verify import normalise
from tests.conftest import ROOT, SEED_TXT
from tests.fixtures_make import write_all

GOLD = ROOT / "eval" / "seed-qa-dev.jsonl"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("docs"))


def _corpus(tmp_path: Path, made, monkeypatch, names: tuple[str, ...]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        shutil.copy(made[name], corpus / name)
    monkeypatch.setenv("IPSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("IPSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    monkeypatch.chdir(corpus)
    return corpus


@pytest.fixture
def docs(tmp_path: Path, made, monkeypatch) -> Path:
    """The leaflet PDF beside a scanned, an encrypted and a damaged one."""
    names = ("leaflet.pdf", "scanned.pdf", "encrypted.pdf", "damaged.pdf")
    return _corpus(tmp_path, made, monkeypatch, names)


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_ingest_skips_unreadable_pdfs_with_reasons_and_exits_0(docs):
    r = _run("ingest")
    assert r.exit_code == 0, r.output
    assert "scanned.pdf: no text layer" in r.output
    assert "encrypted.pdf: encrypted PDF" in r.output
    assert "damaged.pdf: damaged PDF" in r.output
    assert "Traceback" not in r.output


def test_search_json_hits_carry_the_page_and_lines_within_it(docs):
    r = _run("search", "big data cyber security", "--json")
    assert r.exit_code == 0, r.output
    hit = json.loads(r.stdout)["hits"][0]
    assert hit["section"] == "Digital" and isinstance(hit["page"], int)
    first, last = hit["snippet_lines"]
    assert hit["lines"][0] <= first <= last <= hit["lines"][1]
    shown = cited_text(docs / "leaflet.pdf", hit["page"], first, last)
    assert normalise(hit["snippet"]) in normalise(shown)


def test_docx_hits_are_cited_by_paragraph(tmp_path, made, monkeypatch):
    _corpus(tmp_path, made, monkeypatch, ("leaflet.docx",))
    r = _run("search", "big data cyber security", "--json")
    hit = json.loads(r.stdout)["hits"][0]
    assert hit["page"] is None and hit["paragraphs"] == hit["lines"]
    r = _run("search", "big data cyber security")
    assert f"leaflet.docx ¶{hit['lines'][0]}-{hit['lines'][1]}" in r.output


@pytest.mark.parametrize(
    "question",
    ["Who chairs the nuclear partnership?", "Which partnership covers cyber security?"],
)
def test_ask_quotes_are_on_the_cited_page(docs, question):
    r = _run("ask", question, "--json")
    assert r.exit_code == 0, r.output
    cites = json.loads(r.stdout)["citations"]
    assert cites
    for c in cites:
        shown = cited_text(docs / "leaflet.pdf", c["page"], *c["lines"])
        assert normalise(c["quote"]) in normalise(shown)
    human = _run("ask", question).output
    c = cites[0]
    assert f"leaflet.pdf#page={c['page']}:{c['lines'][0]}-{c['lines'][1]}" in human


def test_show_a_pdf_page_with_its_line_numbers(docs):
    r = _run("show", "leaflet.pdf#page=2")
    assert r.exit_code == 0, r.output
    lines = page_lines(docs / "leaflet.pdf", 2)
    out = r.stdout.splitlines()
    assert out[0] == "leaflet.pdf#page=2"
    assert out[1 + 5].split(": ", 1) == [str(6).rjust(len(str(len(lines)))), lines[5]]
    data = json.loads(_run("show", "leaflet.pdf#page=2", "--json").stdout)
    assert [x["text"] for x in data["lines"]] == lines


def test_show_a_pdf_line_gives_its_section(docs):
    data = json.loads(_run("search", "Magnox", "--json").stdout)["hits"][0]
    r = _run("show", f"leaflet.pdf#page={data['page']}:{data['snippet_lines'][0]}", "--json")
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown["section"] == "Nuclear" and shown["pages"][0] == data["page"]


def _exit_code(*args: str) -> int:
    """Through ``main``, which maps errors to exit codes as the console script does."""
    from ipsearch.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return exc.value.code


def test_show_page_errors(tmp_path, made, monkeypatch, capsys):
    _corpus(tmp_path, made, monkeypatch, ("leaflet.pdf", "leaflet.docx"))
    assert _exit_code("show", "leaflet.pdf#page=9") == 1
    assert "has no page 9" in capsys.readouterr().err
    assert _exit_code("show", "leaflet.docx#page=1") == 2
    assert "not a PDF" in capsys.readouterr().err
    assert _exit_code("show", "leaflet.pdf:12") == 2
    assert "#page=N:LINE" in capsys.readouterr().err


def test_seed_gold_set_on_the_pdf_leaflet(tmp_path, made):
    """The seed gold set answered from the PDF leaflet does as well as from the page's text:
    laying a document out as a PDF loses no section, answer or quote (semantic retrieval as
    shipped), and every quote is verified on its page. The answers' own floors are the QA
    pipeline's (tests/test_eval.py)."""
    from ipsearch.evaluate import evaluate, load_gold, misses
    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.retrieval.searcher import Searcher

    reports = {}
    for name, src in (("pdf", made["leaflet.pdf"]), ("txt", SEED_TXT)):
        corpus = tmp_path / name / "corpus"
        corpus.mkdir(parents=True)
        shutil.copy(src, corpus / src.name)
        store = IndexStore(tmp_path / name / "index", corpus.resolve())
        ensure_fresh(store, lambda _m: None)
        with Searcher(store) as s:
            reports[name] = evaluate(s, load_gold(GOLD))
    pdf, txt = reports["pdf"], reports["txt"]
    # Within two items of 49: the layout may cost a gate a little confidence.
    assert pdf.section_at_1 >= txt.section_at_1 - 0.05, misses(pdf)
    assert pdf.answer_accuracy >= txt.answer_accuracy - 0.05, misses(pdf)
    assert pdf.quotes_verified == 1.0
    assert sum(o.quotes for o in pdf.outcomes) > 40


def test_verify_finds_a_quote_on_its_pdf_page(docs):
    quote = "Chaired by: Magnox Ltd"
    r = _run("verify", quote, "--json")
    assert r.exit_code == 0, r.output
    check = json.loads(r.stdout)["quotes"][0]
    assert check["status"] == "exact" and isinstance(check["page"], int)
    assert quote in cited_text(docs / "leaflet.pdf", check["page"], *check["lines"])
