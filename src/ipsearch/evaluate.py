"""Run a gold question file through ``ask`` and ``search`` and score what comes back."""

from __future__ import annotations

import json
from pathlib import Path

from ipsearch.errors import UsageError, read_input
from ipsearch.models import Answer, Citation, EvalOutcome, EvalReport
from ipsearch.qa import MAX_ANSWER_WORDS, QA
from ipsearch.retrieval.searcher import Searcher
from ipsearch.verify import verify_quote

MRR_DEPTH = 10


# Optional fields of a gold item and the JSON types each may have.
GOLD_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str, int),
    "kind": (str,),
    "command": (str,),
    "section": (str,),
    "answers": (list,),
}


def load_gold(path: Path) -> list[dict]:
    """Gold items, one JSON object a line; a bad line is an input error naming the line."""
    text = read_input(path, UsageError, "gold file ")
    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            items.append(_gold_item(line, f"{path}:{n}"))
    return items


def _gold_item(line: str, where: str) -> dict:
    try:
        item = json.loads(line)
    except RecursionError as e:
        raise UsageError(f"{where}: JSON nested too deeply") from e
    except ValueError as e:  # JSONDecodeError, or a number too long to convert
        raise UsageError(f"{where}: not valid JSON ({getattr(e, 'msg', e)})") from e
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        raise UsageError(f"{where}: each line needs a JSON object with a 'question'")
    for key, types in GOLD_FIELDS.items():
        value = item.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
            names = " or ".join(
                "a string" if t is str else f"a{'n' * (t is int)} {t.__name__}" for t in types
            )
            raise UsageError(f"{where}: '{key}' must be {names}")
    answers = item.get("answers") or []
    if not all(isinstance(a, str) for a in answers):
        raise UsageError(f"{where}: 'answers' must be a list of strings")
    if item.get("command", "ask") not in ("ask", "search"):
        raise UsageError(f'{where}: \'command\' must be "ask" or "search"')
    return item


def select(
    items: list[dict], kinds: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> list[dict]:
    return [
        it
        for it in items
        if (not kinds or it.get("kind") in kinds) and it.get("kind") not in exclude
    ]


def answer_matches(answer: str | None, expected: list[str]) -> bool:
    """Short enough to be an answer, and containing one of the accepted ones."""
    if not answer or len(answer.split()) > MAX_ANSWER_WORDS:
        return False
    low = answer.lower()
    return any(e.lower() in low for e in expected)


def _section_hit(title: str | None, expected: str | None) -> bool:
    return bool(title and expected and expected.lower() in title.lower())


def _verified(searcher: Searcher, cites: list[Citation]) -> int:
    corpus = searcher.store.corpus
    return sum(verify_quote(corpus / c.corpus_path, c.lines, c.quote) for c in cites)


def run_item(qa: QA, item: dict) -> EvalOutcome:
    command = item.get("command", "ask")
    out = EvalOutcome(
        id=str(item.get("id", "")),
        question=item["question"],
        kind=item.get("kind", ""),
        command=command,
        expected_section=item.get("section"),
        expected_answers=list(item.get("answers") or []),
    )
    if command == "search":
        hits = qa.s.search(item["question"], limit=MRR_DEPTH).hits
        out.first_section = hits[0].section if hits else None
        if out.expected_section:
            out.section_ok = _section_hit(out.first_section, out.expected_section)
            rank = next(
                (h.rank for h in hits if _section_hit(h.section, out.expected_section)), None
            )
            out.reciprocal_rank = 1.0 / rank if rank else 0.0
        return out
    ans: Answer = qa.ask(item["question"])
    out.answer = ans.answer
    out.abstained = ans.abstained
    out.first_section = ans.citations[0].section if ans.citations else None
    cites = ans.citations + ans.closest
    out.quotes = len(cites)
    out.quotes_verified = _verified(qa.s, cites)
    if out.kind == "negative":
        return out
    if out.expected_section:
        out.section_ok = _section_hit(out.first_section, out.expected_section)
    out.answer_ok = answer_matches(ans.answer, out.expected_answers)
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def evaluate(searcher: Searcher, items: list[dict]) -> EvalReport:
    qa = QA(searcher)
    outcomes = [run_item(qa, it) for it in items]
    sections = [float(o.section_ok) for o in outcomes if o.section_ok is not None]
    answers = [float(o.answer_ok) for o in outcomes if o.answer_ok is not None]
    negatives = [float(o.abstained) for o in outcomes if o.kind == "negative"]
    rr = [o.reciprocal_rank for o in outcomes if o.reciprocal_rank is not None]
    quotes = sum(o.quotes for o in outcomes)
    verified = sum(o.quotes_verified for o in outcomes)
    return EvalReport(
        outcomes=outcomes,
        section_at_1=_mean(sections),
        answer_accuracy=_mean(answers),
        abstention_rate=_mean(negatives),
        false_abstentions=sum(
            1 for o in outcomes if o.command == "ask" and o.kind != "negative" and o.abstained
        ),
        mrr_at_10=_mean(rr),
        quotes_verified=round(verified / quotes, 4) if quotes else None,
    )


def misses(report: EvalReport) -> list[tuple[EvalOutcome, str]]:
    """Each item that failed a metric, with what went wrong in a few words."""
    out = []
    for o in report.outcomes:
        why = []
        if o.kind == "negative" and not o.abstained:
            why.append(f"answered {o.answer!r} instead of abstaining")
        if o.section_ok is False:
            why.append(f"section {o.first_section!r}, expected {o.expected_section!r}")
        if o.answer_ok is False:
            why.append("abstained" if o.abstained else f"answer {o.answer!r}")
        if o.quotes_verified < o.quotes:
            why.append(f"{o.quotes - o.quotes_verified} quote(s) not verified")
        if why:
            out.append((o, "; ".join(why)))
    return out
