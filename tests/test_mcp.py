"""`ipsearch mcp`: driven over stdio by the MCP SDK's own client, as an assistant would."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from ipsearch.cli import cli, main
from tests.conftest import ROOT

pytest.importorskip("mcp")

TOOLS = {"search", "ask", "which", "show", "verify_quote"}


def cli_json(*args: str) -> dict:
    r = CliRunner().invoke(cli, [*args, "--json"], standalone_mode=False)
    assert r.exception is None, r.exception
    return json.loads(r.stdout)


def session_calls(corpus, index, calls: list[tuple[str, dict]]):
    """Start ``ipsearch mcp`` with the SDK's stdio client; list its tools, make ``calls``."""
    import anyio
    from mcp import ClientSession, StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ipsearch", "mcp", "--corpus", str(corpus), "--index", str(index)],
        env={"PYTHONPATH": str(ROOT / "src"), "IPSEARCH_SEMANTIC": "0"},
        cwd=os.getcwd(),
    )

    async def go():
        async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
            await s.initialize()
            listed = await s.list_tools()
            results = []
            for name, args in calls:
                with anyio.fail_after(60):
                    results.append(await s.call_tool(name, args))
            return listed.tools, results

    return anyio.run(go)


def payload(result) -> dict:
    assert not result.is_error, result.content
    data = json.loads(result.content[0].text)
    assert result.structured_content == data
    return data


def test_client_lists_the_tools_and_gets_the_clis_json(seed_env, monkeypatch, tmp_path):
    corpus, index = seed_env
    monkeypatch.setenv("IPSEARCH_SEMANTIC", "0")
    monkeypatch.chdir(tmp_path)
    quote = "Each industrial partnership is chaired by a major employer"
    tools, (search, ask, which, show, verify, missing, empty) = session_calls(
        corpus,
        index,
        [
            ("search", {"query": "nuclear skills", "limit": 3}),
            ("ask", {"question": "Who chairs the nuclear partnership?"}),
            ("which", {"topic": "big data"}),
            ("show", {"target": "Nuclear"}),
            ("verify_quote", {"quote": quote}),
            ("show", {"target": "no such section"}),
            ("ask", {"question": "  "}),
        ],
    )
    assert {t.name for t in tools} == TOOLS
    schemas = {t.name: t.input_schema for t in tools}
    assert schemas["search"]["required"] == ["query"]
    assert schemas["search"]["properties"]["limit"]["default"] == 10
    assert schemas["which"]["properties"]["limit"]["default"] == 10
    assert schemas["verify_quote"]["required"] == ["quote"]

    assert payload(search) == cli_json("search", "nuclear skills", "-n", "3")
    assert payload(search)["hits"]
    assert payload(ask) == cli_json("ask", "Who chairs the nuclear partnership?")
    assert payload(ask)["answer"] == "Magnox Ltd"
    assert payload(which) == cli_json("which", "big data", "-n", "10")
    assert payload(show) == cli_json("show", "Nuclear")
    checked = payload(verify)["quotes"]
    assert [q["status"] for q in checked] == ["exact"]
    assert payload(verify) == cli_json("verify", quote)

    assert missing.is_error
    assert missing.content[0].text == (
        "ipsearch: error: no section matches 'no such section'; `ipsearch sections` lists them"
    )
    assert empty.is_error and empty.content[0].text == "ipsearch: error: empty question"


def test_without_the_sdk_the_command_says_how_to_install_it(seed_env, monkeypatch, capsys):
    for name in list(sys.modules):
        if name == "mcp" or name.startswith("mcp."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mcp", None)
    with pytest.raises(SystemExit) as exc:
        main(["mcp"])
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == ""
    assert err == "ipsearch: error: `ipsearch mcp` needs the MCP SDK: pip install 'ipsearch[mcp]'\n"
