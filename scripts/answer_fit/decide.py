"""What the answer builder would do with a model and one item's gate rows, and the figures of
those decisions (the utility the thresholds are chosen by)."""

from __future__ import annotations

import numpy as np

from ipsearch.answer.builder import PLACE_ANSWERED
from ipsearch.answer.model import threshold_of

from .gates import prob
from .rows import doc_level, place_right

LAMBDA = 3.0  # a wrong answer costs three abstentions: abstaining is better than a wrong answer
# The right place cited first is worth as much as a right short answer; a wrong place cited
# costs the reader a look, far less than a wrong short answer or an answered negative.
PLACE_GAIN = 1.0
WRONG_PLACE = 0.25


def threshold(gate: dict, item: dict) -> float:
    """As ``Scorer.threshold_for``."""
    return threshold_of(gate.get("by_type") or {}, gate["threshold"], item["type"], doc_level(item))


def decide(item: dict, gates: dict, m: dict) -> dict:
    """What the answer builder would do: mirrors builder.AnswerBuilder.run."""
    res = {"answered": False, "short": False, "right": False, "place_ok": False, "conf": 0.0}
    sp, pl = gates.get("span"), gates.get("place")
    pconf = (pl[2] if len(pl) > 2 else prob(m["place_gate"], pl[0])) if pl else 0.0
    t_place = threshold(m["place_gate"], item)
    if item["type"] == "place":
        if pl and pconf >= t_place:
            res.update(answered=True, short=True, conf=pconf, place_ok=pl[1]["ok"],
                       right=place_right(item, pl[1]))  # fmt: skip
        return res
    sconf = (sp[2] if len(sp) > 2 else prob(m["span_gate"], sp[0])) if sp else 0.0
    if sp and sconf >= threshold(m["span_gate"], item):
        return {"answered": True, "short": True, "right": sp[1]["right"],
                "place_ok": sp[1]["ok"], "conf": sconf}  # fmt: skip
    if item["type"] in PLACE_ANSWERED and pl and pconf >= t_place:
        res.update(answered=True, conf=pconf, place_ok=pl[1]["ok"], right=pl[1]["ok"])
    return res


def figures(items: list[dict], gates: list[dict], m: dict) -> dict:
    d = [(it, decide(it, g, m)) for it, g in zip(items, gates, strict=True)]
    pos = [(it, r) for it, r in d if not it["negative"]]
    ans = [(it, r) for it, r in pos if it["has_answers"]]
    neg = [r for it, r in d if it["negative"]]
    wrong = sum(1 for it, r in ans if r["short"] and not r["right"])
    return {
        "place_at_1": round(np.mean([r["place_ok"] for _, r in pos]), 3) if pos else None,
        "answer": round(np.mean([r["short"] and r["right"] for _, r in ans]), 3) if ans else None,
        "wrong": wrong, "answerable": len(ans),
        "neg_abstained": f"{sum(not r['answered'] for r in neg)}/{len(neg)}",
        "utility": sum(r["short"] and r["right"] for _, r in ans) - LAMBDA * wrong
        + sum(PLACE_GAIN * r["place_ok"] - WRONG_PLACE * (r["answered"] and not r["place_ok"])
              for it, r in pos)
        + sum((not r["answered"]) - LAMBDA * r["answered"] for r in neg),
        "conf": [(r["conf"], r["right"]) for it, r in d if r["answered"] and not it["negative"]]
        + [(r["conf"], False) for r in neg if r["answered"]],
    }  # fmt: skip


def worse(f: dict, base: dict) -> bool:
    """More wrong short answers or more answered negatives than ``base``."""
    return f["wrong"] > base["wrong"] or negatives_answered(f) > negatives_answered(base)


def negatives_answered(f: dict) -> int:
    done, total = map(int, f["neg_abstained"].split("/"))
    return total - done
