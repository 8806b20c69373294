"""HTML: main content only, block elements in document order, with their source lines.

Page furniture (navigation, cookie banners, skip links, breadcrumbs, header, footer, asides,
scripts) is removed before any text is read, so none of it can reach the index.
"""

from __future__ import annotations

import html as htmllib
import re
import sys

from ipsearch.models import Block, ParsedFile

_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "head",
]
# Class/id/role words that mark page furniture on GOV.UK-like and most CMS pages.
_FURNITURE = re.compile(
    r"cookie|consent|skip[-_]?link|breadcrumb|banner|visually[-_]hidden|sr[-_]only|"
    r"share|social|feedback|related[-_]nav|site[-_]?search|menu",
    re.I,
)
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "p",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "blockquote",
    "pre",
    "figcaption",
    "caption",
    "div",
    "section",
    "article",
    "main",
    "body",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "details",
    "summary",
    "address",
} | set(_HEADINGS)
_INLINE = "|".join(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)
_WS = re.compile(r"[ \t\r\f\v]+")


def _furniture(tag) -> bool:
    if tag.attrs is None:
        return False
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    if (tag.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    words = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return bool(_FURNITURE.search(words))


def _clean(text: str) -> str:
    lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
    return " ".join(ln for ln in lines if ln)


def parse(text: str, source: str) -> ParsedFile:
    from bs4 import BeautifulSoup

    # Deeply nested markup would overflow the recursive tree builder; give it room, and fall
    # back to the text alone if even that is not enough.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    warnings: list[str] = []
    try:
        soup = BeautifulSoup(text, "html.parser")
        title = soup.title.get_text(" ", strip=True) if soup.title else None
        root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
        for tag in root.find_all(_DROP_TAGS):
            tag.decompose()
        for tag in root.find_all(_furniture):
            tag.decompose()
        for br in root.find_all("br"):
            br.replace_with(" ")
        blocks: list[Block] = []
        _walk(root, blocks, _end_lines(root))
    except RecursionError:
        warnings.append(f"{source}: HTML nested too deeply; indexed as plain text")
        flat = re.sub(r"<[^>]*>", " ", text)
        blocks = [Block("para", _clean(htmllib.unescape(flat)), 1, text.count("\n") + 1)]
        title = None
    finally:
        sys.setrecursionlimit(old)
    if title:
        title = re.sub(r"\s+[-–|]\s+[^-–|]+$", "", title)  # "Page - Site name" → "Page"
    return ParsedFile(
        source=source,
        fmt="html",
        blocks=[b for b in blocks if b.text],
        title=title,
        warnings=warnings,
    )


def _walk(node, blocks: list[Block], ends: dict[int, int]) -> None:
    """Emit one block per run of inline content; recurse into nested block elements."""
    from bs4 import NavigableString, Tag

    buf: list[str] = []
    buf_line = [getattr(node, "sourceline", None) or 1]

    def flush() -> None:
        raw = "".join(buf)
        text = _clean(raw)
        if text:
            stripped = raw.strip()
            first = buf_line[0] + raw[: len(raw) - len(raw.lstrip())].count("\n")
            last = first + stripped.count("\n")
            name = node.name if isinstance(node, Tag) else ""
            kind = "heading" if name in _HEADINGS else ("item" if name == "li" else "para")
            blocks.append(Block(kind, text, first, last, _HEADINGS.get(name, 0)))
        buf.clear()

    for child in node.children:
        if isinstance(child, Tag):
            if child.name == "dl":
                flush()
                _definitions(child, blocks)
                buf_line[0] = ends.get(id(child), buf_line[0])
            elif child.name in _BLOCKS:
                flush()
                _walk(child, blocks, ends)
                buf_line[0] = ends.get(id(child), buf_line[0])
            else:
                if not buf:
                    buf_line[0] = child.sourceline or buf_line[0]
                buf.append(child.get_text())
        elif isinstance(child, NavigableString) and type(child).__name__ in (
            "NavigableString",
            "CData",
        ):
            if not buf and child.strip():
                # A text node's own line is not recorded; the previous sibling's end is.
                buf.append("")
            buf.append(str(child))
    flush()


def _definitions(dl, blocks: list[Block]) -> None:
    """``<dt>Label:</dt><dd>value</dd>`` pairs read as one ``Label: value`` line."""
    label, label_line = None, None
    for item in dl.find_all(["dt", "dd"]):
        text = _clean(item.get_text())
        line = item.sourceline or dl.sourceline or 1
        if item.name == "dt":
            label, label_line = text, line
        elif text:
            # The block spans its label's line too, so the cited lines hold all of its text.
            first = label_line if label and label_line else line
            last = line + str(item).count("\n")
            blocks.append(Block("para", f"{label} {text}" if label else text, first, last))


def _end_lines(root) -> dict[int, int]:
    """Last source line of every tag under ``root``, keyed by ``id(tag)``, in one pass.

    Serialising each block to count its newlines re-reads every subtree once per ancestor,
    which is quadratic in nesting depth (minutes for 10,000 nested divs). Iterative, so deep
    nesting cannot hit the recursion limit either.
    """
    from bs4 import Tag

    ends: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        tag, children_done = stack.pop()
        if not children_done:
            stack.append((tag, True))
            stack.extend((c, False) for c in tag.contents if isinstance(c, Tag))
            continue
        line = tag.sourceline or 1
        for c in tag.contents:
            if isinstance(c, Tag):
                line = max(line, ends[id(c)])
            else:
                line += c.count("\n")
        ends[id(tag)] = line
    return ends


def visible_text(fragment: str) -> str:
    """Text a reader sees in an HTML fragment: tags dropped, entities decoded."""
    no_tags = re.sub(r"<br\s*/?>", " ", fragment, flags=re.I)
    # Inline tags vanish without a trace ("<a>team</a>." reads "team."); others separate words.
    no_tags = re.sub(rf"</?(?:{_INLINE})\b[^>]*>", "", no_tags, flags=re.I)
    no_tags = re.sub(r"<[^>]*>", " ", no_tags)
    return htmllib.unescape(no_tags)
