"""How places print: ``a.md:3-5``, ``a.pdf#page=2:3-5``, ``a.docx ¶3-5``; headings; a PDF page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipsearch.locator import PARAGRAPH_FORMATS, split
from ipsearch.models import Section

if TYPE_CHECKING:
    from ipsearch.render.style import Style


def place(
    st: Style, source: str, lines: tuple[int, int], page: int | None = None, unit: str = "line"
) -> str:
    """``a.md:3-5``, ``a.pdf#page=2:3-5`` or ``a.docx ¶3-5``, coloured."""
    span = st.line(f"{lines[0]}-{lines[1]}")
    if unit == "paragraph":
        return f"{st.path(source)} ¶{span}"
    if page is not None:
        return f"{st.path(source)}#page={page}:{span}"
    return f"{st.path(source)}:{span}"


def located(lines: tuple[int, int], page: int | None, unit: str) -> dict:
    """JSON fields of a place: ``page`` beside ``lines`` (PDF), ``paragraphs`` (DOCX, ODT)."""
    out: dict = {"page": page}
    if unit == "paragraph":
        out["paragraphs"] = list(lines)
    return out


def section_place(st: Style, s: Section, source: str) -> str:
    """Where a section is: a PDF section may run from one page onto the next."""
    (p1, a), (p2, b) = split(s.first_line), split(s.last_line)
    if p1 is None:
        return place(st, source, s.lines, None, "paragraph" if by_paragraph(s) else "line")
    if p1 == p2:
        return place(st, source, (a, b), p1)
    return f"{st.path(source)}#page={p1}:{st.line(str(a))}–page={p2}:{st.line(str(b))}"


def by_paragraph(s: Section) -> bool:
    return s.format in PARAGRAPH_FORMATS


def section_lines(s: Section) -> dict:
    (p1, a), (p2, b) = split(s.first_line), split(s.last_line)
    out: dict = {"lines": [a, b], "pages": [p1, p2] if p1 is not None else None}
    if by_paragraph(s):
        out["paragraphs"] = [a, b]
    return out


def line_no(line: int) -> str:
    page, n = split(line)
    return f"p{page}:{n}" if page is not None else str(n)


def page_json(source: str, page: int, lines: list[str]) -> dict:
    return {
        "source": source,
        "page": page,
        "lines": [{"line": n, "text": t} for n, t in enumerate(lines, 1)],
    }


def page_human(source: str, page: int, lines: list[str], st: Style) -> None:
    """A PDF page's text as the index numbers its lines, like ``cat -n``."""
    st.echo(f"{st.path(source)}#page={page}")
    width = len(str(len(lines)))
    for n, text in enumerate(lines, 1):
        st.echo(f"{st.line(str(n).rjust(width))}: {text}")


def section_heading(st: Style, title: str, name: str | None, chair: str | None) -> str:
    head = st.title(title)
    if name and name.lower() != title.lower():
        head += f" — {name}"
    if chair:
        head += st.dim(f" (chair: {chair})")
    return head
