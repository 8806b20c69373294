"""Run a gold question file through ``ask`` and ``search`` and score what comes back.

Two gold forms are read: the seed set's (``section``: a word of the right section's title) and
the shared sets' (``source``: a substring of the answering file's path, ``section``: a word of
its heading or null, ``evidence``). See eval/README-gold.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from ipsearch.answer import Pipeline
from ipsearch.answer.reader import MAX_WORDS
from ipsearch.errors import UsageError, read_input
from ipsearch.models import Answer, Citation, EvalOutcome, EvalReport
from ipsearch.retrieval.searcher import Searcher
from ipsearch.verify import verify_quote

MRR_DEPTH = 10
MAX_ANSWER_WORDS = MAX_WORDS
CALIBRATION_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


# Optional fields of a gold item and the JSON types each may have.
GOLD_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str, int),
    "kind": (str,),
    "command": (str,),
    "section": (str,),
    "source": (str,),  # the shared gold form: a substring of the answering file's path
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


def place_matches(item: dict, path: str | None, title: str | None, headings: list[str]) -> bool:
    """The gold's place test: path substring (shared form) and/or a word of the heading."""
    section = item.get("section")
    if "source" in item:
        source = item.get("source")
        if not source or not path or source.lower() not in path.lower():
            return False
        if not section:
            return True
        return any(section.lower() in h.lower() for h in [title or "", *headings])
    return bool(title and section and section.lower() in title.lower())


def _verified(searcher: Searcher, cites: list[Citation]) -> int:
    corpus = searcher.store.corpus
    return sum(verify_quote(corpus / c.corpus_path, c.lines, c.quote, c.page) for c in cites)


def _outcome(item: dict) -> EvalOutcome:
    return EvalOutcome(
        id=str(item.get("id", "")),
        question=item["question"],
        kind=item.get("kind", ""),
        command=item.get("command", "ask"),
        expected_section=item.get("section"),
        expected_answers=list(item.get("answers") or []),
        expected_source=item.get("source"),
    )


def _scores_place(item: dict) -> bool:
    return bool(item.get("source") or ("source" not in item and item.get("section")))


def run_search(searcher: Searcher, item: dict) -> EvalOutcome:
    out = _outcome(item)
    hits = searcher.search(item["question"], limit=MRR_DEPTH).hits
    out.first_section = hits[0].section if hits else None
    out.first_source = hits[0].corpus_path if hits else None
    if _scores_place(item):
        ok = [place_matches(item, h.corpus_path, h.section, h.heading_path) for h in hits]
        out.section_ok = bool(ok and ok[0])
        rank = next((i for i, x in enumerate(ok, 1) if x), None)
        out.reciprocal_rank = 1.0 / rank if rank else 0.0
    return out


def run_ask(pipeline: Pipeline, item: dict) -> EvalOutcome:
    out = _outcome(item)
    ans: Answer = pipeline.ask(item["question"])
    out.answer, out.abstained, out.confidence, out.answer_type = (
        ans.answer, ans.abstained, ans.confidence, ans.type)  # fmt: skip
    first = ans.citations[0] if ans.citations else None
    out.first_section = first.section if first else None
    out.first_source = first.corpus_path if first else None
    cites = ans.citations + ans.closest
    out.quotes = len(cites)
    out.quotes_verified = _verified(pipeline.searcher, cites)
    if out.kind == "negative":
        return out
    if _scores_place(item):
        out.section_ok = bool(
            first and place_matches(item, first.corpus_path, first.section, first.heading_path)
        )
    if out.expected_answers:
        out.answer_ok = answer_matches(ans.answer, out.expected_answers)
        out.wrong = bool(ans.answer) and not out.answer_ok
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _figures(outcomes: list[EvalOutcome]) -> dict:
    sections = [float(o.section_ok) for o in outcomes if o.section_ok is not None]
    answers = [float(o.answer_ok) for o in outcomes if o.answer_ok is not None]
    negatives = [float(o.abstained) for o in outcomes if o.kind == "negative"]
    return {
        "items": len(outcomes),
        "place_at_1": _mean(sections),
        "answer_accuracy": _mean(answers),
        "wrong_answers": sum(o.wrong for o in outcomes),
        "abstention_rate": _mean(negatives),
    }


def calibration(outcomes: list[EvalOutcome]) -> list[dict]:
    """Reliability table: of the answers given with confidence in each band, how many right."""
    rows = []
    given = [o for o in outcomes if o.command == "ask" and not o.abstained]
    for lo, hi in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:], strict=False):
        band = [o for o in given if lo <= o.confidence < hi]
        right = [o for o in band if _right(o)]
        rows.append({
            "from": lo, "to": min(hi, 1.0), "answers": len(band), "right": len(right),
            "accuracy": round(len(right) / len(band), 4) if band else None,
        })  # fmt: skip
    return rows


def _right(o: EvalOutcome) -> bool:
    """An answer given is right when what it claims is: its short answer, or, when it gives
    only a cited place, that place (its confidence is then the place's)."""
    if o.kind == "negative":
        return False
    if o.answer is not None and o.answer_ok is not None:
        return o.answer_ok
    return bool(o.section_ok)


def evaluate(searcher: Searcher, items: list[dict], pipeline: Pipeline | None = None) -> EvalReport:
    qa = pipeline or Pipeline(searcher)
    outcomes = [
        run_search(searcher, it) if it.get("command", "ask") == "search" else run_ask(qa, it)
        for it in items
    ]
    rr = [o.reciprocal_rank for o in outcomes if o.reciprocal_rank is not None]
    quotes = sum(o.quotes for o in outcomes)
    verified = sum(o.quotes_verified for o in outcomes)
    overall = _figures(outcomes)
    kinds = sorted({o.kind for o in outcomes})
    return EvalReport(
        outcomes=outcomes,
        section_at_1=overall["place_at_1"],
        answer_accuracy=overall["answer_accuracy"],
        abstention_rate=overall["abstention_rate"],
        false_abstentions=sum(
            1 for o in outcomes if o.command == "ask" and o.kind != "negative" and o.abstained
        ),
        mrr_at_10=_mean(rr),
        quotes_verified=round(verified / quotes, 4) if quotes else None,
        wrong_answers=overall["wrong_answers"],
        answerable=sum(1 for o in outcomes if o.answer_ok is not None),
        by_kind={k: _figures([o for o in outcomes if o.kind == k]) for k in kinds},
        calibration=calibration(outcomes),
    )


def misses(report: EvalReport) -> list[tuple[EvalOutcome, str]]:
    """Each item that failed a metric, with what went wrong in a few words."""
    out = []
    for o in report.outcomes:
        why = []
        if o.kind == "negative" and not o.abstained:
            why.append(f"answered {o.answer!r} instead of abstaining")
        if o.section_ok is False:
            got = f"{o.first_source}#{o.first_section}" if o.first_source else "nothing"
            want = "#".join(x for x in (o.expected_source, o.expected_section) if x)
            why.append(f"place {got!r}, expected {want!r}")
        if o.answer_ok is False:
            why.append("abstained" if o.abstained else f"answer {o.answer!r}")
        if o.quotes_verified < o.quotes:
            why.append(f"{o.quotes - o.quotes_verified} quote(s) not verified")
        if why:
            out.append((o, "; ".join(why)))
    return out
