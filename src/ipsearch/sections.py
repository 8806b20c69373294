"""Documents → indexed sections: one per section of the document model, with unique ids.

Everything the index needs about a section is derived here from its blocks (labels, chair,
name, page dates, the quotable paragraphs), so ``show`` and the QA layer never re-parse a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from ipsearch.ingest import index_form
from ipsearch.ingest.labels import DATE_RE, expansions, key_noun, label_of, names, parse_date
from ipsearch.ingest.model import Block, Document
from ipsearch.ingest.model import Section as DocSection
from ipsearch.ingest.recover import enumerated_topics
from ipsearch.locator import page_wide_section
from ipsearch.models import Paragraph, Section
from ipsearch.textutil import slug

__all__ = ["DATE_RE", "build_sections", "enumerated_topics", "expansions", "parse_date"]

_PUBLISHED = re.compile(r"(?:first\s+)?published\b:?\s*", re.I)
_UPDATED = re.compile(r"\b(?:last\s+)?updated\b:?\s*", re.I)
FOOTER_TITLE = "Publication history"
# Text of a section (characters) above which it is indexed as consecutive parts. The longest
# section of the evaluation corpora has ~52,000; one of many MB costs ~40x its size to index.
MAX_SECTION_CHARS = 256 * 1024


def paragraphs_of(blocks: Iterable[Block]) -> list[Paragraph]:
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
    for p in paragraphs_of(doc.blocks()):
        if published is not None and updated is not None:
            break
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
    return list(iter_sections(doc, file_hash))


def iter_sections(doc: Document, file_hash: str = "") -> Iterator[Section]:
    """The indexed sections of ``doc``, made one at a time as they are taken.

    What needs the whole document (page dates, the footer, unique ids) is settled here, before
    the first is taken, so a failure there is the caller's to handle; after it, each section's
    copies of its text (index text, paragraphs, stored blocks) exist only while it is written.
    """
    published, updated = _page_dates(doc)
    parts = [p for s in doc.sections for p in bounded(s)]
    if doc.format == "pdf":
        parts = [page_wide_section(s) for s in parts]
    footer = _split_footer(parts)
    noun = key_noun(doc.title)
    wants = [_want(s) for s in parts] + ([slug(FOOTER_TITLE)] if footer else [])
    ids = _Ids(wants)
    kinds = []
    for pos, s in enumerate(parts):
        kind = "record" if doc.format == "jsonl" else "section"
        if pos == 0 and len(parts) > 1 and (s.lead or s.title == doc.title):
            kind = "overview"
        kinds.append((s, kind, ids.take(wants[pos]), pos, noun, file_hash))
    if footer:
        kinds.append((footer, "metadata", ids.take(wants[-1]), len(parts), None, ""))
    # The sections go with the generator alone, so each one's blocks are freed once written
    # (the caller's ``doc`` keeps its own).
    return _made(replace(doc, sections=[]), kinds, published, updated, file_hash)


def _made(doc, todo: list, published, updated, file_hash: str) -> Iterator[Section]:
    for i, args in enumerate(todo):
        todo[i] = None
        x = _indexed(doc, *args)
        x.published, x.updated, x.file_hash = published, updated, file_hash
        yield x


def bounded(s: DocSection, limit: int | None = None) -> list[DocSection]:
    """``s``, or its consecutive parts of at most ``limit`` characters of text (cut between
    blocks) when it is longer: a section is what a search finds and a reader is shown, and a
    file of prose without headings would otherwise be one section of many megabytes. Parts
    after the first are titled "<title> (part N)", a title the file does not write."""
    limit = limit or MAX_SECTION_CHARS
    if sum(len(b.text) for b in s.blocks) <= limit:
        return [s]
    chunks: list[list[Block]] = [[]]
    size = 0
    has_text = False  # a part is never a heading alone
    for b in s.blocks:
        if size + len(b.text) > limit and has_text:
            chunks.append([])
            size, has_text = 0, False
        chunks[-1].append(b)
        size += len(b.text)
        has_text = has_text or b.kind != "heading"
    out = [replace(s, blocks=chunks[0], last=max(b.last for b in chunks[0]))]
    for n, chunk in enumerate(chunks[1:], 2):
        path = [*s.heading_path[:-1], f"{s.title} (part {n})"]
        first, last = chunk[0].first, max(b.last for b in chunk)
        out.append(DocSection(path, s.level, first, last, chunk, inferred=True))
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
