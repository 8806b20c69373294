"""Snippets: the sentences of a section that hold the matched terms, marked, and their lines."""

from __future__ import annotations

from ipsearch.locator import split
from ipsearch.models import Section

# Marks a matched term inside a snippet; the renderer turns them into colour or nothing.
MARK_START, MARK_END = "\x02", "\x03"


def plain(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def sentences(section: Section) -> list[tuple[str, int, int]]:
    """(sentence, first line, last line) for every sentence of a section, in order."""
    from ipsearch.textutil import split_sentences

    return [(sent, p.first, p.last) for p in section.paragraphs for sent in split_sentences(p.text)]


def mark(text: str, analyzer, terms: set[str]) -> tuple[str, int]:
    """Wrap words whose analysed form is a matched term; returns (text, number marked)."""
    spans = [
        (t.startchar, t.endchar)
        for t in analyzer(text, chars=True, mode="index")
        if t.text in terms
    ]
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], MARK_START, text[a:b], MARK_END]
        pos = b
    out.append(text[pos:])
    return "".join(out), len(spans)


def snippet_for(
    section: Section,
    analyzer,
    terms: set[str],
    top: int = 2,
) -> tuple[str, tuple[int, int]]:
    """The sentences with the most distinct matched terms, in text order, and their lines."""
    scored = []
    for i, (sent, first, last) in enumerate(sentences(section)):
        marked, n = mark(sent, analyzer, terms)
        distinct = len({t.text for t in analyzer(sent, mode="index")} & terms)
        scored.append((distinct, n, -i, marked, first, last))
    best = sorted((x for x in scored if x[0]), reverse=True)[:top]
    if not best:
        best = [x for x in scored[:1]]
    if not best:
        return "", section.lines
    # One place: a PDF snippet's sentences come from the best one's page.
    best = [x for x in best if split(x[4])[0] == split(best[0][4])[0]]
    best.sort(key=lambda x: -x[2])
    text = " … ".join(x[3] for x in best)
    return text, (min(x[4] for x in best), max(x[5] for x in best))


def block_kind(s: Section, lines: tuple[int, int]) -> str | None:
    """Kind of the first block of ``s`` that the quoted lines cover (paragraph, row, ...)."""
    first, last = lines
    return next(
        (b.kind for b in s.blocks if b.kind != "heading" and first <= b.first and b.last <= last),
        None,
    )
