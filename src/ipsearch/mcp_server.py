"""``ipsearch mcp``: search, ask, which, show and verify_quote for AI assistants (MCP, stdio).

Built on the official ``mcp`` SDK, an optional extra (``pip install 'ipsearch[mcp]'``). Each
tool returns the same JSON as the CLI's ``--json``; a failure is an MCP tool error carrying the
CLI's one-line message. ``Tools`` holds the bodies, so they work (and test) without the SDK.
"""

# No ``from __future__ import annotations`` here: the SDK reads the tools' annotations
# (Annotated[..., Field(...)] from the SDK's pydantic, imported only when serving) to build
# their JSON schemas, and string annotations could not be resolved from inside build_server.
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipsearch.errors import IpsearchError, UsageError
from ipsearch.index import IndexStore

INSTRUCTIONS = (
    "Search a folder of documents and quote them exactly. Every hit and citation carries the "
    "file (source), section and line range, so a reader can check it. Use verify_quote before "
    "repeating a quotation: it says whether the corpus says it exactly, nearly (with the words "
    "and figures that differ) or not at all."
)
MISSING_SDK = "`ipsearch mcp` needs the MCP SDK: pip install 'ipsearch[mcp]'"


class Tools:
    """The tools' bodies over one index: each returns the dict the CLI prints with --json.

    One searcher stays open between calls (the sentence encoder loads once) and is reopened
    when an update swaps in a new index generation. Calls run in worker threads: a lock keeps
    them one at a time.
    """

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._searcher = None
        self._generation: Path | None = None  # noqa: UP045 - evaluated at run time

    def _open(self):
        from ipsearch.index import ensure_fresh, stderr_notify
        from ipsearch.retrieval.searcher import Searcher

        ensure_fresh(self.store, stderr_notify)
        generation = self.store.current()
        if self._searcher is None or generation != self._generation:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = Searcher(self.store, notify=stderr_notify)
            self._generation = generation
        return self._searcher

    def search(self, query: str, limit: int = 10) -> dict[str, Any]:
        from ipsearch.render.json import search_json

        with self._lock:
            return search_json(self._open().search(query, limit=limit))

    def ask(self, question: str) -> dict[str, Any]:
        from ipsearch.answer import Pipeline
        from ipsearch.render.json import answer_json

        if not question.strip():
            raise UsageError("empty question")
        with self._lock:
            return answer_json(Pipeline(self._open()).ask(question.strip()))

    def which(self, topic: str, limit: int = 10) -> dict[str, Any]:
        from ipsearch.answer import Pipeline
        from ipsearch.render.json import topics_json

        if not topic.strip():
            raise UsageError("empty topic")
        with self._lock:
            return topics_json(Pipeline(self._open()).which(topic.strip(), limit=limit))

    def show(self, target: str) -> dict[str, Any]:
        from ipsearch.corpus import display_path
        from ipsearch.render.json import show_json

        with self._lock:
            found = self._open().section(target)
            return show_json(found, display_path(self.store.corpus, found.source))

    def verify_quote(self, quote: str) -> dict[str, Any]:
        from ipsearch.render.json import verify_json
        from ipsearch.verification import QuoteChecker

        with self._lock:
            return verify_json([QuoteChecker(self._open()).run(quote)])


def error_message(e: Exception) -> str:
    """The one line the CLI prints for this failure."""
    if isinstance(e, IpsearchError):
        text = str(e) or type(e).__name__
    else:
        text = f"unexpected {type(e).__name__}: {e}"
    return "ipsearch: error: " + (text.splitlines() or [""])[0][:300]


def build_server(store: IndexStore):
    """The MCP server with its five tools; UsageError when the SDK is not installed."""
    try:
        from typing import Annotated

        from mcp.server.mcpserver import MCPServer
        from mcp.types import CallToolResult, TextContent
        from pydantic import Field
    except ImportError as e:
        raise UsageError(MISSING_SDK) from e
    from ipsearch import __version__

    tools = Tools(store)
    server = MCPServer(
        "ipsearch", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )

    def call(fn: Callable[..., dict[str, Any]], *args: Any) -> Any:
        # An error result built here, not a raised ToolError: the SDK would prefix the
        # message with its own words, and a client should read just the CLI's line.
        try:
            return fn(*args)
        except Exception as e:
            text = TextContent(type="text", text=error_message(e))
            return CallToolResult(content=[text], is_error=True)

    @server.tool(
        description="Rank the corpus's sections for a query (words or Whoosh query syntax); "
        "each hit has its source file, section, line range and the matching sentences."
    )
    def search(
        query: Annotated[str, Field(description="What to look for.")],
        limit: Annotated[int, Field(ge=1, le=1000, description="Most hits to return.")] = 10,
    ) -> dict[str, Any]:
        return call(tools.search, query, limit)

    @server.tool(
        description="Answer a question briefly from the corpus, quoting the sentences that say "
        "so with their file and lines; abstained=true when the corpus has no answer."
    )
    def ask(question: Annotated[str, Field(description="A question.")]) -> dict[str, Any]:
        return call(tools.ask, question)

    @server.tool(description="Rank the sections that cover a topic, each with its best evidence.")
    def which(
        topic: Annotated[str, Field(description="A topic.")],
        limit: Annotated[int, Field(ge=1, le=100, description="Most sections to return.")] = 10,
    ) -> dict[str, Any]:
        return call(tools.which, topic, limit)

    @server.tool(
        description="The full text of one section (by title, slug, id or unique prefix), "
        "paragraph by paragraph with line numbers."
    )
    def show(
        target: Annotated[str, Field(description="Section title, slug or id.")],
    ) -> dict[str, Any]:
        return call(tools.show, target)

    @server.tool(
        description="Check a quotation against the corpus: status exact, normalised (case, "
        "quote marks, dashes differ), near (with the differing words; changed numbers, dates "
        "and amounts are named) or not found, with source, section and lines."
    )
    def verify_quote(
        quote: Annotated[str, Field(description="The quoted text to check.")],
    ) -> dict[str, Any]:
        return call(tools.verify_quote, quote)

    return server
