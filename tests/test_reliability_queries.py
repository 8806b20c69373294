"""Hostile queries never crash: results (0), no hits (1) or a one-line error (2)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipsearch.cli import cli

HOSTILE = [
    "",
    "   ",
    "\t\n",
    "x" * 10_000,
    "a " * 5_000,
    "(" * 5_000,
    '"unbalanced quote',
    "(open paren",
    "close paren)",
    "AND",
    "NOT",
    "OR",
    "NOT NOT NOT",
    "AND OR NOT",
    "nosuchfield:",
    "nosuchfield:partnership",
    "title:(",
    'section:"x',
    "body:*",
    "*",
    "*:*",
    "a~5",
    "[a TO",
    "{",
    "\\",
    "partner\x00ship",
    "\x01\x02\x1b[31m",
    "😀 🚀",
    "'; DROP TABLE sections;--",
    ".*[a-z]+(",
    "^$|\\d{3,}",
    "%s%s%n",
]


def _check(main_run, *args: str) -> tuple[int, str, str]:
    code, out, err = main_run(*args)
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("ipsearch: error:")
        assert len(err) < 400
    return code, out, err


@pytest.fixture
def indexed(env, main_run):
    assert main_run("ingest")[0] == 0
    return env


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_gives_results_no_hits_or_one_line_error(indexed, main_run, query):
    code, out, err = _check(main_run, "search", "--", query)
    code, out, err = _check(main_run, "search", "--json", "--", query)
    if code in (0, 1):
        assert isinstance(json.loads(out)["hits"], list)
    if "ask" in cli.commands:
        _check(main_run, "ask", "--", query)


def test_empty_query_is_a_usage_error(indexed, main_run):
    code, out, err = main_run("search", "--", "   ")
    assert code == 2 and err.strip() == "ipsearch: error: empty query"


def _commands() -> list[str]:
    return [c for c in ("search", "ask") if c in cli.commands]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=200), json_out=st.booleans())
def test_random_strings_never_escape(indexed, main_run, query, json_out):
    for command in _commands():
        args = [command, *(["--json"] if json_out else []), "--", query]
        code, out, err = _check(main_run, *args)
        if json_out and code in (0, 1):
            json.loads(out)
