"""Command line: parses options, calls the library, picks a renderer. Nothing else.

Errors are typed exceptions from the library; ``main`` maps them to one-line messages and exit
codes in one place (0 found, 1 nothing found, 2 usage or input error). The commands live in
``search``, ``ingest``, ``answer`` and ``tools``; their heavy imports stay inside each command.
"""

from __future__ import annotations

import os
import sys

# numpy's OpenBLAS starts a thread per core that busy-waits after each matrix product. A one-shot
# `ask` or `which` makes a single product (one query against the section vectors, too small to
# gain from threads) and then spun ~100 CPU ms that the rest of the command, on the other core,
# went without. Set before anything imports numpy; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from ipsearch.cli import answer, ingest, search, tools
from ipsearch.cli.app import CONTEXT
from ipsearch.errors import ExitStatus, IpsearchError


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="ipsearch")
def cli() -> None:
    """Search policy documents and cite the passages that answer.

    Exit status: 0 found, 1 nothing found or no answer, 2 usage or input error.
    """


# Commands that only read: once their output is written, nothing is left to save or close.
READ_ONLY = frozenset({"search", "ask", "which", "sections", "show", "verify"})


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and an exit code."""
    one_shot = argv is None and sys.argv[1:2] and sys.argv[1] in READ_ONLY
    if one_shot:
        # The cyclic collector's passes over every object alive (the rows of a 50,000-section
        # listing, the imported modules) cost a listing half its time at the default threshold
        # of 700 allocations; it still runs, less often, for whatever cycles a read makes (a
        # parsed HTML tree that `verify` checked a quote against).
        import gc

        gc.set_threshold(50_000, 20, 20)
    try:
        _main(argv)
    except SystemExit as e:
        if one_shot:
            _exit_now(e)
        raise


def _exit_now(e: SystemExit) -> None:
    """End the process without tearing the interpreter down: freeing every module and object
    of a one-shot command (numpy, Whoosh, the encoder) cost 40-90 CPU ms, more than some
    commands' own work. Only once the output is flushed and no other thread or child process
    runs (else the normal exit, which waits for them)."""
    import threading

    code = 0 if e.code is None else e.code
    # Only daemon threads may be left: nothing waits for those.
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if not isinstance(code, int) or any(not t.daemon for t in others):
        return
    if "multiprocessing" in sys.modules and sys.modules["multiprocessing"].active_children():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed pipe: the normal exit deals with it
    os._exit(code)


def _main(argv: list[str] | None) -> None:
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        from ipsearch.config import check_env

        check_env()
        # make_context + invoke rather than cli.main: click's main turns a broken pipe into a
        # bare exit 1 ("nothing found") before our handlers below could see it.
        with cli.make_context("ipsearch", args) as ctx:
            rv = cli.invoke(ctx)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e))
        sys.exit(ExitStatus.ERROR)
    except click.Abort:
        click.echo("ipsearch: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        msg = e.format_message().replace("\n", " ")
        click.echo(_one_line(f"ipsearch: error: {msg}", limit=2000), err=True)
        sys.exit(ExitStatus.ERROR)
    except IpsearchError as e:
        click.echo(
            f"ipsearch: error: {_one_line(str(e)) if str(e) else type(e).__name__}", err=True
        )
        sys.exit(e.exit_status)
    except KeyboardInterrupt:
        click.echo("ipsearch: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user. Point stdout
        # at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitStatus.FOUND)
    except Exception as e:
        if os.environ.get("IPSEARCH_DEBUG"):
            raise
        click.echo(_one_line(f"ipsearch: error: unexpected {type(e).__name__}: {e}"), err=True)
        sys.exit(ExitStatus.ERROR)
    sys.exit(int(rv) if isinstance(rv, int) else 0)


def _one_line(msg: str, limit: int = 300) -> str:
    """First line, shortened: messages quote the query, which may be 10,000 characters."""
    from ipsearch.safe_text import clean

    line = clean(msg.splitlines()[0]) if msg else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


for _command in (
    search.search,
    search.sections,
    search.show,
    ingest.ingest,
    ingest.corpora,
    ingest.watch,
    answer.ask,
    answer.which,
    answer.eval_,
    tools.verify,
    tools.mcp_,
    tools.bench_ir,
):
    cli.add_command(_command)
