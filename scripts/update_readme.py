"""Rewrite the output under every ``$ ipsearch …`` line of the README's ``console`` blocks with
what the command prints now (as cog does for sqlite-utils), so the examples are a real run.

    python3 scripts/update_readme.py          # rewrite README.md in place
    python3 scripts/update_readme.py --check  # exit 1 if any example's output differs

tests/test_readme.py runs the same examples the same way and fails on any difference.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_readme import README, _run, _trimmed, make_workdir  # noqa: E402


def outputs(command: str, cwd: Path, env: dict, status: list[int]) -> list[str]:
    out: list[str] = []
    for part in re.split(r"\s*;\s*", command):
        argv = shlex.split(part)
        if argv == ["echo", "$?"]:
            out.append(str(status[0]))
        else:
            status[0], lines = _run(argv, cwd, env)
            out.extend(lines)
    return _trimmed(out)


def rewrite(text: str, cwd: Path, env: dict) -> str:
    result: list[str] = []
    in_console = False
    status = [0]
    skipping = False
    for line in text.splitlines():
        stripped = line.strip()
        if not in_console:
            result.append(line)
            in_console = stripped == "```console"
            continue
        if stripped == "```":
            in_console = skipping = False
            result.append(line)
        elif line.startswith("$ "):
            result.append(line)
            result.extend(outputs(line[2:], cwd, env, status))
            skipping = True
        elif not skipping:
            result.append(line)
    return "\n".join(result) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cwd, env = make_workdir(Path(tmp))
        old = README.read_text(encoding="utf-8")
        new = rewrite(old, cwd, env)
    if args.check:
        return int(new != old)
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
