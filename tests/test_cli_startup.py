"""cli/__init__: what the command line sets up before anything heavy is imported."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = (
    "import os, ipsearch.cli, numpy\n"
    "from threadpoolctl import threadpool_info\n"
    "blas = [p['num_threads'] for p in threadpool_info() if p['internal_api'] == 'openblas']\n"
    "print(os.environ['OPENBLAS_NUM_THREADS'], blas)"
)


def _run(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env={**base, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_numpy_blas_runs_on_one_thread_unless_the_user_says_otherwise():
    assert _run() in ("1 [1]", "1 []")  # [] : a numpy built without OpenBLAS
    assert _run(OPENBLAS_NUM_THREADS="2").startswith("2")
