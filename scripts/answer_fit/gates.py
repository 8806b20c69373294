"""The gates: how far a ranker's winner can be trusted, from the rows the answer builder
computes for it (its score, its lead over the runner-up, ...)."""

from __future__ import annotations

import numpy as np

from ipsearch.answer.features import PLACE_FEATURES, SPAN_FEATURES
from ipsearch.answer.model import (
    PLACE_GATE_FEATURES,
    SPAN_GATE_BASE,
    SPAN_GATE_FEATURES,
    gate_row,
    place_gate_row,
)
from ipsearch.answer.which import rival_scores

from .rankers import ranked
from .rows import doc_level, filled

C = 0.2  # L2 strength of every logistic fit (sklearn's inverse regularisation)


def fit_one(
    rows: list[tuple[list[float], bool]],
    balanced: bool = False,
    monotone: list[int] | None = None,
    c: float = C,
) -> dict:
    from sklearn.linear_model import LogisticRegression

    x = np.array([r[0] for r in rows], dtype=float)
    x = filled(x, np.nan_to_num(np.nanmean(x, axis=0)))
    y = np.array([r[1] for r in rows], dtype=int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    if len(set(y)) < 2:  # nothing to tell apart: a constant model
        return {"coef": [0.0] * x.shape[1], "intercept": -5.0 if not y.any() else 5.0,
                "mean": mean.tolist(), "scale": scale.tolist()}  # fmt: skip
    if monotone:
        coef, intercept = fit_monotone((x - mean) / scale, y, monotone, c)
    else:
        lr = LogisticRegression(
            C=c, max_iter=3000, class_weight="balanced" if balanced else None
        ).fit((x - mean) / scale, y)
        coef, intercept = lr.coef_[0].tolist(), float(lr.intercept_[0])
    return {"coef": coef, "intercept": intercept,
            "mean": mean.tolist(), "scale": scale.tolist()}  # fmt: skip


def fit_monotone(
    x: np.ndarray, y: np.ndarray, monotone: list[int], c: float = C
) -> tuple[list[float], float]:
    """The same L2 logistic regression with the coefficients at ``monotone`` held ≥ 0: a gate
    whose winner scores higher, or leads its runner-up by more, must never trust it less (the
    unconstrained fit lets correlated score and margin cancel, and close calls pass)."""
    from scipy.optimize import minimize

    n, k = x.shape
    sign = np.where(y == 1, 1.0, -1.0)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = sign * (x @ w[:k] + w[k])
        p = 1.0 / (1.0 + np.exp(np.clip(z, -50, 50)))  # = 1 - sigmoid(z)
        value = float(np.logaddexp(0.0, -z).sum() + (w[:k] @ w[:k]) / (2 * c))
        g = -(sign * p)
        return value, np.append(x.T @ g + w[:k] / c, g.sum())

    bounds = [(0.0, None) if i in monotone else (None, None) for i in range(k)] + [(None, None)]
    w = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    return w[:k].tolist(), float(w[k])


def _rising(names: list[str]) -> list[int]:
    """Gate features in which confidence may only rise: the winner's score and its margin."""
    return [i for i, f in enumerate(names) if f.split("_")[0] in ("score", "margin")]


def prob(m: dict, x: list[float]) -> float:
    """A gate's probability of one row (as ``Scorer.prob`` at query time)."""
    x = filled(np.array(x, dtype=float), m["mean"])
    z = m["intercept"] + float(np.dot(m["coef"], (x - m["mean"]) / m["scale"]))
    return 1.0 / (1.0 + np.exp(-max(-50.0, min(50.0, z))))


def gates_of(item: dict, rankers: dict) -> dict:
    """The gate rows of one item's winners (as builder.AnswerBuilder computes them)."""
    spans, places = ranked(item, rankers)
    out = {}
    if spans:
        rivals: dict[str, float] = {}
        for sc, c in spans:
            rivals.setdefault(c["t"], sc)
        top = dict(zip(SPAN_FEATURES, spans[0][1]["x"], strict=True))
        row = gate_row(list(rivals.values()), top, SPAN_GATE_BASE, list(rivals))
        out["span"] = ([row[f] for f in SPAN_GATE_FEATURES], spans[0][1])
    if places:
        top = dict(zip(PLACE_FEATURES, places[0][1]["x"], strict=True))
        keys = [_key(p["key"]) for _, p in places]
        scores = rival_scores(keys, [sc for sc, _ in places], 0, doc_level(item))
        row = place_gate_row(scores, top)
        out["place"] = ([row[f] for f in PLACE_GATE_FEATURES], places[0][1])
    return out


def _key(k: list) -> tuple:
    """A place key read back from the rows cache (JSON lists back to tuples)."""
    return (k[0], tuple(k[1]), bool(k[2]))
