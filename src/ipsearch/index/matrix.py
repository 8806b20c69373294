"""The term × section BM25F matrix stored beside the Whoosh index: how it is built.

Whoosh stays the index of record. After each commit, every Whoosh segment gets its own
matrix, read from the segment's postings: the term frequency of each (term, field) pair per
section, and each section's field lengths as Whoosh stores them (a byte per length). Files
are plain ``.npy`` arrays in the generation folder, named after the segment, memory-mapped at
query time; segments never change once written, so an incremental update links the old
segments' files into the new generation and builds only the new segments' matrices.

Scores are computed at query time with the same formula, statistics and order of floating
point operations as the pure-Python accumulator this replaced (``ranker``), so a ranking is
identical to Whoosh's BM25F with Lucene's idf: the global statistics (section count, document
frequency, average field length) are sums over segments, exactly as Whoosh's multi-segment
reader computes them, and so stay right when another segment is added.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.index.indexdir import replace_atomically

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


class FieldPostings:
    """Every posting of one field in one segment, in term order, in two flat arrays (a few
    bytes a posting: Python lists took ~60 and a 50,000-section build ~1 GB). Read from a
    segment reader, or (no reader) filled as the writer writes them (``fastwrite``)."""

    def __init__(self, reader=None, field: str = "") -> None:
        self.ids = array("i")
        self.weights = array("f")
        self.span: dict[bytes, tuple[int, int]] = {}
        if reader is None or field not in set(reader.indexed_field_names()):
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

    per_field = [FieldPostings(reader, f) for f in fields]
    vocab, rows_ptr = _rows(per_field)
    docs = array("i")
    tfs = array("f")
    for ids, weights in _row_slices(per_field, vocab):
        docs.extend(ids)
        tfs.extend(weights)
    del per_field
    return {
        **_small_arrays(reader, fields, vocab, rows_ptr),
        "docs": np.frombuffer(docs, dtype=np.int32),
        "tf": np.frombuffer(tfs, dtype=np.float32),
    }


def _rows(per_field: list[FieldPostings]) -> tuple[list[bytes], array]:
    """The segment's terms in order and where each (term, field) row starts and ends."""
    vocab = sorted(set().union(*(p.span for p in per_field)))
    rows_ptr = array("q", [0])
    end = 0
    for t in vocab:
        for p in per_field:
            got = p.span.get(t)
            if got:
                end += got[1] - got[0]
            rows_ptr.append(end)
    return vocab, rows_ptr


def _row_slices(per_field: list[FieldPostings], vocab: list[bytes]):
    """(sections, weights) of each non-empty (term, field) row, in row order."""
    for t in vocab:
        for p in per_field:
            got = p.span.get(t)
            if got:
                yield p.ids[got[0] : got[1]], p.weights[got[0] : got[1]]


def _small_arrays(reader, fields: list[str], vocab: list[bytes], rows_ptr: array) -> dict:
    """Every array but the postings: vocabulary, row pointers, section ids, field lengths."""
    import numpy as np

    n = reader.doc_count_all()
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
        "lengths": lengths,
    }


def _save_segment(base: Path, reader, fields: list[str], tapped) -> None:
    """Write one segment's arrays; the postings are streamed to their files a row at a time,
    not first copied into one array each (half the memory of a large build)."""
    import numpy as np

    per_field = tapped or [FieldPostings(reader, f) for f in fields]
    vocab, rows_ptr = _rows(per_field)
    arrays = _small_arrays(reader, fields, vocab, rows_ptr)
    for name, arr in arrays.items():
        replace_atomically(
            base.with_name(f"{base.name}.{name}.npy"),
            lambda f, arr=arr: np.save(f, arr, allow_pickle=False),
        )
    total = rows_ptr[-1]
    for name, dtype, part in (("docs", "<i4", 0), ("tf", "<f4", 1)):

        def write(f, dtype=dtype, part=part) -> None:
            header = {"descr": dtype, "fortran_order": False, "shape": (total,)}
            np.lib.format.write_array_header_1_0(f, header)  # as np.save writes it
            for row in _row_slices(per_field, vocab):
                f.write(row[part].tobytes())

        replace_atomically(base.with_name(f"{base.name}.{name}.npy"), write)


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


def build(gen: Path, weights: Mapping[str, float], tapped: Mapping | None = None) -> int:
    """Write the matrix of every segment of ``gen`` that has none; returns how many were built.

    Matrices of segments no longer in the index (merged away) are removed. ``tapped``: segment
    id → postings per field of ``weights`` kept as they were written (``fastwrite``).
    """
    from whoosh.filedb.filestore import FileStorage

    fields = list(weights)
    # Read, not memory-mapped: every posting is read once, and mapped pages of a large
    # segment would stay in this process's memory until it exits.
    ix = FileStorage(str(gen), supports_mmap=False).open_index()
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
            _save_segment(base, seg_reader, fields, (tapped or {}).pop(segid, None))
            # The metadata goes last: a matrix without it is incomplete and rebuilt.
            meta = json.dumps(_segment_meta(seg_reader, fields))
            replace_atomically(meta_path, lambda f, meta=meta: f.write(meta.encode("utf-8")))
            built += 1
    for p in gen.glob(f"{PREFIX}*"):
        if p.name[len(PREFIX) :].split(".", 1)[0] not in keep:
            p.unlink(missing_ok=True)
    return built


def sync(gen: Path, notify: Callable[[str], None], tapped: Mapping | None = None) -> None:
    """Build ``gen``'s missing matrices for the searched fields; never fails the ingest.
    ``tapped``: see ``build``."""
    from whoosh import index as windex

    from ipsearch.index.ranker import SMALL_INDEX
    from ipsearch.index.schema import FIELD_BOOSTS

    try:
        with windex.open_dir(str(gen)).reader() as reader:
            if reader.doc_count_all() < SMALL_INDEX:
                return  # ranked in plain Python from the postings (index/ranker.py)
        build(gen, FIELD_BOOSTS, tapped)
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
