"""Dense similarity between a query and each section, from the bundled sentence encoder.

Section vectors are computed at ingest, by the index writer under its lock, and stored in the
live generation beside the Whoosh files (``vectors.npz``: section ids, a hash of each embedded
text, the unit-length vectors, and a stamp of the corpus content they were made from). Only
sections whose text changed are embedded again; a rebuild reuses the previous generation's
vectors the same way. Queries are embedded at query time (one short text, a few milliseconds) by
``ipsearch.retrieval.dense``, which scores them against these vectors.

Everything heavy (numpy, onnxruntime, tokenizers, the model) is imported or loaded only when a
vector is needed, so keyword-only runs pay nothing for this module. When the model or its
runtime is missing, callers get ``None`` and go keyword-only; the reason is told once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.index.indexdir import replace_atomically
from ipsearch.models import Section
from ipsearch.textutil import split_sentences

if TYPE_CHECKING:
    import numpy as np

    from ipsearch.embed import Embedder

ENV = "IPSEARCH_SEMANTIC"
VECTORS = "vectors.npz"
Notify = Callable[[str], None]

_told: set[str] = set()
_told_lock = threading.Lock()


def tell_once(notify: Notify, msg: str) -> None:
    """A notice is said once per process, however many searches run into the same cause."""
    with _told_lock:
        if msg in _told:
            return
        _told.add(msg)
    notify(msg)


def wanted(flag: bool | None = None) -> bool:
    """Whether semantic retrieval is asked for: an explicit flag, else ``IPSEARCH_SEMANTIC``."""
    if flag is not None:
        return flag
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def model_dir() -> Path:
    return Path(__file__).parent / "model"


@cache
def unavailable() -> str | None:
    """Why dense retrieval cannot run here (model or runtime missing), or None when it can."""
    from importlib.util import find_spec

    missing = [m for m in ("numpy", "onnxruntime", "tokenizers") if find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed"
    if not (model_dir() / "model.onnx").is_file() or not (model_dir() / "tokenizer.json").is_file():
        return f"no embedding model in {model_dir()}"
    return None


@cache
def model_id() -> str:
    """Identifies the model weights, so vectors made by another model are never mixed in."""
    return embedder().digest()


@cache
def embedder() -> Embedder:
    from ipsearch.config import cache_dir
    from ipsearch.embed import Embedder

    return Embedder(model_dir(), cache_dir=cache_dir())


# A short query ("broadcasting") and a 200-word section are far apart in embedding space even
# when a phrase of the section ("media, games, publishing") is close to the query, so each
# section is embedded as several units and scored by its best ones. Two views are averaged:
#   0 "fine": the heading line (title, name, chair), the whole section, each sentence and each
#     clause (text between commas, "and", brackets ...), which catches single words;
#   1 "sentence": each sentence read under its heading, which keeps words in context.
# Either view alone let noise through (a clause matching a stray word; a long sentence drowning
# a one-word topic); their mean ranked 16 of 17 probe topics right on the seed page.
# Clauses cost many small embeddings, so a corpus with more than FINE_UNIT_BUDGET of them
# (thousands of long records) is embedded one vector per section instead (both views equal).
FINE_UNIT_BUDGET = 4000
_CLAUSE = re.compile(r"[,;:()]|\s+(?:and|or)\s+")
MAX_CLAUSE_WORDS = 12


def _head(s: Section) -> str:
    return " — ".join(x for x in dict.fromkeys((s.title, s.name)) if x)


def section_text(s: Section) -> str:
    """The whole section as one text, heading first (the encoder reads 256 word pieces)."""
    head = _head(s)
    return f"{head}. {s.text}" if head else s.text


def units(s: Section, fine: bool = True) -> list[tuple[int, str]]:
    """(view, text) pairs that stand for a section; see the note above."""
    whole = section_text(s)
    if not fine:
        return [(0, whole), (1, whole)]
    head = _head(s)
    sents = []
    for p in s.paragraphs:
        # "Chaired by: X" lines are fields, said once in the heading line instead.
        if p.text.split(":", 1)[0].strip() in s.labels:
            continue
        sents += [t.strip() for t in split_sentences(p.text) if t.strip()]
    clauses: list[str] = []
    for t in sents:
        for c in _CLAUSE.split(t):
            c = c.strip(" .")
            if c and c not in clauses and len(c.split()) <= MAX_CLAUSE_WORDS:
                clauses.append(c)
    chair = f" (chair: {s.chair})" if s.chair else ""
    out = [(0, head + chair), (0, whole)] if head else [(0, whole)]
    out += [(0, t) for t in dict.fromkeys(sents + clauses)]
    out += [(1, f"{head}: {t}" if head else t) for t in sents] or [(1, whole)]
    return out


def fine_units(sections: list[Section]) -> bool:
    return sum(len(units(s)) for s in sections) <= FINE_UNIT_BUDGET


def _text_hash(texts: list[tuple[int, str]]) -> str:
    return hashlib.sha256(f"{model_id()}\n{json.dumps(texts)}".encode()).hexdigest()[:20]


def corpus_stamp(manifest: dict) -> str:
    """Content of the indexed corpus (file → hash); vectors made from another one are stale."""
    files = {rel: e.get("hash") for rel, e in (manifest.get("files") or {}).items()}
    return hashlib.sha256(f"{model_id()}\n{json.dumps(files, sort_keys=True)}".encode()).hexdigest()


class SectionVectors:
    """Unit vectors of one index generation: rows grouped by section, then by view.

    ``starts[2*i + v]`` is the first row of section ``ids[i]``'s view ``v``; every group has at
    least one row, so a section's score is the mean over views of its best row.
    """

    def __init__(
        self,
        ids: list[str],
        hashes: list[str] | None,
        matrix: np.ndarray,
        starts: np.ndarray,
        stamp: str,
        kinds: list[str] | None = None,
    ) -> None:
        self.ids = ids
        self.kinds = kinds or [""] * len(ids)
        self._hashes = hashes
        self._gen: Path | None = None
        self.matrix = matrix
        self.starts = starts
        self.stamp = stamp

    @property
    def hashes(self) -> list[str]:
        """The hash of each section's embedded texts: read from the file only when asked (an
        ingest reusing vectors asks; a query never does, and at 20,000 sections they cost it
        ~10 ms)."""
        if self._hashes is None:
            import numpy as np

            assert self._gen is not None
            with np.load(self._gen / VECTORS, allow_pickle=False) as z:
                self._hashes = z["hashes"].tolist()
        return self._hashes

    def views(self, i: int) -> tuple[np.ndarray, list[int]]:
        end = self.starts[2 * i + 2] if 2 * i + 2 < len(self.starts) else len(self.matrix)
        rows = self.matrix[self.starts[2 * i] : end]
        split = int(self.starts[2 * i + 1] - self.starts[2 * i])
        return rows, [0] * split + [1] * (len(rows) - split)

    @classmethod
    def load(cls, gen: Path) -> SectionVectors | None:
        """The stored vectors, or None when absent or unreadable (they can be remade)."""
        import numpy as np

        try:
            with np.load(gen / VECTORS, allow_pickle=False) as z:
                # The rows are a separate array, memory-mapped: a query reads the pages it
                # needs instead of the whole matrix at start-up.
                stamp = str(z["stamp"])
                matrix = np.load(gen / _rows_file(stamp), mmap_mode="r", allow_pickle=False)
                if "hashes" not in z.files:
                    raise KeyError("hashes")
                out = cls(
                    z["ids"].tolist(),
                    None,
                    matrix.view(np.ndarray),
                    z["starts"].astype(np.int64, copy=False),
                    stamp,
                    z["kinds"].tolist(),
                )
        except (OSError, ValueError, KeyError):
            return None
        out._gen = gen
        return out

    def save(self, gen: Path) -> None:
        import numpy as np

        # The rows first, under a name made from the stamp, so the index file never names rows
        # that are not there. Each file is written under a random O_EXCL name and renamed, so a
        # reader never sees half a file and a link planted in the folder cannot take the write.
        rows = gen / _rows_file(self.stamp)
        replace_atomically(
            rows, lambda f: np.save(f, np.ascontiguousarray(self.matrix, dtype=np.float32))
        )
        replace_atomically(
            gen / VECTORS,
            lambda f: np.savez(
                f,
                ids=np.array(self.ids, dtype=str),
                hashes=np.array(self.hashes, dtype=str),
                starts=self.starts,
                stamp=np.array(self.stamp),
                kinds=np.array(self.kinds, dtype=str),
            ),
        )
        for old in gen.glob("vectors-*.npy"):
            if old.name != rows.name:
                old.unlink(missing_ok=True)


def _rows_file(stamp: str) -> str:
    return f"vectors-{stamp[:16]}.npy"


def is_current(gen: Path, manifest: dict) -> bool:
    v = SectionVectors.load(gen)
    return v is not None and v.stamp == corpus_stamp(manifest)


def sync(
    gen: Path,
    sections: Iterable[Section],
    manifest: dict,
    previous: Path | None = None,
    notify: Notify = lambda _m: None,
) -> int:
    """Make ``gen``'s vectors match ``sections``; returns how many sections were embedded.

    A section whose units are unchanged keeps its rows, from ``gen`` or from ``previous`` (the
    generation a rebuild replaces), so an edit to one file re-embeds only its sections.
    """
    import numpy as np

    known: dict[str, tuple[np.ndarray, int]] = {}  # hash -> (rows, rows in view 0)
    for d in (previous, gen):
        old = SectionVectors.load(d) if d else None
        if old is not None:
            for i, h in enumerate(old.hashes):
                rows, views = old.views(i)
                known[h] = (rows, views.count(0))
    sections = list(sections)
    fine = fine_units(sections)
    per = [units(s, fine) for s in sections]
    hashes = [_text_hash(u) for u in per]
    todo = [i for i, h in enumerate(hashes) if h not in known]
    enc = embedder()
    if sum(len(per[i]) for i in todo) > 200:
        notify(f"embedding {len(todo)} section(s) for semantic search")
    # One call for every text to embed, so the encoder keeps all cores busy; a text shared by
    # two views or two sections is embedded once (a vector depends on its text alone).
    ordered = {i: sorted(per[i], key=lambda u: u[0]) for i in todo}
    distinct = list(dict.fromkeys(t for i in todo for _, t in ordered[i]))
    vecs = enc.embed(distinct)
    row = {t: j for j, t in enumerate(distinct)}
    for i in todo:
        units_i = ordered[i]
        known[hashes[i]] = (vecs[[row[t] for _, t in units_i]], sum(v == 0 for v, _ in units_i))
    blocks, starts, at = [], [], 0
    for h in hashes:
        rows, n0 = known[h]
        starts += [at, at + n0]
        blocks.append(rows)
        at += len(rows)
    matrix = np.concatenate(blocks) if blocks else np.zeros((0, enc.dimension), np.float32)
    SectionVectors(
        [s.id for s in sections],
        hashes,
        matrix.astype(np.float32, copy=False),
        np.array(starts, dtype=np.int64),
        corpus_stamp(manifest),
        [s.kind for s in sections],
    ).save(gen)
    return len(todo)
