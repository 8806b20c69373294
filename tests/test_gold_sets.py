"""The gold question sets in eval/ pass scripts/check_gold.py, and the checker catches bad items."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_gold", ROOT / "scripts" / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check_gold = _load_checker()
GOLD_SETS = sorted(EVAL.glob("*-qa.jsonl")) + sorted(EVAL.glob("seed-qa-*.jsonl"))


@functools.cache
def _report(gold: Path):
    return check_gold.check_file(gold)


def test_every_docs_set_has_its_corpus() -> None:
    sets = [g for g in GOLD_SETS if g.name.endswith("-qa.jsonl")]
    assert len(sets) >= 5
    for gold in sets:
        corpus = check_gold.corpus_for(gold)
        assert (corpus / "SOURCE.md").is_file(), corpus
        assert check_gold.corpus_files(corpus), corpus


def test_eval_corpora_keep_their_notes_but_do_not_index_them() -> None:
    """A corpus's SOURCE.md and licence stay with the data; its ``.ipsearchignore`` keeps them
    out of the index, as the checker leaves them out of the documents."""
    from ipsearch.corpus import scan

    for gold in [g for g in GOLD_SETS if g.name.endswith("-qa.jsonl")]:
        corpus = check_gold.corpus_for(gold)
        files, _ = scan(corpus)
        rels = sorted(f.rel for f in files)
        assert not [r for r in rels if check_gold.NOT_DOCUMENTS.match(r.rsplit("/", 1)[-1])]
        assert (corpus / "SOURCE.md").is_file()


@pytest.mark.parametrize("gold", GOLD_SETS, ids=lambda p: p.name)
def test_gold_set_passes_the_checker(gold: Path) -> None:
    report = _report(gold)
    assert report.errors == []
    assert report.items >= 30


@pytest.mark.parametrize(
    "gold", [g for g in GOLD_SETS if g.name.endswith("-qa.jsonl")], ids=lambda p: p.name
)
def test_gold_set_has_every_kind(gold: Path) -> None:
    report = _report(gold)
    assert set(report.kinds) == set(check_gold.KINDS)


# --- the checker itself, on a small corpus ------------------------------------------------------

MD = """---
title: Run a load test with k6
owner_slack: "#perf"
---
# Load tests

Intro text.

## Limits

| Item | Limit |
|------|-------|
| users | **500** |

> ##### Note heading
> Quoted *text* with [a link](https://x.example).
"""

HTML = """<html><head><title>VACUUM</title></head><body>
<div class="sect1"><div class="titlepage"><div><h2>25.1. Routine Vacuuming</h2></div></div>
<p>Vacuum &amp; analyze <code>often</code>.</p>
<div class="note"><h3>Note</h3><p>Boxed.</p></div>
<p>After the note.</p>
<table><tr><td>relation size</td><td>32 TB</td></tr></table>
</div></body></html>
"""

RST = """Sorting HOW TO
**************

:Author: Andrew Dalke

Key Functions
=============

Both :meth:`list.sort` and :func:`sorted` have a *key* parameter, see `docs <https://x>`_.

+-------+------+
| ``?`` | any  |
+-------+------+
"""

ADOC = """git-stash(1)
============

NAME
----
git-stash - Stash the changes away

EXAMPLES
--------

Pulling into a dirty tree::
+
----------------------------------------------------------------
$ git stash push
----------------------------------------------------------------

[[faq]]
== Short Format

?           ?    untracked
"""


def _item(**kw) -> dict:
    base = dict.fromkeys(check_gold.KEYS)
    base.update(question="q", kind="factoid", command="ask", answers=[])
    base.update(kw)
    return base


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpora" / "mini"
    corpus.mkdir(parents=True)
    (corpus / "load-test.md").write_text(MD, encoding="utf-8")
    (corpus / "vacuum.html").write_text(HTML, encoding="utf-8")
    (corpus / "sorting.rst.txt").write_text(RST, encoding="utf-8")
    (corpus / "git-stash.txt").write_text(ADOC, encoding="utf-8")
    (corpus / "SOURCE.md").write_text("kafka is not a document\n", encoding="utf-8")
    return corpus


def _check(tmp_path: Path, corpus: Path, items: list[dict]) -> list[str]:
    gold = tmp_path / "mini-qa.jsonl"
    lines = [json.dumps({**it, "id": f"m{i:02d}"}) for i, it in enumerate(items, 1)]
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return check_gold.check_file(gold, corpus).errors


def test_good_items_pass(tmp_path: Path, mini: Path) -> None:
    items = [
        _item(source="load-test", answers=["k6"], evidence="title: Run a load test with k6"),
        _item(source="load-test", section="limits", answers=["500"], evidence="| users | 500 |"),
        _item(source="load-test", section="note", evidence="Quoted text with a link."),
        _item(source="vacuum", section="routine", answers=["often"], evidence="analyze often."),
        _item(source="vacuum", section="vacuuming", evidence="After the note."),
        _item(
            source="vacuum", section="routine", answers=["32 TB"], evidence="relation size 32 TB"
        ),
        _item(source="sorting", answers=["Andrew Dalke"], evidence=":Author: Andrew Dalke"),
        _item(source="sorting", section="key", evidence="Both list.sort and sorted have a key"),
        _item(source="sorting", section="key", answers=["any"], evidence="| ``?`` | any  |"),
        _item(source="git-stash", answers=["away"], evidence="git-stash - Stash the changes away"),
        _item(source="git-stash", section="examples", evidence="$ git stash push"),
        _item(source="git-stash", section="short", answers=["untracked"], evidence="? ? untracked"),
        _item(kind="negative", grep=["kubernetes"]),
    ]
    assert _check(tmp_path, mini, items) == []


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (_item(source=".", evidence="x"), "matches 4 files"),
        (_item(source="load-test", evidence="Intro text is not here."), "evidence not found"),
        (_item(source="load-test", answers=["k7"], evidence="Intro text."), "answer 'k7'"),
        (_item(source="vacuum", section="note", evidence="After the note."), "section 'note'"),
        (_item(source="sorting", section="sorting", evidence="key parameter"), "section"),
        (_item(kind="negative", grep=["BOXED"]), "grep term 'BOXED' matches 1 files"),
        (_item(kind="negative", grep=["32 tb"]), "grep term"),
        (
            _item(source="git-stash", section="push", evidence="Pulling into a dirty tree"),
            "section",
        ),
        (_item(kind="topic", source="vacuum", answers=["x"], evidence="Boxed."), "has answers"),
        (_item(kind="keyword", source="vacuum", evidence="Boxed."), "does not fit kind"),
        ({**_item(source="vacuum", evidence="Boxed."), "extra": 1}, "keys"),
    ],
)
def test_bad_items_are_reported(tmp_path: Path, mini: Path, item: dict, message: str) -> None:
    errors = _check(tmp_path, mini, [item])
    assert len(errors) == 1 and message in errors[0], errors


def test_licence_and_source_files_are_not_documents(tmp_path: Path, mini: Path) -> None:
    (mini / "LICENSE").write_text("kafka\n", encoding="utf-8")
    (mini / "copyright").write_text("kafka\n", encoding="utf-8")
    assert _check(tmp_path, mini, [_item(kind="negative", grep=["kafka"])]) == []


def test_normalise_per_format() -> None:
    norm = check_gold.normalise
    assert norm("<p>a &amp; <b>b</b>,</p><td>c</td><td>d</td>", "html") == "a & b, c d"
    assert norm("> ## Head\n- **bold** `code` [t](u) snake_case", "md") == (
        "Head bold code t snake_case"
    )
    assert norm(":func:`~os.path.join` and :ref:`the guide <label>` ``x``::", "rst") == (
        "os.path.join and the guide x:"
    )
