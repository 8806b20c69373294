"""The whole fit: rankers, then gates on held-out rankings, then the thresholds (global and
per group of answer types) where the gated decisions do best."""

from __future__ import annotations

import numpy as np

from ipsearch.answer.analysis import ANSWER_KINDS
from ipsearch.answer.builder import PLACE_ANSWERED
from ipsearch.answer.model import PLACE_GATE_FEATURES, SPAN_GATE_FEATURES
from ipsearch.answer.reader import CERTAIN_TYPES

from .decide import decide, figures, worse
from .gates import C, _rising, fit_one, gates_of, prob
from .rankers import fit_rankers
from .rows import doc_level, place_right

MAX_WRONG = 0.05  # the bound: wrong short answers ≤ 5% of a set's answerable items
GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)
C_GRID = (
    0.01,
    0.03,
    0.1,
    0.3,
    1.0,
)  # the gates' L2 strengths (sklearn's C) the nested fit chooses from


def fit(data: dict[str, list[dict]]) -> dict:
    """Rankers on all of ``data``; gates on rankings each corpus got from rankers fitted
    without it (so the gates learn how far a ranker's winner can be trusted on a new corpus);
    thresholds where the gated decisions do best on ``data``."""
    items = [it for v in data.values() for it in v]
    m = fit_rankers(items)
    g_items, g_rows = [], []
    for name, v in data.items():
        inner = fit_rankers([it for n, w in data.items() if n != name for it in w])
        for it in v:
            it["corpus"] = name
        g_items += v
        g_rows += [gates_of(it, inner) for it in v]
    cs = chosen_c(data, g_items, g_rows)
    m["span_gate"], m["place_gate"] = fit_gates(g_items, g_rows, cs)
    cross_fitted_probs(data, g_items, g_rows, cs)
    m["gate_c"] = cs  # reported, not written: only the fitted weights are
    spans, places = safe_span_thresholds(m, g_items, g_rows), GRID[::2]
    u = np.zeros((len(spans), len(places)))
    for i, ts in enumerate(spans):
        for j, tp in enumerate(places):
            m["span_gate"]["threshold"], m["place_gate"]["threshold"] = ts, tp
            u[i, j] = figures(g_items, g_rows, m)["utility"]
    i, j = np.unravel_index(np.argmax(smoothed(u)), u.shape)
    m["span_gate"]["threshold"], m["place_gate"]["threshold"] = float(spans[i]), float(places[j])
    by_type(m, g_items, g_rows)
    m["span"]["threshold"] = m["place"]["threshold"] = 0.0
    return m


def smoothed(u: np.ndarray) -> np.ndarray:
    """Each pair of thresholds' utility averaged with its grid neighbours': a peak one held-out
    item wide is chance (measured: the seed's place threshold swung from 0.65 to 0.8 on a
    quarter point when only the span gate changed); the middle of a broad plateau transfers."""
    from scipy.ndimage import uniform_filter

    return uniform_filter(u, size=3, mode="nearest")


def labelled(items: list[dict], rows: list[dict]) -> dict[str, list[tuple[list[float], bool, str]]]:
    """Each gate's training rows (held-out rankings of ``items``): (gate row, right, corpus)."""
    pairs = list(zip(items, rows, strict=True))
    return {
        "span": [(g["span"][0], it["has_answers"] and g["span"][1]["right"], it["corpus"])
                 for it, g in pairs if "span" in g
                 and (it["has_answers"] or it["negative"]) and it["type"] != "place"],
        "place": [(g["place"][0], not it["negative"] and place_right(it, g["place"][1]),
                   it["corpus"]) for it, g in pairs if "place" in g
                  and (it["type"] in ("place", *PLACE_ANSWERED) or it["negative"])],
    }  # fmt: skip


def fit_gates(items: list[dict], rows: list[dict], cs: dict | None = None) -> tuple[dict, dict]:
    """The span and place gates, fitted on ``rows`` (held-out rankings of ``items``), each
    with its L2 strength from ``cs`` (as ``chosen_c``)."""
    d, cs = labelled(items, rows), cs or {}
    return (
        fit_one([r[:2] for r in d["span"]], monotone=_rising(SPAN_GATE_FEATURES),
                c=cs.get("span", C)),
        fit_one([r[:2] for r in d["place"]], monotone=_rising(PLACE_GATE_FEATURES),
                c=cs.get("place", C)),
    )  # fmt: skip


def chosen_c(data: dict, items: list[dict], rows: list[dict]) -> dict[str, float]:
    """Each gate's L2 strength by a nested leave-one-corpus-out: the ``C_GRID`` value whose
    gates, fitted without a corpus, give that corpus's rows the highest likelihood (how sure a
    gate may be on a corpus it never saw, measured rather than set by hand)."""
    out = {}
    for k, rows_k in labelled(items, rows).items():
        if not rows_k:
            out[k] = C
            continue
        feats = SPAN_GATE_FEATURES if k == "span" else PLACE_GATE_FEATURES
        loss = dict.fromkeys(C_GRID, 0.0)
        for c in C_GRID:
            for name in data:
                g = fit_one([r[:2] for r in rows_k if r[2] != name], monotone=_rising(feats), c=c)
                p = np.clip([prob(g, x) for x, _, n in rows_k if n == name], 1e-6, 1 - 1e-6)
                y = np.array([ok for _, ok, n in rows_k if n == name], dtype=bool)
                loss[c] -= float(np.sum(np.log(np.where(y, p, 1 - p))))
        out[k] = min(C_GRID, key=lambda c: loss[c])
    return out


def cross_fitted_probs(data: dict, items: list[dict], rows: list[dict], cs: dict) -> None:
    """Each row's gate probabilities from gates fitted without its corpus, kept once (only
    the thresholds vary afterwards): a threshold chosen on the gates' in-sample probabilities
    trusts them as much on a new corpus as on the ones they were fitted on, and lets that
    corpus's close calls through; chosen on cross-fitted ones, it sees how far they transfer."""
    for name in data:
        inner = [(it, g) for it, g in zip(items, rows, strict=True) if it["corpus"] != name]
        span, place = fit_gates([it for it, _ in inner], [g for _, g in inner], cs)
        gates = {"span": span, "place": place}
        for it, g in zip(items, rows, strict=True):
            if it["corpus"] == name:
                for k, v in g.items():
                    g[k] = (*v[:2], prob(gates[k], v[0]))


def span_wrongs(items: list[dict], rows: list[dict], m: dict) -> dict[str, int]:
    """Wrong short answers to questions that want a value, per corpus."""
    out: dict[str, int] = {}
    for it, g in zip(items, rows, strict=True):
        if it["type"] != "place" and it["has_answers"]:
            r = decide(it, g, m)
            out[it["corpus"]] = out.get(it["corpus"], 0) + (r["short"] and not r["right"])
    return out


def safe_span_thresholds(m: dict, items: list[dict], rows: list[dict]) -> list[float]:
    """Span thresholds at which no training corpus gets more than ``MAX_WRONG`` of its
    answerable questions wrong (or, if none does, those with the fewest at the worst corpus):
    a threshold good on the pooled sets can still be lax for one kind of corpus, and the
    next corpus may be of that kind."""
    answerable: dict[str, int] = {}
    for it in items:
        if it["type"] != "place" and it["has_answers"]:
            answerable[it["corpus"]] = answerable.get(it["corpus"], 0) + 1
    worst = {}
    m["place_gate"].setdefault("threshold", 1.0)  # place answers are never short here
    for ts in GRID:
        m["span_gate"]["threshold"] = ts
        wrong = span_wrongs(items, rows, m)
        worst[ts] = max((w / answerable[c] for c, w in wrong.items()), default=0.0)
    floor = max(MAX_WRONG, min(worst.values()))
    return [ts for ts in GRID if worst[ts] <= floor]


def group_of(item: dict) -> str:
    """Types share a threshold by how sure the wording is of the answer's kind: too few
    held-out questions of one type to choose a threshold of its own. Place questions that ask
    for a whole page ("which page covers") apart from those that ask for a section: how well a
    page's title names the question differs from how well a section's text does, and a
    corpus's sections need not be titled like another's pages."""
    if item["type"] == "place":
        return "page" if doc_level(item) else "place"
    return "certain" if item["type"] in CERTAIN_TYPES else "open"


def group_keys(group: str) -> list[str]:
    """The ``by_type`` keys of a group's thresholds."""
    if group in ("place", "page"):
        return ["place/doc" if group == "page" else "place"]
    return [t for t in ANSWER_KINDS if t != "place" and group_of({"type": t}) == group]


def by_type(m: dict, items: list[dict], rows: list[dict]) -> None:
    """Per group of answer types, the (span, place) thresholds where that group's held-out
    decisions do best, kept where they beat the global pair; one group's decisions do not
    depend on another's thresholds, so each is chosen alone. Stored per type."""
    m["span_gate"]["by_type"], m["place_gate"]["by_type"] = {}, {}
    for group in ("certain", "open", "place", "page"):
        types = group_keys(group)
        sel = [(it, g) for it, g in zip(items, rows, strict=True) if group_of(it) == group]
        its, gs = [it for it, _ in sel], [g for _, g in sel]
        base = figures(its, gs, m)
        base_wrongs = span_wrongs(its, gs, m)
        best = (base["utility"], None, None)
        for ts in GRID if group not in ("place", "page") else [m["span_gate"]["threshold"]]:
            for tp in GRID[::2]:
                # A place group's own threshold may be stricter than the global one, not
                # laxer: its few held-out questions come from the corpora whose pages are
                # titled alike (measured LOCO, a laxer page threshold answered a GOV.UK
                # place-type near miss).
                if group in ("place", "page") and tp < m["place_gate"]["threshold"]:
                    continue
                for t in types:
                    m["span_gate"]["by_type"][t], m["place_gate"]["by_type"][t] = ts, tp
                f = figures(its, gs, m)
                # Never bought with more wrong answers or answered negatives than the global
                # pair gives, in all or in any one corpus: a handful of held-out near misses
                # cannot vouch for a laxer gate.
                by_corpus = span_wrongs(its, gs, m)
                if (
                    f["utility"] > best[0] + 1e-9
                    and not worse(f, base)
                    and all(w <= base_wrongs.get(c, 0) for c, w in by_corpus.items())
                ):
                    best = (f["utility"], float(ts), float(tp))
        for t in types:
            del m["span_gate"]["by_type"][t], m["place_gate"]["by_type"][t]
            if best[1] is not None:
                if group not in ("place", "page"):
                    m["span_gate"]["by_type"][t] = best[1]
                m["place_gate"]["by_type"][t] = best[2]
