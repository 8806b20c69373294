import subprocess
import sys


def test_deferred_modules_load_on_real_use():
    code = (
        "import sys\n"
        "from ipsearch.retrieval import searcher\n"
        "assert 'asyncio' not in sys.modules\n"
        "import urllib.request\n"
        "assert hasattr(urllib.request, 'Request')\n"
        "import cached_property\n"
        "assert hasattr(cached_property, 'threaded_cached_property')\n"
        "from whoosh.lang.morph_en import variations\n"
        "assert 'rendered' in set(variations('render'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_segment_parts_are_read_in_place_like_bytesio():
    import io
    import pickle

    from ipsearch._whoosh import _View

    data = b"first line\nsecond\n" + pickle.dumps({"a": [1, 2, 3]}) + b"tail"
    view, ref = _View(memoryview(data)), io.BytesIO(data)
    for f in (view, ref):
        f.seek(0)
    assert view.readline() == ref.readline()
    assert view.read(3) == ref.read(3)
    assert view.seek(-4, 2) == ref.seek(-4, 2)
    assert view.read() == ref.read() == b"tail"
    view.seek(18)
    assert pickle.load(view) == {"a": [1, 2, 3]}
    assert view.tell() == len(data) - 4


def test_posting_runs_spilled_in_batches_merge_back_in_order(tmp_path):
    """A writer whose buffer overflows spills sorted runs; read back, every posting is there,
    in order (batches of ``_RUN_BATCH`` postings and a partial last batch)."""
    import random

    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import PostingPool

    from ipsearch.index.fastwrite import _RUN_BATCH, speed_up_writing

    speed_up_writing()
    rng = random.Random(3)
    items = [
        ("body", f"w{rng.randint(0, 999)}".encode(), rng.randint(0, 10**6), 1.0, b"v")
        for _ in range(8 * _RUN_BATCH + 17)
    ]
    pool = PostingPool(FileStorage(str(tmp_path)), None, limitmb=1)
    for item in items:
        pool.add(item)
    assert len(pool.runs) >= 2  # spilled to disk more than once
    assert list(pool.items()) == sorted(items)
    assert not list(tmp_path.glob("*.run"))  # runs removed once read
