"""Layout analysis of extracted PDF lines: running headers and footers, body text, headings and
paragraphs, then the Document. Works on :class:`~ipsearch.ingest.pdf.Line` records only.

Every decision is relative to the document itself: the body font size is the size most of its
text is set in, the line pitch the spacing most of its lines keep; a heading is a short run of
lines set larger (or bold at body size), a paragraph ends at a wider gap than the pitch.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from math import ceil
from pathlib import PurePosixPath

from ipsearch.ingest.model import Block, Document
from ipsearch.ingest.pdf import SOFT_HYPHEN, Bookmark, Line, Page, metadata_title
from ipsearch.ingest.tree import Heading, build_sections, split_field

EDGE = 0.15  # running headers/footers sit in the top/bottom 15% of the page
_PAGE_NO = re.compile(
    r"^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^\s*(?:[•●▪◦‣∙·*–-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+")
_WORD = re.compile(r"\w+")
_HYPHENATED = re.compile(rf"(\w+){SOFT_HYPHEN}(\w+)")
HEADING_SCALE = 1.15  # a heading is set at least this much larger than the body text
SIZE_CHANGE = 1.12  # a paragraph does not change type size by more (inline code may, a little)
HEADING_MAX_LINES = 3
HEADING_MAX_WORDS = 25


class PdfBlock(Block):
    """A block whose index form rejoins words PDFium found hyphenated at a line end.

    ``joined`` is a plain attribute, not a dataclass field: the block converts to and from a
    plain :class:`Block` unchanged, losing only the rejoined index form.
    """

    joined: str | None = None
    marked: str | None = None  # the text with PDFium's hyphen markers, until joined is set

    def index_text(self) -> str:
        if self.joined is None:
            return super().index_text()
        return Block.index_text(replace(self, text=self.joined))


@dataclass
class Stats:
    body: float  # the font size most text is set in
    pitch: float  # baseline-to-baseline distance of body lines, in multiples of their size


@dataclass
class Run:
    """A heading: its level, its title and the page lines that show it (none when an outline
    entry points at a place without matching text)."""

    level: int
    title: str
    lines: list[Line]
    anchor: Line | None = None  # where a heading without lines starts its section


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


_NUMBERING = re.compile(
    r"^(?:(?:chapter|section|part|appendix)\s+\w+[.:]?\s+"
    r"|\d+(?:\.\d+)*\.?\s+|[a-z]\.\d+(?:\.\d+)*\.?\s+)"
)


def _norm_title(text: str) -> str:
    """A heading compared without its numbering: an outline may say "Setup" for "2.1 Setup"."""
    norm = _norm(text)
    return _NUMBERING.sub("", norm, count=1) or norm


def furniture(pages: list[Page]) -> set[tuple[int, int]]:
    """(page, line) of running headers, footers and page numbers: lines near the top or bottom
    edge that repeat (digits aside) at the same height on many pages, or on a few pages as
    the page's outermost line with a number in it (``Chapter 2: Setup 7``), or are a lone
    page number."""
    drop: set[tuple[int, int]] = set()
    seen: dict[tuple[str, int], list[tuple[Line, bool]]] = defaultdict(list)
    for page in pages:
        if not page.lines:
            continue
        by_height = sorted(page.lines, key=lambda ln: ln.top)
        ends = {id(by_height[0]), id(by_height[-1])}
        for line in page.lines:
            top_zone = line.top >= page.height * (1 - EDGE)
            if not (top_zone or line.bottom <= page.height * EDGE):
                continue
            outermost = id(line) in ends
            if outermost and _PAGE_NO.match(line.text):
                drop.add((line.page, line.no))
                continue
            key = re.sub(r"\d+", "#", _norm(line.text))
            seen[(key, round(line.top / 6))].append((line, outermost))
    pages_with_text = sum(1 for p in pages if p.lines)
    need = max(2, ceil(0.4 * pages_with_text))
    for (key, _), found in seen.items():
        on = len({ln.page for ln, _ in found})
        numbered = "#" in key and all(outermost for _, outermost in found)
        if pages_with_text >= 2 and (on >= need or (numbered and on >= 2)):
            drop.update((ln.page, ln.no) for ln, _ in found)
    return drop


def stats(lines: list[Line]) -> Stats:
    weight: Counter[float] = Counter()
    for line in lines:
        weight[round(line.size * 2) / 2] += len(line.text)
    body = weight.most_common(1)[0][0] if weight else 10.0
    ratios = [
        (a.end - b.bottom) / b.size
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page
        and abs(a.size - body) <= 0.5
        and abs(b.size - body) <= 0.5
        and 0 < a.end - b.bottom < 4 * b.size
    ]
    ratios.sort()
    return Stats(body, ratios[len(ratios) // 2] if ratios else 1.2)


def font_headings(lines: list[Line], st: Stats) -> list[Run]:
    """Headings by type: short runs of lines set larger than the body, or bold at body size.
    Larger sizes rank higher; bold body-size headings come below all of them."""
    runs: list[tuple[str, list[Line]]] = []
    for line in lines:
        style = _heading_style(line, st)
        prev = runs[-1][1][-1] if runs else None
        if style and prev and runs[-1][0] == style and _continues(prev, line, st):
            runs[-1][1].append(line)
        elif style:
            runs.append((style, [line]))
        else:
            runs.append(("", [line]))
    runs = [
        (s, ls)
        for s, ls in runs
        if s
        and len(ls) <= HEADING_MAX_LINES
        and sum(len(ln.text.split()) for ln in ls) <= HEADING_MAX_WORDS
    ]
    sizes = sorted({float(s) for s, _ in runs if s != "bold"}, reverse=True)
    levels = {str(size): i + 1 for i, size in enumerate(sizes)}
    levels["bold"] = len(sizes) + 1
    return [Run(levels[s], " ".join(ln.text for ln in ls), ls) for s, ls in runs]


def _heading_style(line: Line, st: Stats) -> str:
    text = line.text
    if line.size >= st.body * HEADING_SCALE and len(text.split()) <= HEADING_MAX_WORDS:
        return str(round(line.size * 2) / 2)
    if (
        line.bold
        and line.size >= st.body * 0.95
        and len(text) <= 100
        and text[-1] not in ".,;:"
        and not split_field(text)
        and not _ITEM.match(text)
    ):
        return "bold"
    return ""


def _continues(prev: Line, line: Line, st: Stats) -> bool:
    gap = prev.end - line.bottom
    return prev.page == line.page and 0 < gap <= line.size * (st.pitch + 0.4)


def outline_headings(pages: list[Page], marks: list[Bookmark], skip: set) -> list[Run]:
    """Each outline entry placed on its page: on the lines that spell its title, nearest the
    entry's destination height; else at the first line below that height."""
    by_page = {p.number: [ln for ln in p.lines if (ln.page, ln.no) not in skip] for p in pages}
    norms = {id(ln): _norm(ln.text) for lines in by_page.values() for ln in lines}
    titled = {k: _norm_title(v) for k, v in norms.items()}
    used: set[int] = set()
    runs: list[Run] = []
    for mark in marks:
        lines = by_page.get(mark.page) or []
        want = _norm_title(mark.title)
        matches = [
            m
            for i, ln in enumerate(lines)
            if want.startswith(titled[id(ln)]) and (m := _spells(lines, i, want, norms, used))
        ]
        if matches:
            target = mark.y
            best = min(matches, key=lambda m: abs(m[0].top - target) if target else 0)
            used.update(id(ln) for ln in best)
            runs.append(Run(mark.level, mark.title, best))
            continue
        below = [ln for ln in lines if mark.y is None or ln.top <= mark.y + 2]
        if below:
            runs.append(Run(mark.level, mark.title, [], below[0]))
    return runs


def _spells(lines: list[Line], i: int, want: str, norms: dict, used: set[int]) -> list[Line]:
    """The lines from ``i`` on that spell the normalised title ``want``, or []."""
    got: list[Line] = []
    text = ""
    for line in lines[i : i + HEADING_MAX_LINES]:
        if id(line) in used:
            return []
        got.append(line)
        text = _norm_title(f"{text} {norms[id(line)]}".strip())
        if text == want:
            return got
        if not want.startswith(text + " "):
            return []
    return []


def _short(line: Line, col: tuple[float, float], share: float) -> bool:
    left, right = col
    return line.right < right - share * (right - left)


def _breaks(prev: Line, line: Line, st: Stats, col: tuple[float, float]) -> bool:
    """Whether ``line`` starts a new block after ``prev`` on the same page."""
    small, large = sorted((prev.size, line.size))
    if large > small * SIZE_CHANGE or not _continues(prev, line, st):
        return True
    if _ITEM.match(line.text):
        return True
    if _short(prev, col, 0.25) and (prev.text[-1] in ".!?:" or split_field(prev.text)):
        return True
    return bool(split_field(line.text) and _short(prev, col, 0.25))


def _block(lines: list[Line], col: tuple[float, float]) -> PdfBlock:
    first = lines[0]
    text = " ".join(ln.text for ln in lines)
    kind, level, key = "paragraph", 0, None
    item = _ITEM.match(text)
    if item:
        kind, text = "item", text[item.end() :]
        level = 1 + min(5, int(max(0.0, first.left - col[0]) // (first.size * 1.5)))
    elif len(lines) == 1 and (field := split_field(text)):
        kind, (key, text) = "field", field
    block = PdfBlock(kind, text, first.no, lines[-1].no, level=level, key=key, page=first.page)
    if key is not None:
        block.raw = lines[0].text  # the field as the page shows it: "Owner: Platform team"
    # The marked text has the same length as the reader's (one char per hyphen), so the
    # block's text is its tail.
    marked = " ".join(ln.raw.strip() for ln in lines)
    if SOFT_HYPHEN in marked:
        block.marked = marked[len(marked) - len(text) :]
    return block


def stream(pages: list[Page], drop: set, runs: list[Run], st: Stats) -> Iterator:
    """Headings and blocks in reading order, page by page."""
    starts: dict[tuple[int, int], list[Run]] = defaultdict(list)
    heading_lines: set[tuple[int, int]] = set()
    for run in runs:
        anchor = run.lines[0] if run.lines else run.anchor
        starts[(anchor.page, anchor.no)].append(run)
        heading_lines.update((ln.page, ln.no) for ln in run.lines)
    for page in pages:
        content = [ln for ln in page.lines if (ln.page, ln.no) not in drop]
        body = [ln for ln in content if abs(ln.size - st.body) <= 0.5] or content
        col = (min(ln.left for ln in body), max(ln.right for ln in body)) if body else (0, 0)
        cur: list[Line] = []
        for line in content:
            key = (line.page, line.no)
            if key in starts or key in heading_lines or (cur and _breaks(cur[-1], line, st, col)):
                if cur:
                    yield _block(cur, col)
                cur = []
            for run in starts.get(key, ()):
                yield Heading(run.level, run.title)
                if run.lines:
                    yield _heading_block(run)
            if key not in heading_lines:
                cur.append(line)
        if cur:
            yield _block(cur, col)


def _heading_block(run: Run) -> PdfBlock:
    lines = run.lines
    text = " ".join(ln.text for ln in lines)
    return PdfBlock("heading", text, lines[0].no, lines[-1].no, level=run.level, page=lines[0].page)


def join_hyphens(blocks: list[Block]) -> None:
    """Set each hyphen-marked block's index form: ``develop-ment`` → ``development``, unless
    the document writes the compound with a hyphen elsewhere (``co-investment``)."""
    marked = [b for b in blocks if isinstance(b, PdfBlock) and b.marked]
    if not marked:
        return
    words: set[str] = set()
    compounds: set[str] = set()
    for b in blocks:
        text = (b.marked if isinstance(b, PdfBlock) and b.marked else b.text).lower()
        words.update(_WORD.findall(text))
        compounds.update(re.findall(r"\w+-\w+", text))

    def join(m: re.Match) -> str:
        left, right = m[1], m[2]
        if (left + right).lower() in words:
            return left + right
        if f"{left}-{right}".lower() in compounds or not right[:1].islower():
            return f"{left}-{right}"
        return left + right

    for b in marked:
        b.joined = _HYPHENATED.sub(join, b.marked).replace(SOFT_HYPHEN, "-")
        b.marked = None


def _title(meta: dict[str, str], first_page: list[Line], st: Stats, source: str) -> tuple:
    title = metadata_title(meta)
    if title:
        return title, "metadata"
    if first_page:
        top = max(ln.size for ln in first_page)
        if top >= st.body * HEADING_SCALE:
            start = next(i for i, ln in enumerate(first_page) if ln.size >= top - 0.25)
            run = []
            for ln in first_page[start : start + HEADING_MAX_LINES]:
                if ln.size < top - 0.25:
                    break
                run.append(ln)
            return " ".join(ln.text for ln in run), "largest text"
    return PurePosixPath(source).stem, "file name"


def build_document(
    source: str, pages: list[Page], meta: dict[str, str], marks: list[Bookmark]
) -> Document:
    drop = furniture(pages)
    content = [ln for p in pages for ln in p.lines if (ln.page, ln.no) not in drop]
    st = stats(content)
    runs = outline_headings(pages, marks, drop) if marks else font_headings(content, st)
    first_page = [ln for ln in content if ln.page == pages[0].number] if pages else []
    title, title_from = _title(meta, first_page, st, source)
    sections = build_sections(stream(pages, drop, runs, st), title)
    doc = Document(source, "pdf", title, title_from, metadata=meta, sections=sections)
    join_hyphens(list(doc.blocks()))
    return doc
