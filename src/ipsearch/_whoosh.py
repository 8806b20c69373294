"""Whoosh import tweaks, shared by ``ipsearch.index`` and ``ipsearch.retrieval`` (Whoosh users).

A one-shot query spends most of its time importing. Whoosh pulls in three things at import time
that a search never uses, together about a quarter of a one-shot ``ipsearch search``:

- ``whoosh.lang.morph_en``: English morphology tables, one huge regular expression (~30 ms);
  only the ``Variations`` query uses them and ipsearch never builds one.
- ``urllib.request`` (with http.client, ssl, email: ~15 ms): ``whoosh.compat`` re-exports
  ``urlretrieve`` for its developer tools.
- ``asyncio`` (~15 ms): the ``cached_property`` backport checks for coroutines, which Whoosh's
  properties never are; the standard library's ``functools.cached_property`` does the same job.

Each gets a stand-in that loads the real module on first real use, so behaviour is unchanged
for any other code in the process. This must be imported before anything imports Whoosh.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types


class _Deferred(types.ModuleType):
    """Stands in for a module; any attribute it does not define loads the real one."""

    def __getattr__(self, attr: str):
        # The import system probes dunders (``__path__``) during ``from x import y``; answering
        # them would load the real module at once and undo the deferral.
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


def _real(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), _Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def _defer(name: str, **eager) -> None:
    if name in sys.modules:
        return
    stub = _Deferred(name)
    stub.__dict__.update(eager)
    sys.modules[name] = stub
    parent, _, child = name.rpartition(".")
    if parent:
        # ``import a.b`` then ``a.b.x`` reads the attribute of the package, not sys.modules.
        setattr(importlib.import_module(parent), child, stub)


def _variations(word: str):
    return _real("whoosh.lang.morph_en").variations(word)


def _urlretrieve(*args, **kwargs):
    return _real("urllib.request").urlretrieve(*args, **kwargs)


_defer("whoosh.lang.morph_en", variations=_variations)
_defer("urllib.request", urlretrieve=_urlretrieve)
_defer("cached_property", cached_property=functools.cached_property)


class _View:
    """A read-only file over a memoryview, without copying it.

    Whoosh reads each part of a compound segment through ``BufferFile``, which wraps the
    memory-mapped part in ``BytesIO`` and so copies it: a one-shot search of a 50,000-section
    index copied ~170 MB (0.2 s, 390 MB RSS). This reads the map in place.
    """

    def __init__(self, buf) -> None:
        self._buf = memoryview(buf)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), self._pos + n)
        out = self._buf[self._pos : end].tobytes()
        self._pos = end
        return out

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        end = len(self._buf) if limit is None or limit < 0 else self._pos + limit
        chunk = self._buf[self._pos : end].tobytes()
        i = chunk.find(b"\n")
        return self.read(i + 1 if i >= 0 else len(chunk))

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._buf))[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf.release()


def share_segment_buffers() -> None:
    """Make Whoosh read compound segment parts in place (see ``_View``)."""
    from whoosh.filedb import structfile

    def init(self, buf, name=None, onclose=None) -> None:
        self._buf = buf
        self._name = name
        self.file = _View(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    structfile.BufferFile.__init__ = init
