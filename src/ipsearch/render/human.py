"""Human output, ripgrep-like: place, heading, then the text; notes and skips on stderr."""

from __future__ import annotations

import click

from ipsearch.locator import PAGE_SPAN, split
from ipsearch.models import (
    Answer,
    Citation,
    EvalOutcome,
    EvalReport,
    IngestReport,
    SearchResult,
    Section,
    TopicResult,
)
from ipsearch.render.json import emit_json_line, skip_counts, watch_json
from ipsearch.render.places import by_paragraph, line_no, place, section_heading, section_place
from ipsearch.render.style import Style
from ipsearch.retrieval.snippets import MARK_END, MARK_START
from ipsearch.safe_text import clean, clean_all


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


def sections_human(rows: list[tuple[Section, str]], st: Style) -> None:
    # Only the strings shown are cleaned, and the listing is written at once: a listing of
    # 10,000 sections cleaned whole sections and wrote line by line for over a second.
    lines = []
    paths: dict[str, str] = {}  # a file's path as printed, worked out once per file
    inferred, plain = st.dim(" (title inferred)"), st.dim("")
    for s, source in rows:
        title, name, chair = clean(s.title), s.name and clean(s.name), s.chair and clean(s.chair)
        if s.first_line < PAGE_SPAN and s.last_line < PAGE_SPAN and not by_paragraph(s):
            if source not in paths:
                paths[source] = st.path(clean(source))
            where = f"{paths[source]}:{st.line(f'{s.first_line}-{s.last_line}')}"
        else:
            where = section_place(st, s, clean(source))
        extra = inferred if s.title_inferred else plain
        lines.append(f"{where}  {section_heading(st, title, name, chair)}{extra}")
    if lines:
        st.echo("\n".join(lines))


def show_human(s: Section, source: str, st: Style) -> None:
    s, source = clean_all((s, source))
    st.echo(f"{section_place(st, s, source)}  {section_heading(st, s.title, s.name, s.chair)}")
    if s.aliases:
        st.echo(st.dim("also: " + "; ".join(s.aliases)))
    width = max((len(line_no(p.first)) for p in s.paragraphs), default=1)
    for p in s.paragraphs:
        st.echo(f"{st.line(line_no(p.first).rjust(width))}: {p.text}")


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
    by_reason = skip_counts(r.skipped)
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


def bench_human(r) -> None:
    click.echo(f"{r.queries} queries over {r.sections} sections")
    click.echo(f"nDCG@10     {r.ndcg10:.4f}")
    click.echo(f"Recall@100  {r.recall100:.4f}")
    click.echo(f"MRR@10      {r.mrr10:.4f}")
    click.echo(f"index       {r.index_s:.1f} s")
    click.echo(f"query p50   {r.query_ms_p50:.1f} ms, p95 {r.query_ms_p95:.1f} ms")


_STATUS_COLOUR = {"exact": "green", "normalised": "green", "near": "yellow", "not found": "red"}


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


def watch_line(u, st: Style, as_json: bool) -> None:
    """One line per update on stdout (JSON Lines with --json); skipped files on stderr."""
    if as_json:
        emit_json_line(watch_json(u))
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
