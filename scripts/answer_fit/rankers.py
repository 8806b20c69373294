"""The span and place rankers: linear scores whose softmax over one question's candidates
(``Scorer.shares``) should put the right ones first."""

from __future__ import annotations

import numpy as np

from ipsearch.answer.model import merge_shares

from .rows import filled, place_right

# L2 strength of the listwise place ranker, as 1/C (measured LOCO: C = 0.1, 1 and 10 rank
# alike; 1 kept).
PLACE_LISTWISE_L2 = 1.0
# L2 strength of the listwise span ranker, per question in its log-likelihood.
LISTWISE_L2 = 30.0


def fit_listwise(
    groups: list[tuple[list[list[float]], list[bool]]], l2: float = LISTWISE_L2
) -> dict:
    """A linear ranker fitted as a conditional logit: for each question, the softmax over its
    candidates (as ``Scorer.shares`` computes at query time) should put its mass on the right
    ones. The objective is the answer builder's own: the right answer's share, first."""
    from scipy.optimize import minimize

    groups = [(xs, oks) for xs, oks in groups if any(oks) and not all(oks)]
    x_all = np.array([x for xs, _ in groups for x in xs], dtype=float)
    x_all = filled(x_all, np.nan_to_num(np.nanmean(x_all, axis=0)))
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0)
    scale[scale == 0] = 1.0
    x = (x_all - mean) / scale
    right = np.array([ok for _, oks in groups for ok in oks], dtype=bool)
    starts = np.cumsum([0] + [len(xs) for xs, _ in groups[:-1]])
    owner = np.repeat(np.arange(len(groups)), [len(xs) for xs, _ in groups])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        top = np.maximum.reduceat(z, starts)[owner]
        e = np.exp(z - top)
        e_all, e_ok = np.add.reduceat(e, starts), np.add.reduceat(e * right, starts)
        value = float(np.sum(np.log(e_all) - np.log(e_ok)) + l2 * (w @ w) / 2)
        g = e / e_all[owner] - right * e / e_ok[owner]
        return value, x.T @ g + l2 * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    return {"coef": w.tolist(), "intercept": 0.0,
            "mean": mean.tolist(), "scale": scale.tolist()}  # fmt: skip


def fit_rankers(items: list[dict]) -> dict:
    span = fit_listwise([([c["x"] for c in it["spans"]], [c["right"] for c in it["spans"]])
                         for it in items if it["has_answers"] and it["spans"]])  # fmt: skip
    place = fit_listwise([([p["x"] for p in it["places"]],
                           [place_right(it, p) for p in it["places"]])
                          for it in items if not it["negative"] and it["places"]],
                         l2=PLACE_LISTWISE_L2)  # fmt: skip
    return {"span": span, "place": place}


def shares(m: dict, xs: list[list[float]]) -> list[float]:
    """The ranker's softmax over one question's rows (as ``Scorer.shares``)."""
    if not xs:
        return []
    x = filled(np.array(xs, dtype=float), m["mean"])
    z = m["intercept"] + (x - m["mean"]) / m["scale"] @ np.array(m["coef"])
    e = np.exp(z - z.max())
    return (e / e.sum()).tolist()


def ranked(item: dict, rankers: dict) -> tuple[list, list]:
    """(spans, places) of one item, each as (ranker share, row), best first; equal answers
    share their summed share (as ``AnswerBuilder.score``)."""
    own = shares(rankers["span"], [c["x"] for c in item["spans"]])
    merged = merge_shares([c["t"] for c in item["spans"]], own)
    spans = [(m, c) for m, _, c in sorted(zip(merged, own, item["spans"], strict=True),
                                          key=lambda x: (-x[0], -x[1]))]  # fmt: skip
    places = sorted(zip(shares(rankers["place"], [p["x"] for p in item["places"]]),
                        item["places"], strict=True), key=lambda x: -x[0])  # fmt: skip
    return spans, places


def right_first(items: list[dict], rankers: dict) -> str:
    """How often the span ranker puts a right answer first, of the answerable questions whose
    candidates hold one (encoder on, as by default)."""
    its = [it for it in items if it["has_answers"] and not it.get("kw") and it["spans"]]
    held = [it for it in its if any(c["right"] for c in it["spans"])]
    first = sum(ranked(it, rankers)[0][0][1]["right"] for it in held)
    return f"right first {first}/{len(held)} (of {len(its)} with candidates)"
