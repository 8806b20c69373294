"""Plain dataclasses passed between the stages: files → blocks → sections → hits → answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ingest imports this module; the annotation is only for readers and linters
    from ipsearch.ingest.model import Block as DocBlock


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
    # The document model (ingest/model.py) as stored, so show and QA never re-parse:
    doc_title: str = ""  # the document's title
    heading_path: list[str] = field(default_factory=list)  # top heading → this section
    level: int = 0  # heading level; 0 for a document's lead section
    blocks: list[DocBlock] = field(default_factory=list)  # rendered blocks with source lines
    metadata: dict[str, str] = field(default_factory=dict)  # the document's metadata fields
    format: str = ""  # the source file's format ("md", "html", "pdf", ...)

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
    snippet_lines: tuple[int, int] | None = None  # the paragraph the snippet quotes
    title: str = ""  # the document's title
    heading_path: list[str] = field(default_factory=list)
    block_kind: str | None = None  # kind of the block the snippet quotes
    page: int | None = None  # PDF: the page ``lines`` count within
    unit: str = "line"  # what ``lines`` count: "line", or "paragraph" (DOCX, ODT)


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
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Citation:
    """One quoted sentence and where to check it: ``source:first-last`` and its section."""

    source: str  # a path that opens from the current directory
    corpus_path: str  # relative to the corpus root
    section: str
    chair: str | None
    lines: tuple[int, int]
    quote: str  # verbatim text of the source within ``lines`` (whitespace normalised)
    name: str | None = None
    score: float = 0.0
    title: str = ""  # the document's title
    heading_path: list[str] = field(default_factory=list)
    kind: str | None = None  # kind of the quoted block (paragraph, row, field, ...)
    page: int | None = None  # PDF: the page ``lines`` count within
    unit: str = "line"  # what ``lines`` count: "line", or "paragraph" (DOCX, ODT)


@dataclass
class Answer:
    """What ``ask`` returns: a short answer (or None) with its evidence, best first."""

    question: str
    answer: str | None
    type: (
        str  # which | chair | amount | date | number | expansion | name | agent | entity | sentence
    )
    confidence: float
    citations: list[Citation]
    abstained: bool = False
    closest: list[Citation] = field(default_factory=list)  # nearest passages when abstaining
    corrected: str | None = None  # the question's topic after spelling correction


@dataclass
class TopicMatch:
    """A section that covers a topic, with its best evidence sentence."""

    section: str
    name: str | None
    chair: str | None
    score: float  # in [0, 1]: weighted share of the topic's words the section matches
    evidence: Citation


@dataclass
class TopicResult:
    topic: str
    corrected: str | None
    sections: list[TopicMatch]


@dataclass
class EvalOutcome:
    """One gold item as the tool handled it."""

    id: str
    question: str
    kind: str
    command: str
    expected_section: str | None
    expected_answers: list[str]
    answer: str | None = None
    first_section: str | None = None
    abstained: bool = False
    section_ok: bool | None = None  # None: the item does not score this metric
    answer_ok: bool | None = None
    reciprocal_rank: float | None = None
    quotes: int = 0
    quotes_verified: int = 0
    expected_source: str | None = None  # shared gold form: a substring of the answering path
    first_source: str | None = None
    confidence: float = 0.0
    answer_type: str = ""
    wrong: bool = False  # a short answer was printed and it is not an accepted one


@dataclass
class EvalReport:
    outcomes: list[EvalOutcome]
    section_at_1: float | None
    answer_accuracy: float | None
    abstention_rate: float | None  # over negative items: share that abstained
    false_abstentions: int  # answerable ask items that abstained
    mrr_at_10: float | None
    quotes_verified: float | None
    wrong_answers: int = 0  # answerable ask items given a wrong short answer
    answerable: int = 0  # non-negative ask items with accepted answers
    by_kind: dict[str, dict] = field(default_factory=dict)
    calibration: list[dict] = field(default_factory=list)
