"""Output: human (ripgrep-like, colour only when asked or on a terminal), JSON, Markdown.

The library returns dataclasses; everything about how they look lives here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ipsearch.locator import ref, split
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
from ipsearch.render_places import line_no, located, place, section_lines, section_place
from ipsearch.retrieval.snippets import MARK_END, MARK_START, plain
from ipsearch.safe_text import clean, clean_all, json_safe


class Style:
    """Colours on or off, decided once per run."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def echo(self, text: str = "", err: bool = False, nl: bool = True) -> None:
        # click strips ANSI codes when stdout is not a terminal unless told otherwise.
        click.echo(text, err=err, nl=nl, color=self.color)

    def __call__(self, text: str, **kw: Any) -> str:
        return click.style(text, **kw) if self.color else text

    def path(self, t: str) -> str:
        return self(clean(t, multiline=False), fg="magenta")  # a name's \n must not break lines

    def line(self, t: str) -> str:
        return self(t, fg="green")

    def title(self, t: str) -> str:
        return self(t, bold=True)

    def dim(self, t: str) -> str:
        return self(t, dim=True)

    def match(self, t: str) -> str:
        return self(t, fg="red", bold=True)

    def marks(self, snippet: str) -> str:
        if not self.color:
            return plain(snippet)
        out, rest = [], snippet
        while MARK_START in rest:
            before, _, tail = rest.partition(MARK_START)
            term, _, rest = tail.partition(MARK_END)
            out += [before, self.match(term)]
        out.append(rest)
        return "".join(out)


def want_color(choice: str) -> bool:
    import os

    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def emit_json(data: dict) -> None:
    click.echo(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))


def section_heading(st: Style, title: str, name: str | None, chair: str | None) -> str:
    head = st.title(title)
    if name and name.lower() != title.lower():
        head += f" — {name}"
    if chair:
        head += st.dim(f" (chair: {chair})")
    return head


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


def search_human(r: SearchResult, st: Style) -> None:
    r = clean_all(r, keep=MARK_START + MARK_END)
    if r.corrected:
        st.echo(
            st.dim(f"Showing results for: {r.corrected} (searched instead of: {r.query})"), err=True
        )
    if not r.hits:
        st.echo(f"No matches for {r.corrected or r.query!r}.", err=True)
        return
    for h in r.hits:
        st.echo(
            f"{place(st, h.source, h.lines, h.page, h.unit)}  "
            f"{section_heading(st, h.section, h.name, h.chair)}  " + st.dim(f"score {h.score:.2f}")
        )
        sf, sl = h.snippet_lines or h.lines
        where = f"{sf}" if sf == sl else f"{sf}-{sl}"
        st.echo(f"{st.line(where)}: {st.marks(h.snippet)}")
        st.echo()
    shown = len(r.hits)
    if r.total > shown:
        st.echo(st.dim(f"{shown} of {r.total} matching sections shown (-n to see more)"), err=True)


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


def sections_human(rows: list[tuple[Section, str]], st: Style) -> None:
    rows = clean_all(rows)
    for s, source in rows:
        extra = " (title inferred)" if s.title_inferred else ""
        st.echo(
            f"{section_place(st, s, source)}  "
            f"{section_heading(st, s.title, s.name, s.chair)}{st.dim(extra)}"
        )


def show_human(s: Section, source: str, st: Style) -> None:
    s, source = clean_all((s, source))
    st.echo(f"{section_place(st, s, source)}  {section_heading(st, s.title, s.name, s.chair)}")
    if s.aliases:
        st.echo(st.dim("also: " + "; ".join(s.aliases)))
    width = max((len(line_no(p.first)) for p in s.paragraphs), default=1)
    for p in s.paragraphs:
        st.echo(f"{st.line(line_no(p.first).rjust(width))}: {p.text}")


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


def outline_human(sections: list[Section], source: str, st: Style) -> None:
    """A document's heading tree, each heading with its line range."""
    sections, source = clean_all((sections, source))
    st.echo(f"{st.path(source)}  {sections[0].doc_title if sections else ''}")
    for s in sections:
        indent = "  " * max(s.level - 1, 0)
        (p1, a), (p2, b) = split(s.first_line), split(s.last_line)
        lines = f"{a}-{b}" if p1 is None else f"p{p1}:{a}-p{p2}:{b}"
        st.echo(f"  {indent}{s.title}  {st.line(lines)}")


def ingest_human(r: IngestReport, st: Style, index_dir: str, verbose: bool = False) -> None:
    r, index_dir = clean_all((r, index_dir))
    verb = "rebuilt" if r.rebuilt else "updated"
    files = r.added + r.updated + r.unchanged
    by_reason = _skip_counts(r.skipped)
    skipped = f"skipped {len(r.skipped)}" + (
        " (" + ", ".join(f"{n} {why}" for why, n in by_reason.items()) + ")" if by_reason else ""
    )
    st.echo(
        f"{verb} index {index_dir}: {files} file{'s' * (files != 1)} ({r.added} added, "
        f"{r.updated} updated, {r.removed} removed, {r.unchanged} unchanged), "
        f"{r.sections} sections; {skipped}; {r.seconds:.1f} s"
    )
    for path, why in r.skipped:
        if verbose or not by_rule(why):
            st.echo(st.dim(f"skipped {clean(path, multiline=False)}: {why}"), err=True)
    for w in r.warnings:
        st.echo(f"warning: {w}", err=True)


# Left out on purpose (by a rule the user can see or set) rather than because something is wrong
# with the file: listed only with --verbose.
_RULE_REASONS = (
    "hidden",
    "dependency folder",
    "the index folder",
    "ignored by ",
    "excluded by ",
    "not matched by ",
    "unsupported file type",
    "linked directory not followed",
)


def by_rule(reason: str) -> bool:
    return reason.startswith(_RULE_REASONS)


def _skip_counts(skipped: list[tuple[str, str]]) -> dict[str, int]:
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
        "skipped_by_reason": _skip_counts(r.skipped),
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


def corpora_human(rows: list, st: Style) -> None:
    if not rows:
        st.echo("No corpus has an index yet (run `ipsearch ingest DIR`).", err=True)
        return
    table = [
        (
            i.corpus + ("" if i.corpus_exists else " (missing)"),
            f"{i.files} file{'s' * (i.files != 1)}",
            f"{i.sections} section{'s' * (i.sections != 1)}",
            i.built.strftime("built %Y-%m-%d %H:%M") if i.built else "built ?",
            str(i.index),
        )
        for i in clean_all(rows)
    ]
    widths = [max(len(row[c]) for row in table) for c in range(4)]
    for row in table:
        cells = [row[c].ljust(widths[c]) if c == 0 else row[c].rjust(widths[c]) for c in range(4)]
        st.echo(f"{st.path(cells[0])}  {cells[1]}  {cells[2]}  {cells[3]}  {st.dim(row[4])}")


# -- ask / which / eval --------------------------------------------------------------------


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


def _where(c: Citation) -> str:
    return ref(c.source, c.lines, c.page, c.unit)


def answer_human(a: Answer, st: Style) -> None:
    a = clean_all(a)
    if a.corrected:
        st.echo(st.dim(f"(read as: {a.corrected})"), err=True)
    if a.abstained:
        st.echo(st.title("No answer in the corpus."))
        if a.closest:
            st.echo()
            st.echo(st.dim("nearest, not an answer (closest matches):"))
            for c in a.closest:
                _quote_human(c, st, None)
        return
    st.echo(st.title(a.answer) if a.answer else st.dim("(no short answer; see the evidence)"))
    st.echo()
    for n, c in enumerate(a.citations, 1):
        _quote_human(c, st, n)
    st.echo(st.dim(f"confidence {a.confidence:.2f}"))


def _quote_human(c: Citation, st: Style, n: int | None) -> None:
    mark = f"[{n}] " if n else "- "
    st.echo(f"{mark}“{c.quote}”")
    pad = " " * len(mark)
    head = section_heading(st, c.section, None, c.chair)
    st.echo(f"{pad}{place(st, c.source, c.lines, c.page, c.unit)}  {head}")
    st.echo()


def answer_markdown(a: Answer) -> str:
    """The answer with footnote citations, ready to paste into a report."""
    a = clean_all(a)
    if a.abstained:
        lines = [f"**Q:** {a.question}", "", "No answer in the corpus."]
        if a.closest:
            lines += ["", "Closest matches:", ""]
            lines += [f"- “{c.quote}” ({_where(c)}, {c.section})" for c in a.closest]
        return "\n".join(lines)
    refs = "".join(f"[^{n}]" for n in range(1, len(a.citations) + 1))
    body = f"**{a.answer}**{refs}" if a.answer else f"(no short answer){refs}"
    lines = [f"**Q:** {a.question}", "", body, ""]
    for n, c in enumerate(a.citations, 1):
        chair = f", chair: {c.chair}" if c.chair else ""
        lines.append(f"[^{n}]: “{c.quote}” — {c.section}{chair}, `{_where(c)}`")
    return "\n".join(lines)


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


def topics_human(r: TopicResult, st: Style) -> None:
    r = clean_all(r)
    if r.corrected:
        st.echo(st.dim(f"(read as: {r.corrected})"), err=True)
    if not r.sections:
        st.echo(f"No section covers {r.topic!r}.", err=True)
        return
    for m in r.sections:
        c = m.evidence
        st.echo(
            f"{section_heading(st, m.section, m.name, m.chair)}  " + st.dim(f"score {m.score:.2f}")
        )
        st.echo(f"  {place(st, c.source, c.lines, c.page, c.unit)}: “{c.quote}”")
        st.echo()


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


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


def eval_human(
    r: EvalReport,
    missed: list[tuple[EvalOutcome, str]],
    st: Style,
    verbose: bool,
    calibration: bool = False,
) -> None:
    missed = clean_all(missed)
    rows = [
        ("items", str(len(r.outcomes))),
        ("section@1", _pct(r.section_at_1)),
        ("answer accuracy", _pct(r.answer_accuracy)),
        ("wrong answers", f"{r.wrong_answers} of {r.answerable} answerable"),
        ("abstention on negatives", _pct(r.abstention_rate)),
        ("false abstentions", str(r.false_abstentions)),
        ("search MRR@10", _pct(r.mrr_at_10)),
        ("quotes verified", _pct(r.quotes_verified)),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        st.echo(f"{k.ljust(width)}  {st.title(v)}")
    st.echo()
    st.echo(st.dim("kind        items  place@1  answer  wrong  negatives abstained"))
    for kind, f in r.by_kind.items():
        st.echo(
            f"{kind:<11} {f['items']:>5}  {_pct(f['place_at_1']):>7}  "
            f"{_pct(f['answer_accuracy']):>6}  {f['wrong_answers']:>5}  "
            f"{_pct(f['abstention_rate'])}"
        )
    if calibration:
        st.echo()
        st.echo(st.dim("confidence   answers  right  accuracy"))
        for b in r.calibration:
            st.echo(
                f"{b['from']:.1f}-{b['to']:.1f}     {b['answers']:>7}  {b['right']:>5}  "
                f"{_pct(b['accuracy'])}"
            )
    if verbose and missed:
        st.echo()
        st.echo(st.dim(f"{len(missed)} miss(es):"))
        for o, why in missed:
            st.echo(f"{o.id} [{o.kind}] {o.question}\n    {why}")


# -- bench-ir ------------------------------------------------------------------------------


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


def bench_human(r) -> None:
    click.echo(f"{r.queries} queries over {r.sections} sections")
    click.echo(f"nDCG@10     {r.ndcg10:.4f}")
    click.echo(f"Recall@100  {r.recall100:.4f}")
    click.echo(f"MRR@10      {r.mrr10:.4f}")
    click.echo(f"index       {r.index_s:.1f} s")
    click.echo(f"query p50   {r.query_ms_p50:.1f} ms, p95 {r.query_ms_p95:.1f} ms")


# -- verify --------------------------------------------------------------------------------

_STATUS_COLOUR = {"exact": "green", "normalised": "green", "near": "yellow", "not found": "red"}


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


def verify_human(checks: list, st: Style) -> None:
    for c in clean_all(checks):
        status = st(c.status, fg=_STATUS_COLOUR.get(c.status), bold=True)
        at = st.dim(f"draft line {c.draft_line}: ") if c.draft_line else ""
        st.echo(f"{status}  {at}“{c.quote}”")
        if c.lines:
            head = section_heading(st, c.section or "", None, None)
            where = f"{c.lines[0]}" if c.lines[0] == c.lines[1] else f"{c.lines[0]}-{c.lines[1]}"
            at = f"{st.path(c.source or '')}:{st.line(where)}"
            if c.page is not None or c.unit != "line":
                at = place(st, c.source or "", c.lines, c.page, c.unit)
            st.echo(f"  {at}  {head}")
        if c.status == "near":
            st.echo(f"  source says: “{c.found}”")
        for d in c.differences:
            if d.kind == "style" and c.status == "near":
                continue
            label = "figure changed" if d.kind == "figure" else d.kind
            st.echo(f"  {st.dim(label + ':')} {_said(d.quoted)} → {st.match(_said(d.found))}")
        st.echo()
    if len(checks) > 1:
        counts = {s: sum(c.status == s for c in checks) for s in _STATUS_COLOUR}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        st.echo(st.dim(f"{len(checks)} quotes: {summary}"), err=True)


def _said(text: str) -> str:
    return f"“{text}”" if text else "(nothing)"


# -- watch ---------------------------------------------------------------------------------


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


def watch_line(u, st: Style, as_json: bool) -> None:
    """One line per update on stdout (JSON Lines with --json); skipped files on stderr."""
    if as_json:
        click.echo(json_safe(json.dumps(watch_json(u), ensure_ascii=False)))
        return
    u = clean_all(u)
    when = st.dim(u.at.strftime("%H:%M:%S"))
    names = ", ".join(u.paths[:3]) + (f" (+{len(u.paths) - 3} more)" if len(u.paths) > 3 else "")
    if u.error:
        st.echo(f"{when} not updated yet: {u.error}", err=True)
        return
    r = u.report
    if r and r.changed:
        st.echo(
            f"{when} index updated: {r.added} added, {r.updated} updated, {r.removed} removed "
            f"({r.sections} sections): {st.path(names)}"
        )
    for path, why in u.skipped:
        st.echo(f"{when} skipped {st.path(path)}: {why}", err=True)
