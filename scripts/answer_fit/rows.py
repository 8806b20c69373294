"""What a collected row means, read the way the pipeline reads it at query time."""

from __future__ import annotations

import numpy as np

from ipsearch.answer.features import PLACE_FEATURES


def filled(x: np.ndarray, mean: np.ndarray | list[float]) -> np.ndarray:
    """An unmeasured feature (NaN) counts as the average, as ``Scorer.z`` treats it."""
    return np.where(np.isnan(x), np.asarray(mean, dtype=float), x)


def place_right(item: dict, p: dict) -> bool:
    return p["right"] if item["type"] == "place" and item["has_answers"] else p["ok"]


def doc_level(item: dict) -> bool:
    """Whether the question asks for a whole document (a feature every place row carries)."""
    i = PLACE_FEATURES.index("doc_level")
    return bool(item["places"]) and item["places"][0]["x"][i] == 1.0
