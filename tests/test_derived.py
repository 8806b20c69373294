"""index/derived.py: values worked out from a whole generation, kept beside it."""

from __future__ import annotations

import json
import os

import pytest

from ipsearch.index.derived import PREFIX, code_stamp, remembered


class Calls:
    def __init__(self, value: list) -> None:
        self.value, self.n = value, 0

    def __call__(self) -> list:
        self.n += 1
        return self.value


def test_a_value_is_worked_out_once_then_read(tmp_path):
    make = Calls(["board", "trial"])
    assert remembered(tmp_path, "nouns", "s1", make) == ["board", "trial"]
    assert remembered(tmp_path, "nouns", "s1", make) == ["board", "trial"]
    assert make.n == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{PREFIX}nouns.json"]


def test_other_code_or_a_damaged_file_means_working_it_out_again(tmp_path):
    make = Calls(["board"])
    remembered(tmp_path, "nouns", "s1", make)
    assert remembered(tmp_path, "nouns", "s2", make) == ["board"] and make.n == 2
    for junk in ("{not json", "[]", '{"stamp": "s2"}'):
        (tmp_path / f"{PREFIX}nouns.json").write_text(junk)
        assert remembered(tmp_path, "nouns", "s2", make) == ["board"]
    assert make.n == 5


def test_an_unwritable_generation_still_answers(tmp_path):
    gone = tmp_path / "retired-generation"
    assert remembered(gone, "nouns", "s1", Calls(["x"])) == ["x"]
    assert remembered(None, "nouns", "s1", Calls(["y"])) == ["y"]
    if os.geteuid() != 0:  # root writes through permissions
        tmp_path.chmod(0o500)
        try:
            assert remembered(tmp_path, "nouns", "s1", Calls(["z"])) == ["z"]
        finally:
            tmp_path.chmod(0o700)


def test_the_stamp_follows_the_code_and_constants():
    def a(x):
        return x + 1

    def b(x):
        return x + 2

    assert code_stamp(a, {"p", "q"}) == code_stamp(a, {"q", "p"})
    assert code_stamp(a) != code_stamp(b)
    assert code_stamp(a, {"p"}) != code_stamp(a, {"p", "q"})


@pytest.mark.usefixtures("env")
def test_which_noun_questions_keep_the_corpus_item_nouns(run, env):
    from ipsearch.answer.which import item_nouns
    from ipsearch.index import IndexStore
    from ipsearch.retrieval.searcher import Searcher

    assert run("ingest").exit_code == 0
    first = run("ask", "Which partnership covers mining?")
    with Searcher(IndexStore(env["index"], env["corpus"]), semantic=False) as s:
        gen = s.store.current()
        kept = json.loads((gen / f"{PREFIX}item_nouns.json").read_text())
        assert set(kept["value"]) == item_nouns(s.names())
    again = run("ask", "Which partnership covers mining?")
    assert (again.exit_code, again.output) == (first.exit_code, first.output)


def test_the_stamp_is_the_same_in_every_process():
    import subprocess
    import sys

    script = (
        "from ipsearch.answer.which import item_nouns\n"
        "from ipsearch.index.derived import code_stamp\n"
        "print(code_stamp(item_nouns, lambda: [x for x in range(3)], {'a', 'b'}))"
    )
    stamps = {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(stamps) == 1
