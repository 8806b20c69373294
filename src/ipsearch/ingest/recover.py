"""Headless-section recovery: a fallback for plain text with no marked headings at all.

Text extracted from a page often loses some headings. Such a page still has a title, an
introduction, then one part per item it describes, each opened by a heading or, where the
heading was lost, by a ``Label: value`` line that recurs at the start of every item
("Chaired by: ..."). A lost title is recovered from the introduction's own list of what the
items cover, or from the name the part's text introduces. A file with marked headings never
comes here, so a ``Word: value`` line there is a field of its section, never a split.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from ipsearch.ingest.labels import SMALL_WORDS, key_noun, label_of, names, title_case
from ipsearch.ingest.model import Block, Section
from ipsearch.textutil import split_sentences

_TRIGGER = re.compile(
    r"\b(?:covering|covers|cover|across|spanning|including|in)\s+(?:the\s+)?", re.I
)
_NOUN = re.compile(r"\s(?:industries|sectors|areas|fields|industry|sector)\b", re.I)
_AND = re.compile(r"\band\b")


class _Draft:
    def __init__(self, title: str | None, first: int, heading: Block | None) -> None:
        self.title = title
        self.first = first
        self.heading = heading
        self.blocks: list[Block] = []
        self.labels: dict[str, str] = {}
        self.has_body = False

    def text(self) -> str:
        return " ".join(b.shown() for b in self.blocks)


def enumerated_topics(text: str) -> list[str]:
    """The items of an introduction's list of what the page covers ("covering the farming,
    fishing and mining industries" → farming, fishing, mining). Linear in the text: each
    clause is scanned once for list openers and once for the nouns that close a list."""
    for clause in re.split(r"[.;:]", text):
        nouns = [m.start() for m in _NOUN.finditer(clause)]
        if not nouns:
            continue
        for m in _TRIGGER.finditer(clause):
            k = bisect.bisect_left(nouns, m.end())
            if k == len(nouns):
                break
            items = clause[m.end() : nouns[k]]
            if "," in items and _AND.search(items):
                raw = re.sub(r"\([^)]*\)", "", items)
                parts = re.split(r",\s*|\s+and\s+(?=[^&]*$)", raw)
                return [p.strip().lower() for p in parts if p.strip()]
    return []


def recover(blocks: list[Block], title: str, titled: bool) -> list[Section]:
    """Sections of a text without marked headings; ``titled``: ``blocks[0]`` is the title."""
    head = blocks[0] if titled and blocks else None
    body = blocks[1:] if head else blocks
    labels = {id(b): _label(b) for b in body}

    def norm(b: Block) -> str:
        return b.shown().strip().rstrip(":").strip().lower()

    # A short line repeated through the page ("See also") is a structural label with nothing
    # after it, never a heading: headings name one section each.
    repeated = Counter(norm(b) for b in body if b.kind == "heading" or labels[id(b)])
    filler = {t for t, n in repeated.items() if n > 1}
    key_counts = Counter(lab[0].lower() for b in body if (lab := labels[id(b)]) and lab[1])
    markers = {k for k, n in key_counts.items() if n > 1}

    cur = _Draft(title, head.first if head else (body[0].first if body else 1), head)
    drafts = [cur]
    for b in body:
        lab = labels[id(b)]
        if lab and not lab[1]:
            continue  # "See also:" with nothing after it is not content
        if not lab and norm(b) in filler:
            continue
        if b.kind == "heading":
            cur = _Draft(b.text, b.first, b)
            drafts.append(cur)
            continue
        key = lab[0].lower() if lab else None
        if key in markers and (cur.has_body or key in {k.lower() for k in cur.labels}):
            cur = _Draft(None, b.first, None)
            drafts.append(cur)
        if lab:
            cur.labels[lab[0]] = lab[1]
        else:
            cur.has_body = True
        cur.blocks.append(b)
    drafts = [d for d in drafts if d.blocks or d.heading]
    if drafts:
        _recover_titles(drafts[1:], drafts[0], title)
    return [_section(d, i == 0 and d.heading is head, title) for i, d in enumerate(drafts)]


def _label(b: Block) -> tuple[str, str] | None:
    if b.kind == "field" and b.key:
        return b.key, b.text
    if b.kind == "paragraph":
        return label_of(b.text)
    return None


def _section(d: _Draft, is_lead: bool, title: str) -> Section:
    blocks = ([d.heading] if d.heading else []) + d.blocks
    first = blocks[0].first if blocks else d.first
    last = max(b.last for b in blocks) if blocks else d.first
    if is_lead:
        level = 1 if d.heading else 0
        return Section([title], level, first, last, blocks, lead=d.heading is None)
    path = [title, d.title or "Untitled"]
    return Section(path, 2, first, last, blocks, inferred=d.heading is None)


def _stem_prefix(word: str) -> str:
    return word[: max(4, len(word) - 2)]


def _topic_score(topic: str, d: _Draft) -> float:
    words = [w for w in re.findall(r"\w+", topic) if w not in SMALL_WORDS and len(w) > 2]
    if not words:
        return 0.0
    text = d.text().lower()
    first = split_sentences(text)[0] if text else ""
    total = 0.0
    for w in words:
        pat = re.compile(r"\b" + re.escape(_stem_prefix(w)))
        total += len(pat.findall(text)) + 3 * len(pat.findall(first))
    return total / len(words)


def _recover_titles(drafts: list[_Draft], intro: _Draft, doc_title: str) -> None:
    headless = [d for d in drafts if d.title is None]
    if not headless:
        return
    topics = enumerated_topics(intro.text())
    taken = {
        t
        for t in topics
        for d in drafts
        if d.title and _stem_prefix(t.split()[0]) in d.title.lower()
    }
    free = [t for t in topics if t not in taken]
    pairs = sorted(
        (
            (s, ti, di)
            for di, d in enumerate(headless)
            for ti, t in enumerate(free)
            if (s := _topic_score(t, d)) > 0
        ),
        reverse=True,
    )
    used: set[int] = set()
    for _, ti, di in pairs:
        d = headless[di]
        if d.title is None and ti not in used:
            d.title = title_case(free[ti])
            used.add(ti)
    noun = key_noun(doc_title)
    for n, d in enumerate(headless, 1):
        if d.title is None:
            text = " ".join(b.shown() for b in d.blocks if b.kind != "field")
            d.title = names(text, noun)[0] or f"Section {n}"
