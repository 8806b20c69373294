"""Dense similarities as a mapping over the score array: the same answers as a dict."""

from __future__ import annotations

import numpy as np

from ipsearch.retrieval.dense import Scores, best, score_array


def test_scores_read_like_the_dict_they_replace():
    ids = ["a", "b", "c", "d", "e"]
    score = np.array([0.2, 0.5, 0.5, 0.1, 0.4], dtype=np.float32)
    as_dict = {sid: float(v) for sid, v in zip(ids, score, strict=True)}
    s = Scores(ids, score)
    assert dict(s) == as_dict and len(s) == 5 and list(s) == ids
    assert s.get("c") == as_dict["c"] and s.get("zz", 0.0) == 0.0 and "zz" not in s
    assert max(s.values()) == max(as_dict.values())
    # Best first, ties in the vectors' order, as a stable sort of the dict's items gives.
    ranked = sorted(as_dict.items(), key=lambda x: -x[1])
    assert best(s) == ranked == best(as_dict)
    assert best(s, 2) == ranked[:2]
    assert best(s, floor=0.4) == [x for x in ranked if x[1] >= 0.4] == best(as_dict, floor=0.4)


def test_scores_of_some_kinds_only():
    ids = ["a", "b", "c"]
    s = Scores(ids, np.array([0.3, 0.9, 0.6]), np.array([True, False, True]))
    assert dict(s) == {"a": 0.3, "c": 0.6} and best(s) == [("c", 0.6), ("a", 0.3)]
    assert not Scores([], np.zeros(0))


def test_the_score_array_equals_the_values_read_one_by_one():
    """What passage retrieval takes the mean and spread of: the same float64s either way."""
    rng = np.random.default_rng(3)
    score = rng.random(1000, dtype=np.float32)
    keep = rng.random(1000) > 0.3
    ids = [f"s{i}" for i in range(1000)]
    for s in (Scores(ids, score), Scores(ids, score, keep)):
        listed = np.asarray(list(s.values()), dtype=float)
        got = score_array(s)
        assert got.dtype == np.float64 and got.tobytes() == listed.tobytes()
        assert (got.mean(), got.std(), got.max()) == (listed.mean(), listed.std(), listed.max())
        as_dict = dict(s)
        assert score_array(as_dict).tobytes() == listed.tobytes()
