"""Question analysis: the answer type a question expects, its focus words, the field it names.

Types come from general English question wording, never from what a corpus is about:
"how many" wants a number, "who" a person or organisation, "which page covers" a place.
The nouns a corpus calls its own items (what several of its section names end in) are passed
in, so "which <item> covers X" is a place question on any corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Types a question can expect, and the candidate kinds that can answer each (best first).
ANSWER_KINDS: dict[str, tuple[str, ...]] = {
    "place": ("place",),
    "person": ("name", "field", "cell", "object"),
    "number": ("number", "quantity", "cell", "field", "code"),
    "money": ("money", "cell", "field"),
    "duration": ("duration", "quantity", "cell", "field"),
    "frequency": ("frequency", "duration", "cell", "field"),
    "location": ("location", "url", "code", "cell", "field", "object"),
    "date": ("date", "clause", "cell", "field"),
    "quantity": ("quantity", "number", "cell", "field", "code"),
    "code": ("code", "flag", "cell", "field", "url", "object", "title"),
    "url": ("url", "code", "cell", "field"),
    "channel": ("channel", "field", "cell"),
    "name": ("name", "code", "cell", "field", "title", "object", "expansion"),
    "definition": ("object", "expansion", "cell", "field", "code"),
    "expansion": ("expansion",),
    # "What is the default X": a setting's value, which may be a number, a word or code.
    "value": ("field", "cell", "number", "quantity", "duration", "code", "object", "name"),
    "howto": ("code", "flag", "object"),
    "other": ("object", "name", "code", "cell", "field"),
}

# Nouns that ask for a document or a part of one, whatever the corpus is.
PLACE_NOUNS = {
    "page", "doc", "docs", "document", "documentation", "chapter", "section", "part",
    "guide", "article", "manual", "appendix", "topic", "heading", "runbook", "tutorial",
}  # fmt: skip
_NOUN_TYPES = {
    "person": "person people company organisation organization firm employer team body agency "
    "department group owner author maintainer",
    "url": "url link address website site",
    "channel": "channel handle",
    # Attribute nouns ("default", "value", "setting") name what is asked about, not the kind
    # of its value (a default may be a number, a word or a command): they type nothing.
    "code": "command flag option method function endpoint file path keyword type prefix role "
    "variable operator macro trait attribute field parameter argument suffix extension "
    "syntax pointer annotation directive",
    "date": "date year month day",
    "money": "price cost fee salary",
    "quantity": "size limit maximum minimum capacity memory",
    "duration": "duration period",
}
NOUN_TYPE = {w: t for t, words in _NOUN_TYPES.items() for w in words.split()}
# Two-word nouns whose value is a number whatever their head says ("exit code" is not code).
NUMBER_COMPOUNDS = {("exit", "code"), ("exit", "status"), ("error", "code"), ("return", "code"),
                    ("status", "code"), ("numeric", "value"), ("port", "number")}  # fmt: skip


def _numeric(pair: list[str]) -> bool:
    low = tuple(w.lower() for w in pair)
    return low in NUMBER_COMPOUNDS or tuple(singular(w) for w in low) in NUMBER_COMPOUNDS


QUESTION_WORDS = {
    "who", "whom", "whose", "what", "which", "when", "where", "why", "how", "much", "many",
    "does", "do", "did", "was", "were", "there", "is", "are", "has", "have", "had", "would",
    "could", "should", "can", "will", "stand", "mean", "called", "name", "named", "tell", "me",
    "please", "about", "its", "their", "they", "it", "i", "my", "we", "our", "you", "your",
    "some", "any", "get", "give", "whats", "what's", "according", "explain", "explains",
    "cover", "covers", "covered", "describe", "describes", "described", "documented", "book",
    "page", "doc", "document", "documentation", "chapter", "section", "part", "guide", "find",
}  # fmt: skip
_FIELD = re.compile(
    r"\b(default|owner|retention|limit|maximum|minimum|timeout|version|size|url|port|"
    r"channel|author|authors|licen[cs]e|price|cost)\b"
)
# Attributes whose value a "what is the ATTRIBUTE of X" question asks for.
_ATTRIBUTE = r"(?:default|maximum|minimum|max|min|limit|timeout|initial|current)"
_MONEY_WORDS = re.compile(
    r"\b(?:cost|costs|pay|paid|price|fee|fees|charge|charged|spend|spent|"
    r"worth|budget|invest|invested|funding|money|salary|afford)\b"
)
_AUX = r"(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|must|may)"
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# A token written as code: snake_case, dotted.names, --flags, paths, Rust paths, calls(),
# CamelCase. The index keeps ``max_connections`` as one term: split into "max connections" the
# question would miss the heaviest word of the section that answers it.
_CODE_TOKEN = re.compile(
    r"^(?:--?[A-Za-z][\w-]*(?:=\S+)?|\.\w\S*|\S*(?:\w_\w|\w\.\w|::|\w/\w|^/\w|\w\(\)|[a-z][A-Z])\S*)$"
)
_TOKEN_EDGE = "\"'“”‘’`,;:!?()[]{}<>"
_EXPANSION = re.compile(
    r"\bwhat\s+(?:does|do|did|is|was)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?"
    r"[\"'“‘]?(?P<a>[A-Za-z][A-Za-z0-9&]{1,9})[\"'”’]?\s+(?:stand\s+for|short\s+for)\b"
    r"|\bexpand\s+(?P<b>[A-Za-z][A-Za-z0-9&]{1,9})\b",
    re.I,
)
_BARE_ACRONYM = re.compile(r"^\s*what\s+is\s+(?:the\s+|an?\s+)?(?P<a>[A-Z][A-Z0-9&]{1,9})\s*\??$")
_WHICH = re.compile(rf"^\s*(?:in\s+)?(?:which|what)\s+(?!{_AUX}\b)"
                    r"(?P<noun>(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
                    rf"(?P<verb>{_AUX}|[\w-]+(?:s|ed)\b)", re.I)  # fmt: skip
_WHERE_PLACE = re.compile(
    r"^\s*where\s+(?:is|are|does|do|can|in)\b.*\b(?:explain|cover|describ|document|discuss|"
    r"guide|doc|page|chapter|section|book|find|learn|read)",
    re.I,
)


@dataclass
class Analysis:
    """What a question asks for: answer type, focus words, and the field or noun it names."""

    text: str
    type: str
    focus: list[str]  # content words as written
    noun: str | None = None  # "which NOUN", "how many NOUN"
    verb: str | None = None  # the question's main verb ("chairs", "manages")
    acronym: str | None = None
    doc_level: bool = False  # asks for a whole document ("which page"), not a section
    field_words: list[str] = field(default_factory=list)  # "default", "owner", "limit" ...
    # "What does the tool create": the verb whose object is the answer ("creates a cluster").
    object_verb: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return ANSWER_KINDS.get(self.type, ANSWER_KINDS["other"])

    @property
    def focus_text(self) -> str:
        return " ".join(self.focus)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def code_tokens(text: str) -> list[str]:
    """The tokens of ``text`` written as code (see ``_CODE_TOKEN``), whole, as written."""
    out = []
    for raw in text.split():
        tok = raw.strip(_TOKEN_EDGE)
        tok = tok[:-1] if tok.endswith(".") else tok
        if tok and _CODE_TOKEN.match(tok) and any(c.isalpha() for c in tok):
            out.append(tok)
    return out


def focus_words(text: str) -> list[str]:
    """Content words of a question in order: code tokens whole, other words as ``words``."""
    codes = set(code_tokens(text))
    out = []
    for raw in text.split():
        tok = raw.strip(_TOKEN_EDGE)
        tok = tok[:-1] if tok.endswith(".") else tok
        if tok in codes:
            out.append(tok)
        else:
            out += [w for w in words(raw) if w.lower() not in QUESTION_WORDS]
    return out


def singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


class QuestionAnalyzer:
    """Question text → :class:`Analysis`. ``item_nouns``: what the corpus calls its items."""

    def __init__(self, item_nouns: set[str] | None = None) -> None:
        self.item_nouns = item_nouns or set()

    def run(self, question: str) -> Analysis:
        q = question.strip().rstrip("?!. ").strip()
        focus = focus_words(q)
        a = Analysis(text=question, type="other", focus=focus)
        a.verb = _main_verb(q)
        a.field_words = _field_words(q)
        a.object_verb = _object_verb(q)
        m = _EXPANSION.search(q) or _BARE_ACRONYM.match(q)
        if m:
            a.type, a.acronym = "expansion", m["a"] if "a" in m.groupdict() and m["a"] else m["b"]
            return a
        a.type = self._type(_main_clause(q), a)
        if a.type == "place" and a.noun:
            # "Which team covers X": every item is a team; X is what tells them apart.
            a.focus = [w for w in a.focus if singular(w) != a.noun] or a.focus
        return a

    def _type(self, q: str, a: Analysis) -> str:
        low = q.lower()
        if _WHERE_PLACE.match(q):
            a.doc_level = True
            return "place"
        if m := _WHICH.match(q):
            noun_words = m["noun"].lower().split()
            head = singular(noun_words[-1])
            a.noun = head
            if head in PLACE_NOUNS or any(singular(w) in PLACE_NOUNS for w in noun_words):
                a.doc_level = head in PLACE_NOUNS - {"section", "heading", "part"}
                return "place"
            if head in self.item_nouns:
                return "place"
            # "What exit status does": the lazy noun stops before a verb-looking "status".
            last = [*noun_words, m["verb"].lower()]
            if any(_numeric(last[i : i + 2]) for i in range(len(last) - 1)):
                return "number"
            return NOUN_TYPE.get(head, "name")
        if re.match(r"^\s*who(?:m|se)?\b", low):
            return "person"
        if re.match(r"^\s*how\s+many\b", low):
            a.noun = _after(low, r"how\s+many\s+")
            return "number"
        if re.match(r"^\s*how\s+much\b", low):
            # "How much memory": a quantity; money only when the wording is about paying.
            return "money" if _MONEY_WORDS.search(low) else "quantity"
        if re.search(r"\bhow\s+(?:often|frequently)\b", low):
            return "frequency"  # "daily", "every 10 minutes", "twice a year"
        if re.match(r"^\s*where\b", low):
            return "location"  # a path, a URL, a place "in/at/under" something
        if re.search(r"\bhow\s+(?:long|quickly|soon)\b", low):
            return "duration"
        if re.search(r"\bhow\s+(?:big|large|small|heavy|fast)\b|\b(?:biggest|largest|maximum|"
                     r"max|smallest|minimum)\b", low):  # fmt: skip
            return "quantity"
        if re.match(r"^\s*(?:until\s+|since\s+|by\s+)?when\b", low) or re.search(
            r"\bwhat\s+(?:date|year|month|day)\b", low
        ):
            return "date"
        if re.match(r"^\s*how\s+(?:do|can|should|would|to)\b", low):
            return "howto"
        if m := re.match(r"^\s*what(?:'s|s)?\s+(?P<rest>.+)$", low):
            return self._what(m["rest"], a)
        if re.match(rf"^\s*{_AUX}\b", low):
            return "other"
        return "other"

    def _what(self, rest: str, a: Analysis) -> str:
        ws = words(rest)[:6]
        if any(_numeric(ws[i : i + 2]) for i in range(len(ws) - 1)):
            return "number"
        # "What is the default X" / "what's the default X": X's value, not what X is.
        if re.match(rf"^(?:(?:is|are|was|were)\s+)?(?:the\s+|its\s+|[\w.-]+'s\s+)?{_ATTRIBUTE}\b",
                    rest):  # fmt: skip
            return "value"
        if re.search(r"\b(?:url|link|address|website)\b", rest):
            return "url"
        if re.search(r"\b(?:called|named|known\s+as)$", rest):
            return "name"  # "what is the X called": its name, not a definition of it
        if re.search(r"\b(?:do|does)\b.*\b(?:do|mean|used\s+for)$", rest) or re.match(
            r"^(?:is|are)\s+(?:an?\s+)?[\w\s'-]+$", rest
        ):
            return "definition"
        if re.match(r"^(?:do|does|did)\b", rest):
            # "What does the X command create": X is the subject, the answer is the verb's object.
            return "other"
        head = next((NOUN_TYPE[singular(w)] for w in ws if singular(w) in NOUN_TYPE), None)
        if re.match(r"^(?:is|are|was|were)\s+the\s+\w", rest) and head is None:
            return "name"
        return head or "name"


_LEAD_CLAUSE = re.compile(
    r"^\s*(?:when|if|once|after|before|whenever)\b[^,?]{3,100},\s*(?=(?:who|what|which|when|where|"
    r"why|how|is|are|can|do|does|should)\b)",
    re.I,
)


def _main_clause(q: str) -> str:
    """The question without a leading condition: "When I empty a table, how do I ..." asks
    how, not when."""
    return _LEAD_CLAUSE.sub("", q, count=1)


def _after(text: str, prefix: str) -> str | None:
    # The noun is one or two words, never the verb or preposition after it ("how many bytes
    # should", "how many bytes of"): those would ask the value's neighbours for a verb.
    stop = rf"(?!(?:{_AUX}|of|in|on|at|to|for|by|per)\b)"
    m = re.match(rf"^\s*{prefix}(?P<n>[\w-]+(?:\s+{stop}[\w-]+)?)", text)
    return m["n"] if m else None


def _main_verb(q: str) -> str | None:
    """The first word after the question word and auxiliaries that is not a stop word."""
    ws = words(q.lower())
    for w in ws[1:]:
        if w in QUESTION_WORDS or re.fullmatch(_AUX, w) or w in ("the", "a", "an"):
            continue
        if w.endswith(("s", "ed")) or len(ws) < 4:
            return w
        break
    return None


_ENDS_WHAT_DOES = re.compile(r"^\s*what\s+(?:does|do|did|will|can)\s+\S.*?\s(?P<v>[a-z]{3,})$")


def _object_verb(q: str) -> str | None:
    """The verb a "what does X VERB" question ends in, whose object answers it; not "do",
    "mean" or a preposition ("stand for"), which ask for a definition."""
    m = _ENDS_WHAT_DOES.match(q.lower())
    if not m or m["v"] in QUESTION_WORDS or m["v"] in _NOT_OBJECT_VERBS:
        return None
    return m["v"]


_NOT_OBJECT_VERBS = {"for", "from", "with", "about", "into", "like", "mean", "stand", "represent"}


def _field_words(q: str) -> list[str]:
    """Attribute words the question names: "the default X", "X's limit", "retention of X"."""
    low = q.lower()
    found = _FIELD.findall(low)
    return list(dict.fromkeys(found))
