"""Dense retrieval at query time: cosine similarity of a query to the section vectors that
``ipsearch.semantic`` stores beside each index generation."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch import semantic

if TYPE_CHECKING:
    import numpy as np

    from ipsearch.retrieval.querycache import QueryVectors


class Dense:
    """Cosine similarity of queries to the sections of one index generation."""

    def __init__(self, vectors: semantic.SectionVectors, saved: QueryVectors | None = None) -> None:
        self.vectors = vectors
        self.saved = saved
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
        return cls(vectors, _saved_queries())

    def embed(self, text: str) -> np.ndarray:
        """The query's vector: remembered, saved by an earlier process, or embedded now."""
        if text not in self._cache:
            vec = self.saved.get(text) if self.saved else None
            if vec is None:
                vec = semantic.embedder().embed([text])[0]
                if self.saved:
                    self.saved.put(text, vec)
            self._cache[text] = vec
        return self._cache[text]

    def scores(self, text: str, kinds: tuple[str, ...] | None = None) -> Scores:
        """Similarity of ``text`` to every section (of ``kinds``), by section id."""
        import numpy as np

        v = self.vectors
        if not v.ids:
            return Scores([], np.zeros(0))
        best = np.maximum.reduceat(v.matrix @ self.embed(text), v.starts)
        score = best.reshape(-1, 2).mean(axis=1)
        keep = None
        if kinds:
            keep = np.array([k in kinds for k in v.kinds], dtype=bool)
        return Scores(v.ids, score, keep)

    def similarities(self, text: str, others: list[str]) -> list[float]:
        """Cosine of ``text`` to each of ``others`` (e.g. the sentences of one section)."""
        if not others:
            return []
        q = self.embed(text)
        return [float(v @ q) for v in semantic.embedder().embed(others)]


def _saved_queries() -> QueryVectors | None:
    from ipsearch.retrieval.querycache import QueryVectors

    enc = semantic.embedder()
    if enc.cache_dir is None:
        return None
    return QueryVectors(enc.cache_dir, f"{enc.digest()}/{enc.max_length}", enc.dimension)


class Scores(Mapping[str, float]):
    """Similarity of one text to each section, by section id, in the vectors' order.

    A mapping over the score array: a whole corpus's dictionary of floats (and sorting its
    items) cost a one-shot question tens of milliseconds at 50,000 sections, where it reads
    only the best ones and the few sections it quotes.
    """

    def __init__(self, ids: list[str], score: np.ndarray, keep: np.ndarray | None = None) -> None:
        import numpy as np

        rows = np.arange(len(ids)) if keep is None else np.flatnonzero(keep)
        self._ids = ids
        self._rows = rows
        self._score = score[rows]
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return (self._ids[r] for r in self._rows.tolist())

    def __getitem__(self, sid: str) -> float:
        if self._index is None:
            ids = self._ids
            self._index = {ids[r]: i for i, r in enumerate(self._rows.tolist())}
        return float(self._score[self._index[sid]])

    def values(self) -> list[float]:  # type: ignore[override]
        return self._score.tolist()

    def array(self) -> np.ndarray:
        """The similarities in the vectors' order, as an array (``values`` without a list)."""
        return self._score

    def items(self) -> list[tuple[str, float]]:  # type: ignore[override]
        return list(zip(self, self._score.tolist(), strict=True))

    def best(self, limit: int | None = None, floor: float | None = None) -> list[tuple[str, float]]:
        """(id, similarity) best first, ties in the vectors' order (as a stable sort of the
        items gives), at most ``limit``, at least ``floor``."""
        import numpy as np

        order = np.argsort(-self._score, kind="stable")
        if floor is not None:
            order = order[: int(np.count_nonzero(self._score >= floor))]
        order = order[:limit].tolist()
        return [(self._ids[self._rows[i]], float(self._score[i])) for i in order]


def score_array(scores: Mapping[str, float]) -> np.ndarray:
    """The similarities of any mapping of them (a ``Scores`` or a dict) as float64."""
    import numpy as np

    if isinstance(scores, Scores):
        return scores.array().astype(np.float64)
    return np.asarray(list(scores.values()), dtype=np.float64)


def best(scores: Mapping[str, float], limit: int | None = None, floor: float | None = None):
    """``Scores.best`` for any mapping of similarities (an empty dict when dense is off)."""
    if isinstance(scores, Scores):
        return scores.best(limit, floor)
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    return [(k, v) for k, v in ranked if floor is None or v >= floor][:limit]
