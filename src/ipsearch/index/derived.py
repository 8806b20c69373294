"""Values worked out from a whole generation, kept beside it once worked out.

A generation never changes after it is committed, so anything computed from all its sections
(e.g. what a corpus calls its items, read from every section's name) holds as long as the
generation lives. The first process that needs such a value pays for it and leaves it in the
generation; later one-shot commands read a few bytes instead of every section. The value is
keyed by a stamp of the code that computes it, so changed code never reads an old answer, and
the file is never required: one that cannot be read or written (or that a crash left torn, as
it is not flushed to disk) is computed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import types
from collections.abc import Callable
from pathlib import Path

from ipsearch.index.indexdir import replace_atomically

PREFIX = "derived-"


def code_stamp(*parts: object) -> str:
    """A digest of functions' code and constants (and of any other values' repr): changes
    whenever the computation they make up changes."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, types.FunctionType):
            _hash_code(h, p.__code__)
        else:
            h.update(repr(sorted(p) if isinstance(p, set | frozenset) else p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def _hash_code(h, code: types.CodeType) -> None:
    # A nested code object (a comprehension, a lambda) is hashed by its content: its repr
    # holds its memory address, which differs in every process.
    h.update(code.co_code)
    h.update(repr(code.co_names).encode())
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _hash_code(h, c)
        else:
            h.update(repr(c).encode())
        h.update(b"\1")


def remembered(gen: Path | None, name: str, stamp: str, make: Callable[[], list]) -> list:
    """``make()``, read from ``gen`` when an earlier run of the same code left it there."""
    if gen is None:
        return make()
    path = gen / f"{PREFIX}{name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("stamp") == stamp and "value" in kept:
            return kept["value"]
    except (OSError, ValueError):
        pass
    value = make()
    data = json.dumps({"stamp": stamp, "value": value}, ensure_ascii=False).encode()
    # A read-only index or a generation just retired: computed again next time.
    with contextlib.suppress(OSError):
        replace_atomically(path, lambda f: f.write(data), durable=False)
    return value
