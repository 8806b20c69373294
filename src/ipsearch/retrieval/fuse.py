"""Fusion of keyword and dense rankings."""

from __future__ import annotations

# Reciprocal rank fusion: each ranking adds 1 / (RRF_K + rank). 60 is the constant of the
# original RRF paper; it keeps one ranking's top hit from outweighing agreement of both.
RRF_K = 60
# How deep each ranking is read before fusing.
FUSE_DEPTH = 100
# A section only the encoder found is shown by `search` from this similarity up. Unrelated
# queries stay below it on the seed page (fishing 0.21, the capital of France 0.14).
DENSE_FLOOR = 0.35


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several rankings of ids, best first."""
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, sid in enumerate(ranking, 1):
            score[sid] = score.get(sid, 0.0) + 1.0 / (k + rank)
    return sorted(score.items(), key=lambda x: -x[1])
