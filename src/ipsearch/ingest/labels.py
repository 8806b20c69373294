"""Small general rules over rendered text: ``Label: value`` lines, dates, names and acronyms.

Every pattern here runs in linear time: no nested quantifiers over free text (a crafted line
must not make ingest or a query slow).
"""

from __future__ import annotations

import re
from datetime import date

from ipsearch.textutil import split_sentences

_LABEL = re.compile(r"(?P<key>[A-Z][\w'’&/ ()-]{0,40}?)\s*:\s*(?P<value>.*)")
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
_CAP = r"[A-Z][\w\-]*"
_SMALL = r"(?:for|and|of|the|&|in|on|to)"
# Each repetition must consume a capitalised word, and words and spaces never overlap, so
# matching is linear in the text.
_NAME = rf"{_CAP}(?:\s+(?:{_SMALL}\s+)*{_CAP})*"
_NAME_ACR = re.compile(rf"(?P<name>{_NAME})\s*\((?P<acr>[A-Z][A-Za-z0-9&]{{1,9}})\)")
_NAME_ANY = re.compile(_NAME)
_SUBJECT = re.compile(
    rf"(?:The\s+)?(?P<name>{_NAME})(?:\s*\((?P<acr>[A-Z][A-Za-z0-9&]{{1,9}})\))?"
    r"\s+(?:is|are|was|were|aims|has|have|will|works|leads)\b"
)
SMALL_WORDS = {"for", "and", "of", "the", "&", "in", "on", "to", "a", "an"}


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


def label_of(text: str) -> tuple[str, str] | None:
    """``Key: value`` on one line with a short key; the value may be empty."""
    m = _LABEL.fullmatch(text.strip())
    if not m:
        return None
    key, value = m["key"].strip(), m["value"].strip()
    if len(key.split()) > 4 or len(value.split()) > 12 or value.endswith((".", ";")):
        return None
    return key, value


def title_case(phrase: str) -> str:
    words = phrase.split()
    return " ".join(
        w if (i and w.lower() in SMALL_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


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


def key_noun(doc_title: str | None) -> str | None:
    """What the page lists, from its title: "Regional boards: an overview" → board."""
    if not doc_title:
        return None
    head = re.split(r"[:–—-]", doc_title)[0].split()
    if not head:
        return None
    noun = head[-1].lower()
    return noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun


def names(text: str, noun: str | None) -> tuple[str | None, list[str]]:
    """A section's own name (the item the page describes) and its acronyms."""
    aliases = [f"{name} ({acr})" for name, acr in expansions(text)]
    name = None
    if noun:
        for m in _NAME_ANY.finditer(text):
            words = m.group().split()
            if words[0] == "The":
                words = words[1:]
            if len(words) >= 2 and words[-1].lower().startswith(noun):
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
