"""Comparing a quote with source text: folded forms, locating, aligning and naming differences.

Two comparison levels: *spacing* (whitespace runs are one space: a quote may re-flow lines) and
*normalised* (also NFKC forms, curly/straight quotes, dash styles, the ellipsis character and
case). Each folded text keeps, per character, the index it came from, so a match found in
folded text maps back to the source text a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

_NON_SPACE = re.compile(r"\S+")
_STYLE = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′", "'"),
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
# An amount, a date or a number is one token, so "£12 million" vs "£121 million" is one change.
_FIGURE = (
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    r"|[£$€¥]?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|trillion|thousand|bn|m|k|per\s?cent)\b|%)?"
)
_TOKEN = re.compile(rf"{_FIGURE}|\w+(?:['’]\w+)*|[^\w\s]", re.IGNORECASE)
_NUMBER_WORDS = frozenset(
    re.findall(
        r"\w+",
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
        "eighty ninety hundred thousand million billion trillion half third quarter dozen",
    )
)
# "May" is more often the verb than the month: only a digit makes it a date.
_MONTH_WORDS = frozenset(m.lower() for m in _MONTHS.split("|")) - {"may"}


def fold_char(ch: str, normalised: bool) -> str:
    if not normalised:
        return ch
    return unicodedata.normalize("NFKC", ch).translate(_STYLE).casefold()


def fold(text: str, normalised: bool) -> tuple[str, list[int]]:
    """``text`` in comparable form, and for each folded character the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    for m in _NON_SPACE.finditer(text):
        if out:
            out.append(" ")
            origin.append(m.start() - 1)
        word, start = m.group(), m.start()
        if word.isascii():  # most words: folding is lower-casing, one character for one
            out.append(word.lower() if normalised else word)
            origin.extend(range(start, m.end()))
            continue
        for i, ch in enumerate(word, start):
            folded = fold_char(ch, normalised)
            out.append(folded)
            origin.extend([i] * len(folded))
    return "".join(out), origin


def fold_fast(text: str, normalised: bool) -> str:
    """``fold`` without the index map: whole-string operations, for screening candidates."""
    if normalised:
        text = unicodedata.normalize("NFKC", text).translate(_STYLE).casefold()
    return " ".join(text.split())


def trim_edges(quote: str) -> str:
    """A quote without the punctuation a writer adds around it (a closing full stop, a comma)."""
    return quote.strip().strip(".,;:!?'\"‘’“” ").strip()


@dataclass
class Span:
    """A stretch of source text (character offsets) and how well the quote matches it (0-100)."""

    start: int
    end: int
    score: float


def locate(quote: str, text: str, normalised: bool) -> Span | None:
    """Where ``quote`` occurs in ``text`` at one comparison level, or None."""
    q, _ = fold(quote, normalised)
    if not q:
        return None
    t, origin = fold(text, normalised)
    i = t.find(q)
    if i < 0:
        return None
    return Span(origin[i], origin[i + len(q) - 1] + 1, 100.0)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end): figures as one token each, words, punctuation marks."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _key(token: str) -> str:
    return fold_fast(token, True)


def align(quote: str, text: str) -> Span | None:
    """The stretch of ``text`` that best matches ``quote`` word for word, with its similarity.

    rapidfuzz finds the best window of the quote's length; the window, widened by a quarter of
    the quote on each side, is then aligned token by token so the span starts and ends where
    the quoted words do, even when words were added or dropped.
    """
    from rapidfuzz import fuzz

    q = fold_fast(quote, True)
    t, origin = fold(text, True)
    if not q or not t:
        return None
    rough = fuzz.partial_ratio_alignment(q, t)
    if rough is None or rough.score == 0:
        return None
    slack = len(q) // 4 + 1
    lo = origin[max(rough.dest_start - slack, 0)]
    hi = origin[min(rough.dest_end + slack, len(t)) - 1] + 1
    qt = tokens(quote)
    wt = tokens(text[lo:hi])
    if not qt or not wt:
        return None
    sm = SequenceMatcher(None, [_key(x[0]) for x in qt], [_key(x[0]) for x in wt], autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    # Quoted tokens before the first match / after the last are changed words at the edges:
    # take as many source tokens there, so "13 workers" aligns with "8 workers".
    a = max(first.b - first.a, 0)
    b = min(last.b + last.size + (len(qt) - last.a - last.size), len(wt)) - 1
    start, end = lo + wt[a][1], lo + wt[b][2]
    score = fuzz.ratio(q, fold_fast(text[start:end], True))
    return Span(start, end, score)


@dataclass
class Difference:
    """Words the quote has (``quoted``) where the source has others (``found``).

    ``kind``: "figure" (a number, date or amount changed), "wording", "punctuation" (only
    when nothing else changed), or "style" (case, quote marks, dashes: what the normalised
    level forgives).
    """

    quoted: str
    found: str
    kind: str


def is_figure(text: str) -> bool:
    words = {w.lower() for w in re.findall(r"\w+", text)}
    return any(c.isdigit() for c in text) or bool(words & (_NUMBER_WORDS | _MONTH_WORDS))


def differences(quote: str, found: str) -> list[Difference]:
    """What changed between the quote and the source text it was matched with."""
    qt, ft = tokens(quote), tokens(found)
    keys_q = [_key(x[0]) for x in qt]
    keys_f = [_key(x[0]) for x in ft]
    out: list[Difference] = []
    marks: list[Difference] = []
    sm = SequenceMatcher(None, keys_q, keys_f, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        qs = quote[qt[i1][1] : qt[i2 - 1][2]] if i2 > i1 else ""
        fs = found[ft[j1][1] : ft[j2 - 1][2]] if j2 > j1 else ""
        if op == "equal":
            out += [
                Difference(a[0], b[0], "style")
                for a, b in zip(qt[i1:i2], ft[j1:j2], strict=True)
                if a[0] != b[0]
            ]
            continue
        if not re.search(r"\w", qs + fs):
            marks.append(Difference(qs, fs, "punctuation"))
            continue
        out.append(Difference(qs, fs, "figure" if is_figure(qs + " " + fs) else "wording"))
    # Punctuation is named only when it is all that changed: otherwise it hides the words.
    if not any(d.kind != "style" for d in out):
        out += marks
    return out
