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
