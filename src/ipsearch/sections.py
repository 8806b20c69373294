"""Documents → indexed sections: one per section of the document model, with unique ids.

Everything the index needs about a section is derived here from its blocks (labels, chair,
name, page dates, the quotable paragraphs), so ``show`` and the QA layer never re-parse a file.
"""

from __future__ import annotations

import re
from datetime import date

from ipsearch.ingest import index_form
from ipsearch.ingest.labels import DATE_RE, expansions, key_noun, label_of, names, parse_date
from ipsearch.ingest.model import Block, Document
from ipsearch.ingest.model import Section as DocSection
from ipsearch.ingest.recover import enumerated_topics
from ipsearch.models import Paragraph, Section
from ipsearch.textutil import slug

__all__ = ["DATE_RE", "build_sections", "enumerated_topics", "expansions", "parse_date"]

_PUBLISHED = re.compile(r"(?:first\s+)?published\b:?\s*", re.I)
_UPDATED = re.compile(r"\b(?:last\s+)?updated\b:?\s*", re.I)
FOOTER_TITLE = "Publication history"


def paragraphs_of(blocks: list[Block]) -> list[Paragraph]:
    """The quotable units of a section: each block but headings as a reader sees it; a
    <dt> term and its <dd> definition read as one ``Term definition`` line."""
    out: list[Paragraph] = []
    pending: Block | None = None
    for b in blocks:
        if b.kind == "heading":
            continue
        if b.kind == "definition" and pending is not None:
            out[-1] = Paragraph(f"{pending.text} {b.text}", pending.first, b.last)
            pending = None
            continue
        out.append(Paragraph(b.shown(), b.first, b.last))
        pending = b if b.kind == "term" else None
    return out


def labels_of(blocks: list[Block]) -> dict[str, str]:
    """``Label: value`` fields of a section: field blocks, one-line label paragraphs and short
    <dt>/<dd> pairs."""
    out: dict[str, str] = {}
    prev: Block | None = None
    for b in blocks:
        if b.kind == "field" and b.key:
            out.setdefault(b.key, b.text)
        elif b.kind == "paragraph" and (lab := label_of(b.text)) and lab[1]:
            out.setdefault(*lab)
        elif b.kind == "definition" and prev is not None and prev.kind == "term":
            key = prev.text.rstrip(":").strip()
            if key and len(key.split()) <= 4:
                out.setdefault(key, b.text)
        prev = b
    return out


def _page_dates(doc: Document) -> tuple[date | None, date | None]:
    published = updated = None
    for p in paragraphs_of(list(doc.blocks())):
        if published is None and _PUBLISHED.match(p.text):
            published = parse_date(p.text)
        m = _UPDATED.search(p.text)
        if updated is None and m:
            updated = parse_date(p.text[m.start() :])
    return published, updated


def _split_footer(sections: list[DocSection]) -> DocSection | None:
    """A publication footer ("Published 6 March 2015 ...") after the last heading is page
    metadata, not part of the last section: it is cut off as a section of its own."""
    if not sections:
        return None
    last = sections[-1]
    for i, b in enumerate(last.blocks):
        if b.kind == "paragraph" and _PUBLISHED.match(b.text) and parse_date(b.text):
            if i == 0 or all(x.kind == "heading" for x in last.blocks[:i]):
                return None  # the footer would be the whole section
            footer = DocSection([FOOTER_TITLE], 0, b.first, last.last, last.blocks[i:])
            last.blocks = last.blocks[:i]
            last.last = max(x.last for x in last.blocks)
            return footer
    return None


class _Ids:
    """Unique, stable ids within a file: a slug that two sections share gets the first free
    ``-N`` that no other section's own slug uses (``Funding!``, ``Funding?``, ``Funding 2``
    → funding, funding-3, funding-2)."""

    def __init__(self, natural: list[str]) -> None:
        self.natural = set(natural)
        self.used: set[str] = set()

    def take(self, want: str) -> str:
        sid = want
        if sid in self.used:
            n = 2
            while f"{want}-{n}" in self.used or f"{want}-{n}" in self.natural:
                n += 1
            sid = f"{want}-{n}"
        self.used.add(sid)
        return sid


def build_sections(doc: Document, file_hash: str = "") -> list[Section]:
    published, updated = _page_dates(doc)
    parts = list(doc.sections)
    footer = _split_footer(parts)
    noun = key_noun(doc.title)
    wants = [_want(s) for s in parts] + ([slug(FOOTER_TITLE)] if footer else [])
    ids = _Ids(wants)
    out: list[Section] = []
    for pos, s in enumerate(parts):
        kind = "record" if doc.format == "jsonl" else "section"
        if pos == 0 and len(parts) > 1 and (s.lead or s.title == doc.title):
            kind = "overview"
        out.append(_indexed(doc, s, kind, ids.take(wants[pos]), pos, noun, file_hash))
    if footer:
        out.append(_indexed(doc, footer, "metadata", ids.take(wants[-1]), len(parts), None, ""))
    for x in out:
        x.published, x.updated, x.file_hash = published, updated, file_hash
    return out


def _want(s: DocSection) -> str:
    return s.anchor if s.anchor is not None else slug(s.title or "section")


def _indexed(doc, s: DocSection, kind, sid, pos, noun, file_hash) -> Section:
    paras = paragraphs_of(s.blocks)
    labels = labels_of(s.blocks)
    title = doc.title if s.lead else (s.title or "Untitled")
    name, aliases = None, []
    if kind == "section":
        text = " ".join(p.text for p in paras if p.text.split(":")[0] not in labels)
        name, aliases = names(text, noun)
    chair = next((v for k, v in labels.items() if k.lower().startswith("chair")), None)
    return Section(
        id=f"{doc.source}#{sid}",
        source=doc.source,
        title=title,
        kind=kind,
        first_line=s.first,
        last_line=s.last,
        text="\n".join(index_text(s.blocks)),
        paragraphs=paras,
        file_hash=file_hash,
        chair=chair,
        name=name,
        aliases=aliases,
        labels=labels,
        document=doc.title,
        title_inferred=s.inferred,
        position=pos,
        doc_title=doc.title,
        heading_path=list(s.heading_path) if not s.lead else [doc.title],
        level=s.level,
        blocks=list(s.blocks),
        metadata=dict(doc.metadata),
        format=doc.format,
    )


def index_text(blocks: list[Block]) -> list[str]:
    """Each non-heading block as it is indexed: rows with their header, fields with their key,
    NFKC-normalised."""
    return [index_form(b.index_text()) for b in blocks if b.kind != "heading"]
