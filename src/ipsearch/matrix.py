"""BM25F of plain-word queries from a term × section matrix stored beside the Whoosh index.

Whoosh stays the index of record. After each commit, every Whoosh segment gets its own
matrix, read from the segment's postings: the term frequency of each (term, field) pair per
section, and each section's field lengths as Whoosh stores them (a byte per length). Files
are plain ``.npy`` arrays in the generation folder, named after the segment, memory-mapped at
query time; segments never change once written, so an incremental update links the old
segments' files into the new generation and builds only the new segments' matrices.

Scores are computed at query time with the same formula, statistics and order of floating
point operations as the pure-Python accumulator this replaced, so a ranking is identical to
Whoosh's BM25F with Lucene's idf: the global statistics (section count, document frequency,
average field length) are sums over segments, exactly as Whoosh's multi-segment reader
computes them, and so stay right when another segment is added.
"""

from __future__ import annotations

import json
import math
import os
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

PREFIX = "bm25f-"
FORMAT = 2
ARRAYS = ("vocab", "offsets", "ids", "id_offsets", "indptr", "docs", "tf", "lengths")


def lucene_idf(n: int, df: int) -> float:
    """Lucene's BM25 idf: never negative, and lower than Whoosh's for very common terms."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _length_table() -> np.ndarray:
    """Whoosh's byte → length decoding, as a lookup table (byte 0 reads as length 0)."""
    import numpy as np
    from whoosh.codec.whoosh3 import byte_to_length

    return np.array([0.0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


def _blocks(m, ids: array, weights: array) -> None:
    """Append a matcher's postings, a block at a time where Whoosh's matcher allows."""
    if hasattr(m, "_read_ids") and hasattr(m, "_next_block"):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            w = m._weights
            weights.extend(w if isinstance(w, array) and w.typecode == "f" else list(w))
            m._next_block()
        return
    for d, w in m.items_as("weight"):
        ids.append(d)
        weights.append(w)


class _FieldPostings:
    """Every posting of one field in one segment, in term order, in two flat arrays (a few
    bytes a posting: Python lists took ~60 and a 50,000-section build ~1 GB)."""

    def __init__(self, reader, field: str) -> None:
        self.ids = array("i")
        self.weights = array("f")
        self.span: dict[bytes, tuple[int, int]] = {}
        if field not in set(reader.indexed_field_names()):
            return
        terms = getattr(reader, "_terms", None)
        fmt = reader.schema[field].format
        if terms is None or not hasattr(terms, "items_from"):
            for t in reader.lexicon(field):
                self._add(t, reader.postings(field, t))
            return
        # The term table read in order: no hash lookup per term, and the deleted sections
        # kept (Whoosh's document frequencies count them; they are masked at query time).
        for (name, t), info in terms.items_from(field, b""):
            if name != field:
                break
            self._add(t, terms._codec.postings_reader(terms._postfile, info, fmt))

    def _add(self, term: bytes, matcher) -> None:
        start = len(self.ids)
        _blocks(matcher, self.ids, self.weights)
        self.span[term] = (start, len(self.ids))


def _segment_arrays(reader, fields: list[str]) -> dict[str, np.ndarray]:
    """The matrix of one segment reader: vocabulary, CSR rows per (term, field), lengths."""
    import numpy as np

    n = reader.doc_count_all()
    per_field = [_FieldPostings(reader, f) for f in fields]
    vocab = sorted(set().union(*(p.span for p in per_field)))
    rows_ptr = array("q", [0])
    docs = array("i")
    tfs = array("f")
    for t in vocab:
        for p in per_field:
            got = p.span.get(t)
            if got:
                docs.extend(p.ids[got[0] : got[1]])
                tfs.extend(p.weights[got[0] : got[1]])
            rows_ptr.append(len(docs))
    del per_field
    table = _length_table()
    lengths = np.zeros((len(fields), n), dtype=np.float32)
    for i, f in enumerate(fields):
        col = _length_bytes(reader, f) if n else None
        if col is not None:
            lengths[i] = table[col]
    ids = reader.column_reader("id") if reader.has_column("id") else None
    id_blob, id_offsets = _blob([ids[d].encode("utf-8") if ids else b"" for d in range(n)])
    blob, offsets = _blob(vocab)
    return {
        "vocab": blob,
        "offsets": offsets,
        "ids": id_blob,
        "id_offsets": id_offsets,
        "indptr": np.frombuffer(rows_ptr, dtype=np.int64),
        "docs": np.frombuffer(docs, dtype=np.int32),
        "tf": np.frombuffer(tfs, dtype=np.float32),
        "lengths": lengths,
    }


def _blob(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as one array of bytes and the offsets where each starts (and the end)."""
    import numpy as np

    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in items], out=offsets[1:])
    return np.frombuffer(b"".join(items), dtype=np.uint8), offsets


def _length_bytes(reader, field: str) -> np.ndarray | None:
    """Each section's length byte for ``field`` in one segment (None: the field is empty)."""
    import numpy as np
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    col = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if col is None:
        return None
    return np.fromiter((col[d] for d in range(reader.doc_count_all())), dtype=np.uint8)


def _segment_meta(reader, fields: list[str]) -> dict:
    return {
        "format": FORMAT,
        "fields": fields,
        "docs": reader.doc_count_all(),
        "field_length": {f: reader.field_length(f) for f in fields},
    }


def _files(gen: Path, segid: str) -> Path:
    return gen / f"{PREFIX}{segid}"


def build(gen: Path, weights: Mapping[str, float]) -> int:
    """Write the matrix of every segment of ``gen`` that has none; returns how many were built.

    Matrices of segments no longer in the index (merged away) are removed.
    """
    import numpy as np
    from whoosh import index as windex

    fields = list(weights)
    ix = windex.open_dir(str(gen))
    built = 0
    keep: set[str] = set()
    with ix.reader() as reader:
        for seg_reader, _ in reader.leaf_readers():
            if seg_reader.segment() is None:  # an empty index has no segment
                continue
            segid = seg_reader.segment().segment_id()
            keep.add(segid)
            base = _files(gen, segid)
            meta_path = base.with_name(base.name + ".json")
            if meta_path.exists() and _readable_meta(meta_path, fields):
                continue
            arrays = _segment_arrays(seg_reader, fields)
            for name, arr in arrays.items():
                tmp = base.with_name(f"{base.name}.{name}.tmp{os.getpid()}.npy")
                np.save(tmp, arr, allow_pickle=False)
                os.replace(tmp, base.with_name(f"{base.name}.{name}.npy"))
            # The metadata goes last: a matrix without it is incomplete and rebuilt.
            tmp = meta_path.with_name(meta_path.name + f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(_segment_meta(seg_reader, fields)))
            os.replace(tmp, meta_path)
            built += 1
    for p in gen.glob(f"{PREFIX}*"):
        if p.name[len(PREFIX) :].split(".", 1)[0] not in keep:
            p.unlink(missing_ok=True)
    return built


def sync(gen: Path, notify: Callable[[str], None]) -> None:
    """Build ``gen``'s missing matrices for the searched fields; never fails the ingest."""
    from ipsearch.query import FIELD_BOOSTS

    try:
        build(gen, FIELD_BOOSTS)
    except Exception as e:  # a search still ranks the same, building the matrix in memory
        notify(f"warning: ranking matrix not written ({type(e).__name__}: {e})")


def _readable_meta(path: Path, fields: list[str]) -> dict | None:
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT or meta.get("fields") != fields:
        return None
    return meta


def reference_top(searcher, terms: list[str], weights: Mapping[str, float], limit: int):
    """The ranking the matrix must equal: Whoosh's own searcher on an OR of every term in
    every field (with ``weights``), best first, ties by section number (tests, benchmarks)."""
    from whoosh.query import Or, Term

    q = Or([Term(f, t, boost=b) for t in dict.fromkeys(terms) for f, b in weights.items()])
    ranked = [(r.docnum, r.score) for r in searcher.search(q, limit=None)]
    return sorted(ranked, key=lambda x: (-x[1], x[0]))[:limit]


# Below this many sections a query is scored in plain Python from Whoosh's postings (a few
# milliseconds), unless numpy is loaded already: importing it would cost a one-shot query more
# (~0.1 s, measured by benchmarks/startup.py) than the scoring it speeds up.
SMALL_INDEX = 5000


def ranker(gen: Path | None, reader, weights: Mapping[str, float], k1: float, b: float):
    """The fastest exact BM25F ranker for this index: ``top(terms, limit, allowed)``."""
    import sys

    if "numpy" not in sys.modules and reader.doc_count_all() < SMALL_INDEX:
        return SmallRanker(reader, weights, k1, b)
    return Matrix.open(gen, reader, weights, k1, b)


class SmallRanker:
    """BM25F accumulated term at a time from Whoosh's postings, in plain Python; the same
    scores as ``Matrix`` in the same order of floating point operations."""

    def __init__(self, reader, weights: Mapping[str, float], k1: float, b: float) -> None:
        self.reader = reader
        self.weights = dict(weights)
        self.k1, self.b = k1, b
        self.n = reader.doc_count_all()
        self.deleted = set(range(self.n)) - set(reader.all_doc_ids())
        self._ids = None

    def section_id(self, docnum: int) -> str:
        if self._ids is None:
            self._ids = self.reader.column_reader("id")
        return self._ids[docnum]

    def top(
        self, terms: list[str], limit: int, allowed=None
    ) -> tuple[int, list[tuple[int, float]]]:
        import heapq

        reader, k1, b = self.reader, self.k1, self.b
        scores: dict[int, float] = {}
        for term in dict.fromkeys(terms):
            for field, boost in self.weights.items():
                if (field, term) not in reader:
                    continue
                avg = (reader.field_length(field) / max(self.n, 1)) or 1.0
                w = boost * lucene_idf(self.n, reader.doc_frequency(field, term)) * (k1 + 1)
                base, per_len = k1 * (1 - b), k1 * b / avg
                length = reader.doc_field_length
                for d, tf in reader.postings(field, term).items_as("weight"):
                    ln = float(length(d, field, 0) or 0)
                    scores[d] = scores.get(d, 0.0) + w * tf / (tf + base + per_len * ln)
        keep = set(allowed) if allowed is not None else None
        items = [
            (d, v)
            for d, v in scores.items()
            if d not in self.deleted and (keep is None or d in keep)
        ]
        best = heapq.nsmallest(limit, items, key=lambda x: (-x[1], x[0]))
        return len(items), best


class _Segment:
    """One segment's matrix (memory-mapped, or built in memory when its files are missing)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], meta: dict, offset: int, deleted) -> None:
        self.a = arrays
        self.meta = meta
        self.offset = offset
        self.n = meta["docs"]
        self.deleted = sorted(deleted)
        self.nterms = len(arrays["offsets"]) - 1

    def row(self, term: bytes) -> int:
        """Index of ``term`` in the vocabulary, or -1 (binary search over the byte blob)."""
        offsets, vocab = self.a["offsets"], self.a["vocab"]
        lo, hi = 0, self.nterms
        while lo < hi:
            mid = (lo + hi) // 2
            t = vocab[offsets[mid] : offsets[mid + 1]].tobytes()
            if t < term:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.nterms and vocab[offsets[lo] : offsets[lo + 1]].tobytes() == term:
            return lo
        return -1


class Matrix:
    """BM25F ranking of one open index from the per-segment matrices."""

    def __init__(self, segments: list[_Segment], weights: Mapping[str, float], k1, b) -> None:
        self.segments = segments
        self.fields = list(weights)
        self.boosts = [weights[f] for f in self.fields]
        self.k1, self.b = k1, b
        self.n = sum(s.n for s in segments)
        self.field_length = [
            sum(s.meta["field_length"].get(f, 0) for s in segments) for f in self.fields
        ]

    @classmethod
    def open(cls, gen: Path | None, reader, weights: Mapping[str, float], k1, b) -> Matrix:
        """The matrix of ``reader``'s segments: stored files where present, else built now."""
        import numpy as np

        fields = list(weights)
        segments = []
        for seg_reader, offset in reader.leaf_readers():
            if seg_reader.segment() is None:  # an empty index has no segment
                continue
            segid = seg_reader.segment().segment_id()
            base = _files(gen, segid) if gen else None
            meta = _readable_meta(base.with_name(base.name + ".json"), fields) if base else None
            arrays = None
            if meta is not None:
                try:
                    # Plain array views of the maps: numpy's memmap subclass makes every
                    # slice cost microseconds of bookkeeping.
                    arrays = {
                        name: np.load(
                            base.with_name(f"{base.name}.{name}.npy"),
                            mmap_mode="r",
                            allow_pickle=False,
                        ).view(np.ndarray)
                        for name in ARRAYS
                    }
                except (OSError, ValueError):
                    arrays = None
            if arrays is None:
                # An index written before matrices existed, or a damaged file: same scores,
                # built from the postings in memory (slower, and not saved without the lock).
                arrays = _segment_arrays(seg_reader, fields)
                meta = _segment_meta(seg_reader, fields)
            segments.append(_Segment(arrays, meta, offset, seg_reader.segment().deleted_docs()))
        return cls(segments, weights, k1, b)

    def scores(self, terms: list[str], allowed=None) -> tuple[np.ndarray, np.ndarray]:
        """(global section numbers, scores) of every section matching any of ``terms``."""
        import numpy as np

        keys = [t.encode("utf-8") for t in dict.fromkeys(terms)]
        nf = len(self.fields)
        per_seg = [[s.row(k) for k in keys] for s in self.segments]
        out_docs, out_scores = [], []
        for s, rows in zip(self.segments, per_seg, strict=True):
            acc = np.zeros(s.n, dtype=np.float64)
            touched = np.zeros(s.n, dtype=bool)
            indptr, docs, tf, lengths = s.a["indptr"], s.a["docs"], s.a["tf"], s.a["lengths"]
            for ti, key in enumerate(keys):
                for fi in range(nf):
                    weight = self._weight(per_seg, ti, fi, key)
                    if weight is None or rows[ti] < 0:
                        continue
                    r = rows[ti] * nf + fi
                    lo, hi = int(indptr[r]), int(indptr[r + 1])
                    if lo == hi:
                        continue
                    d = np.asarray(docs[lo:hi])
                    f = np.asarray(tf[lo:hi], dtype=np.float64)
                    w, base, per_len = weight
                    ln = lengths[fi][d].astype(np.float64)
                    acc[d] += w * f / (f + base + per_len * ln)
                    touched[d] = True
            if s.deleted:
                touched[s.deleted] = False
            hit = np.flatnonzero(touched)
            out_docs.append(hit + s.offset)
            out_scores.append(acc[hit])
        if not out_docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        docs_all = np.concatenate(out_docs)
        scores_all = np.concatenate(out_scores)
        if allowed is not None:
            keep = np.isin(docs_all, allowed)
            docs_all, scores_all = docs_all[keep], scores_all[keep]
        return docs_all, scores_all

    def section_id(self, docnum: int) -> str:
        """The section id of a global section number (stored with the matrix)."""
        for s in reversed(self.segments):
            if docnum >= s.offset:
                i = docnum - s.offset
                lo, hi = s.a["id_offsets"][i], s.a["id_offsets"][i + 1]
                return s.a["ids"][lo:hi].tobytes().decode("utf-8")
        raise IndexError(docnum)

    def _weight(self, per_seg, ti: int, fi: int, key: bytes):
        """(boost × idf × (k1 + 1), k1 (1 − b), k1 b / avg length) for a term in a field."""
        df = 0
        for s, rows in zip(self.segments, per_seg, strict=True):
            r = rows[ti]
            if r >= 0:
                row = r * len(self.fields) + fi
                df += int(s.a["indptr"][row + 1] - s.a["indptr"][row])
        if not df:
            return None
        k1, b = self.k1, self.b
        avg = (self.field_length[fi] / max(self.n, 1)) or 1.0
        return (self.boosts[fi] * lucene_idf(self.n, df) * (k1 + 1), k1 * (1 - b), k1 * b / avg)

    def top(
        self, terms: list[str], limit: int, allowed=None
    ) -> tuple[int, list[tuple[int, float]]]:
        """(number matching, [(global section number, score)] best first, ties by number)."""
        import numpy as np

        docs, scores = self.scores(terms, allowed)
        total = int(len(docs))
        if not total:
            return 0, []
        if total > limit:
            cut = np.argpartition(-scores, limit - 1)[:limit]
            # Sections tied with the last one kept compete on number, as a full sort would.
            edge = scores[cut].min()
            cut = np.flatnonzero(scores >= edge)
            docs, scores = docs[cut], scores[cut]
        order = np.lexsort((docs, -scores))[:limit]
        return total, [(int(docs[i]), float(scores[i])) for i in order]
