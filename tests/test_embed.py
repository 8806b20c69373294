"""The ONNX embedder: shape, normalisation, the tokenizer overrides, batch independence."""

from __future__ import annotations

import numpy as np
import pytest

from ipsearch.embed import Embedder
from ipsearch.semantic import model_dir, unavailable

pytestmark = pytest.mark.skipif(
    unavailable() is not None, reason=f"embedding model not usable here: {unavailable()}"
)


@pytest.fixture(scope="module")
def enc():
    from ipsearch.embed import Embedder

    return Embedder(model_dir())


def test_unit_vectors_of_the_model_dimension(enc):
    v = enc.embed(["vehicle production", "car manufacturing", "fishing"])
    assert v.shape == (3, enc.dimension) == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # Related wordings are closer than unrelated ones.
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_empty_and_bare_string(enc):
    assert enc.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        enc.embed("not a list")


def test_tokenizer_reads_256_pieces_without_fixed_padding(enc):
    enc.load()
    assert enc._tokenizer.truncation["max_length"] == 256
    assert enc._tokenizer.padding.get("length") is None  # pad to the batch's longest only
    long_text = " ".join(["word"] * 1000)
    assert enc.embed([long_text]).shape == (1, 384)


def test_a_text_gets_the_same_vector_whatever_it_is_embedded_with(enc):
    alone = enc.embed_one("radioactive waste")
    mixed = enc.embed(["a much longer sentence about something else entirely", "radioactive waste"])
    assert np.allclose(alone, mixed[1], atol=1e-6)


def test_texts_embedded_at_once_on_several_threads_equal_each_embedded_alone():
    from ipsearch.embed import Embedder

    texts = [f"claim {i}: " + "vitamin D lowers fracture risk " * (i % 7) for i in range(24)]
    parallel = Embedder(model_dir(), workers=3).embed(texts)
    alone = np.stack([Embedder(model_dir(), workers=1).embed([t])[0] for t in texts[:5]])
    # Each text runs through the graph on its own, so only the float summation order of a
    # kernel could differ: far below the 1e-3 that moves a ranking.
    assert np.abs(parallel[:5] - alone).max() < 1e-5
    assert parallel.shape == (24, 384) and np.allclose(np.linalg.norm(parallel, axis=1), 1.0)


def test_a_failing_text_raises_from_the_worker_thread(monkeypatch):
    from ipsearch.embed import Embedder

    enc = Embedder(model_dir(), workers=2)
    enc.load()

    def boom(texts):
        raise RuntimeError("ort failed")

    monkeypatch.setattr(enc, "_embed_batch", boom)
    with pytest.raises(RuntimeError, match="ort failed"):
        enc.embed(["one", "two", "three"])


TEXTS = ["What does the evidence say about vitamin D and bone fractures?", "a", "Industrial " * 40]


def _cached(tmp_path, **kw) -> Embedder:
    return Embedder(model_dir(), cache_dir=tmp_path / "cache", **kw)


def test_the_optimised_graph_is_saved_once_and_gives_the_same_vectors(tmp_path):
    import onnxruntime as ort

    plain = Embedder(model_dir()).embed(TEXTS)
    first = _cached(tmp_path)
    path = first.cached_model_path(ort.__version__)
    assert not path.exists()
    np.testing.assert_allclose(first.embed(TEXTS), plain, atol=1e-6)
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left over
    stamp = path.stat().st_mtime_ns
    np.testing.assert_allclose(_cached(tmp_path).embed(TEXTS), plain, atol=1e-6)
    assert path.stat().st_mtime_ns == stamp  # read, not written again


def test_a_corrupt_cached_graph_is_rebuilt(tmp_path):
    import onnxruntime as ort

    plain = Embedder(model_dir()).embed(TEXTS)
    enc = _cached(tmp_path)
    path = enc.cached_model_path(ort.__version__)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an onnx graph")
    np.testing.assert_allclose(enc.embed(TEXTS), plain, atol=1e-6)
    assert path.stat().st_size > 1_000_000


def test_a_graph_of_another_model_or_runtime_is_not_used(tmp_path):
    enc = _cached(tmp_path)
    assert enc.cached_model_path("1.0.0") != enc.cached_model_path("1.0.1")
    other = tmp_path / "other-model"
    other.mkdir()
    for f in model_dir().iterdir():
        if f.name != "MANIFEST.json":
            (other / f.name).symlink_to(f)
    theirs = Embedder(other, cache_dir=tmp_path / "cache").cached_model_path("1.0.0")
    assert theirs != enc.cached_model_path("1.0.0")


def test_an_unwritable_cache_costs_only_the_optimisation(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    plain = Embedder(model_dir()).embed(TEXTS)
    np.testing.assert_allclose(_cached(tmp_path).embed(TEXTS), plain, atol=1e-6)
    assert blocker.read_text() == "a file where the folder should be"
