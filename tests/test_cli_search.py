import json
import shutil

from tests.conftest import SEED_HTML


def test_search_json_contract(main_run):
    code, out, err = main_run("search", "cyber security", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"query", "corrected", "total", "hits"}
    assert data["query"] == "cyber security" and data["corrected"] is None
    hit = data["hits"][0]
    assert set(hit) >= {"rank", "score", "id", "source", "section", "chair", "lines", "snippet"}
    assert hit["section"] == "Digital" and hit["chair"] == "Cisco Systems"
    assert hit["rank"] == 1 and isinstance(hit["score"], float)
    assert hit["lines"] == [44, 46] and "cyber security" in hit["snippet"]
    assert "built index" in err  # the first query builds the index and says so


def test_search_human_output_like_ripgrep(main_run):
    main_run("search", "x")
    code, out, _ = main_run("search", "TUCA", "--color", "never")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("corpus/industrial-partnerships.txt:75-77  Tunnelling")
    assert "(chair: Crossrail)" in first and "\x1b[" not in out
    assert out.splitlines()[1].startswith("77: ")


def test_color_only_when_asked(main_run):
    _, out, _ = main_run("search", "TUCA", "--color", "always")
    assert "\x1b[31m\x1b[1mTUCA\x1b[0m" in out


def test_no_hits_exit_1(main_run):
    code, out, err = main_run("search", "zzyzx")
    assert code == 1 and "No matches" in err


def test_usage_errors_exit_2_one_line(main_run):
    for args in (
        ["search"],
        ["search", "x", "-n", "0"],
        ["nosuch"],
        ["search", "x", "--color", "pink"],
    ):
        code, out, err = main_run(*args)
        assert code == 2, args
        assert err.startswith("ipsearch: error:") and err.count("\n") == 1, err
        assert "Traceback" not in err


def test_unreadable_corpus_exit_2(main_run, tmp_path):
    code, _, err = main_run("search", "x", "--corpus", str(tmp_path / "missing"))
    assert code == 2 and "corpus not found" in err


def test_spelling_correction(main_run):
    code, out, err = main_run("search", "nuclaer decommisioning", "--json")
    data = json.loads(out)
    assert code == 0 and data["corrected"] == "nuclear decommissioning"
    assert data["hits"][0]["section"] == "Nuclear"


def test_query_syntax(main_run):
    def top(q):
        code, out, _ = main_run("search", q, "--json")
        return [h["section"] for h in json.loads(out)["hits"]] if code == 0 else []

    assert top("chair:airbus") == ["Aerospace"]
    assert top("section:nuclear") == ["Nuclear"]
    assert top('"Art of Manufacturing"') == ["Automotive"]
    assert top("apprenticeships AND women") == ["Digital"]
    assert "Digital" not in top("apprenticeships NOT women")
    assert top("tunnel*")[0] == "Tunnelling"
    assert "Nuclear" in top("decomissioning~2")


def test_env_var_configuration(main_run, env):
    code, out, _ = main_run("search", "welding", "--json")
    assert code == 1
    (env["corpus"] / "extra.md").write_text("# Welding\n\nWelding skills for shipyards.\n")
    code, out, err = main_run("search", "welding", "--json")
    assert code == 0 and "corpus changed (1 added" in err
    assert json.loads(out)["hits"][0]["source"] == "corpus/extra.md"
    assert (env["index"] / "CURRENT").exists()


def test_sections_and_show(main_run, env):
    shutil.copy(SEED_HTML, env["corpus"] / "page.html")
    code, out, _ = main_run("sections", "--json")
    rows = json.loads(out)["sections"]
    assert code == 0 and len(rows) == 20
    assert {"section", "chair", "source", "lines", "id"} <= set(rows[0])
    code, out, _ = main_run("show", "industrial-partnerships.txt#nuclear")
    assert code == 0 and out.splitlines()[1].startswith("59: Chaired by: Magnox Ltd")
    code, _, err = main_run("show", "nuclear")
    assert code == 1 and "several sections" in err
    code, _, err = main_run("show", "fishing")
    assert code == 1 and "no section matches" in err


def test_ingest_reports_counts(main_run, env):
    code, out, _ = main_run("ingest", "--json")
    assert code == 0 and json.loads(out)["added"] == 1
    code, out, _ = main_run("ingest")
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in out
    code, _, err = main_run("ingest", "/etc")
    assert code == 2 and "not inside the corpus" in err
