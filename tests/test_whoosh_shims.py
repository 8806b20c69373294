import subprocess
import sys


def test_deferred_modules_load_on_real_use():
    code = (
        "import sys\n"
        "from ipsearch import search\n"
        "assert 'asyncio' not in sys.modules\n"
        "import urllib.request\n"
        "assert hasattr(urllib.request, 'Request')\n"
        "import cached_property\n"
        "assert hasattr(cached_property, 'threaded_cached_property')\n"
        "from whoosh.lang.morph_en import variations\n"
        "assert 'rendered' in set(variations('render'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
