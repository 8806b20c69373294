"""Whoosh import tweaks, shared by ``index.py`` and ``search.py`` (the only Whoosh users).

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
