"""Query vectors saved between processes: the same vector back, never a wrong one."""

from __future__ import annotations

import numpy as np
import pytest

from ipsearch import semantic
from ipsearch.retrieval import querycache
from ipsearch.retrieval.dense import Dense
from ipsearch.retrieval.querycache import QueryVectors


def _vec(seed: int, dim: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).random(dim, dtype=np.float32)


def test_a_saved_vector_comes_back_exactly(tmp_path):
    qv = QueryVectors(tmp_path, "model-a/256", 4)
    assert qv.get("vitamin D") is None
    v = _vec(1)
    qv.put("vitamin D", v)
    got = QueryVectors(tmp_path, "model-a/256", 4).get("vitamin D")
    assert got is not None and got.tobytes() == v.tobytes()


def test_another_model_or_a_damaged_file_gives_nothing(tmp_path):
    qv = QueryVectors(tmp_path, "model-a/256", 4)
    qv.put("q", _vec(1))
    assert QueryVectors(tmp_path, "model-b/256", 4).get("q") is None
    assert QueryVectors(tmp_path, "model-a/128", 4).get("q") is None
    assert QueryVectors(tmp_path, "model-a/256", 8).get("q") is None  # another dimension
    qv.path("q").write_bytes(b"not an array")
    assert qv.get("q") is None


def test_an_unwritable_folder_only_costs_the_saving(tmp_path):
    (tmp_path / querycache.FOLDER).write_text("a file where the folder should be")
    qv = QueryVectors(tmp_path, "m", 4)
    qv.put("q", _vec(1))  # no error
    assert qv.get("q") is None


def test_the_folder_is_pruned_to_the_newest(tmp_path, monkeypatch):
    monkeypatch.setattr(querycache, "LIMIT", 8)
    qv = QueryVectors(tmp_path, "m", 4)
    for i in range(9):
        qv.put(f"q{i}", _vec(i))
    kept = list(qv.folder.glob("*.npy"))
    assert len(kept) == 6 and qv.get("q8") is not None


def test_a_second_process_reuses_the_vector_without_the_encoder(tmp_path, monkeypatch):
    if semantic.unavailable():
        pytest.skip(semantic.unavailable())
    vectors = semantic.SectionVectors(["s"], ["h"], np.zeros((2, 384), np.float32),
                                      np.array([0, 1]), "stamp")  # fmt: skip
    saved = QueryVectors(tmp_path, "m", 384)
    first = Dense(vectors, saved).embed("bone fractures")

    def no_encoder():
        raise AssertionError("the encoder was loaded")

    monkeypatch.setattr(semantic, "embedder", no_encoder)
    again = Dense(vectors, saved).embed("bone fractures")
    assert again.tobytes() == first.tobytes()


def test_a_zeroed_file_is_not_a_vector(tmp_path):
    """Saved without a flush to disk: what a crash can leave (the right size, all zeros)."""
    qv = QueryVectors(tmp_path, "m", 4)
    qv.put("q", _vec(1))
    np.save(qv.path("q"), np.zeros(4, dtype=np.float32))
    assert qv.get("q") is None
    np.save(qv.path("q"), np.array([1.0, np.nan, 0, 0], dtype=np.float32))
    assert qv.get("q") is None


def test_saving_waits_for_no_disk_flush(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(os, "fsync", lambda fd: pytest.fail("flushed a cache file to disk"))
    qv = QueryVectors(tmp_path, "m", 4)
    qv.put("q", _vec(1))
    assert qv.get("q") is not None
