"""Behaviours fixed after review: each once broke in a way a user would notice."""

import json
import subprocess
import sys

from ipsearch.ingest import parse_file
from ipsearch.sections import build_sections


def test_question_mark_is_not_a_wildcard(main_run):
    code, out, _ = main_run("search", "who chairs nuclear?", "--json")
    assert code == 0 and json.loads(out)["hits"][0]["section"] == "Nuclear"
    code, out, _ = main_run("search", "eop?", "--json")
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["section"] == "Industrial partnerships: an overview"
    assert hit["title"] == hit["section"] and hit["heading_path"] == [hit["section"]]


def test_output_closed_early_is_not_nothing_found(env):
    script = (
        f"{sys.executable} -m ipsearch search skills | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}"
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_no_arguments_prints_help_and_exits_2(main_run):
    code, out, err = main_run()
    assert code == 2 and "Commands:" in out and "error" not in err


def test_jsonl_quotes_verify_with_escapes(main_run, env):
    rec = {
        "id": "w1",
        "title": "Widget fund",
        "text": 'The widget fund is worth £5 million, run by the "Acme Trust".',
    }
    (env["corpus"] / "recs.jsonl").write_text(json.dumps(rec) + "\n")  # £ written as \u00a3
    code, out, _ = main_run("ask", "How much is the widget fund worth?", "--json")
    data = json.loads(out)
    assert code == 0 and data["answer"] == "£5 million"
    assert data["citations"][0]["lines"] == [1, 1]


def test_definition_list_block_spans_label_and_value_lines(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><main>\n<h1>Boards: an overview</h1>\n<p>Intro text here.</p>\n"
        "<h2>Farming</h2>\n<dl>\n<dt>Chaired by:</dt>\n<dd>Acme Corp</dd>\n</dl>\n"
        "<p>Farming body text.</p>\n</main></body></html>\n"
    )
    farming = next(s for s in build_sections(parse_file(page, "p.html")) if s.title == "Farming")
    assert farming.chair == "Acme Corp"
    label = next(p for p in farming.paragraphs if p.text == "Chaired by: Acme Corp")
    assert (label.first, label.last) == (6, 7)


def test_file_that_fails_to_parse_loses_old_sections_and_is_remembered(env, monkeypatch):
    from ipsearch import sections
    from ipsearch.index import IndexStore

    store = IndexStore(env["index"], env["corpus"].resolve())
    (env["corpus"] / "b.md").write_text("# B\n\nBee text.\n")
    store.update()
    real = sections.build_sections

    def flaky(parsed, digest=""):
        if parsed.source == "b.md":
            raise ValueError("boom")
        return real(parsed, digest)

    monkeypatch.setattr(sections, "build_sections", flaky)
    (env["corpus"] / "b.md").write_text("# B\n\nBee text, changed.\n")
    report = store.update()
    assert ("b.md", "could not be parsed (ValueError)") in report.skipped
    assert not any(s.source == "b.md" for s in store.sections())
    assert not store.stale()


def test_a_word_used_in_another_form_is_not_respelt(main_run):
    code, out, _ = main_run("search", "page published", "--json")
    assert json.loads(out)["corrected"] is None
