"""The document model every format parser returns: Document → Section → Block.

Every block knows its exact source lines (as ``grep -n`` numbers them: only LF ends a line) and
holds its text *as a reader sees it* (rendered Markdown/HTML, the PDF page), so a quote taken from
a block is verbatim text of the cited lines. Formats without lines say so in ``Document.unit``:
a DOCX numbers its paragraphs, a PDF numbers lines within each page (``Block.page``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Block kinds. "field" is a metadata field (front matter key, a ``Label: value`` line, an HTML
# <meta>); "term"/"definition" come from <dl>; "row" is one table row with its header cells.
BLOCK_KINDS = (
    "heading",
    "paragraph",
    "item",
    "row",
    "code",
    "quote",
    "field",
    "term",
    "definition",
)


@dataclass
class Block:
    """One quotable unit of a document, with its exact first/last source line (1-based)."""

    kind: str  # one of BLOCK_KINDS
    text: str  # as a reader sees it; a table row is its cells joined by " | "
    first: int
    last: int
    level: int = 0  # heading level (1-6); nesting depth of a list item (1 = top level)
    cells: list[str] | None = None  # table row: its cells as rendered
    header: list[str] | None = None  # table row: the header cells of its table
    key: str | None = None  # field: its key as written ("owner_slack", "Chaired by")
    page: int | None = None  # PDF: the 1-based page the block is on (lines count within it)
    raw: str | None = None  # field: its line(s) as a reader sees them ("Owner: Platform team")

    def shown(self) -> str:
        """The block as a reader sees it on its lines: a field with its key, as written."""
        return self.raw if self.raw is not None else self.text

    def index_text(self) -> str:
        """The text to index and answer from: a row reads as "Header: cell; ...", a field as
        "key: value", so a question that names a column or a key finds the value."""
        if self.kind == "row" and self.cells and self.header:
            pairs = [f"{h}: {c}" if h else c for h, c in zip(self.header, self.cells, strict=False)]
            return "; ".join(pairs)
        if self.kind == "field" and self.key:
            return f"{self.key}: {self.text}"
        return self.text


@dataclass
class Section:
    """A heading and the blocks up to the next heading of any level.

    ``heading_path`` runs from the top-level heading down to this one
    (``["Backups", "Nightly db-backup cronjobs"]``); the lead section (text before the first
    heading) has ``[document title]`` and level 0.
    """

    heading_path: list[str]
    level: int
    first: int
    last: int
    blocks: list[Block] = field(default_factory=list)
    lead: bool = False  # text before the first heading, titled by the document title
    inferred: bool = False  # the heading was recovered from the text, not written in the file
    anchor: str | None = None  # an id the file gives the section (a JSONL record's "id")

    @property
    def title(self) -> str:
        return self.heading_path[-1] if self.heading_path else ""


@dataclass
class Document:
    """One file as a reader sees it."""

    source: str  # path relative to the corpus root, "/" separated
    format: str  # "md" | "html" | "txt" | "jsonl" | "pdf" | "docx" | ...
    title: str
    title_from: str  # "front matter" | "h1" | "title" | "first line" | "file name" | "metadata"
    metadata: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unit: str = "line"  # what Block.first/last count: "line", or "paragraph" (DOCX)

    def blocks(self):
        for s in self.sections:
            yield from s.blocks
