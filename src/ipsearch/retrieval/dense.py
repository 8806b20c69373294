"""Dense retrieval at query time: cosine similarity of a query to the section vectors that
``ipsearch.semantic`` stores beside each index generation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch import semantic

if TYPE_CHECKING:
    import numpy as np


class Dense:
    """Cosine similarity of queries to the sections of one index generation."""

    def __init__(self, vectors: semantic.SectionVectors) -> None:
        self.vectors = vectors
        self._cache: dict[str, np.ndarray] = {}

    @classmethod
    def open(cls, gen: Path | None, manifest: dict, notify: Callable[[str], None]) -> Dense | None:
        """Dense scoring for ``gen``, or None (told once) when it cannot be trusted or run."""
        why = semantic.unavailable()
        if why:
            semantic.tell_once(notify, f"semantic search off ({why}); using keyword ranking only")
            return None
        vectors = semantic.SectionVectors.load(gen) if gen else None
        if vectors is None or vectors.stamp != semantic.corpus_stamp(manifest):
            semantic.tell_once(
                notify,
                "semantic vectors are missing or out of date; using keyword ranking only "
                "(run `ipsearch ingest` to make them)",
            )
            return None
        return cls(vectors)

    def embed(self, text: str) -> np.ndarray:
        if text not in self._cache:
            self._cache[text] = semantic.embedder().embed([text])[0]
        return self._cache[text]

    def scores(self, text: str, kinds: tuple[str, ...] | None = None) -> dict[str, float]:
        """Similarity of ``text`` to every section (of ``kinds``), by section id."""
        import numpy as np

        v = self.vectors
        if not v.ids:
            return {}
        best = np.maximum.reduceat(v.matrix @ self.embed(text), v.starts)
        score = best.reshape(-1, 2).mean(axis=1)
        return {
            sid: float(score[i]) for i, sid in enumerate(v.ids) if not kinds or v.kinds[i] in kinds
        }

    def similarities(self, text: str, others: list[str]) -> list[float]:
        """Cosine of ``text`` to each of ``others`` (e.g. the sentences of one section)."""
        if not others:
            return []
        q = self.embed(text)
        return [float(v @ q) for v in semantic.embedder().embed(others)]
