"""JSON Lines: one record per line, each its own section (``{"id", "title", "text"}``).

A row that is not a JSON object with text (malformed, a 5,000-digit number, nesting deeper
than the decoder allows) is skipped with its line number; the other rows are indexed.
"""

from __future__ import annotations

import json

from ipsearch.ingest.assemble import file_title
from ipsearch.ingest.model import Block, Document, Section

_TEXT_KEYS = ("text", "contents", "body", "abstract")
_SHOW_LINES = 5  # bad rows named in the warning


def _fields(rec: dict) -> tuple[str, str]:
    body = next((rec[k] for k in _TEXT_KEYS if isinstance(rec.get(k), str)), "")
    title = rec.get("title") if isinstance(rec.get("title"), str) else ""
    return title, body


def _record(line: str) -> dict | None:
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError):  # ValueError covers JSONDecodeError and digit limits
        return None
    return rec if isinstance(rec, dict) else None


def parse(text: str, source: str) -> Document:
    sections: list[Section] = []
    bad: list[int] = []
    for no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        rec = _record(line)
        title, body = _fields(rec) if rec is not None else ("", "")
        if not (body or title):
            bad.append(no)
            continue
        rid = rec.get("id", rec.get("_id", no))
        anchor = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else str(no)
        blocks = []
        if title:
            blocks.append(Block("heading", " ".join(title.split()), no, no, level=1))
        if body:
            blocks.append(Block("paragraph", body, no, no))
        heading = " ".join(title.split()) or anchor
        sections.append(Section([heading], 1, no, no, blocks, anchor=anchor))
    warnings = []
    if bad:
        shown = ", ".join(map(str, bad[:_SHOW_LINES])) + (", ..." if len(bad) > _SHOW_LINES else "")
        warnings.append(
            f"{source}: {len(bad)} line(s) skipped (not a JSON object with text): line {shown}"
        )
    return Document(
        source=source,
        format="jsonl",
        title=file_title(source),
        title_from="file name",
        sections=sections,
        warnings=warnings,
    )
