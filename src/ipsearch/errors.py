"""Exit statuses and the typed errors the library raises.

The CLI maps these to exit codes in one place (``cli.main``); library code never exits.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitStatus(IntEnum):
    """ripgrep's convention: 0 found, 1 nothing found, 2 usage or input error."""

    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


class IpsearchError(Exception):
    """Base class: a one-line message for the user, and an exit status."""

    exit_status = ExitStatus.ERROR


class UsageError(IpsearchError):
    """Bad option values or arguments."""


class CorpusError(IpsearchError):
    """The corpus directory or a file in it cannot be read."""


class QueryError(IpsearchError):
    """The query cannot be parsed or run."""


class IndexError_(IpsearchError):
    """The index cannot be opened, written or is damaged."""


class IndexCorrupt(IndexError_):
    """The index on disk is damaged; the fix is a rebuild."""


class IndexLocked(IndexError_):
    """Another process holds the index write lock for too long."""


class NotFound(IpsearchError):
    """A named thing (section, file) does not exist: like a search with no hits."""

    exit_status = ExitStatus.NOT_FOUND


def read_input(path: Path, error: type[IpsearchError], what: str = "") -> str:
    """A UTF-8 input file's text (BOM allowed); ``error`` naming the file, and the line for
    bytes that are not UTF-8, instead of a decoding traceback."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise error(f"cannot read {what}{path}: {e.strerror or e}") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text") from e
