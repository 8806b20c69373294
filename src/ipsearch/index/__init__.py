"""The index: Whoosh (stored fields, postings, generations) with the BM25F matrix beside it.

Modules: ``store`` (IndexStore: reading, the lock, updates), ``generations`` (writing one and
swapping it in), ``indexdir`` (the folder on disk), ``freshness`` (is it in line with the
corpus), ``schema`` and ``analysis`` (Whoosh fields and analyzers), ``matrix`` and ``ranker``
(the BM25F matrix: built after commit, read at query time), ``parsepool`` (files → sections).
"""

from __future__ import annotations

import importlib

# Public names → the module that defines them, loaded on first use so that a light module of
# the package (``indexdir`` for ``config``) does not import Whoosh. SnowballStemFilter must stay
# importable here: Whoosh pickled it into existing indexes as ``ipsearch.index.SnowballStemFilter``.
_HOME = {
    "STOPWORDS": "analysis",
    "SnowballStemFilter": "analysis",
    "text_analyzer": "analysis",
    "RACY_NS": "freshness",
    "ensure_fresh": "freshness",
    "stderr_notify": "freshness",
    "SCHEMA_VERSION": "generations",
    "DAMAGE_ERRORS": "indexdir",
    "damaged": "indexdir",
    "section_from_fields": "schema",
    "IndexStore": "store",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
