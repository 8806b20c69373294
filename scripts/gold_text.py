"""How a reader sees a gold corpus file, for scripts/check_gold.py: each format's markup removed
(`normalise`) and its text cut at headings (`segments`), so that evidence can be found in a file and
the heading above it named. The rules are those of eval/README-gold.md, spelled out per format in
eval/README-gold-debian.md."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# --- normalisation -------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|"
    "header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|title|tr|ul"
)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def strip_tags(text: str) -> str:
    """Block-level tags become a space (table cells stay apart), inline tags vanish."""
    return _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", text))


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


_MD_LINE_RULES = [
    (re.compile(r"^\s*\[[^\]]+\]:\s+\S+.*$"), ""),  # link definitions
    (re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$"), ""),  # table separators
    (re.compile(r"^\s*(?:>\s*)+"), ""),  # blockquote markers
    (re.compile(r"^\s*#{1,6}\s+"), ""),  # heading markers
    (re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+"), ""),  # list markers
]
_MD_INLINE_RULES = [
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # backslash escapes
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # inline links
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"\|"), " "),
    (re.compile(r"`"), ""),
    (re.compile(r"\*\*|__"), ""),
    (re.compile(r"(?<!\w)[*_]|[*_](?!\w)"), ""),  # emphasis at word edges, not snake_case
]

_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`*+#:.<>_])\1{2,}\s*$")
_RST_LINE_RULES = [
    (_RST_ADORNMENT, ""),
    (re.compile(r"^\s*\+[-=+]+\+\s*$"), ""),  # grid table borders
    (re.compile(r"^\s*=+(?:\s+=+)+\s*$"), ""),  # simple table borders
    (re.compile(r"^\s*::\s*$"), ""),
    (re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)]|#\.)\s+"), ""),  # list markers
]
_RST_INLINE_RULES = [
    (re.compile(r"\\(.)"), r"\1"),
    (re.compile(r":[\w:+.-]+:`[~!]?([^`<]*?)\s*<[^>`]*>`"), r"\1"),  # :ref:`title <label>`
    (re.compile(r":[\w:+.-]+:`[~!]?([^`]*)`"), r"\1"),  # :func:`len`
    (re.compile(r"`([^`<]*?)\s*<[^>`]*>`__?"), r"\1"),  # `text <url>`_
    (re.compile(r"`([^`]+)`__?"), r"\1"),  # `name`_
    (re.compile(r"``(.+?)``"), r"\1"),
    (re.compile(r"`"), ""),
    (re.compile(r"\|"), " "),
    (re.compile(r"\*\*"), ""),
    (re.compile(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)"), ""),
    (re.compile(r"(\S)::(?=\s|$)"), r"\1:"),
]


# Plain text and AsciiDoc (.txt): reST's rules plus anchors, list continuations and `== Title`.
_ONE_LINE_TITLE = re.compile(r"^(={1,5})\s+(\S.*?)(?:\s+=+)?\s*$")
_TEXT_LINE_RULES = [
    (re.compile(r"^\[\[[^\]]*\]\]\s*$"), ""),
    (re.compile(r"^\+\s*$"), ""),
    (re.compile(r"^={1,5}\s+(\S.*?)(?:\s+=+)?\s*$"), r"\1"),
    *_RST_LINE_RULES,
]


def _apply(text: str, line_rules, inline_rules) -> str:
    lines = [_line(line, line_rules) for line in text.splitlines()]
    out = " ".join(line for line in lines if line)
    for rx, repl in inline_rules:
        out = rx.sub(repl, out)
    return out


def _line(line: str, rules) -> str:
    for rx, repl in rules:
        line = rx.sub(repl, line)
    return line.strip()


def format_of(path: str) -> str:
    name = path.lower()
    if name.endswith((".html", ".htm")):
        return "html"
    if name.endswith((".md", ".markdown")):
        return "md"
    if name.endswith((".rst", ".rst.txt")):
        return "rst"
    return "text"  # plain text and AsciiDoc: underlined or `== ` titles, delimited blocks


def normalise(text: str, fmt: str) -> str:
    """The text a reader sees, for comparing: markup of `fmt` removed, whitespace collapsed."""
    text = _COMMENT.sub(" ", text)
    if fmt == "html":
        return collapse(html.unescape(strip_tags(text)))
    if fmt == "md":
        text = _apply(strip_tags(text), _MD_LINE_RULES, _MD_INLINE_RULES)
        return collapse(html.unescape(text))
    if fmt == "text":
        return collapse(_apply(text, _TEXT_LINE_RULES, _RST_INLINE_RULES))
    return collapse(_apply(text, _RST_LINE_RULES, _RST_INLINE_RULES))


# --- segmentation: (nearest heading above, normalised text) ---------------------------------


@dataclass
class Segment:
    heading: str | None
    text: str


def _md_segments(text: str) -> list[Segment]:
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    lines = text.splitlines()
    segs: list[tuple[str | None, list[str]]] = [(None, [])]
    start = 0
    if lines and lines[0].strip() == "---":  # YAML front matter: its own segment, no heading
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        segs[0][1].extend(lines[: end + 1])
        segs.append((None, []))
        start = end + 1
    heading = re.compile(r"^\s{0,3}(?:>\s*)*#{1,6}\s+(.*?)\s*#*\s*$")
    fence = None
    for line in lines[start:]:
        m = None if fence else heading.match(line)
        f = re.match(r"^\s*(`{3,}|~{3,})", line)
        if f and (fence is None or f.group(1)[0] == fence):
            fence = None if fence else f.group(1)[0]
        if m:
            segs.append((normalise(m.group(1), "md"), []))
        segs[-1][1].append(line)
    return [Segment(h, normalise("\n".join(body), "md")) for h, body in segs]


def _rst_segments(text: str) -> list[Segment]:
    lines = text.splitlines()
    titles: dict[int, str] = {}  # line index of the title text -> title
    for i in range(len(lines) - 1):
        title, under = lines[i], lines[i + 1]
        if not title.strip() or _RST_ADORNMENT.match(title) or not _RST_ADORNMENT.match(under):
            continue
        over = i > 0 and lines[i - 1].rstrip() == under.rstrip()
        if over or (not title[0].isspace() and len(under.rstrip()) >= len(title.rstrip())):
            titles[i] = normalise(title, "rst")
    return _line_segments(lines, titles, "rst")


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


def _text_titles(lines: list[str]) -> dict[int, str]:
    """AsciiDoc-style titles: a line underlined by one repeated character of about its length
    (within 2), or `== Title`; nothing inside a delimited block (`----` listings and the like)
    counts, so the last code line before a closing `----` is not a title."""
    titles: dict[int, str] = {}
    block = None
    for i, line in enumerate(lines):
        here = line.rstrip()
        if block:
            block = None if here == block else block
            continue
        if _RST_ADORNMENT.match(here) and len(here) >= 4:
            if i - 1 not in titles:
                block = here  # not an underline: it opens a delimited block
            continue
        nxt = lines[i + 1].rstrip() if i + 1 < len(lines) else ""
        one_line = _ONE_LINE_TITLE.match(here)
        if one_line:
            titles[i] = normalise(one_line.group(2), "text")
        elif _underlined(here, nxt):
            titles[i] = normalise(here, "text")
    return titles


def _underlined(line: str, nxt: str) -> bool:
    """A title line: unindented, not a sentence (no closing punctuation), underlined by a line of
    one repeated character within 2 of its length."""
    return bool(
        line
        and not line[0].isspace()
        and line[-1] not in ".,:;"
        and not _RST_ADORNMENT.match(line)
        and _RST_ADORNMENT.match(nxt)
        and abs(len(nxt) - len(line)) <= 2
    )


def _line_segments(lines: list[str], titles: dict[int, str], fmt: str) -> list[Segment]:
    segs: list[tuple[str | None, list[str]]] = [(None, [])]
    for i, line in enumerate(lines):
        if i in titles:
            segs.append((titles[i], []))
        segs[-1][1].append(line)
    return [Segment(h, normalise("\n".join(body), fmt)) for h, body in segs]


class _HtmlSegments(HTMLParser):
    """Text by heading scope. A heading rules the element that holds it (climbing out of
    wrappers that hold nothing but the heading) until that element closes or a heading at the
    same or an outer level follows, so text after a boxed note falls under its section again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segs: list[tuple[str | None, list[str]]] = [(None, [])]
        self.stack: list[list] = []  # [heading, scope depth, content seen since it]
        self.depth = 0
        self.heading: list[str] | None = None
        self.skip = 0

    def _switch(self) -> None:
        self.segs.append((self.stack[-1][0] if self.stack else None, []))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if _BLOCK_TAG.match(f"<{tag}>"):
            self.segs[-1][1].append(" ")
        if tag in _VOID:
            return
        self.depth += 1
        if re.fullmatch(r"h[1-6]", tag):
            while self.stack and self.stack[-1][1] >= self.depth - 1:
                self.stack.pop()
            self.heading = []
            self.segs.append((None, []))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if _BLOCK_TAG.match(f"<{tag}>"):
            self.segs[-1][1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if _BLOCK_TAG.match(f"</{tag}>"):
            self.segs[-1][1].append(" ")
        if re.fullmatch(r"h[1-6]", tag) and self.heading is not None:
            title = collapse("".join(self.heading))
            self.segs[-1] = (title, self.segs[-1][1])
            self.stack.append([title, self.depth - 1, False])
            self.heading = None
        elif self.stack and self.stack[-1][1] == self.depth:
            if self.stack[-1][2]:
                self.stack.pop()
                self._switch()
            else:
                self.stack[-1][1] -= 1
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.heading is not None:
            self.heading.append(data)
        if data.strip():
            for entry in self.stack:
                entry[2] = True
        self.segs[-1][1].append(data)


def segments(path: Path) -> list[Segment]:
    text = path.read_text(encoding="utf-8", errors="replace")
    fmt = format_of(path.name)
    if fmt == "md":
        return _md_segments(text)
    if fmt == "rst":
        return _rst_segments(text)
    if fmt == "text":
        return _line_segments(text.splitlines(), _text_titles(text.splitlines()), "text")
    parser = _HtmlSegments()
    parser.feed(text)
    parser.close()
    return [Segment(h, collapse("".join(body))) for h, body in parser.segs]


def headings_at(segs: list[Segment], needle: str) -> list[str | None] | None:
    """The heading above each occurrence of `needle` in the joined text; None when absent."""
    joined, starts, pos = [], [], 0
    for seg in segs:
        starts.append(pos)
        joined.append(seg.text)
        pos += len(seg.text) + 1
    full = " ".join(joined)
    found = [m.start() for m in re.finditer(re.escape(needle), full)]
    if not found:
        return None
    out = []
    for at in found:
        idx = max(i for i, s in enumerate(starts) if s <= at)
        out.append(segs[idx].heading)
    return out
