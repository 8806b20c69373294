"""Blocks → section-level documents, by general rules that hold for pages of this kind.

A page of this kind has a title, an introduction (the overview), then one section per item it
describes, each opened by a heading or, when extraction lost the heading, by a ``Label: value``
line that recurs at the start of every item ("Chaired by: ..."). A title lost that way is
recovered from the introduction's own list of what the items cover, or from the name the
section's text introduces. Publication dates at the foot are page metadata, not a section.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ipsearch.models import Block, Paragraph, ParsedFile, Section
from ipsearch.textutil import slug, split_sentences

_LABEL = re.compile(r"^(?P<key>[A-Z][\w'’&/ ()-]{0,40}?)\s*:\s*(?P<value>.*)$")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")"
DATE_RE = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b"
    rf"|\b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
)
_PUBLISHED = re.compile(r"^(?:first\s+)?published\b:?\s*", re.I)
_UPDATED = re.compile(r"\b(?:last\s+)?updated\b:?\s*", re.I)
# Lists in an introduction: "covering the farming, fishing ... and mining industries".
_ENUMERATION = re.compile(
    r"\b(?:covering|covers|cover|across|spanning|including|in)\s+(?:the\s+)?"
    r"(?P<list>[^.;:]+?,[^.;:]+?\band\b[^.;:]+?)\s+"
    r"(?:industries|sectors|areas|fields|industry|sector)\b",
    re.I,
)
_CAP = r"[A-Z][\w\-]*"
_SMALL = r"(?:for|and|of|the|&|in|on|to)"
_NAME = rf"{_CAP}(?:\s+(?:{_SMALL}\s+)*{_CAP})*"
_NAME_ACR = re.compile(rf"(?P<name>{_NAME})\s*\((?P<acr>[A-Z][A-Za-z0-9&]{{1,9}})\)")
_NAME_ANY = re.compile(_NAME)
_SUBJECT = re.compile(
    rf"^(?:The\s+)?(?P<name>{_NAME})(?:\s*\((?P<acr>[A-Z][A-Za-z0-9&]{{1,9}})\))?"
    r"\s+(?:is|are|was|were|aims|has|have|will|works|leads)\b"
)
_SMALL_WORDS = {"for", "and", "of", "the", "&", "in", "on", "to", "a", "an"}


def parse_date(text: str) -> date | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        if m.group("y"):
            return date(int(m["y"]), _MONTHS.index(m["m"].lower()) + 1, int(m["d"]))
        if m.group("y2"):
            return date(int(m["y2"]), _MONTHS.index(m["m2"].lower()) + 1, int(m["d2"]))
        return date(int(m["y3"]), int(m["m3"]), int(m["d3"]))
    except ValueError:
        return None


def label_of(block: Block) -> tuple[str, str] | None:
    """``Key: value`` on one line with a short key is a label; the value may be empty."""
    if block.kind == "item" or block.level:
        return None  # marked-up headings and list items are never labels
    m = _LABEL.match(block.text.strip())
    if not m:
        return None
    key, value = m["key"].strip(), m["value"].strip()
    if len(key.split()) > 4 or len(value.split()) > 12 or value.endswith((".", ";")):
        return None
    return key, value


def title_case(phrase: str) -> str:
    words = phrase.split()
    return " ".join(
        w if (i and w.lower() in _SMALL_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


class _Draft:
    def __init__(self, title: str | None, kind: str, first: int, headed: bool) -> None:
        self.title = title
        self.kind = kind
        self.first = first
        self.headed = headed
        self.paragraphs: list[Paragraph] = []
        self.labels: dict[str, str] = {}
        self.has_body = False

    @property
    def empty(self) -> bool:
        return not self.paragraphs


def build_sections(parsed: ParsedFile, file_hash: str = "") -> list[Section]:
    if parsed.records is not None:
        return _record_sections(parsed, file_hash)
    blocks = parsed.blocks
    labels = {id(b): label_of(b) for b in blocks}
    doc_title, start = _document_title(parsed, labels)
    body = blocks[start:]

    # A short line repeated through the page ("See also") is a structural label
    # with nothing after it, never a heading: headings name one section each.
    def norm(b: Block) -> str:
        return b.text.strip().rstrip(":").strip().lower()

    repeated = Counter(norm(b) for b in body if b.kind == "heading" or labels[id(b)])
    filler = {t for t, n in repeated.items() if n > 1}
    key_counts = Counter(
        labels[id(b)][0].lower() for b in body if labels[id(b)] and labels[id(b)][1]
    )
    marker_keys = {k for k, n in key_counts.items() if n > 1}
    meta_at = _metadata_start(body, labels)
    content, meta = body[:meta_at], body[meta_at:]

    drafts: list[_Draft] = []
    cur = _Draft(None, "overview", content[0].first if content else 1, False)
    drafts.append(cur)
    for b in content:
        lab = labels[id(b)]
        if lab and not lab[1]:
            continue  # "See also:" with nothing after it is not content
        if not lab and norm(b) in filler:
            continue
        if b.kind == "heading" and not lab:
            cur = _Draft(b.text.strip(), "section", b.first, True)
            drafts.append(cur)
            continue
        if (
            lab
            and lab[0].lower() in marker_keys
            and (cur.has_body or lab[0].lower() in {k.lower() for k in cur.labels})
        ):
            cur = _Draft(None, "section", b.first, False)
            drafts.append(cur)
        if lab:
            cur.labels[lab[0]] = lab[1]
        else:
            cur.has_body = True
        cur.paragraphs.append(Paragraph(b.text, b.first, b.last))

    drafts = [d for d in drafts if not d.empty]
    published, updated = _page_dates(content + meta, labels)
    overview_text = " ".join(p.text for d in drafts if d.kind == "overview" for p in d.paragraphs)
    key_noun = _key_noun(doc_title)
    _recover_titles(drafts, overview_text, key_noun)

    sections: list[Section] = []
    seen: Counter[str] = Counter()

    def make(d: _Draft, pos: int, name: str | None = None, aliases=()) -> Section:
        return _make(
            parsed,
            d,
            pos,
            name,
            list(aliases),
            doc_title,
            published,
            updated,
            file_hash,
            seen,
            d.paragraphs,
        )

    for pos, d in enumerate(drafts):
        if d.kind == "overview" and d.title is None:
            d.title = "Overview" if len(drafts) > 1 or meta else (doc_title or "Overview")
        name, aliases = _names(d, key_noun)
        if d.kind == "overview":
            name = None  # the introduction speaks of all items, it is not one of them
        sections.append(make(d, pos, name, aliases))
    if meta:
        d = _Draft("Publication history", "metadata", meta[0].first, False)
        d.paragraphs = [Paragraph(b.text, b.first, b.last) for b in meta]
        sections.append(make(d, len(drafts)))
    return sections


def _make(
    parsed, d, pos, name, aliases, doc_title, published, updated, file_hash, seen, paras
) -> Section:
    sid = slug(d.title or "section")
    seen[sid] += 1
    if seen[sid] > 1:
        sid = f"{sid}-{seen[sid]}"
    chair = next((v for k, v in d.labels.items() if k.lower().startswith("chair")), None)
    return Section(
        id=f"{parsed.source}#{sid}",
        source=parsed.source,
        title=d.title or "Untitled",
        kind=d.kind,
        first_line=d.first,
        last_line=max(p.last for p in paras),
        text="\n".join(p.text for p in paras),
        paragraphs=paras,
        file_hash=file_hash,
        chair=chair,
        name=name,
        aliases=aliases,
        labels=dict(d.labels),
        document=doc_title,
        published=published,
        updated=updated,
        title_inferred=not d.headed and d.kind == "section",
        position=pos,
    )


def _document_title(parsed: ParsedFile, labels) -> tuple[str | None, int]:
    """The page title heading, and the index of the first block after it.

    Anything above the title (a content-type tag such as "Guidance") is page furniture.
    """
    blocks = parsed.blocks
    if parsed.fmt == "txt" and blocks and blocks[0].kind == "heading":
        # A plain-text page opens with its title, which may itself contain a colon.
        labels[id(blocks[0])] = None
        return blocks[0].text.strip(), 1
    for i, b in enumerate(blocks):
        if b.kind != "heading" or labels[id(b)]:
            continue
        is_title = (
            parsed.title and b.text.strip().lower() == parsed.title.strip().lower()
        ) or b.level == 1
        if is_title:
            return b.text.strip(), i + 1
        break
    return parsed.title, 0


def _metadata_start(blocks: list[Block], labels) -> int:
    """Index where the page's publication footer starts (len(blocks) when there is none)."""
    for i, b in enumerate(blocks):
        if _PUBLISHED.match(b.text) and parse_date(b.text):
            rest = blocks[i + 1 :]
            if not any(r.kind == "heading" and not labels[id(r)] for r in rest):
                return i
    return len(blocks)


def _page_dates(blocks: list[Block], labels) -> tuple[date | None, date | None]:
    published = updated = None
    for b in blocks:
        lab = labels[id(b)]
        text = f"{lab[0]} {lab[1]}" if lab else b.text
        if published is None and _PUBLISHED.match(text):
            published = parse_date(text)
        m = _UPDATED.search(text)
        if updated is None and m:
            updated = parse_date(text[m.start() :])
    return published, updated


def _key_noun(doc_title: str | None) -> str | None:
    """What the page lists, from its title: "Regional boards: an overview" → board."""
    if not doc_title:
        return None
    head = re.split(r"[:–—-]", doc_title)[0].split()
    if not head:
        return None
    noun = head[-1].lower()
    return noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun


def enumerated_topics(text: str) -> list[str]:
    """The items of the introduction's list of what the page covers."""
    m = _ENUMERATION.search(text)
    if not m:
        return []
    raw = re.sub(r"\([^)]*\)", "", m["list"])
    parts = re.split(r",\s*|\s+and\s+(?=[^&]*$)", raw)
    return [p.strip().lower() for p in parts if p.strip()]


def _stem_prefix(word: str) -> str:
    return word[: max(4, len(word) - 2)]


def _topic_score(topic: str, d: _Draft) -> float:
    words = [w for w in re.findall(r"\w+", topic) if w not in _SMALL_WORDS and len(w) > 2]
    if not words:
        return 0.0
    text = " ".join(p.text for p in d.paragraphs).lower()
    first = split_sentences(text)[0] if text else ""
    total = 0.0
    for w in words:
        pat = re.compile(r"\b" + re.escape(_stem_prefix(w)))
        total += len(pat.findall(text)) + 3 * len(pat.findall(first))
    return total / len(words)


def _recover_titles(drafts: list[_Draft], overview_text: str, key_noun: str | None) -> None:
    headless = [d for d in drafts if d.kind == "section" and d.title is None]
    if not headless:
        return
    topics = enumerated_topics(overview_text)
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
    used_t: set[int] = set()
    for _, ti, di in pairs:
        d = headless[di]
        if d.title is None and ti not in used_t:
            d.title = title_case(free[ti])
            used_t.add(ti)
    for n, d in enumerate(headless, 1):
        if d.title is None:
            name, _ = _names(d, key_noun)
            d.title = name or f"Section {n}"


def _acronym_fits(words: list[str], acr: str) -> list[str] | None:
    """Shortest tail of ``words`` whose capitalised initials spell ``acr``."""
    for i in range(len(words)):
        tail = words[i:]
        initials = "".join(w[0] for w in tail if w[0].isupper())
        if initials.upper() == acr.upper().replace("&", ""):
            return tail
    return None


def expansions(text: str) -> list[tuple[str, str]]:
    """(expansion, acronym) pairs written as ``Long Name (LN)``."""
    out = []
    for m in _NAME_ACR.finditer(text):
        tail = _acronym_fits(m["name"].split(), m["acr"])
        if tail:
            out.append((" ".join(tail), m["acr"]))
    return out


def _names(d: _Draft, key_noun: str | None) -> tuple[str | None, list[str]]:
    """The section's own name (the item the page describes) and its acronyms."""
    text = " ".join(p.text for p in d.paragraphs if p.text.split(":")[0] not in d.labels)
    aliases = [f"{name} ({acr})" for name, acr in expansions(text)]
    name = None
    if key_noun:
        for m in _NAME_ANY.finditer(text):
            words = m.group().split()
            if words[0] == "The":
                words = words[1:]
            if len(words) >= 2 and words[-1].lower().startswith(key_noun):
                name = " ".join(words)
                break
    if name is None and text:
        m = _SUBJECT.match(split_sentences(text)[0])
        if m and len(m["name"].split()) >= 2:
            name = m["name"]
    if name:
        acr = next((a for a in aliases if a.startswith(name + " (")), None)
        name = acr or name
    return name, aliases


def _record_sections(parsed: ParsedFile, file_hash: str) -> list[Section]:
    out = []
    for pos, rec in enumerate(parsed.records or []):
        body = rec["text"]
        title = rec["title"] or rec["id"]
        out.append(
            Section(
                id=f"{parsed.source}#{rec['id']}",
                source=parsed.source,
                title=title,
                kind="record",
                first_line=rec["line"],
                last_line=rec["line"],
                text=body,
                paragraphs=[Paragraph(body, rec["line"], rec["line"])],
                file_hash=file_hash,
                position=pos,
            )
        )
    return out
