"""JSON output (a stable interface): one ``*_json``/``*_dict`` function per result type."""

from __future__ import annotations

import json

import click

from ipsearch.locator import split
from ipsearch.models import (
    Answer,
    Citation,
    EvalOutcome,
    EvalReport,
    Hit,
    IngestReport,
    SearchResult,
    Section,
    TopicResult,
)
from ipsearch.render.places import located, section_lines
from ipsearch.retrieval.snippets import plain
from ipsearch.safe_text import json_safe


def emit_json(data: dict) -> None:
    click.echo(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))


def emit_json_line(data: dict) -> None:
    """One object on one line (JSON Lines)."""
    click.echo(json_safe(json.dumps(data, ensure_ascii=False)))


def hit_dict(h: Hit) -> dict:
    return {
        "rank": h.rank,
        "score": h.score,
        "id": h.id,
        "source": h.source,
        "section": h.section,
        "chair": h.chair,
        "lines": list(h.lines),
        "snippet": plain(h.snippet),
        "name": h.name,
        "kind": h.kind,
        "snippet_lines": list(h.snippet_lines) if h.snippet_lines else list(h.lines),
        "title": h.title,
        "heading_path": list(h.heading_path),
        "block_kind": h.block_kind,
    } | located(h.lines, h.page, h.unit)


def search_json(r: SearchResult) -> dict:
    return {
        "query": r.query,
        "corrected": r.corrected,
        "total": r.total,
        "hits": [hit_dict(h) for h in r.hits],
    }


def section_dict(s: Section, source: str) -> dict:
    return {
        "id": s.id,
        "source": source,
        "section": s.title,
        "chair": s.chair,
        **section_lines(s),
        "name": s.name,
        "aliases": s.aliases,
        "kind": s.kind,
        "title": s.doc_title,
        "heading_path": list(s.heading_path),
        "level": s.level,
        "labels": s.labels,
        "title_inferred": s.title_inferred,
        "published": s.published.isoformat() if s.published else None,
        "updated": s.updated.isoformat() if s.updated else None,
    }


def show_json(s: Section, source: str) -> dict:
    data = section_dict(s, source)
    data["paragraphs"] = [
        {"lines": [split(p.first)[1], split(p.last)[1]], "page": split(p.first)[0], "text": p.text}
        for p in s.paragraphs
    ]
    data["blocks"] = [
        {"kind": b.kind, "lines": [split(b.first)[1], split(b.last)[1]], "text": b.shown()}
        | ({"page": b.page} if b.page is not None else {})
        | ({"cells": b.cells, "header": b.header} if b.kind == "row" else {})
        | ({"key": b.key} if b.key else {})
        for b in s.blocks
    ]
    return data


def outline_json(sections: list[Section], source: str) -> dict:
    return {
        "source": source,
        "title": sections[0].doc_title if sections else "",
        "sections": [
            {
                "id": s.id,
                "heading_path": list(s.heading_path),
                "level": s.level,
                **section_lines(s),
                "kind": s.kind,
            }
            for s in sections
        ],
    }


def skip_counts(skipped: list[tuple[str, str]]) -> dict[str, int]:
    """Skips counted by reason, details in parentheses dropped ("unreadable (Permission ...)")."""
    counts: dict[str, int] = {}
    for _, why in skipped:
        key = why.split(" (", 1)[0]
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def ingest_json(r: IngestReport, index_dir: str) -> dict:
    return {
        "index": index_dir,
        "rebuilt": r.rebuilt,
        "added": r.added,
        "updated": r.updated,
        "removed": r.removed,
        "unchanged": r.unchanged,
        "sections": r.sections,
        "skipped": [{"path": p, "reason": why} for p, why in r.skipped],
        "skipped_by_reason": skip_counts(r.skipped),
        "warnings": r.warnings,
        "seconds": round(r.seconds, 3),
    }


def corpora_json(rows: list) -> dict:
    return {
        "corpora": [
            {
                "path": i.corpus,
                "files": i.files,
                "sections": i.sections,
                "built": i.built.isoformat(timespec="seconds") if i.built else None,
                "index": str(i.index),
                "exists": i.corpus_exists,
            }
            for i in rows
        ]
    }


def citation_dict(c: Citation) -> dict:
    return {
        "source": c.source,
        "section": c.section,
        "heading_path": list(c.heading_path),
        "chair": c.chair,
        "lines": list(c.lines),
        "quote": c.quote,
        "title": c.title,
        "kind": c.kind,
    } | located(c.lines, c.page, c.unit)


def answer_json(a: Answer) -> dict:
    return {
        "question": a.question,
        "answer": a.answer,
        "type": a.type,
        "confidence": a.confidence,
        "citations": [citation_dict(c) for c in a.citations],
        "abstained": a.abstained,
        "closest": [citation_dict(c) for c in a.closest],
        "corrected": a.corrected,
    }


def topics_json(r: TopicResult) -> dict:
    return {
        "topic": r.topic,
        "corrected": r.corrected,
        "sections": [
            {
                "section": m.section,
                "chair": m.chair,
                "source": m.evidence.source,
                "lines": list(m.evidence.lines),
                **located(m.evidence.lines, m.evidence.page, m.evidence.unit),
                "score": m.score,
                "evidence": m.evidence.quote,
            }
            for m in r.sections
        ],
    }


def eval_json(r: EvalReport, missed: list[tuple[EvalOutcome, str]]) -> dict:
    return {
        "items": len(r.outcomes),
        "section_at_1": r.section_at_1,
        "answer_accuracy": r.answer_accuracy,
        "abstention_rate": r.abstention_rate,
        "false_abstentions": r.false_abstentions,
        "mrr_at_10": r.mrr_at_10,
        "quotes_verified": r.quotes_verified,
        "wrong_answers": r.wrong_answers,
        "answerable": r.answerable,
        "by_kind": r.by_kind,
        "calibration": r.calibration,
        "misses": [{"id": o.id, "question": o.question, "why": why} for o, why in missed],
    }


def bench_json(r) -> dict:
    return {
        "ndcg@10": round(r.ndcg10, 4),
        "recall@100": round(r.recall100, 4),
        "mrr@10": round(r.mrr10, 4),
        "index_s": round(r.index_s, 2),
        "query_ms_p50": round(r.query_ms_p50, 2),
        "query_ms_p95": round(r.query_ms_p95, 2),
        "queries": r.queries,
        "sections": r.sections,
    }


def quote_check_dict(c) -> dict:
    """One ``QuoteCheck`` (ipsearch.verification) as JSON."""
    return {
        "quote": c.quote,
        "status": c.status,
        "source": c.source,
        "section": c.section,
        "lines": list(c.lines) if c.lines else None,
        "found": c.found,
        "differences": [
            {"quoted": d.quoted, "found": d.found, "kind": d.kind} for d in c.differences
        ],
        "similarity": c.similarity,
        "draft_line": c.draft_line,
    } | (located(c.lines, c.page, c.unit) if c.lines else {"page": None})


def verify_json(checks: list) -> dict:
    return {"quotes": [quote_check_dict(c) for c in checks]}


def watch_json(u) -> dict:
    """One ``WatchUpdate`` (ipsearch.watch) as one JSON object."""
    r = u.report
    return {
        "time": u.at.isoformat(timespec="seconds"),
        "paths": u.paths,
        "added": r.added if r else 0,
        "updated": r.updated if r else 0,
        "removed": r.removed if r else 0,
        "sections": r.sections if r else None,
        "skipped": [{"path": p, "reason": why} for p, why in u.skipped],
        "error": u.error,
    }
