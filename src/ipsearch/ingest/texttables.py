"""Tables and field lists drawn in plain text, as reStructuredText writes them: grid tables
(``+---+---+`` borders, ``|`` between cells), simple tables (``===  ===`` column rules) and
field lists (``:Author: Ann``).

A table becomes one row block per row, its cells as written (stripped, a cell's lines joined)
and the header cells of its table, as the HTML and Markdown parsers give rows; a field list one
field block per field. The reader can then take a cell in the column a question names, or the
value of the field it names, instead of one paragraph of border characters.
"""

from __future__ import annotations

import re

from ipsearch.ingest.model import Block

_GRID_RULE = re.compile(r"\+(?:[-=]+\+)+")
_SIMPLE_RULE = re.compile(r"=+(?: +=+)+")
_FIELD = re.compile(r":(?P<key>[^:`\s][^:`]*?):(?:\s+(?P<value>.*))?")


def table_blocks(run: list[str], first: int) -> list[Block] | None:
    """The row blocks of a paragraph run that is a grid or simple table, else None."""
    lines = [x.rstrip() for x in run]
    if len(lines) < 3:
        return None
    if _GRID_RULE.fullmatch(lines[0]) and _GRID_RULE.fullmatch(lines[-1]):
        return _grid(lines, first) if all(x[:1] in "+|" for x in lines) else None
    if _SIMPLE_RULE.fullmatch(lines[0]) and _SIMPLE_RULE.fullmatch(lines[-1]):
        return _simple(lines, first)
    return None


def field_blocks(run: list[str], first: int) -> list[Block] | None:
    """One field block per field of a run that is a reStructuredText field list (every line a
    ``:key: value`` or an indented continuation of one), else None."""
    if not _FIELD.fullmatch(run[0].strip()) or run[0][:1].isspace():
        return None
    fields: list[tuple[str, list[str], int, int]] = []
    for i, line in enumerate(run):
        m = None if line[:1].isspace() else _FIELD.fullmatch(line.rstrip())
        if m:
            fields.append((m["key"].strip(), [(m["value"] or "").strip()], first + i, first + i))
        elif line[:1].isspace() and fields:
            key, parts, a, _ = fields[-1]
            fields[-1] = (key, [*parts, line.strip()], a, first + i)
        else:
            return None
    out = []
    for key, parts, a, b in fields:
        value = " ".join(p for p in parts if p)
        out.append(Block("field", value, a, b, key=key, raw=f"{key}: {value}"))
    return out


def _row(cells: list[list[str]], a: int, b: int, header: list[str] | None) -> Block:
    texts = [" ".join(" ".join(parts).split()) for parts in cells]
    return Block("row", " | ".join(texts), a, b, cells=texts, header=header)


def _grid(lines: list[str], first: int) -> list[Block]:
    bounds = [i for i, c in enumerate(lines[0]) if c == "+"]
    blocks: list[Block] = []
    header: list[str] | None = None
    cells: list[list[str]] = [[] for _ in bounds[:-1]]
    start = None
    for i, line in enumerate(lines[1:], 1):
        if line.startswith("+"):  # a row ends at a rule; ``=`` closes the header
            if start is not None:
                blocks.append(_row(cells, first + start, first + i - 1, header))
            if "=" in line and blocks and header is None:
                header = blocks[-1].cells
                blocks[-1].header = None
            cells, start = [[] for _ in bounds[:-1]], None
            continue
        start = i if start is None else start
        for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            cells[k].append(line[a + 1 : b].strip(" |"))
    return blocks


def _simple(lines: list[str], first: int) -> list[Block]:
    starts = [m.start() for m in re.finditer(r"=+", lines[0])]
    rules = [i for i, x in enumerate(lines) if _SIMPLE_RULE.fullmatch(x)]
    head_end = rules[1] if len(rules) >= 3 else 0
    blocks: list[Block] = []
    header: list[str] | None = None
    for i, line in enumerate(lines):
        if i in rules or not line.strip() or set(line.strip()) <= {"-", " "}:
            if i == head_end and blocks:
                header = blocks[-1].cells
            continue
        ends = [*starts[1:], len(line) + 1]
        parts = [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]
        if blocks and not parts[0] and i - 1 not in rules:  # continues the row above
            prev = blocks[-1]
            pairs = zip(prev.cells, parts, strict=False)
            merged = [" ".join(x for x in pair if x) for pair in pairs]
            blocks[-1] = _row([[c] for c in merged], prev.first, first + i, prev.header)
            continue
        blocks.append(_row([[p] for p in parts], first + i, first + i, header))
    return blocks
