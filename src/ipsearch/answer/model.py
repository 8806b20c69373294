"""The fitted scorers: logistic regression coefficients from ``weights.json``, numpy only.

``scripts/fit_answer_model.py`` writes the file (scikit-learn at fit time); nothing here is
set by hand. Two kinds of model: rankers map one candidate's (or place's) features to a score
that orders the candidates of a question; gates look at the ranker's winner (its score, its
margin over the runner-up, how well its passage covers the question) and give the probability
that it is right, which is the answer's confidence: below the gate's threshold, abstain.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("weights.json")
# Points at another weights file (the fit script's leave-one-corpus-out runs use it).
WEIGHTS_ENV = "IPSEARCH_ANSWER_WEIGHTS"


@dataclass
class Scorer:
    features: list[str]
    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]
    threshold: float
    # Gates only: a threshold per answer type where the fit had enough held-out answers of
    # that type to choose one (a date's gate can be laxer than a definition's); ``type/doc``
    # keys hold the threshold of questions that ask for a whole document ("which page").
    by_type: dict[str, float] | None = None

    def threshold_for(self, answer_type: str, doc_level: bool = False) -> float:
        return threshold_of(self.by_type or {}, self.threshold, answer_type, doc_level)

    def z(self, x: dict[str, float]) -> float:
        z = self.intercept
        for name, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            # A feature not measured (no encoder: keyword-only runs) counts as average, not 0.
            z += c * (x.get(name, m) - m) / (s or 1.0)
        return z

    def prob(self, x: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.z(x)))))

    def shares(self, rows: list[dict[str, float]]) -> list[float]:
        """A ranker's softmax over one question's candidates: each one's share of belief."""
        zs = [self.z(x) for x in rows]
        top = max(zs, default=0.0)
        es = [math.exp(z - top) for z in zs]
        total = sum(es) or 1.0
        return [e / total for e in es]


@dataclass
class Models:
    span: Scorer  # ranks candidate spans
    place: Scorer  # ranks places (sections)
    span_gate: Scorer  # answer or abstain, on the top span
    place_gate: Scorer  # answer or abstain, on the top place
    meta: dict


# What the gates see of the winner besides its ranking score and margin. The winner's dense
# similarity and heading coverage: a passage that means what the question asks, under a
# heading that names it, holds a right value more often on a corpus the gate never saw
# (measured leave-one-corpus-out, with them the held-out gates rank right winners above wrong
# ones more often in five of six corpora).
SPAN_GATE_BASE = ["type_first", "cov_own", "cov_ctx", "key_field", "counts_noun", "agree",
                  "certain", "near", "miss_max", "echo", "inside", "in_top_place",
                  "place_rel", "dense", "cov_head"]  # fmt: skip
# Each ranking's rank, the dense z-score and label coverage help the ranker (they compare the
# places of one question) but not the gate: across corpora, how well a page's title names a
# question depends on how the corpus titles its pages (measured leave-one-corpus-out, the gate
# with them answered fewer right places on the seed, PostgreSQL and GOV.UK sets).
# How rare the missing words are tells a paraphrase (it misses words the corpus uses elsewhere)
# from a question about something the corpus does not hold (it misses the word naming it).
PLACE_GATE_BASE = ["cov_section", "cov_best", "dense", "dense_gap", "doc_level", "miss_max",
                   "miss_rare"]  # fmt: skip
SPAN_GATE_FEATURES = ["score", "margin", "margin_log", "n_cands", "score_typed", "margin_typed",
                      "entropy", "nested", *SPAN_GATE_BASE]  # fmt: skip
# A place's share and margin also as log-odds: the shares of a confident ranker crowd near 1,
# where a linear gate cannot tell 0.9 from 0.999; log-odds spread them on one scale for every
# corpus. No count of rivals: how many places a question reaches depends on the corpus.
PLACE_GATE_FEATURES = ["score", "margin", "score_logit", "margin_logit", *PLACE_GATE_BASE]
# How many of the winner's runners-up ``nested_rival`` looks at.
NESTED_WITHIN = 5
# Shares closer to 0 or 1 than this are as sure as the fit can tell.
SHARE_FLOOR = 1e-3


def threshold_of(
    by_type: dict[str, float], default: float, answer_type: str, doc_level: bool
) -> float:
    """A document-level question's own threshold where the fit chose one, else its type's."""
    if doc_level and f"{answer_type}/doc" in by_type:
        return by_type[f"{answer_type}/doc"]
    return by_type.get(answer_type, default)


def merge_shares(keys: list[str], shares: list[float]) -> list[float]:
    """Each candidate's share of belief summed over the candidates that say the same thing:
    one value found in three passages is one answer, not three rivals splitting the vote."""
    total: dict[str, float] = {}
    for k, v in zip(keys, shares, strict=True):
        total[k] = total.get(k, 0.0) + v
    return [total[k] for k in keys]


def gate_row(
    scores: list[float], top: dict[str, float], base: list[str], keys: list[str] | None = None
) -> dict[str, float]:
    """Gate features of a question's winner: ``scores`` are the rival scores, best first, with
    equal answers already merged (a runner-up that says the same thing is no rival); ``keys``
    their answer keys, where the rivals are spans."""
    row = {f: top[f] for f in base if f in top}
    row["nested"] = nested_rival(keys or [])
    row["score"] = scores[0] if scores else 0.0
    row["margin"] = scores[0] - scores[1] if len(scores) > 1 else scores[0] if scores else 0.0
    # How many times likelier the winner is than its runner-up: unlike shares, this does not
    # shrink when a long page offers many candidates (a corpus with long pages is not less sure).
    first, second = [*scores, 0.0, 0.0][:2]
    row["margin_log"] = min(math.log((first + 1e-6) / (second + 1e-6)), 10.0) if first else 0.0
    row["n_cands"] = min(len(scores), 20) / 20
    # How spread the ranker's belief is over all the rival answers, not only the first two: a
    # winner among many near-equal rivals is a closer call than its margin alone shows.
    total = sum(scores)
    row["entropy"] = (
        -sum(s / total * math.log(s / total) for s in scores if s > 0) if total else 0.0
    )
    # A winner of the very kind the question asks for is worth its score; another kind less.
    row["score_typed"] = row["score"] * top.get("type_first", 0.0)
    row["margin_typed"] = row["margin"] * top.get("type_first", 0.0)
    return row


def nested_rival(keys: list[str], within: int = NESTED_WITHIN) -> float:
    """1 when one of the winner's nearest rivals is a longer or shorter reading of it ("N" and
    "up to N"): a value the reader's rules found in several overlapping spans is
    one the passage states (measured on each of six corpora, right winners have one three to
    eight times as often as wrong ones)."""
    if not keys:
        return 0.0
    top = f" {keys[0]} "
    for k in keys[1 : within + 1]:
        if top in f" {k} " or f" {k} " in top:
            return 1.0
    return 0.0


def place_gate_row(scores: list[float], top: dict[str, float]) -> dict[str, float]:
    """``gate_row`` of a question's top place, with its share and margin as log-odds."""
    row = gate_row(scores, top, PLACE_GATE_BASE)
    first = min(max(scores[0] if scores else 0.0, SHARE_FLOOR), 1 - SHARE_FLOOR)
    second = min(max(scores[1] if len(scores) > 1 else 0.0, SHARE_FLOOR), 1 - SHARE_FLOOR)
    row["score_logit"] = math.log(first / (1 - first))
    row["margin_logit"] = math.log(first / second)
    return row


def load(path: str | None = None) -> Models:
    return _load(path or os.environ.get(WEIGHTS_ENV) or str(WEIGHTS))


@lru_cache(maxsize=4)
def _load(path: str) -> Models:
    from ipsearch.errors import UsageError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Models(
            Scorer(**data["span"]),
            Scorer(**data["place"]),
            Scorer(**data["span_gate"]),
            Scorer(**data["place_gate"]),
            data.get("meta", {}),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"cannot read answer model {path}: {e}") from e
