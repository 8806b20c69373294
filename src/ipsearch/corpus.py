"""The corpus on disk: which files it holds, their fingerprints, and paths a user can open."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ipsearch.ingest import format_of


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    rel: str  # relative to the corpus root, "/" separated
    size: int
    mtime_ns: int
    # Replacing a file (editor save, ``cp -p``, ``touch -r``) can keep size and mtime but not
    # the inode or ctime, so these catch changes that mtime alone would miss.
    ino: int = 0
    ctime_ns: int = 0


def file_hash(path: Path) -> str:
    """Content hash, read in chunks so a large file never sits in memory whole.

    Opened non-blocking and checked to be a regular file: a FIFO put in a file's place after
    the scan would otherwise block the run forever.
    """
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every link resolved now, is under ``root`` (already resolved)."""
    return _inside(Path(os.path.realpath(path)), root)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def scan(
    root: Path, only: list[Path] | None = None
) -> tuple[list[CorpusFile], list[tuple[str, str]]]:
    """Supported files under ``root`` (sorted), and (path, reason) for files left out.

    Links are followed only when they resolve to a file inside the corpus, so a citation can
    never point outside it; linked directories are not entered, which also rules out loops.
    Hidden files and folders are skipped, as ripgrep does.
    """
    root = root.resolve()
    files: list[CorpusFile] = []
    skipped: list[tuple[str, str]] = []
    starts = [p.resolve() if not p.is_symlink() else p.absolute() for p in (only or [root])]
    for start in starts:
        if start.is_file() or start.is_symlink():
            _consider(start, root, files, skipped)
            continue
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False, onerror=None):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for d in list(dirnames):
                if os.path.islink(os.path.join(dirpath, d)):
                    dirnames.remove(d)
                    rel = os.path.relpath(os.path.join(dirpath, d), root).replace(os.sep, "/")
                    skipped.append((rel, "linked directory not followed"))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                _consider(Path(dirpath) / name, root, files, skipped)
    seen: set[str] = set()
    unique = []
    for f in sorted(files, key=lambda f: f.rel):
        if f.rel not in seen:
            seen.add(f.rel)
            unique.append(f)
    return unique, skipped


def _consider(path: Path, root: Path, files: list, skipped: list) -> None:
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if format_of(path) is None:
        skipped.append((rel, "unsupported file type"))
        return
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            skipped.append((rel, "broken or looping link"))
            return
        if not _inside(target, root):
            skipped.append((rel, "link points outside the corpus"))
            return
    try:
        st = path.stat()
    except OSError as e:
        skipped.append((rel, f"unreadable ({e.strerror or e})"))
        return
    if not path.is_file():
        skipped.append((rel, "not a regular file"))
        return
    files.append(CorpusFile(path, rel, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns))


def display_path(root: Path, rel: str) -> str:
    """A path that opens from the current directory: relative when under it, else absolute."""
    full = root / rel
    try:
        return (
            os.path.relpath(full, Path.cwd())
            if _inside(full.resolve(), Path.cwd().resolve())
            else str(full)
        )
    except (OSError, ValueError):
        return str(full)
