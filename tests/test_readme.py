"""The README's examples are a test: each ``$ ipsearch …`` line in a ``console`` block is run on
the bundled corpus (a fresh copy in ``./corpus``, as a new user has it) and its standard output
must be exactly the lines the README shows under it. ``$ echo $?`` shows the previous exit code.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixtures_make import write_all

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BUNDLED = ROOT / "src" / "ipsearch" / "corpus"


@dataclass
class Example:
    line: int  # README line of the ``$`` command
    command: str
    expected: list[str] = field(default_factory=list)


def examples(text: str) -> list[list[Example]]:
    """``console`` blocks → their commands with the output lines shown under each."""
    blocks: list[list[Example]] = []
    current: list[Example] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if current is None:
            if line.strip() == "```console":
                current = []
            continue
        if line.strip() == "```":
            blocks.append(current)
            current = None
        elif line.startswith("$ "):
            current.append(Example(n, line[2:]))
        elif current:
            current[-1].expected.append(line)
    return blocks


def _run(argv: list[str], cwd: Path, env: dict) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "ipsearch", *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout.splitlines()


def _trimmed(lines: list[str]) -> list[str]:
    """Trailing spaces and trailing blank lines are not part of what the README shows."""
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def run_block(block: list[Example], cwd: Path, env: dict) -> list[str]:
    """Run one block; returns a description of every mismatch."""
    problems: list[str] = []
    status = 0
    for ex in block:
        outputs: list[str] = []
        for part in re.split(r"\s*;\s*", ex.command):
            argv = shlex.split(part)
            if argv == ["echo", "$?"]:
                outputs.append(str(status))
            elif argv and argv[0] == "ipsearch":
                status, out = _run(argv, cwd, env)
                outputs.extend(out)
            else:
                problems.append(f"README:{ex.line}: cannot run {part!r} in this test")
        got = _trimmed(outputs)
        want = _trimmed(ex.expected)
        if got != want:
            problems.append(
                f"README:{ex.line}: $ {ex.command}\n--- README\n"
                + "\n".join(want)
                + "\n--- actual\n"
                + "\n".join(got)
            )
    return problems


def make_workdir(base: Path) -> tuple[Path, dict]:
    """A new user's folder: the bundled corpus in ./corpus, indexed; the README's other files."""
    shutil.copytree(BUNDLED, base / "corpus")
    # The examples run the gold sets by their paths in this repository.
    (base / "eval").mkdir()
    for gold in (ROOT / "eval").glob("*.jsonl"):
        shutil.copy(gold, base / "eval" / gold.name)
    shutil.copytree(ROOT / "examples", base / "examples")
    # A folder with the seed page laid out as a PDF leaflet (the `--corpus docs` examples).
    made = write_all(base / "made")
    (base / "docs").mkdir()
    for name in ("leaflet.pdf",):
        shutil.copy(made[name], base / "docs" / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPSEARCH_")}
    env.update(NO_COLOR="1", COLUMNS="100", HOME=str(base))
    env["XDG_DATA_HOME"] = str(base / "data")
    code, _ = _run(["ipsearch", "ingest"], base, env)
    assert code == 0
    return base, env


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> tuple[Path, dict]:
    return make_workdir(tmp_path_factory.mktemp("readme"))


BLOCKS = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples() -> None:
    assert sum(len(b) for b in BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=[f"README:{b[0].line}" for b in BLOCKS if b])
def test_readme_example(block: list[Example], workdir) -> None:
    cwd, env = workdir
    problems = run_block(block, cwd, env)
    assert not problems, "\n\n".join(problems)
