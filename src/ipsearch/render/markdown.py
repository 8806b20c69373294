"""Markdown output: an answer with footnote citations."""

from __future__ import annotations

from ipsearch.locator import ref
from ipsearch.models import Answer, Citation
from ipsearch.safe_text import clean_all


def _where(c: Citation) -> str:
    return ref(c.source, c.lines, c.page, c.unit)


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
