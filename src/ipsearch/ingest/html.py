"""HTML on BeautifulSoup: the main content's blocks in document order, each with exact lines.

Lines come from the source, not from serialising the tree: every tag knows where it starts
(``sourceline``) and where its start tag ends (a start tag may span lines), and text nodes,
comments and scripts advance a line cursor by the newlines they hold. So text after a
multi-line comment, script or tag is cited on the line ``grep -n`` gives.

Page furniture is recognised by element and ARIA role (nav, header, footer, aside, role=banner,
...), never by words inside a class name, so ``<section id="social-care">`` stays content.
"""

from __future__ import annotations

import bisect
import html.parser as hp
import re
import sys

from ipsearch.ingest.assemble import file_title, sections_from_blocks
from ipsearch.ingest.model import Block, Document

# Elements a reader never sees as content of the page.
_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "button", "select"}
_FURNITURE = {"nav", "header", "footer", "aside", "form"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog"}
# Whole class tokens (an optional namespace prefix allowed) of skip links, cookie banners and
# breadcrumbs on common design systems; a token only *containing* these words does not match.
_FURNITURE_CLASS = re.compile(
    r"(?:[a-z0-9]+[-_]{1,2})?(?:c[-_])?"
    r"(?:skip[-_]?link|cookie[-_](?:banner|consent|message)|breadcrumbs?|visually[-_]hidden|sr[-_]only)",
    re.I,
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "del", "ins",
    "font", "img", "wbr", "big", "tt", "strike", "output", "meter", "progress",
}  # fmt: skip
_NAMES = list(_HEADINGS)
_KIND = {"li": "item", "dt": "term", "dd": "definition", "blockquote": "quote"}


class _Lines:
    """Line arithmetic over the source: where each tag's start tag ends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def open_end(self, tag) -> int:
        """The line on which ``tag``'s start tag ends (its first child starts there)."""
        line = tag.sourceline or 1
        if tag.sourcepos is None or line > len(self.starts):
            return line
        at = self.starts[line - 1] + tag.sourcepos
        m = hp.locatestarttagend_tolerant.match(self.text, at)
        if not m:
            return line
        return line + self.text.count("\n", at, m.end())

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


class _Builder:
    def __init__(self, lines: _Lines, root=None) -> None:
        self.lines = lines
        self.root = root  # the main content element: boxes are looked for below it
        self.blocks: list[Block] = []
        self.headers: dict[int, list[str]] = {}  # id(table) → its header cells

    def skip(self, tag) -> bool:
        from bs4 import Tag

        if not isinstance(tag, Tag):
            return False
        if tag.name in _HIDDEN or tag.name in _FURNITURE:
            return True
        if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
            return True
        if (tag.get("role") or "").lower() in _FURNITURE_ROLES:
            return True
        label = (tag.get("aria-label") or "").lower()
        if "cookie" in label or "breadcrumb" in label:
            return True
        return any(_FURNITURE_CLASS.fullmatch(c) for c in tag.get("class") or [])

    def pieces(self, node, line: int, out: list[tuple[str, int]]) -> int:
        """Visible text under ``node`` as (text, line) pieces; returns the line after it.

        Block-level boundaries inside become spaces, so words never run together."""
        from bs4 import Comment, NavigableString, Tag

        for child in node.children:
            if isinstance(child, Tag):
                if self.skip(child):
                    line = self.end(child)
                    continue
                if child.name == "br":
                    out.append((" ", line))
                    continue
                inline = child.name in INLINE
                if not inline:
                    out.append((" ", line))
                line = self.pieces(child, self.lines.open_end(child), out)
                if not inline:
                    out.append((" ", line))
            elif isinstance(child, NavigableString):
                s = str(child)
                if type(child) in (NavigableString,) or child.__class__.__name__ == "CData":
                    out.append((s, line))
                elif isinstance(child, Comment):
                    pass
                line += s.count("\n")
        return line

    def end(self, tag) -> int:
        """The line ``tag``'s content ends on (iterative, so deep nesting cannot overflow)."""
        from bs4 import Tag

        line = self.lines.open_end(tag)
        for d in tag.descendants:
            # A tag's start is known exactly; text in between advances the cursor.
            line = self.lines.open_end(d) if isinstance(d, Tag) else line + str(d).count("\n")
        return line

    def emit(self, kind: str, pieces: list[tuple[str, int]], **kw) -> None:
        text = " ".join("".join(p for p, _ in pieces).split())
        if not text:
            return
        first = last = None
        for s, line in pieces:
            if not s.strip():
                continue
            lead = len(s) - len(s.lstrip())
            a = line + s.count("\n", 0, lead)
            b = line + s.count("\n", 0, len(s.rstrip()))
            first = a if first is None else first
            last = b
        self.blocks.append(Block(kind, text, first, last, **kw))

    def walk(self, node, line: int, kind: str = "paragraph", depth: int = 0) -> int:
        """Emit a block per run of inline content; recurse into block elements."""
        from bs4 import NavigableString, Tag

        run: list[tuple[str, int]] = []
        for child in node.children:
            if (
                isinstance(child, Tag)
                and child.name != "br"
                and (self.skip(child) or child.name not in INLINE)
            ):
                if run:
                    self.emit(kind, run, level=depth if kind == "item" else 0)
                    run = []
                line = self.block(child)
                continue
            if isinstance(child, Tag):
                if child.name == "br":
                    run.append((" ", line))
                    continue
                line = self.pieces(child, self.lines.open_end(child), run)
            elif isinstance(child, NavigableString):
                s = str(child)
                if type(child) is NavigableString or child.__class__.__name__ == "CData":
                    run.append((s, line))
                line += s.count("\n")
        if run:
            self.emit(kind, run, level=depth if kind == "item" else 0)
        return line

    def block(self, tag) -> int:
        """Handle one block-level element; returns the line its content ends on."""
        start = self.lines.open_end(tag)
        name = tag.name
        if self.skip(tag):
            return self.end(tag)
        if name in _HEADINGS:
            out: list[tuple[str, int]] = []
            end = self.pieces(tag, start, out)
            if _titles_a_box(tag, self.root):
                self.emit("paragraph", out)
            else:
                self.emit("heading", out, level=_HEADINGS[name])
            return end
        if name == "pre":
            return self.pre(tag, start)
        if name == "tr":
            return self.row(tag, start)
        if name in _KIND:
            depth = len([p for p in tag.parents if p.name in ("ul", "ol")]) if name == "li" else 0
            return self.walk(tag, start, _KIND[name], depth)
        if name in ("thead", "tbody", "tfoot", "table"):
            return self.walk(tag, start)
        parent_kind = "quote" if any(p.name == "blockquote" for p in tag.parents) else "paragraph"
        return self.walk(tag, start, parent_kind)

    def pre(self, tag, start: int) -> int:
        out: list[tuple[str, int]] = []
        end = self.pieces(tag, start, out)
        raw = "".join(p for p, _ in out).strip("\n")
        if raw.strip():
            self.emit("code", out)
            self.blocks[-1].text = raw
        return end

    def row(self, tr, start: int) -> int:
        """One table row: its cells, and the header cells of its table (the <th> row)."""
        cells, spans = [], []
        line = start
        for cell in tr.find_all(["td", "th"], recursive=False):
            out: list[tuple[str, int]] = []
            line = self.pieces(cell, self.lines.open_end(cell), out)
            cells.append(" ".join("".join(p for p, _ in out).split()))
            spans.extend(out)
        table = tr.find_parent("table")
        header = self.headers.get(id(table))
        is_head = all(c.name == "th" for c in tr.find_all(["td", "th"], recursive=False))
        if is_head and header is None:
            self.headers[id(table)] = cells
        if any(cells):
            self.emit("row", spans, cells=cells, header=None if is_head else header)
            self.blocks[-1].text = " | ".join(cells)
        return max(line, self.end(tr))


def _titles_a_box(heading, root) -> bool:
    """The heading titles a box inside its section, not a section: a note, tip or warning
    (DocBook's ``<div class="note"><h3>Note</h3>…</div>``, a callout) that closes while the
    section it sits in goes on. By structure, not by class words: the heading opens a container
    that holds no other heading (it is the container's first content, past wrappers that hold
    the heading alone), and inside the enclosing section's container (the nearest ancestor
    that opens with a heading) the next content after the box is no section heading, so that
    text still belongs to the enclosing section. A heading that opens no container (flat
    ``<h2>…<p>…<h3>``), or whose container runs to the next heading or to the end of the
    enclosing section (``<section>``, DocBook ``sect1``), is a section heading."""
    unit = heading  # the heading with its wrappers (DocBook's ``titlepage`` divs)
    while unit.parent is not None and unit.parent is not root and _only(unit.parent, unit):
        unit = unit.parent
    box = unit
    while (
        box.parent is not None
        and box.parent is not root
        and _first_content(box.parent) is box
        and len(box.parent.find_all(_NAMES, limit=2)) == 1
    ):
        box = box.parent
    if box is unit or heading.find_previous(_NAMES) is None:
        return False  # no container of its own, or no section around it
    node = box
    while node is not None and node is not root:
        if node is not box and (outer := _leading_heading(node)) is not None:
            # The container ends with the box. When the container is a section titled by
            # ``outer`` (its first content is that heading, bare or wrapped), the box is a child
            # section if its heading is deeper, else an aside whose heading would close the
            # section it sits inside. A container of sections (DocBook ``refentry``) decides
            # nothing: the box is its last section.
            titled = _first_content(node).get_text().strip() == outer.get_text().strip()
            return titled and _HEADINGS[heading.name] <= _HEADINGS[outer.name]
        after = next((x for x in node.next_siblings if _has_content(x)), None)
        if after is not None:
            # A box followed by another (two notes in a row) is as much a box as the last;
            # a heading deeper than the box's, outside its container, is no subsection of it.
            nxt = _leading_heading(after)
            if nxt is None or _HEADINGS[nxt.name] > _HEADINGS[heading.name]:
                return True
            return _titles_a_box(nxt, root)
        node = node.parent
    return False


def _has_content(node) -> bool:
    from bs4 import Comment, Tag

    if isinstance(node, Tag):
        return node.name not in _HIDDEN and bool(node.get_text().strip())
    return not isinstance(node, Comment) and bool(str(node).strip())


def _only(tag, child) -> bool:
    return next((x for x in tag.children if _has_content(x) and x is not child), None) is None


def _first_content(tag):
    return next((x for x in tag.children if _has_content(x)), None)


def _leading_heading(node):
    """The heading ``node`` opens with, if it opens with one."""
    from bs4 import Tag

    while isinstance(node, Tag):
        if node.name in _HEADINGS:
            return node
        node = _first_content(node)
    return None


def _main(soup):
    """The main content: <main>, [role=main], <article>, else <body>."""
    return (
        soup.find("main")
        or soup.find(attrs={"role": "main"})
        or soup.find("article")
        or soup.body
        or soup
    )


def _title(soup, blocks: list[Block]) -> tuple[str | None, str]:
    h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    if soup.title and soup.title.get_text(strip=True):
        title = " ".join(soup.title.get_text(" ").split())
        site = re.split(r"\s+[-–|]\s+", title)
        if len(site) > 1 and (not h1 or h1 != title):
            title = " - ".join(site[:-1])  # "Page - Site name" → "Page"
        return title, "title"
    return (h1, "h1") if h1 else (None, "")


def parse(text: str, source: str) -> Document:
    from bs4 import BeautifulSoup

    warnings: list[str] = []
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        soup = BeautifulSoup(text, "html.parser")
        lines = _Lines(text)
        root = _main(soup)
        builder = _Builder(lines, root)
        if root is soup:
            builder.walk(soup, 1)
        else:
            builder.block(root) if root.name != "body" else builder.walk(root, lines.open_end(root))
        blocks = builder.blocks
        title, title_from = _title(soup, blocks)
        metadata = {}
        desc = soup.find("meta", attrs={"name": "description"})
        if desc is not None and desc.get("content"):
            metadata["description"] = " ".join(desc["content"].split())
    except RecursionError:
        warnings.append(f"{source}: HTML nested too deeply; indexed as plain text")
        flat = " ".join(re.sub(r"<[^>]*>", " ", text).split())
        import html as htmllib

        blocks = [Block("paragraph", htmllib.unescape(flat), 1, text.count("\n") + 1)]
        title, title_from, metadata = None, "", {}
    finally:
        sys.setrecursionlimit(old)
    blocks, context = _above_title(blocks)
    if context:
        metadata["context"] = context
    if not title:
        title, title_from = file_title(source), "file name"
    return Document(
        source=source,
        format="html",
        title=title,
        title_from=title_from,
        metadata=metadata,
        sections=sections_from_blocks(blocks, title),
        warnings=warnings,
    )


def _above_title(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """A one-line label above the page's <h1> ("Guidance") names the kind of page: it is kept
    as the ``context`` metadata field rather than as a section of its own."""
    if len(blocks) > 1 and blocks[1].kind == "heading" and blocks[1].level == 1:
        b = blocks[0]
        if b.kind == "paragraph" and len(b.text.split()) <= 3 and b.first == blocks[1].first:
            return blocks[1:], b.text
    return blocks, None
