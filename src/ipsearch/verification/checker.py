"""QuoteChecker: one claimed quote → where the corpus says it, and how faithfully.

Candidate sections come from the index (the keyword ranking of the quote's words), never from
a scan of every file; each candidate's text as a reader sees it is then compared with the quote
(exact, then normalised, then aligned with rapidfuzz for a near match). The cited lines are
narrowed to the matched text and checked against the file itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ipsearch.corpus import display_path
from ipsearch.errors import UsageError
from ipsearch.locator import on_page, unit_of
from ipsearch.models import Section
from ipsearch.retrieval.searcher import Searcher
from ipsearch.verification.align import (
    Difference,
    Span,
    align,
    differences,
    fold_fast,
    locate,
    trim_edges,
)
from ipsearch.verify import cited_text, normalise

STATUSES = ("exact", "normalised", "near", "not found")
# How many of the best-ranked sections are compared with the quote, and how many of those are
# aligned in full for a near match (the others are screened by rapidfuzz alone).
CANDIDATES = 10
ALIGNED = 3
# The query for candidates: the quote's rarest indexed words, at least QUERY_MIN, then more
# while their postings stay within POSTINGS (a bound on the work per quote, whatever the index
# size), at most QUERY_MAX.
QUERY_MIN, QUERY_MAX = 3, 8
POSTINGS = 5000
# Similarity (rapidfuzz ratio, 0-100) from which the best aligned passage counts as "near".
# Fitted by scripts/fit_verify.py on the seed and govuk-developer-docs (quotes with one or two
# words or a figure changed vs. sentences of another corpus and random words: best range
# 58.3-62.1, balanced accuracy 0.998); on rust-book, unseen by the fit, 0.992.
NEAR_MIN = 60.2
_ELISION = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*")


@dataclass
class QuoteCheck:
    """The verdict on one quote: its status and, unless not found, where the corpus says it."""

    quote: str
    status: str  # one of STATUSES
    source: str | None = None  # a path that opens from the current directory
    corpus_path: str | None = None
    section: str | None = None
    lines: tuple[int, int] | None = None
    found: str | None = None  # the source text matched, as a reader sees it
    differences: list[Difference] = field(default_factory=list)
    similarity: float = 0.0  # 0-100
    draft_line: int | None = None  # where a quote taken from a draft starts
    page: int | None = None  # PDF: the page ``lines`` count within
    unit: str = "line"  # what ``lines`` count: "line", or "paragraph" (DOCX, ODT)

    @property
    def ok(self) -> bool:
        return self.status in ("exact", "normalised")


@dataclass
class _Candidate:
    section: Section
    text: str  # the section's paragraphs joined by single spaces
    starts: list[int]  # offset of each paragraph in ``text``


def _candidate(section: Section) -> _Candidate:
    starts, parts, pos = [], [], 0
    for p in section.paragraphs:
        starts.append(pos)
        parts.append(p.text)
        pos += len(p.text) + 1
    return _Candidate(section, " ".join(parts), starts)


class QuoteChecker:
    """Checks quotes against an open index."""

    def __init__(self, searcher: Searcher, candidates: int = CANDIDATES) -> None:
        self.searcher = searcher
        self.candidates = candidates

    def run(self, quote: str, draft_line: int | None = None) -> QuoteCheck:
        text = _unquote(" ".join(quote.split()))
        if not text:
            raise UsageError("empty quote")
        found = self._candidates(text)
        for status, span, cand in self._verbatim(text, found):
            return self._verdict(text, status, cand, span, draft_line)
        best = self._closest(text, found)
        if best is None or best[0].score < NEAR_MIN:
            return QuoteCheck(text, "not found", draft_line=draft_line)
        return self._verdict(text, "near", best[1], best[0], draft_line)

    def similarity(self, quote: str) -> float:
        """How close (0-100) the closest passage comes to ``quote``: what NEAR_MIN is fitted on."""
        text = _unquote(" ".join(quote.split()))
        found = self._candidates(text)
        best = self._closest(text, found)
        return best[0].score if best else 0.0

    def _closest(self, text: str, found: list[_Candidate]) -> tuple[Span, _Candidate] | None:
        best: tuple[Span, _Candidate] | None = None
        for cand in self._screen(text, found)[:ALIGNED]:
            span = align(text, cand.text)
            if span and (best is None or span.score > best[0].score):
                best = (span, cand)
        return best

    def _candidates(self, text: str) -> list[_Candidate]:
        """The best-ranked sections for the quote's rarest words.

        The rarest words tell the quoted passage from the rest and have the shortest postings;
        the common ones add cost, not precision. Words the index never saw (a changed figure,
        an invented name) are left out, so they cannot hide the passage a quote alters.
        """
        rarity = sorted(
            ((w.lower(), df) for w, df in self.searcher.word_rarity(text) if df > 0),
            key=lambda x: x[1],
        )
        words: list[str] = []
        cost = 0
        for word, df in rarity:
            if word in words:
                continue
            if len(words) >= QUERY_MAX or (len(words) >= QUERY_MIN and cost + df > POSTINGS):
                break
            words.append(word)
            cost += df
        if not words:
            return []
        query = " ".join(words)
        ranked = self.searcher.rank(query, limit=self.candidates, fusion="never")
        return [_candidate(s) for s in self.searcher.sections_by_id([sid for sid, _ in ranked])]

    def _verbatim(self, text: str, found: list[_Candidate]):
        """(status, span, candidate) for each place the quote occurs, best level first."""
        trimmed = trim_edges(text)
        for normalised, quote in ((False, text), (True, trimmed)):
            key = fold_fast(quote, normalised)
            for cand in found:
                if key and key in fold_fast(cand.text, normalised):
                    span = locate(quote, cand.text, normalised)
                    if span:
                        yield ("normalised" if normalised else "exact"), span, cand
        parts = [p for p in _ELISION.split(trimmed) if p.strip()]
        if len(parts) > 1:
            for cand in found:
                hit = _in_order(parts, cand.text)
                if hit:
                    yield hit[0], hit[1], cand

    def _screen(self, text: str, found: list[_Candidate]) -> list[_Candidate]:
        """Candidates by rapidfuzz's best-window similarity, best first."""
        from rapidfuzz import fuzz

        key = fold_fast(text, True)
        scores = [fuzz.partial_ratio(key, fold_fast(c.text, True)) for c in found]
        order = sorted(range(len(found)), key=lambda i: (-scores[i], i))
        return [found[i] for i in order]

    def _verdict(
        self, quote: str, status: str, cand: _Candidate, span: Span, draft_line: int | None
    ) -> QuoteCheck:
        sec = cand.section
        found = cand.text[span.start : span.end]
        page, lines = on_page(_lines(cand, span))
        lines = _narrow(self.searcher.store.corpus / sec.source, lines, found, page)
        diffs = [] if status == "exact" else differences(quote, found)
        return QuoteCheck(
            quote=quote,
            status=status,
            source=display_path(self.searcher.store.corpus, sec.source),
            corpus_path=sec.source,
            section=sec.title,
            lines=lines,
            found=found,
            differences=diffs,
            similarity=round(span.score, 1),
            draft_line=draft_line,
            page=page,
            unit=unit_of(sec.format),
        )


_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»"}


def _unquote(text: str) -> str:
    """A quote passed with its quotation marks, without them."""
    if len(text) > 1 and _PAIRS.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def _in_order(parts: list[str], text: str) -> tuple[str, Span] | None:
    """An elided quote ("a … b"): every part found, in order, in one section's text."""
    pos, status, spans = 0, "exact", []
    for part in parts:
        span = locate(part, text[pos:], False)
        if span is None:
            span, status = locate(trim_edges(part), text[pos:], True), "normalised"
        if span is None:
            return None
        spans.append(Span(pos + span.start, pos + span.end, 100.0))
        pos += span.end
    return status, Span(spans[0].start, spans[-1].end, 100.0)


def _lines(cand: _Candidate, span: Span) -> tuple[int, int]:
    """Lines of the paragraphs the span touches."""
    paras = cand.section.paragraphs
    if not paras:
        return cand.section.lines
    touched = [
        p
        for p, start in zip(paras, cand.starts, strict=True)
        if start < span.end and span.start < start + len(p.text)
    ] or paras[:1]
    return touched[0].first, touched[-1].last


def _narrow(
    path: Path, lines: tuple[int, int], found: str, page: int | None = None
) -> tuple[int, int]:
    """The fewest lines whose reader-visible text still holds ``found``.

    Checked against the file itself, so a cited range is what a reader opening it sees. When the
    file cannot be rendered by lines (a format without them), the paragraphs' range stands.
    """
    want = normalise(found)

    def holds(a: int, b: int) -> bool:
        text = cited_text(path, (a, b), page)
        return text is not None and want in normalise(text)

    first, last = lines
    if not holds(first, last):
        return lines
    while first < last and holds(first + 1, last):
        first += 1
    while last > first and holds(first, last - 1):
        last -= 1
    return first, last
