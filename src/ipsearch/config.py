"""Where the corpus and its index live, and the environment settings, checked once at start-up.

Corpus: ``--corpus``, then ``IPSEARCH_CORPUS``, then ``./corpus``, then the bundled corpus.
Index: ``--index``, then ``IPSEARCH_INDEX``, then ``./index`` for the ``./corpus`` convention
(or an existing ``index`` folder beside the corpus that holds this corpus's index), else one
index per corpus under the user data directory, keyed by the corpus's absolute path.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ipsearch.errors import CorpusError, UsageError

ENV_CORPUS = "IPSEARCH_CORPUS"
ENV_INDEX = "IPSEARCH_INDEX"
ENV_LOCK_TIMEOUT = "IPSEARCH_LOCK_TIMEOUT"
ENV_SEMANTIC = "IPSEARCH_SEMANTIC"
ENV_CACHE = "IPSEARCH_CACHE"
LOCK_TIMEOUT_DEFAULT = 60.0
# A day: longer is a mistake (or "inf"), and time.monotonic() + wait must stay finite.
LOCK_TIMEOUT_MAX = 86_400.0
SWITCH_VALUES = ("1", "0", "true", "false", "yes", "no", "on", "off")


@dataclass(frozen=True)
class Locations:
    corpus: Path
    index: Path
    bundled: bool


def bundled_corpus() -> Path:
    return Path(__file__).parent / "corpus"


def data_dir() -> Path:
    """ipsearch's folder in the user data directory (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("ipsearch"))


def cache_dir() -> Path:
    """Where files any run may rebuild are kept (the optimised encoder graph):
    ``IPSEARCH_CACHE``, else ipsearch's folder in the user cache directory."""
    explicit = os.environ.get(ENV_CACHE, "").strip()
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ipsearch"))


def indexes_dir() -> Path:
    return data_dir() / "indexes"


def default_index(corpus: Path) -> Path:
    """The index of ``corpus`` (absolute) in the data directory: readable name, unique key."""
    key = hashlib.sha256(os.fsencode(corpus)).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", corpus.name)[:40].strip("._") or "root"
    return indexes_dir() / f"{name}-{key}"


def check_env() -> None:
    """Every IPSEARCH_* setting, validated before any work starts (a usage error if bad)."""
    lock_timeout()
    value = os.environ.get(ENV_SEMANTIC)
    if value is not None and value.strip().lower() not in (*SWITCH_VALUES, ""):
        raise UsageError(f"{ENV_SEMANTIC}={value!r}: expected one of {', '.join(SWITCH_VALUES)}")


def lock_timeout() -> float:
    """Seconds a writer waits for another one (``IPSEARCH_LOCK_TIMEOUT``, default 60)."""
    raw = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    if not raw:
        return LOCK_TIMEOUT_DEFAULT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 <= value <= LOCK_TIMEOUT_MAX):  # also false for nan
        raise UsageError(
            f"{ENV_LOCK_TIMEOUT}={raw!r}: expected seconds from 0 to {LOCK_TIMEOUT_MAX:g}"
        )
    return value


def resolve(corpus: str | None = None, index: str | None = None) -> Locations:
    bundled = local = False
    if corpus:
        cpath = Path(corpus)
    elif os.environ.get(ENV_CORPUS):
        cpath = Path(os.environ[ENV_CORPUS])
    elif Path("corpus").is_dir():
        cpath, local = Path("corpus"), True
    else:
        cpath, bundled = bundled_corpus(), True
    if not cpath.exists():
        raise CorpusError(f"corpus not found: {cpath}")
    if not cpath.is_dir():
        raise CorpusError(f"corpus is not a directory: {cpath}")
    if not os.access(cpath, os.R_OK | os.X_OK):
        raise CorpusError(f"corpus is not readable: {cpath}")
    real = cpath.resolve()
    if index:
        ipath = Path(index)
    elif os.environ.get(ENV_INDEX):
        ipath = Path(os.environ[ENV_INDEX])
    elif local or _holds(real.parent / "index", real):
        ipath = real.parent / "index"
    else:
        ipath = default_index(real)
    return Locations(real, ipath.absolute(), bundled)


def _holds(index: Path, corpus: Path) -> bool:
    """Whether ``index`` is an existing ipsearch index built from ``corpus``."""
    from ipsearch.index.indexdir import indexed_corpus

    return index.is_dir() and indexed_corpus(index) == str(corpus)
