"""The corpus on disk: which files it holds, their fingerprints, and paths a user can open."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from ipsearch.ingest import SUFFIXES, format_of


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


# Reasons a file or folder is left out. Those starting "unreadable" are transient: what was
# indexed from there before is kept until it can be read again.
HIDDEN = "hidden"
DEPENDENCIES = "dependency folder"
INDEX_FOLDER = "the index folder"
BAD_NAME = "name is not valid UTF-8 (rename it to index it)"
IGNORE_FILE = ".ipsearchignore"
LINK_OUT = "link points outside the corpus"
UNSUPPORTED = "unsupported file type"
SKIP_FOLDERS = frozenset({"node_modules"})


def keeps_sections(reason: str) -> bool:
    """Whether a file skipped for ``reason`` keeps what was indexed from it before."""
    return reason.startswith("unreadable")


class OutsideCorpus(OSError):
    """An opened file turned out not to be the corpus file the path named when checked."""


_CONFINE: ContextVar[Path | None] = ContextVar("ipsearch_confine", default=None)


@contextlib.contextmanager
def confined(root: Path) -> Iterator[None]:
    """Within this block every corpus read checks the opened file lies under ``root``."""
    token = _CONFINE.set(root)
    try:
        yield
    finally:
        _CONFINE.reset(token)


def open_regular(path: Path) -> int:
    """A read-only descriptor of the regular file at ``path``.

    Non-blocking, so a FIFO put in a file's place cannot hang the run. Inside ``confined(root)``
    the file actually opened is checked after opening: its real path must lie under the root
    and name the very inode opened. A link flipped between a check and the open (to read a file
    outside the corpus) fails one of the two, whichever way the race goes.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        root = _CONFINE.get()
        if root is not None:
            real = os.path.realpath(path)
            if not _inside(Path(real), root):
                raise OutsideCorpus(errno.EACCES, LINK_OUT, str(path))
            now = os.stat(real, follow_symlinks=False)
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise OutsideCorpus(errno.EAGAIN, "changed while being opened", str(path))
        return fd
    except BaseException:
        os.close(fd)
        raise


def file_hash(path: Path) -> str:
    """Content hash, read in chunks so a large file never sits in memory whole."""
    h = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as f:
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


@dataclass(frozen=True)
class Rules:
    """What the walk leaves out beyond hidden files, dependency folders and the index."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    index: Path | None = None  # the index folder (absolute), left out when inside the corpus


class _Filter:
    """One rule for every path, whether found by walking or named on the command line."""

    def __init__(self, root: Path, rules: Rules) -> None:
        self.root = root
        self.index = Path(os.path.realpath(rules.index)) if rules.index else None
        self.include = _spec(rules.include)
        self.exclude = _spec(rules.exclude)
        self._ignores: dict[str, object | None] = {}

    def _ignore_spec(self, folder: str):
        """The ``.ipsearchignore`` of a folder (relative, "" for the root), parsed once."""
        if folder not in self._ignores:
            path = self.root / folder / IGNORE_FILE
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                self._ignores[folder] = _spec(lines)
            except (OSError, ValueError):
                self._ignores[folder] = None
        return self._ignores[folder]

    def reason(self, rel: str, is_dir: bool) -> str | None:
        """Why ``rel`` (relative, "/"-separated) is left out, or None to keep it. Ancestors
        are the caller's business: the walk never enters a folder this rejects."""
        name = rel.rsplit("/", 1)[-1]
        if name.startswith("."):
            return HIDDEN
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            return BAD_NAME
        if is_dir and name in SKIP_FOLDERS:
            return DEPENDENCIES
        if is_dir and self.index is not None and self.root / rel == self.index:
            return INDEX_FOLDER
        parts = rel.split("/")
        key = rel + "/" if is_dir else rel
        for depth in range(len(parts)):
            folder = "/".join(parts[:depth])
            spec = self._ignore_spec(folder)
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            if spec is not None and spec.match_file(sub):
                return f"ignored by {folder + '/' if folder else ''}{IGNORE_FILE}"
        if self.exclude is not None and self.exclude.match_file(key):
            return "excluded by --exclude"
        if not is_dir and self.include is not None and not self.include.match_file(key):
            return "not matched by --include"
        return None

    def path_reason(self, rel: str, is_dir: bool) -> str | None:
        """``reason`` for a path named explicitly: its folders are judged as a walk would."""
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            why = self.reason("/".join(parts[:depth]), True)
            if why:
                return why
        return self.reason(rel, is_dir)


def _spec(lines) -> object | None:
    """Gitignore-style patterns, or None for none at all (pathspec, ~15 ms to import, is then
    not imported: a corpus without ignore files or globs never needs it)."""
    if not lines:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _rel(path: str | Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def scan(
    root: Path, only: list[Path] | None = None, rules: Rules | None = None
) -> tuple[list[CorpusFile], list[tuple[str, str]]]:
    """Supported files under ``root`` (sorted), and (path, reason) for what was left out.

    Links are followed only when they resolve to a file inside the corpus, so a citation can
    never point outside it; linked directories are not entered, which also rules out loops.
    Hidden files and folders, ``node_modules``, the index folder and paths matched by
    ``.ipsearchignore`` files or ``--exclude`` are left out, as ripgrep does, whether found by
    the walk or named in ``only``. An unreadable folder is reported, not taken as empty.
    """
    root = root.resolve()
    keep = _Filter(root, rules or Rules())
    files: list[CorpusFile] = []
    skipped: list[tuple[str, str]] = []
    starts = [p.resolve() if not p.is_symlink() else p.absolute() for p in (only or [root])]
    for start in starts:
        rel = _rel(start, root)
        if rel != ".":
            why = keep.path_reason(rel, start.is_dir() and not start.is_symlink())
            if why:
                skipped.append((rel, why))
                continue
        if start.is_file() or start.is_symlink():
            _consider(start, root, files, skipped)
            continue
        if not start.exists():
            continue  # gone (deleted or renamed): whatever was indexed under it is removed
        _walk(start, root, keep, files, skipped)
    seen: set[str] = set()
    unique = []
    for f in sorted(files, key=lambda f: f.rel):
        if f.rel not in seen:
            seen.add(f.rel)
            unique.append(f)
    return unique, skipped


def _walk(start: Path, root: Path, keep: _Filter, files: list, skipped: list) -> None:
    def unreadable(e: OSError) -> None:
        skipped.append((_rel(e.filename, root), f"unreadable folder ({e.strerror or e})"))

    for dirpath, dirnames, filenames in os.walk(start, followlinks=False, onerror=unreadable):
        base = _rel(dirpath, root)
        base = "" if base == "." else base + "/"
        for d in sorted(dirnames):
            why = keep.reason(base + d, True)
            if not why and os.path.islink(os.path.join(dirpath, d)):
                why = "linked directory not followed"
            if why:
                dirnames.remove(d)
                skipped.append((base + d, why))
        dirnames.sort()
        for name in sorted(filenames):
            if name == IGNORE_FILE:
                continue  # a rules file, not a document left out
            why = keep.reason(base + name, False)
            if why:
                skipped.append((base + name, why))
            elif os.path.splitext(name)[1].lower() not in SUFFIXES:
                skipped.append((base + name, UNSUPPORTED))  # checked early: most files are
            else:
                _consider(Path(dirpath) / name, root, files, skipped, base + name)


def _consider(path: Path, root: Path, files: list, skipped: list, rel: str | None = None) -> None:
    rel = rel or _rel(path, root)
    if format_of(path) is None:
        skipped.append((rel, UNSUPPORTED))
        return
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            skipped.append((rel, "broken or looping link"))
            return
        if not _inside(target, root):
            skipped.append((rel, LINK_OUT))
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
