"""The index's fields: what a section is stored and searched as, and back again.

A section is searched by its body (heading path + text, rows with their header, fields with
their key), its own title, name, chair and acronyms, the document's title, and the words of its
file path (``manage-secrets``, ``ch03-02-data-types``). Field weights live in one dict,
``FIELD_BOOSTS``, used by the matrix, the query parser and the scorer alike.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime

from ipsearch.ingest import index_form
from ipsearch.ingest.model import Block
from ipsearch.models import Section

# Per-field weights of BM25F. The body carries the evidence; a section's title, its own name,
# chair and acronyms are short fields whose match says "this section is about that". The
# document's title and the words of the file path say what the whole page is about: they
# count, lightly, for each of its sections. Every field here is searched by plain words and
# by the query language, and ranked by the matrix.
# `doc` and `path` are fitted by scripts/fit_fields.py (grid 0-1, mean MRR@10 of the right page
# over six gold sets, keyword-only): 0.5/0.5 gives 0.791 against 0.783 for the former hand-set
# 0.3/0.2; left out of the fit, each set's MRR moved by -0.033..+0.025, within noise (the
# surface is flat: 0.765-0.791 over the whole grid).
FIELD_BOOSTS = {
    "body": 1.0,
    "section": 0.3,
    "name": 1.0,
    "chair": 1.0,
    "aliases": 1.0,
    "doc": 0.5,
    "path": 0.5,
}
# Page-wide fields: in every section of a page, so they say nothing about one section's words.
PAGE_FIELDS = ("doc", "path")
_BLOCK_FIELDS = [f.name for f in fields(Block)]
_OPTIONAL = [k for k in _BLOCK_FIELDS if k not in ("kind", "text", "first", "last")]


def make_schema():
    from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

    from ipsearch.index.analysis import text_analyzer

    stem = text_analyzer()
    return Schema(
        # A column too, so a ranking reads ids without decoding whole stored documents.
        id=ID(stored=True, unique=True, sortable=True),
        source=ID(stored=True),
        kind=ID(stored=True),
        section=TEXT(analyzer=stem, stored=True),
        name=TEXT(analyzer=stem, stored=True),
        aliases=TEXT(analyzer=stem),
        chair=TEXT(analyzer=stem, stored=True),
        body=TEXT(analyzer=stem),  # not stored: the blocks in `data` are the stored text
        doc=TEXT(analyzer=stem),
        path=TEXT(analyzer=stem),
        # The unstemmed words "did you mean" corrects against are a file beside the index
        # (index/vocabulary.py), not a field. Lines and positions are only read back, never
        # searched or sorted on: stored, with no terms to write.
        first_line=STORED(),
        last_line=STORED(),
        position=STORED(),
        published=DATETIME(stored=True),
        updated=DATETIME(stored=True),
        data=STORED(),
    )


def block_row(b: Block) -> dict:
    """A block as stored: fields left at their defaults are left out."""
    row = {"kind": b.kind, "text": b.text, "first": b.first, "last": b.last}
    for k in _OPTIONAL:
        v = getattr(b, k)
        if v is not None and v != 0:
            row[k] = v
    return row


def to_doc(s: Section) -> dict:
    def dt(d):
        return datetime(d.year, d.month, d.day) if d else None

    # What the section sits under (the document title, the headings above it) is page-wide
    # context: a field of its own, so the body's word statistics stay the section's own.
    context = dict.fromkeys([s.doc_title, *s.heading_path[:-1]])
    doc = {
        "id": s.id,
        "source": s.source,
        "kind": s.kind,
        "section": index_form(s.title),
        "name": s.name or "",
        "aliases": " ".join(s.aliases),
        "chair": s.chair or "",
        # The title is part of what a section says: a "flat" document (title + text) ranks
        # better than the text alone with a heavily boosted title (SciFact, README).
        "body": index_form(f"{s.title}\n{s.text}"),
        "doc": index_form(" ".join(c for c in context if c and c != s.title)),
        "path": s.source,
        "first_line": s.first_line,
        "last_line": s.last_line,
        "position": s.position,
        "data": json.dumps(
            {
                "blocks": [block_row(b) for b in s.blocks],
                "labels": s.labels,
                "aliases": s.aliases,
                "document": s.document,
                "file_hash": s.file_hash,
                "title_inferred": s.title_inferred,
                "heading_path": s.heading_path,
                "level": s.level,
                "metadata": s.metadata,
                "format": s.format,
                "title": s.title,
            },
            ensure_ascii=False,
        ),
    }
    for key in ("published", "updated"):
        if getattr(s, key):
            doc[key] = dt(getattr(s, key))
    return doc


def section_from_fields(f: dict) -> Section:
    """Stored fields → Section (the inverse of ``to_doc``)."""
    from ipsearch.sections import paragraphs_of

    data = json.loads(f.get("data") or "{}")
    blocks = [
        Block(**{k: v for k, v in row.items() if k in _BLOCK_FIELDS})
        for row in data.get("blocks", [])
    ]
    paragraphs = paragraphs_of(blocks)
    return Section(
        id=f["id"],
        source=f["source"],
        title=data.get("title", f["section"]),
        kind=f["kind"],
        first_line=f["first_line"],
        last_line=f["last_line"],
        text="\n".join(p.text for p in paragraphs),
        paragraphs=paragraphs,
        file_hash=data.get("file_hash", ""),
        chair=f.get("chair") or None,
        name=f.get("name") or None,
        aliases=data.get("aliases", []),
        labels=data.get("labels", {}),
        document=data.get("document"),
        published=f["published"].date() if f.get("published") else None,
        updated=f["updated"].date() if f.get("updated") else None,
        title_inferred=data.get("title_inferred", False),
        position=f.get("position", 0),
        doc_title=data.get("document") or "",
        heading_path=data.get("heading_path", []),
        level=data.get("level", 0),
        blocks=blocks,
        metadata=data.get("metadata", {}),
        format=data.get("format", ""),
    )
