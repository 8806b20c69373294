"""BM25F of plain-word queries at query time: the memory-mapped matrix, or, for a small index,
the same sums in plain Python from Whoosh's postings (see ``matrix`` for the format)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.index.matrix import (
    ARRAYS,
    _files,
    _readable_meta,
    _segment_arrays,
    _segment_meta,
    lucene_idf,
)

if TYPE_CHECKING:
    import numpy as np

# Below this many sections a query is scored in plain Python from Whoosh's postings (a few
# milliseconds): importing numpy would cost a one-shot query more (~0.1 s, measured by
# benchmarks/startup.py) than the scoring it speeds up, and no matrix is built at ingest.
SMALL_INDEX = 5000


def ranker(gen: Path | None, reader, weights: Mapping[str, float], k1: float, b: float):
    """The fastest exact BM25F ranker for this index: ``top(terms, limit, allowed)``."""
    if reader.doc_count_all() < SMALL_INDEX:
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
        self._nonempty: dict[str, bool] = {}

    def section_id(self, docnum: int) -> str:
        if self._ids is None:
            self._ids = self.reader.column_reader("id")
        return self._ids[docnum]

    def frequencies(self, term: str, fields: list[str], prefix: bool) -> dict[tuple[str, str], int]:
        """``Matrix.frequencies`` from Whoosh's term index."""
        reader, out = self.reader, {}
        for f in fields:
            if not self._has_terms(f):
                continue
            found = reader.expand_prefix(f, term) if prefix else [term] * ((f, term) in reader)
            for u in found:
                u = u.decode("utf-8") if isinstance(u, bytes) else u
                out[(f, u)] = reader.doc_frequency(f, u)
        return out

    def _has_terms(self, field: str) -> bool:
        """Whether any section has a word in ``field``: a prefix lookup in a field that has
        none (``name`` in a corpus without names) still searches the whole term table."""
        if field not in self._nonempty:
            self._nonempty[field] = bool(self.reader.field_length(field))
        return self._nonempty[field]

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

    def term(self, row: int) -> bytes:
        offsets = self.a["offsets"]
        return self.a["vocab"][offsets[row] : offsets[row + 1]].tobytes()

    def first_row(self, key: bytes) -> int:
        """The first row whose term is not below ``key`` (binary search over the byte blob)."""
        lo, hi = 0, self.nterms
        while lo < hi:
            mid = (lo + hi) // 2
            if self.term(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def row(self, term: bytes) -> int:
        """Index of ``term`` in the vocabulary, or -1."""
        lo = self.first_row(term)
        return lo if lo < self.nterms and self.term(lo) == term else -1

    def prefixed(self, key: bytes) -> Iterator[tuple[int, bytes]]:
        """(row, term) of every term that begins with ``key``, in order."""
        r = self.first_row(key)
        while r < self.nterms and (t := self.term(r)).startswith(key):
            yield r, t
            r += 1


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

    def frequencies(self, term: str, fields: list[str], prefix: bool) -> dict[tuple[str, str], int]:
        """In how many sections each of ``fields`` holds ``term`` (with ``prefix``: each term
        that begins with it), as Whoosh's ``doc_frequency`` counts them: summed over segments,
        deleted sections included."""
        key, nf = term.encode("utf-8"), len(self.fields)
        cols = [(f, self.fields.index(f)) for f in fields]
        out: dict[tuple[str, str], int] = {}
        for s in self.segments:
            indptr = s.a["indptr"]
            found = s.prefixed(key) if prefix else [(s.row(key), key)]
            for r, t in found:
                if r < 0:
                    continue
                u = t.decode("utf-8")
                for f, col in cols:
                    row = r * nf + col
                    if n := int(indptr[row + 1] - indptr[row]):
                        out[(f, u)] = out.get((f, u), 0) + n
        return out

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
