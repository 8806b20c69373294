"""Whoosh's writer, made cheaper per posting without changing a byte it writes.

Profiled on 10,000 SciFact sections (keyword-only), two thirds of an ingest was Whoosh's
per-token and per-posting Python:

- analysis: every token of every field passes a chain of generators (tokenizer, lowercase,
  stop words, stemmer) as a mutable ``Token`` object, then ``Positions.word_values`` groups
  the positions by word. For ipsearch's own analyzer (``analysis.text_analyzer``) the same
  terms, positions and weights are made from one ``findall``, a list of lowercased words and
  one batched call of the C stemmer.
- field lengths at commit: ``add_postings`` asks the per-document reader for each posting's
  field length, decoding a column entry each time (once per posting, ~1.2 million calls for
  10,000 sections); they are read once per (section, field) instead.
- sorted runs: the posting buffer spills to disk a batch of postings per ``marshal`` call,
  not a pickle call per posting (``_write_run``).

Every patch of Whoosh's writing code is installed here, by ``speed_up_writing``, and its
original kept in ``ORIGINALS``. Any other analyzer, format or call takes Whoosh's own path.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator

from ipsearch.index.analysis import lower_words, plain_chain

# (class, attribute) → Whoosh's own function, once replaced (tests compare the two paths)
ORIGINALS: dict[tuple[type, str], object] = {}


def positions(value: str, chain) -> dict[str, list[int]]:
    """Each term of ``value`` with its positions, as the analyzer chain numbers them: a
    match's index, stop words then removed and the kept words renumbered on from the first."""
    pattern, stops, stem = chain
    words = lower_words(pattern, value)
    first = next((i for i, w in enumerate(words) if w not in stops), None)
    poses: dict[str, list[int]] = {}
    if first is None:
        return poses
    kept = [w for w in words[first:] if w not in stops]
    for j, term in enumerate(stem(kept), first):
        got = poses.get(term)
        if got is None:
            poses[term] = [j]
        else:
            got.append(j)
    return poses


def _encoded(fmt, value: str, chain) -> list[tuple[str, int, bytes]]:
    """(term, frequency, encoded positions) for each term of ``value``."""
    encode = fmt.encode
    one = _ONE if type(fmt).encode is _positions_encode() else {}
    out = []
    for w, poslist in positions(value, chain).items():
        if len(poslist) == 1:
            vbytes = one.get(poslist[0])
            if vbytes is None:
                vbytes = one[poslist[0]] = encode(poslist)
        else:
            vbytes = encode(poslist)
        out.append((w, len(poslist), vbytes))
    return out


_ONE: dict[int, bytes] = {}  # a term seen once in a field: its encoding by position


@functools.cache
def _positions_encode():
    from whoosh.formats import Positions

    return Positions.encode


def _postings(field, fieldname: str, value, docnum: int, boost: float):
    """A field value's postings for the pool, and the field length, made in one go on the
    fast path; None where Whoosh's own path applies."""
    from whoosh.formats import Positions

    fmt = field.format
    if type(fmt) is not Positions or not isinstance(value, str):
        return None
    chain = plain_chain(field.analyzer)
    if chain is None:
        return None
    fb = fmt.field_boost
    posts = []
    length = 0
    for w, n, vbytes in _encoded(fmt, value, chain):
        length += n
        posts.append((fieldname, w.encode("utf-8"), docnum, float(n) * fb * boost, vbytes))
    return posts, (length if field.scorable else 0)


def _add_document(self, **fields) -> None:
    """``SegmentWriter.add_document`` with the postings of fast-path fields (``_postings``)
    added to the pool a field at a time; every other step as Whoosh's."""
    from whoosh.util.text import utf8encode

    self._check_state()
    perdocwriter = self.perdocwriter
    schema = self.schema
    docnum = self.docnum
    docboost = self._doc_boost(fields)
    fieldnames = sorted([name for name in fields if not name.startswith("_")])
    self._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                fast = _postings(field, fieldname, value, docnum, boost)
                if fast is not None:
                    posts, length = fast
                    _pool_extend(self.pool, fieldname, posts)
                else:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        self.pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
            if field.separate_spelling():
                for word in field.spellable_words(value):
                    self.pool.add(
                        (field.spelling_fieldname(fieldname), utf8encode(word)[0], 0, 1, None)
                    )
            if field.vector:
                vitems = field.vector.word_values(value, field.analyzer, mode="index")
                vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                perdocwriter.add_vector_items(fieldname, field, vitems)
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            if field.column_type and customval is not None:
                cv = field.to_column_value(customval)
                perdocwriter.add_column_value(fieldname, field.column_type, cv)
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


def _fixed_size(fieldname: str) -> int:
    """Whoosh's own per-posting size estimate (tuple, field name, term, docnum, weight, value)
    without the term's and the value's lengths: runs are spilled at the same points."""
    return 48 + 21 + len(fieldname) + 26 + 34 + 21


def _pool_extend(pool, fieldname: str, posts: list) -> None:
    """``_pool_add`` for a list of one field's postings."""
    if not posts:
        return
    pool.fieldnames.add(fieldname)
    fixed = _fixed_size(fieldname)
    pool.currentsize += sum(fixed + 2 * len(p[1]) + len(p[4] or "") for p in posts)
    pool.current.extend(posts)
    if pool.currentsize > pool.limit:
        pool.save()


def _pool_add(self, item) -> None:
    """``PostingPool.add`` without its type assertions: the same size estimate, so runs are
    spilled at the same points."""
    self.fieldnames.add(item[0])
    self.currentsize += _fixed_size(item[0]) + 2 * len(item[1]) + len(item[4] or "")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


def _add_posting(self, id_, weight, vbytes, length=None) -> None:
    """``W3PostingsWriter.add_posting`` without its type assertions (the writer's own items)."""
    if len(self._ids) >= self._blocklimit:
        self._write_block()
    self._ids.append(id_)
    self._weights.append(weight)
    if weight > self._maxweight:
        self._maxweight = weight
    if vbytes:
        self._values.append(vbytes)
    if length:
        minlength = self._minlength
        if minlength is None or length < minlength:
            self._minlength = length
        if length > self._maxlength:
            self._maxlength = length


class _Lengths:
    """A per-document reader's field lengths, each decoded once (``None`` where Whoosh
    returns it, for a zero length byte)."""

    def __init__(self, pdr) -> None:
        self._pdr = pdr
        self._cols: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        col = self._cols.get(fieldname)
        if col is None:
            n = self._pdr.doc_count_all()
            col = [self._pdr.doc_field_length(d, fieldname, default) for d in range(n)]
            self._cols[fieldname] = col
        if docnum >= len(col):
            return self._pdr.doc_field_length(docnum, fieldname, default)
        return col[docnum]


class PostingsTap:
    """The postings of ``fields`` as the writer writes them, kept per segment in the shape
    the BM25F matrix is built from (``matrix.FieldPostings``): the matrix then needs no
    second read of every posting list after the commit.

    Set it as ``writer.postings_tap``; the writer's stream is in (field, term, section)
    order, as the segment stores it, with the weights it stores (32-bit floats)."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.segments: dict[str, list] = {}

    def wrap(self, segid: str, items: Iterator) -> Iterator:
        from ipsearch.index.matrix import FieldPostings

        per_field = {f: FieldPostings() for f in self.fields}
        cur = last = last_term = None
        start = 0
        for item in items:
            fieldname, term, docnum, weight, _ = item
            yield item
            if docnum < 0:  # a spelling word, not a posting
                continue
            if fieldname != last or term != last_term:
                if cur is not None:
                    cur.span[last_term] = (start, len(cur.ids))
                last, last_term = fieldname, term
                cur = per_field.get(fieldname)
                if cur is None:
                    continue
                start = len(cur.ids)
            if cur is not None:
                cur.ids.append(docnum)
                cur.weights.append(weight)
        if cur is not None:
            cur.span[last_term] = (start, len(cur.ids))
        self.segments[segid] = [per_field[f] for f in self.fields]


def _flush_segment(self) -> None:
    """``SegmentWriter._flush_segment`` with the field lengths read once (see ``_Lengths``)
    and the postings shown to a ``PostingsTap`` on their way to disk."""
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    postings = self.pool.iter_postings()
    tap = getattr(self, "postings_tap", None)
    if tap is not None:
        postings = tap.wrap(self.get_segment().segment_id(), postings)
    self.fieldwriter.add_postings(self.schema, _Lengths(pdr) if pdr else None, postings)
    self.fieldwriter.close()
    if pdr:
        pdr.close()


_RUN_BATCH = 4096
_RUN_SIZE = struct.Struct("<Q")  # a batch's length in bytes, before the batch


def _write_run(self, f, items) -> None:
    """``PostingPool._write_run`` a batch of postings at a time.

    Whoosh spills its posting buffer to disk in sorted runs and merges them at commit, pickling
    each posting on its own; with a bounded buffer (``generations.WRITER_MB``) a large ingest
    writes several runs, and one pickle call per posting each way cost about a third of the
    CPU of a 20 MB file. Lists of postings are written in one call each, with ``marshal``
    (a run is read back by the process that wrote it; a batch of 4,096 postings dumps and loads
    in ~1 ms against ~4.5 ms pickled); the order is unchanged.
    """
    import marshal

    size = _RUN_SIZE

    def flush(batch: list) -> None:
        data = marshal.dumps(batch)
        f.write(size.pack(len(data)))
        f.write(data)

    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= _RUN_BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    f.close()


def _read_run(self, path):
    """``PostingPool._read_run`` for runs ``_write_run`` wrote."""
    import marshal

    size = _RUN_SIZE
    f = self._open_run(path)
    try:
        while True:
            head = f.read(size.size)
            if len(head) < size.size:
                return
            yield from marshal.loads(f.read(size.unpack(head)[0]))
    finally:
        f.close()
        self._remove_run(path)


def speed_up_writing() -> None:
    """Install the fast paths (once per process; loads Whoosh's writing modules)."""
    if ORIGINALS:
        return
    from whoosh.codec.whoosh3 import W3PostingsWriter
    from whoosh.writing import PostingPool, SegmentWriter

    for cls, name, fast in [
        (SegmentWriter, "_flush_segment", _flush_segment),
        (SegmentWriter, "add_document", _add_document),
        (PostingPool, "add", _pool_add),
        (PostingPool, "_write_run", _write_run),
        (PostingPool, "_read_run", _read_run),
        (W3PostingsWriter, "add_posting", _add_posting),
    ]:
        ORIGINALS[cls, name] = getattr(cls, name)
        setattr(cls, name, fast)
