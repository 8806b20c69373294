"""Ranking metrics as trec_eval defines them (checked against ir-measures in the tests)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]  # query id → doc ids, best first


def ndcg_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    gains = [rel.get(d, 0) for d in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains) if g > 0)
    ideal = sorted((g for g in rel.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 100) -> float:
    relevant = {d for d, g in rel.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def rr_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if rel.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(run: Run, qrels: Qrels) -> dict[str, float]:
    """Means over every judged query (a query missing from the run scores 0, as with -c)."""
    qids = [q for q, rel in qrels.items() if any(g > 0 for g in rel.values())]
    if not qids:
        return {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    n = len(qids)
    return {
        "ndcg@10": sum(ndcg_at(run.get(q, []), qrels[q]) for q in qids) / n,
        "recall@100": sum(recall_at(run.get(q, []), qrels[q]) for q in qids) / n,
        "mrr@10": sum(rr_at(run.get(q, []), qrels[q]) for q in qids) / n,
    }
