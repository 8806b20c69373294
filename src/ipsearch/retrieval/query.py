"""What a query string means: a bag of words, or Whoosh's query language — and bounds on it.

Punctuation is not syntax. Text a user pastes (a claim with brackets, a path, a URL, code) is
a bag of words. Only explicit syntax switches to the query language: a double quote, an
upper-case AND/OR/NOT, ``field:value`` with a field the index knows, or a word ending in ``*``
or ``~``. Whatever the language yields is then bounded before it runs: fuzzy edit distance at
most 2, a leading wildcard dropped, and each wildcard or fuzzy word expanded to at most a few
dozen index words (the most frequent), with a note saying what was narrowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ipsearch.index.schema import FIELD_BOOSTS

SEARCH_FIELDS = list(FIELD_BOOSTS)
FIELD_ALIASES = {
    "section": ["title", "heading"],
    "body": ["text", "content"],
    "source": ["file"],
}
# Fields a user may name in ``field:value`` besides the searched ones and their aliases.
OTHER_FIELDS = ("id", "kind", "source", "published", "updated")

# Edit distance beyond 2 matches most of a vocabulary and takes seconds (Lucene caps it at 2).
MAX_EDITS = 2
# Index words one wildcard or fuzzy word may stand for, and all of them in one query. Lucene
# rewrites such words to their top terms the same way; the most frequent ones are kept.
MAX_EXPANSIONS = 32
MAX_TOTAL_EXPANSIONS = 128
# Candidates read from the vocabulary per word and field before choosing the most frequent:
# this many times the word's budget (reading a term and its frequency is the cost).
SCAN_FACTOR = 16

_OPERATOR = re.compile(r"(?<![\w-])(?:AND|OR|NOT)(?![\w-])")
_FIELD = re.compile(r"(?<![\w.:/])([A-Za-z_]+):(?=[^\s:])(?!//)")
_SUFFIX = re.compile(r"\w(?:\*|~(?:\d+(?:\.\d+)?)?)(?=[\s),;.!?]|$)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SYNTAX_WORDS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def known_fields() -> set[str]:
    names = set(SEARCH_FIELDS) | set(OTHER_FIELDS)
    for aliases in FIELD_ALIASES.values():
        names.update(aliases)
    return names


def is_plain(qstring: str) -> bool:
    """A bag of words: no double quote, operator, known ``field:``, or trailing ``*``/``~``."""
    if '"' in qstring or _OPERATOR.search(qstring) or _SUFFIX.search(qstring):
        return False
    fields = known_fields()
    return not any(m.group(1).lower() in fields for m in _FIELD.finditer(qstring))


def query_words(qstring: str) -> list[str]:
    """Plain words of a query, leaving out operators, ``field:`` prefixes and patterns."""
    out = []
    for m in _WORD.finditer(qstring):
        word = m.group()
        end, start = m.end(), m.start()
        after = qstring[end : end + 1]
        # A field name, or part of a wildcard or fuzzy word, is no word to respell or match.
        if after in (":", "*", "?", "~") or qstring[start - 1 : start] in ("*", "?"):
            continue
        if word in _SYNTAX_WORDS:
            continue
        out.append(word)
    return out


def make_parser(schema, boosts: Mapping[str, float] = FIELD_BOOSTS):
    from whoosh import qparser

    parser = qparser.MultifieldParser(
        list(boosts), schema, fieldboosts=dict(boosts), group=qparser.OrGroup.factory(0.9)
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def exclude_negations(q):
    """``a NOT b`` under OR grouping must mean "a, without b", not "a, or anything but b"."""
    from whoosh import query

    if isinstance(q, query.Or):
        kids = [exclude_negations(k) for k in q.subqueries]
        nots = [k.query for k in kids if isinstance(k, query.Not)]
        pos = [k for k in kids if not isinstance(k, query.Not)]
        if nots and pos:
            positive = pos[0] if len(pos) == 1 else q.__class__(pos, boost=q.boost)
            return query.AndNot(positive, query.Or(nots))
        return q.__class__(kids, boost=q.boost) if kids != q.subqueries else q
    if isinstance(q, query.compound.CompoundQuery):
        q.subqueries = [exclude_negations(k) for k in q.subqueries]
    return q


def parse(schema, qstring: str):
    """Whoosh's query for ``qstring`` (negations made exclusive); raises on what it rejects."""
    return exclude_negations(make_parser(schema).parse(qstring))


def _multiterm_nodes(q) -> list:
    from whoosh import query

    if isinstance(q, query.MultiTerm) and not isinstance(q, query.Every):
        return [q]
    return [n for k in q.children() for n in _multiterm_nodes(k)]


def _label(node) -> str:
    from whoosh import query

    if isinstance(node, query.FuzzyTerm):
        return f"{node.text}~{node.maxdist}"
    if isinstance(node, query.Prefix):
        return f"{node.text}*"
    return str(getattr(node, "text", node))


def _candidates(node, reader, most: int) -> tuple[list[str], bool]:
    """Up to ``most`` index words ``node`` matches, and whether there were more."""
    out = []
    for t in node._btexts(reader):
        if len(out) >= most:
            return out, True
        out.append(t.decode("utf-8") if isinstance(t, bytes) else t)
    return out, False


def _rewrite(node, reader, budget: int, notes: list[str], capped: list[str]):
    """``node`` as an OR of at most ``budget`` of its index words, the most frequent first."""
    from whoosh import query

    if isinstance(node, query.FuzzyTerm) and (node.maxdist > MAX_EDITS or not node.prefixlength):
        if node.maxdist > MAX_EDITS:
            notes.append(f"edit distance of {_label(node)} lowered to {MAX_EDITS}")
        # The first letter is kept, as spelling correctors do: a fuzzy word then reads one
        # letter's share of the vocabulary, not all of it.
        node = query.FuzzyTerm(
            node.fieldname, node.text, node.boost, min(node.maxdist, MAX_EDITS), 1
        )
    if isinstance(node, query.Wildcard) and node.text[:1] in ("*", "?"):
        literal = node.text.lstrip("*?")
        notes.append(f"leading wildcard of {node.text!r} dropped (it would scan every word)")
        if not literal.rstrip("*?"):
            return query.NullQuery
        node = query.Wildcard(node.fieldname, literal, node.boost)
    words, more = _candidates(node, reader, SCAN_FACTOR * budget)
    if len(words) > budget or more:
        df = reader.doc_frequency
        words = sorted(words, key=lambda w: (-df(node.fieldname, w), w))[:budget]
        capped.append(_label(node))
    if not words:
        return query.NullQuery
    return query.Or([query.Term(node.fieldname, w) for w in words], boost=node.boost)


def bound(q, reader, notify: Callable[[str], None] = lambda _m: None):
    """``q`` with every wildcard and fuzzy word capped (see the module note)."""
    nodes = _multiterm_nodes(q)
    if not nodes:
        return q
    per = max(1, min(MAX_EXPANSIONS, MAX_TOTAL_EXPANSIONS // len(nodes)))
    notes: list[str] = []
    capped: list[str] = []
    swaps = {id(n): _rewrite(n, reader, per, notes, capped) for n in nodes}
    for note in dict.fromkeys(notes):
        notify(f"query narrowed: {note}")
    words = list(dict.fromkeys(capped))
    if words:
        shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
        notify(f"query narrowed: {shown} each stand for at most {per} index words")
    return _replace(q, swaps)


def _replace(q, swaps: dict):
    if id(q) in swaps:
        return swaps[id(q)]
    if hasattr(q, "subqueries"):
        q.subqueries = [_replace(k, swaps) for k in q.subqueries]
    elif hasattr(q, "child"):
        q.child = _replace(q.child, swaps)
    elif hasattr(q, "a") and hasattr(q, "b"):
        q.a, q.b = _replace(q.a, swaps), _replace(q.b, swaps)
    return q


def _or_leaves(q) -> list | None:
    """The leaves of ``q`` if it is only (nested) ORs without a boost of their own, else None."""
    from whoosh import query

    if type(q) is not query.Or:
        return [q]
    if q.boost != 1.0:
        return None
    out = []
    for k in q.subqueries:
        leaves = _or_leaves(k)
        if leaves is None:
            return None
        out.extend(leaves)
    return out


def is_word_or(q) -> bool:
    """Whether the parsed (not yet bounded) ``q`` is only an OR of words, each searched in every
    field at its field's weight: no phrase, no ``field:value``, no AND/NOT, no ``^`` boost.
    Such a query, once its patterns are expanded, ranks like a bag of words."""
    from collections import Counter

    from whoosh import query

    leaves = _or_leaves(q)
    if not leaves:
        return False
    single = (query.Term, query.Prefix, query.Wildcard, query.FuzzyTerm)
    groups: dict[tuple, Counter] = {}
    for leaf in leaves:
        if type(leaf) not in single or leaf.fieldname not in FIELD_BOOSTS:
            return False
        weight = FIELD_BOOSTS[leaf.fieldname]
        # The parser weights plain and fuzzy words by field, and leaves patterns at 1.
        if leaf.boost != weight and (type(leaf) is query.Term or leaf.boost != 1.0):
            return False
        groups.setdefault((type(leaf), leaf.text), Counter())[leaf.fieldname] += 1
    every = Counter(dict.fromkeys(FIELD_BOOSTS, 1))
    return all(fields == every for fields in groups.values())


def index_terms(q) -> list[str]:
    """The words of every term of ``q`` (a bounded :func:`is_word_or` query), in order, once."""
    from whoosh import query

    if q is query.NullQuery:
        return []
    out = (str(t.text) for t in q.leaves() if isinstance(t, query.Term))
    return list(dict.fromkeys(out))
