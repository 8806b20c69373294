"""The fitted scorers: logistic regression coefficients from ``weights.json``, numpy only.

``scripts/fit_answer_model.py`` writes the file (scikit-learn at fit time); nothing here is
set by hand. Each model maps a feature dict to a probability that the candidate is right.
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

    def prob(self, x: dict[str, float]) -> float:
        z = self.intercept
        for name, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            z += c * (x.get(name, 0.0) - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass
class Models:
    span: Scorer
    place: Scorer
    meta: dict


def load(path: str | None = None) -> Models:
    return _load(path or os.environ.get(WEIGHTS_ENV) or str(WEIGHTS))


@lru_cache(maxsize=4)
def _load(path: str) -> Models:
    from ipsearch.errors import UsageError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Models(Scorer(**data["span"]), Scorer(**data["place"]), data.get("meta", {}))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"cannot read answer model {path}: {e}") from e
