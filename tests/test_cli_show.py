"""`show PATH` (outline), `show PATH:LINE` (the section there), `sections --source GLOB`."""

from __future__ import annotations

import json


def _doc(env):
    (env["corpus"] / "guide.md").write_text(
        "# Guide\n\nIntro.\n\n## Install\n\nSteps.\n\n### Options\n\nFlags.\n\n## Use\n\nRun it.\n"
    )


def test_show_path_prints_the_outline(env, main_run):
    _doc(env)
    code, out, _ = main_run("show", "corpus/guide.md")
    assert code == 0
    assert out.splitlines() == [
        "corpus/guide.md  Guide",
        "  Guide  1-3",
        "    Install  5-7",
        "      Options  9-11",
        "    Use  13-15",
    ]
    code, out, _ = main_run("show", "guide.md", "--json")
    data = json.loads(out)
    assert [s["heading_path"] for s in data["sections"]][-1] == ["Guide", "Use"]


def test_show_path_line_prints_the_section_there(env, main_run):
    _doc(env)
    code, out, _ = main_run("show", "corpus/guide.md:10", "--json")
    data = json.loads(out)
    assert code == 0 and data["section"] == "Options"
    assert data["heading_path"] == ["Guide", "Install", "Options"]
    assert data["blocks"][-1] == {"kind": "paragraph", "lines": [11, 11], "text": "Flags."}


def test_sections_source_glob_filters(env, main_run):
    _doc(env)
    code, out, _ = main_run("sections", "--source", "*.md", "--json")
    sources = {s["source"] for s in json.loads(out)["sections"]}
    assert code == 0 and sources == {"corpus/guide.md"}
    code, out, _ = main_run("sections", "--source", "partnerships", "--json")
    assert {s["source"] for s in json.loads(out)["sections"]} == {
        "corpus/industrial-partnerships.txt"
    }


def test_file_path_words_are_searchable(env, main_run):
    (env["corpus"] / "manage-secrets.md").write_text("# Credentials\n\nKeep them in the vault.\n")
    code, out, _ = main_run("search", "secrets", "--json")
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["source"] == "corpus/manage-secrets.md"
    assert hit["title"] == "Credentials" and hit["heading_path"] == ["Credentials"]
    assert hit["block_kind"] == "paragraph" and hit["kind"] == "section"
    code, out, _ = main_run("search", "path:manage", "--json")
    assert code == 0 and json.loads(out)["hits"][0]["source"] == "corpus/manage-secrets.md"


def test_nfkc_forms_are_found_by_the_plain_word(env, main_run):
    (env["corpus"] / "f.txt").write_text(
        "Budget\n\nThe ﬁnance team checks apprentice\u00adships.\n"
    )
    code, out, _ = main_run("search", "finance apprenticeships", "--json")
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["source"] == "corpus/f.txt"
    assert "ﬁnance" in hit["snippet"]  # the quote keeps the file's own characters
