"""Reader: candidate answer spans of the top passages, each tagged with what kind of value it is.

Spans are taken verbatim from a passage's text, so a short answer is always text the cited lines
show. What counts as a candidate is general: typed values (numbers with units, money, dates,
durations, URLs, flags, ``#channels``, code spans), capitalised names, a table cell, a field's
value, the object of "X is/are ...", an expansion "Long Name (LN)", the clause of "when ...",
and the noun phrase a title ends in ("Deploy a release with Helm" → Helm). Which one answers is the
answer builder's (fitted) decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html import unescape
from pathlib import Path

from ipsearch.answer.analysis import Analysis, code_tokens
from ipsearch.answer.passages import Passage

MAX_WORDS = 12
# Plain-text formats whose source marks code with backticks (Markdown, reStructuredText,
# AsciiDoc).
MARKED_CODE = (".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc")
# ``literal`` (reST) before `code`: a lone pair would read the text between two literals.
_MARKED = re.compile(r"``(?P<d>[^`]+)``|`(?P<s>[^`]+)`")
_HTML_CODE = re.compile(r"<(code|tt|kbd|samp|var|literal)\b[^>]*>(?P<c>.*?)</\1>", re.I)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Numbers written in words: "four", "sixty-four", "two hundred", "a dozen", "half".
_UNITS_W = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen")  # fmt: skip
_TENS_W = "twenty thirty forty fifty sixty seventy eighty ninety"
_ONE_W = rf"(?:(?:{'|'.join(_TENS_W.split())})(?:[-\s](?:{'|'.join(_UNITS_W.split()[1:10])}))?" \
         rf"|{'|'.join(sorted(_UNITS_W.split(), key=len, reverse=True))})"  # fmt: skip
_SCALE_W = r"(?:hundred|thousand|million|billion)"
_NUMW = (rf"(?:{_ONE_W}(?:\s+{_SCALE_W}(?:\s+(?:and\s+)?{_ONE_W})?)?"
         rf"|(?:an?\s+)?(?:dozen|{_SCALE_W})|half)(?!\w)")  # fmt: skip
_UNIT_SIZE = r"(?:[KMGTP]i?B|[KMGTP]i|(?:kilo|mega|giga|tera|peta|[kmgtp]i?)?(?:bytes?|bits?))"
_UNIT_TIME = r"(?:milli)?seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"


@cache
def typed_patterns() -> dict[str, re.Pattern]:
    """The typed-span patterns, compiled on first use (9 ms): `which` never reads spans."""
    return {
        "money": re.compile(
            r"[£$€]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|bn|m|k)\b)?"
            r"|\b\d[\d,]*(?:\.\d+)?\s?(?:million|billion|thousand)?\s?(?:pounds|euros|dollars)\b",
            re.I,
        ),
        "date": re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}}\b|\b(?:{_MONTHS})\s+\d{{1,2}},?"
            rf"\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:{_MONTHS})\s+\d{{4}}\b"
            r"|\b(?:1[89]|20)\d{2}\b"
        ),
        "duration": re.compile(
            rf"\b(?:\d[\d,.]*|an?|{_NUMW})(?:\s+an?)?\s*(?:-\s*)?(?:{_UNIT_TIME})\b", re.I
        ),
        # How often: "daily", "every 10 minutes", "twice a week", "3 times per hour".
        "frequency": re.compile(
            r"\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually)\b"
            rf"|\bevery\s+(?:(?:\d[\d,.]*|other|few|{_NUMW})\s+)?(?:{_UNIT_TIME}|night|morning)\b"
            rf"|\b(?:once|twice|(?:\d+|{_NUMW})\s+times)\s+(?:a|an|per|each|every)\s+"
            rf"(?:{_UNIT_TIME})\b",
            re.I,
        ),
        "quantity": re.compile(
            # Not "128-bit": joined by a hyphen, a number and unit describe a noun ("a 128-bit
            # value"), they do not state a quantity.
            rf"(?:\b\d[\d,.]*\s?|\b{_NUMW}\s)(?:{_UNIT_SIZE}|%|percent|per\s+cent|ms|px|MHz|"
            r"GHz|requests|users|replicas|characters|lines|items|times)(?![\w-])",
            re.I,
        ),
        "number": re.compile(rf"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w.])|\b{_NUMW}", re.I),
        "url": re.compile(r"\bhttps?://[^\s)>\]]+|\b[\w-]+(?:\.[\w-]+){2,}(?:/[\w./-]*)+"),
        "flag": re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S+)?"),
        "channel": re.compile(r"(?<![\w&])#[A-Za-z][\w-]+"),
        "name": re.compile(
            r"\b[A-Z][\w.&'-]*(?:\s+(?:(?:for|and|of|the|&|on|to|de)\s+)*[A-Z][\w.&'-]*)*"
        ),
    }


_CODEISH = re.compile(r"\S*(?:[_/<>]|::|\(\)|\w\.\w|[a-z][A-Z]|\d[a-z]|[a-z]\d)\S*")
_OBJECT = re.compile(
    r"\b(?:is|are|was|were|be|called|named|known\s+as|by|uses?|using|via|to\s+be|"
    r"defaults?\s+to|defaulting\s+to|set\s+to|default:)\s+"
    r"(?P<o>[^,.;:()]{1,80})"
)
# Where: a path ("/etc/x", "~/.config/x", "$HOME/x", "docs/a.md"), a dotfile, or the place
# a preposition of place names, read only for "where" questions (it is in most sentences).
_PATH = re.compile(r"(?<![\w/.])(?:[~.]|\$\w+)?/[\w.$-]+(?:/[\w.$-]*)*|(?<![\w/.])[\w.-]+/[\w.-]+"
                   r"(?:/[\w.-]*)*|(?<![\w/])\.[A-Za-z][\w.-]+")  # fmt: skip
_PLACE_PHRASE = re.compile(
    r"\b(?:in|at|under|inside|within|into|below|beneath|on)\s+(?P<l>(?:the|a|an|your|its|their|"
    r"each|every)?\s*[^\s,.;:()]+(?:\s+[^\s,.;:()]+){0,6})"
)
# A manual's NAME line or a glossary entry: "ls - list directory contents" names a command.
_GLOSS = re.compile(r"^(?P<t>[\w.+:-]+(?:\s[\w.+:-]+)?)\s+(?:-{1,2}|–|—)\s+\S")
# A legend or glossary line's meaning: "'M' = modified", "ls - list directory contents",
# what the question "what does M mean" asks for.
_DEFINES = re.compile(r"^(?P<t>['\"`]?[^\s'\"`=]{1,20}['\"`]?|[\w.+:-]+(?:\s[\w.+:-]+)?)\s+"
                      r"(?:=|-{1,2}|–|—)\s+(?P<d>[^\s=][^.;]{0,79})")  # fmt: skip
_CLAUSE = re.compile(r"\b(?:[Ww]hen|[Oo]nce|[Aa]fter|[Uu]ntil|[Bb]efore)\s+(?P<c>[^,.;:]{3,80})")
_EXPANSION = re.compile(r"(?P<long>(?:[A-Z][\w-]*\s+(?:(?:for|and|of|the|&|in|on)\s+)*){1,8})"
                        r"\((?P<acr>[A-Z][A-Za-z0-9&]{1,9})\)")  # fmt: skip
_TITLE_TAIL = re.compile(r"\b(?:with|using|in|via|for|by|from)\s+(?P<np>[^,.;:()]{1,40})$")
# Words that open sentences capitalised without naming anything.
_FUNCTION_WORDS = (
    "a an the this that these those there here it its they their we our you your he she his her "
    "with without using use in on at for from by to of as if when where while after before "
    "each every all some any no not and or but so then also however see note for more "
    "what which who how why is are was were be do does can may must should will"
)
_FUNCTION = set(_FUNCTION_WORDS.split())
# Types a question states for sure: a candidate of no kind that answers it is not read.
# Not "code": what a question calls a method or a type is often plain text in the source.
CERTAIN_TYPES = {"person", "number", "money", "duration", "date", "quantity", "url", "channel",
                 "expansion", "frequency"}  # fmt: skip
_PASSIVE = re.compile(
    r"(?:[a-z]+ed|given|written|taken|shown|known|done|made|seen|set|run|kept|held|found)\b"
    r"(?:\s+(?:by|as|to|in|with|for|from|on|at|into|under))?\s*"
)
_LEADING = re.compile(r"^(?:the|a|an|that|this|its|their|our|your)\s+", re.I)


@dataclass
class Candidate:
    """A span of one passage that might be the answer."""

    text: str
    start: int
    end: int
    passage: Passage
    kinds: set[str] = field(default_factory=set)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def key(self) -> tuple[int, int, int]:
        return (id(self.passage), self.start, self.end)


class Reader:
    """Passages → candidate spans, typed; at most ``per_passage`` of each passage."""

    def __init__(self, corpus: Path | None = None, max_passages: int = 80) -> None:
        self.corpus = corpus
        self.max_passages = max_passages

    def run(self, analysis: Analysis, passages: list[Passage]) -> list[Candidate]:
        out: dict[tuple, Candidate] = {}
        for p in passages:
            if p.text.rstrip().endswith("?"):
                continue  # a sentence that asks ("When are you added?") states no answer
            # A field's key names the value, it is not one ("Chaired by: X" → X, not "Chaired").
            key_end = p.text.find(":") + 1 if p.kind == "field" else 0
            for kind, a, b in self.spans(p, analysis):
                text = _trimmed(p.text[a:b], kind)
                if not text or len(text.split()) > MAX_WORDS or a < key_end:
                    continue
                a = p.text.find(text, a)
                c = out.setdefault((id(p), a, a + len(text)), Candidate(text, a, a + len(text), p))
                c.kinds.add(kind)
        if analysis.type in CERTAIN_TYPES:
            # A cell or a field's value answers "how long" when it reads as a duration: a
            # navigation table's "Prev" is a cell, not a length. Names need no such reading
            # (a chair's field may hold a lower-case handle).
            typed = set(analysis.kinds) - (
                {"cell", "field"} if analysis.type != "person" else set()
            )
            return [c for c in out.values() if c.kinds & typed]
        if analysis.type == "code":
            # "Which command renames X": the command the question already names is no answer.
            named = {answer_key(w) for w in analysis.text.split()} | {
                answer_key(w) for w in code_tokens(analysis.text)
            }
            return [c for c in out.values() if answer_key(c.text) not in named]
        return list(out.values())

    def spans(self, p: Passage, analysis: Analysis) -> list[tuple[str, int, int]]:
        text = p.text
        out = [
            (k, m.start(), m.end())
            for k, pat in typed_patterns().items()
            for m in pat.finditer(text)
        ]
        marked = self.code_spans(p)  # the source says these are code
        out += [(k, a, b) for a, b in marked for k in ("code", "marked")]
        out += [("code", m.start(), m.end()) for m in _CODEISH.finditer(text)]
        if p.kind == "row" and p.cells:
            out += _cell_spans(text, p.cells)
        if p.kind == "field":
            v = p.value
            # A value of punctuation alone ("Decoding::" read as a field) is no value.
            i = text.find(v, text.find(":") + 1) if any(ch.isalnum() for ch in v) else -1
            if i >= 0:
                out.append(("field", i, i + len(v)))
        for m in _OBJECT.finditer(text):
            obj, a = m["o"], m.start("o")
            # "is managed by the agency" names its object after the passive verb; "is
            # omitted" names none: the participle itself is not an answer.
            if passive := _PASSIVE.match(obj):
                obj, a = obj[passive.end() :], a + passive.end()
            if lead := _LEADING.match(obj):
                obj, a = obj[lead.end() :], a + lead.end()
            if obj.strip():
                out.append(("object", a, m.end("o")))
        if analysis.object_verb:
            out += _verb_objects(text, analysis.object_verb)
        if re.match(r"^[\w\s`'-]{1,40}:\s", text) and p.kind != "field":
            i = text.index(":") + 1
            out.append(("object", i, min(len(text), i + 80)))
        out += [("clause", m.start("c"), m.end("c")) for m in _CLAUSE.finditer(text)]
        if m := _GLOSS.match(text):
            out += [(k, m.start("t"), m.end("t")) for k in ("code", "gloss")]
        if p.kind in ("item", "sentence") and (m := _DEFINES.match(text)):
            out += [(k, m.start("d"), m.end("d")) for k in ("object", "meaning")]
        if analysis.type == "location":
            out += [("location", m.start(), m.end()) for m in _PATH.finditer(text)]
            for m in _PLACE_PHRASE.finditer(text):
                a, obj = m.start("l"), m["l"]
                if lead := _LEADING.match(obj):
                    a += lead.end()
                out.append(("location", a, m.end("l")))
        for m in _EXPANSION.finditer(text):
            out.append(("expansion", m.start("long"), m.end("long")))
        titled = p.kind in ("heading", "title") or (p.key or "").lower() == "title"
        if titled and (m := _TITLE_TAIL.search(text)):
            out.append(("title", m.start("np"), m.end("np")))
        return out

    def code_spans(self, p: Passage) -> list[tuple[int, int]]:
        """Spans the source marks as code (`...`, ``...``, :role:`...`), found again in the
        rendered text."""
        source = p.section.source.lower()
        html = source.endswith((".html", ".htm"))
        if self.corpus is None or not (html or source.endswith(MARKED_CODE)):
            return []
        raw = _raw_lines(str(self.corpus / p.section.source))
        out = []
        # The passage's lines as one text: a `span` (or a link) may run over a line break, and
        # read line by line its closing mark would open a bogus span with the next one.
        block = "\n".join(raw[p.first - 1 : p.last])
        for m in (_HTML_CODE if html else _MARKED).finditer(block):
            if not html and block[m.end() : m.end() + 1] == "_":
                continue  # a reST hyperlink `text <url>`_, not code
            # A reST role's "~mod.name" shows only "name".
            raw_v = m["c"] if html else (m["d"] or m["s"])
            v = unescape(re.sub(r"<[^>]+>", "", raw_v)) if html else raw_v.lstrip("!")
            v = v[1:].rsplit(".", 1)[-1] if v.startswith("~") else v
            v = " ".join(v.split()) if "\n" in v else v
            i = _placed(p.text, v, _word_before(block[: m.start()]), _word_after(block[m.end() :]))
            if i >= 0:
                out.append((i, i + len(v)))
        return out

    def select(self, passages: list[Passage], cover) -> list[Passage]:
        """The passages to read: the first ``max_passages`` in retrieval order, then the later
        ones that hold a question word (``cover(p) > 0``), best covered first, up to as many
        again: a long top section must not hide the answer in the next one."""
        head, rest = passages[: self.max_passages], passages[self.max_passages :]
        scored = sorted(((cover(p), -i, p) for i, p in enumerate(rest)), key=lambda x: x[:2])
        later = [p for c, _, p in reversed(scored) if c > 0][: self.max_passages]
        return head + sorted(later, key=lambda p: (p.rank, p.order))


@lru_cache(maxsize=32)
def _verb_forms(verb: str) -> re.Pattern:
    """Any form of ``verb`` followed by its object: "create" → "creates a new cluster"."""
    stem = re.escape(verb[:-1] if verb.endswith("e") else verb)
    return re.compile(rf"\b{stem}(?:e|es|s|ed|d|ing)?\s+(?P<o>[^,.;:()]{{1,80}})", re.I)


def _verb_objects(text: str, verb: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _verb_forms(verb).finditer(text):
        a, obj = m.start("o"), m["o"]
        if lead := _LEADING.match(obj):
            a += lead.end()
        out.append(("object", a, m.end("o")))
    return out


def _trimmed(span: str, kind: str) -> str:
    """A span without quotes, list punctuation or, for names, the function words a sentence
    opens with ("The TCP port" → "TCP port"): "5," and "5" are one answer."""
    text = span.strip(" \"'`").rstrip(",;")
    if text.endswith("::"):  # a definition-list or directive marker, not part of the value
        text = text.rstrip(":")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if kind == "name":
        ws = text.split()
        while ws and re.sub(r"['’]s$", "", ws[0].lower()) in _FUNCTION:
            ws = ws[1:]
        text = " ".join(ws)
    return text.strip(" \"'`")


def _bounded(text: str, i: int, j: int) -> bool:
    """``text[i:j]`` is not part of a longer word or flag ("c" in "Instead", "--no" in
    "--no-pager" are no code spans of their own)."""

    def word(k: int, step: int) -> bool:
        if not 0 <= k < len(text):
            return False
        c = text[k]
        if c == "-":  # a hyphen joins words: "no-pager"
            return 0 <= k + step < len(text) and text[k + step].isalnum()
        return c.isalnum() or c == "_"

    return not ((text[i].isalnum() and word(i - 1, -1)) or (text[j - 1].isalnum() and word(j, 1)))


def _word_before(raw: str) -> str:
    """The last word before a marked span in the source, markup aside (a reST role's
    ``:func:`` prefix and HTML tags are not shown)."""
    tail = re.sub(r":[\w:.+-]+:$", "", re.sub(r"<[^>]*>", " ", raw[-120:]))
    ws = re.findall(r"[^\W_]+", tail)
    return ws[-1].lower() if ws else ""


def _word_after(raw: str) -> str:
    ws = re.findall(r"[^\W_]+", re.sub(r"<[^>]*>", " ", raw[:120]))
    return ws[0].lower() if ws else ""


def _placed(text: str, v: str, before: str, after: str) -> int:
    """Where a marked value sits in the rendered passage: of its occurrences that are whole
    words, the one whose neighbouring words are those the source shows around the mark. The
    marks of a block are read for each of its sentences: a short value is only placed where its
    neighbours agree."""
    if not v:
        return -1
    found = []
    i = text.find(v)
    while i >= 0:
        if _bounded(text, i, i + len(v)):
            prev = re.findall(r"[^\W_]+", text[max(0, i - 80) : i])
            nxt = re.findall(r"[^\W_]+", text[i + len(v) : i + len(v) + 80])
            agree = (bool(prev) and prev[-1].lower() == before) + (
                bool(nxt) and nxt[0].lower() == after
            )
            found.append((agree, -i))
        i = text.find(v, i + 1)
    if not found:
        return -1
    agree, at = max(found)
    # A short value ("a", "c", "id") elsewhere in the sentence is likely another word.
    return -at if agree or len(v) >= 3 else -1


def answer_key(text: str) -> str:
    """What makes two candidates the same answer: case, spacing and quotes aside."""
    return " ".join(text.lower().strip(" \"'`.,;").split())


def _cell_spans(text: str, cells: list[str]) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for cell in cells:
        i = text.find(cell, pos) if cell else -1
        if i >= 0:
            out.append(("cell", i, i + len(cell)))
            pos = i + len(cell)
    return out


@lru_cache(maxsize=64)
def _raw_lines(path: str) -> list[str]:
    from ipsearch.errors import IpsearchError
    from ipsearch.ingest import Skip, read_text, split_lines

    try:
        text, _ = read_text(Path(path), path)
    except (Skip, OSError, IpsearchError):
        return []
    return split_lines(text)
