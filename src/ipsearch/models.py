"""Plain dataclasses passed between the stages: files → blocks → sections → hits → answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Block:
    """One paragraph-like unit of a source file, as a parser found it."""

    kind: str  # "heading" | "para" | "item"
    text: str
    first: int  # 1-based, inclusive
    last: int
    level: int = 0  # heading level when known (HTML, Markdown); 0 for plain text


@dataclass
class ParsedFile:
    """What a format parser returns: the blocks of one file, in order."""

    source: str  # path relative to the corpus root, "/" separated
    fmt: str  # "txt" | "html" | "md" | "jsonl"
    blocks: list[Block]
    title: str | None = None  # the document's own title when the format states it
    warnings: list[str] = field(default_factory=list)
    records: list[dict] | None = None  # jsonl: one pre-made section per record


@dataclass
class Paragraph:
    """A quotable unit of a section with its exact line range."""

    text: str
    first: int
    last: int


@dataclass
class Section:
    id: str
    source: str
    title: str
    kind: str  # "overview" | "section" | "metadata" | "record"
    first_line: int
    last_line: int
    text: str
    paragraphs: list[Paragraph]
    file_hash: str = ""
    chair: str | None = None
    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    document: str | None = None
    published: date | None = None
    updated: date | None = None
    title_inferred: bool = False
    position: int = 0

    @property
    def lines(self) -> tuple[int, int]:
        return (self.first_line, self.last_line)


@dataclass
class Hit:
    rank: int
    score: float
    id: str
    source: str  # a path that opens from the current directory
    corpus_path: str  # relative to the corpus root
    section: str
    chair: str | None
    lines: tuple[int, int]
    snippet: str
    name: str | None = None
    kind: str = "section"
    terms: list[str] = field(default_factory=list)  # matched index terms
    snippet_lines: tuple[int, int] | None = None  # the paragraph the snippet quotes


@dataclass
class SearchResult:
    query: str
    corrected: str | None
    total: int
    hits: list[Hit]


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    sections: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def to_dict(obj) -> dict:
    """Dataclass → JSON-ready dict (dates as ISO strings, tuples as lists)."""
    d = asdict(obj)

    def fix(v):
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, tuple):
            return [fix(x) for x in v]
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    return {k: fix(v) for k, v in d.items()}
