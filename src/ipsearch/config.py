"""Where the corpus and the index live: option, then environment, then local, then bundled."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ipsearch.errors import CorpusError

ENV_CORPUS = "IPSEARCH_CORPUS"
ENV_INDEX = "IPSEARCH_INDEX"


@dataclass(frozen=True)
class Locations:
    corpus: Path
    index: Path
    bundled: bool


def bundled_corpus() -> Path:
    return Path(__file__).parent / "corpus"


def resolve(corpus: str | None = None, index: str | None = None) -> Locations:
    bundled = False
    if corpus:
        cpath = Path(corpus)
    elif os.environ.get(ENV_CORPUS):
        cpath = Path(os.environ[ENV_CORPUS])
    elif Path("corpus").is_dir():
        cpath = Path("corpus")
    else:
        cpath, bundled = bundled_corpus(), True
    if not cpath.exists():
        raise CorpusError(f"corpus not found: {cpath}")
    if not cpath.is_dir():
        raise CorpusError(f"corpus is not a directory: {cpath}")
    if not os.access(cpath, os.R_OK | os.X_OK):
        raise CorpusError(f"corpus is not readable: {cpath}")
    if index:
        ipath = Path(index)
    elif os.environ.get(ENV_INDEX):
        ipath = Path(os.environ[ENV_INDEX])
    elif bundled:
        from platformdirs import user_data_dir

        ipath = Path(user_data_dir("ipsearch")) / "index"
    else:
        ipath = cpath.resolve().parent / "index"
    return Locations(cpath.resolve(), ipath.absolute(), bundled)
