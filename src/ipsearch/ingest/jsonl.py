"""JSON Lines: one record per line, each its own section (``{"id", "title", "text"}``)."""

from __future__ import annotations

import json

from ipsearch.ingest import split_lines
from ipsearch.models import ParsedFile

_TEXT_KEYS = ("text", "contents", "body", "abstract")


def _fields(rec: dict) -> tuple[str, str]:
    body = next((rec[k] for k in _TEXT_KEYS if isinstance(rec.get(k), str)), "")
    title = rec.get("title") if isinstance(rec.get("title"), str) else ""
    return title, body


def record_text(line: str) -> str:
    """What a reader sees of one record line: its title and text, JSON escapes decoded."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        return line
    return " ".join(_fields(rec)) if isinstance(rec, dict) else line


def parse(text: str, source: str) -> ParsedFile:
    records: list[dict] = []
    warnings: list[str] = []
    bad = 0
    for no, line in enumerate(split_lines(text), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if not isinstance(rec, dict):
            bad += 1
            continue
        title, body = _fields(rec)
        rid = rec.get("id", rec.get("_id", no))
        if not (body or title):
            bad += 1
            continue
        records.append({"id": str(rid), "title": title, "text": body, "line": no})
    if bad:
        warnings.append(f"{source}: {bad} line(s) skipped (not a JSON object with text)")
    return ParsedFile(source=source, fmt="jsonl", blocks=[], records=records, warnings=warnings)
