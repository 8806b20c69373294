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


def test_read_only_commands_end_with_their_output_whole_and_their_exit_status(tmp_path):
    """A read-only command ends without the interpreter's teardown (``cli._exit_now``): what
    it printed must still arrive whole, on both streams, with the documented exit status."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    lines = [f"## Topic {i}\n\nThe fund number {i} is run by the agency.\n" for i in range(300)]
    (corpus / "a.md").write_text("# Funds\n\n" + "\n".join(lines))
    env = {**os.environ, "IPSEARCH_CORPUS": str(corpus), "IPSEARCH_INDEX": str(tmp_path / "ix")}
    env["IPSEARCH_SEMANTIC"] = "0"

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "ipsearch", *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True)

    listed = run("sections")
    assert listed.returncode == 0
    assert len(listed.stdout.splitlines()) == 301 and "Topic 299" in listed.stdout
    found = run("search", "fund", "-n", "3")
    assert found.returncode == 0 and "3 of 301 matching sections shown" in found.stderr
    assert run("search", "zebra").returncode == 1
    assert run("search", "--limit", "0", "fund").returncode == 2
