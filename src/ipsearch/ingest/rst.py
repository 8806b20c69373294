"""reStructuredText → Document, on docutils: sections, paragraphs, lists, fields, tables and
literal blocks with their source lines, text as the rendered page shows it.

docutils knows the first source line of each paragraph and literal block (``node.line``) and the
underline line of each section title; a block's last line follows from its raw source. Files are
parsed with ``include``/``raw`` directives off, so a document cannot pull in other files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import PurePosixPath

from ipsearch.ingest import Skip
from ipsearch.ingest.model import Block, Document
from ipsearch.ingest.tree import Heading, build_sections, split_field

_SETTINGS = {
    "report_level": 5,  # no system messages in the tree or on stderr
    "halt_level": 5,
    "doctitle_xform": False,  # keep the top title as a section, as the file writes it
    "docinfo_xform": False,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "warning_stream": io.StringIO(),
    "input_encoding": "unicode",
}


def _doctree(text: str):
    import docutils.core
    import docutils.utils

    try:
        return docutils.core.publish_doctree(text, settings_overrides=_SETTINGS)
    except (docutils.utils.SystemMessage, ValueError, IndexError, AttributeError) as e:
        raise Skip(f"reStructuredText docutils cannot read ({type(e).__name__})") from e


def _span(node) -> tuple[int, int] | None:
    """(first, last) source lines of a paragraph-like node, when docutils recorded them."""
    if node.line is None:
        return None
    raw = node.rawsource or node.astext()
    return node.line, node.line + raw.rstrip("\n").count("\n")


def _lines_of(node) -> tuple[int, int] | None:
    """The span of the paragraphs inside ``node`` (a table row, a field)."""
    from docutils import nodes

    spans = [s for p in node.findall(nodes.paragraph) if (s := _span(p))]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _flat(node) -> str:
    """The node's text as the page shows it. docutils puts its report of an unknown role
    (Sphinx's ``:func:``) inside a table cell next to the role's text: never page text."""
    from docutils import nodes

    reports = list(node.findall(nodes.system_message))
    if reports:
        node = node.deepcopy()
        for report in list(node.findall(nodes.system_message)):
            report.parent.remove(report)
    return " ".join(node.astext().split())


def _paragraph(text: str, span: tuple[int, int], kind: str, item: int) -> Block:
    if kind == "item":
        return Block("item", text, *span, level=item)
    # A one-line "Label: value" paragraph is a field, as in every other format.
    if kind == "paragraph" and span[0] == span[1] and (field := split_field(text)):
        return Block("field", field[1], *span, key=field[0], raw=text)
    return Block(kind, text, *span)


class _Walker:
    def __init__(self) -> None:
        self.metadata: dict[str, str] = {}
        self.seen_text = False

    def walk(self, node, level: int, item: int, kind: str = "paragraph") -> Iterator:
        from docutils import nodes

        for child in node.children:
            if isinstance(child, nodes.section):
                yield from self._section(child, level + 1)
            elif isinstance(child, nodes.paragraph):
                span = _span(child)
                if span:
                    self.seen_text = True
                    yield _paragraph(_flat(child), span, kind, item)
            elif isinstance(child, (nodes.bullet_list, nodes.enumerated_list)):
                for li in child.children:
                    yield from self.walk(li, level, item + 1, "item")
            elif isinstance(child, nodes.literal_block):
                if child.line is not None:
                    text = child.astext()
                    yield Block("code", text, child.line, child.line + text.count("\n"))
            elif isinstance(child, nodes.field_list):
                yield from self._fields(child)
            elif isinstance(child, nodes.table):
                yield from self._table(child)
            elif isinstance(child, nodes.definition_list):
                yield from self._definitions(child)
            elif isinstance(child, nodes.block_quote):
                yield from self.walk(child, level, item, "quote")
            elif isinstance(child, (nodes.comment, nodes.system_message, nodes.target)):
                continue
            elif isinstance(child, nodes.Element):
                yield from self.walk(child, level, item, kind)

    def _section(self, section, level: int) -> Iterator:
        from docutils import nodes

        title = section.next_node(nodes.title)
        text = _flat(title) if title is not None else ""
        yield Heading(level, text)
        if title is not None and title.line is not None:
            yield Block("heading", text, max(1, title.line - 1), title.line, level=level)
        yield from self.walk(section, level, 0)

    def _fields(self, field_list) -> Iterator[Block]:
        from docutils import nodes

        for f in field_list.findall(nodes.field):
            key, body = _flat(f.children[0]), _flat(f.children[1])
            span = _lines_of(f.children[1])
            if not span:
                continue
            if not self.seen_text:  # bibliographic fields at the top: the document's metadata
                self.metadata.setdefault(key.lower(), body)
            yield Block("field", body, *span, key=key, raw=f"{key}: {body}")

    def _table(self, table) -> Iterator[Block]:
        from docutils import nodes

        header: list[str] | None = None
        for group in table.findall(lambda n: isinstance(n, (nodes.thead, nodes.tbody))):
            for row in group.findall(nodes.row):
                cells = [_flat(e) for e in row.children]
                span = _lines_of(row)
                if span:
                    yield Block("row", " | ".join(cells), *span, cells=cells, header=header)
                if isinstance(group, nodes.thead):
                    header = cells

    def _definitions(self, dl) -> Iterator[Block]:
        from docutils import nodes

        for item in dl.findall(nodes.definition_list_item):
            term = item.next_node(nodes.term)
            if term is not None and term.line is not None:
                yield Block("term", _flat(term), term.line, term.line)
            definition = item.next_node(nodes.definition)
            if definition is not None and (span := _lines_of(definition)):
                yield Block("definition", _flat(definition), *span)


def parse(text: str, source: str) -> Document:
    tree = _doctree(text)
    walker = _Walker()
    stream = list(walker.walk(tree, 0, 0))
    first = next((h for h in stream if isinstance(h, Heading) and h.level == 1), None)
    if first:
        title, title_from = first.title, "h1"
    else:
        title, title_from = PurePosixPath(source).stem, "file name"
    if "title" in walker.metadata:
        title, title_from = walker.metadata["title"], "metadata"
    sections = build_sections(stream, title)
    if not sections:
        raise Skip("no text")
    return Document(source, "rst", title, title_from, walker.metadata, sections)
