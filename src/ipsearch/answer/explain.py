"""``ask --explain``: what the pipeline saw, in plain text (analysis, passages, candidates)."""

from __future__ import annotations

from ipsearch.answer import Trace

SHOW = 8


def explain(t: Trace) -> str:
    a = t.analysis
    lines = [
        f"question: {a.text}" + (f"  (read as: {t.corrected})" if t.corrected else ""),
        f"type: {a.type} (candidate kinds: {', '.join(a.kinds)})  focus: {a.focus_text!r}"
        + (f"  noun: {a.noun}" if a.noun else "")
        + ("  page-level" if a.doc_level else ""),
        "places:",
    ]
    for p in t.places[:SHOW]:
        lines.append(f"  {p.prob:.3f}  {p.section.source}#{p.section.title}")
    lines.append("candidates:")
    for c in t.candidates[:SHOW]:
        where = f"{c.passage.section.source}:{c.passage.first}"
        lines.append(f"  {c.score:.3f}  {c.text!r} [{','.join(sorted(c.kinds))}] {where}")
    lines.append("nearest passages:")
    lines += [f"  {p.section.source}:{p.first}-{p.last} {p.text[:100]!r}" for p in t.nearest]
    return "\n".join(lines)
