"""Whoosh import tweaks, shared by ``index.py`` and ``search.py`` (the only Whoosh users).

``whoosh.query`` imports its English morphology tables at import time, compiling one very large
regular expression (about 30 ms, a tenth of a one-shot query). Only the ``Variations`` query uses
them and ipsearch never builds one, so a stand-in defers the real import to first use.
"""

from __future__ import annotations

import importlib
import sys
import types

_NAME = "whoosh.lang.morph_en"


def _variations(word: str):
    sys.modules.pop(_NAME, None)
    return importlib.import_module(_NAME).variations(word)


if _NAME not in sys.modules:
    _stub = types.ModuleType(_NAME)
    _stub.variations = _variations  # type: ignore[attr-defined]
    sys.modules[_NAME] = _stub
