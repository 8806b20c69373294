"""The index directory as a place on disk: what ipsearch owns in it and how it writes there.

An index directory is ipsearch's only when it holds the marker file ``ipsearch-index.json``,
which also records every generation ipsearch created. Only recorded generations are ever
removed, so a folder the user keeps there (or a corpus given as ``--index`` by mistake) is
never deleted. Files are written through ``O_EXCL`` temporary files and ``O_NOFOLLOW`` opens,
so a symbolic link planted in the directory cannot redirect a write elsewhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import pickle
import shutil
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ipsearch.errors import IndexCorrupt, IndexError_, IndexLocked, UsageError

MARKER = "ipsearch-index.json"
CURRENT = "CURRENT"
LOCK = ".lock"
MARKER_VERSION = 1
# Errors Whoosh lets through when index files are truncated, missing or garbled.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
)


def damaged(root: Path, e: BaseException) -> IndexCorrupt:
    return IndexCorrupt(
        f"index in {root} is damaged ({type(e).__name__}); run `ipsearch ingest --rebuild`"
    )


def fail(root: Path, e: OSError) -> IndexError_:
    return IndexError_(f"cannot write index {root}: {e.strerror or e}")


def replace_atomically(
    path: Path, write: Callable[[BinaryIO], object], durable: bool = True
) -> None:
    """Replace ``path`` whole with what ``write`` writes: readers see the old or the new file,
    never a mix.

    The temporary file is created with ``O_EXCL`` under a random name, so a link planted at a
    predictable name cannot make this write land in another file. ``durable=False`` skips the
    flush to disk, for a cache whose reader checks what it reads and makes it again: the
    flush cost a cold one-shot `which` 6 ms, and it waits for whatever else the disk has queued.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, text: str) -> None:
    replace_atomically(path, lambda f: f.write(text.encode("utf-8")))


def open_lock(root: Path) -> int:
    """The lock file's descriptor; a link in its place is refused rather than followed."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        return os.open(root / LOCK, flags, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise IndexError_(
                f"index {root}: {LOCK} is a symbolic link; remove it (ipsearch never makes one)"
            ) from e
        raise


@contextlib.contextmanager
def write_lock(root: Path, wait: float, notify: Callable[[str], None]) -> Iterator[None]:
    """Exclusive write lock on the index in ``root``; waits up to ``wait`` seconds."""
    try:
        fd = open_lock(root)
    except OSError as e:
        raise fail(root, e) from e
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"index {root} is busy: another ipsearch process is updating "
                        f"it (waited {wait:g}s)"
                    ) from None
                if not told:
                    notify("waiting for another ipsearch process to finish updating the index")
                    told = True
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def read_marker(root: Path) -> dict | None:
    """The marker's content, or None when ``root`` is not (yet) an ipsearch index."""
    try:
        data = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "generations" in data else None


def _legacy_generations(root: Path) -> list[str] | None:
    """Generations of an index written before the marker existed, or None if it is not one.

    Recognised by ``CURRENT`` naming a generation with ipsearch's manifest; of the other
    ``gen-*`` folders only those holding a manifest or Whoosh table of contents are adopted.
    """
    try:
        name = (root / CURRENT).read_text().strip()
    except OSError:
        return None
    if not name.startswith("gen-") or not (root / name / "manifest.json").is_file():
        return None
    gens = [name]
    for p in sorted(root.glob("gen-*")):
        ours = (p / "manifest.json").exists() or any(p.glob("*.toc"))
        if p.name != name and not p.is_symlink() and p.is_dir() and ours:
            gens.append(p.name)
    return gens


def claim(root: Path, corpus: Path) -> None:
    """Make sure ``root`` may hold the index of ``corpus``, creating and marking it if new.

    Refused (a usage error, exit 2): the corpus itself, a folder that holds the corpus, and an
    existing folder with anything in it that is not an ipsearch index.
    """
    real = Path(os.path.realpath(root))
    if real == corpus:
        raise UsageError(f"the index folder {root} is the corpus itself; choose another --index")
    if corpus.is_relative_to(real):
        raise UsageError(f"the index folder {root} contains the corpus; choose another --index")
    if read_marker(root) is not None:
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        gens = _legacy_generations(root)
        if gens is None:
            leftover = [p.name for p in root.iterdir() if p.name != LOCK]
            if leftover:
                raise UsageError(
                    f"{root} is not an ipsearch index (no {MARKER}) and is not empty; "
                    "choose a new or empty folder for --index"
                )
            gens = []
        _create_marker(root, {"ipsearch_index": MARKER_VERSION, "generations": gens})
    except OSError as e:
        raise fail(root, e) from e


def _create_marker(root: Path, data: dict) -> None:
    """Written once, atomically, and never over a marker another process made meanwhile."""
    fd, tmp = tempfile.mkstemp(dir=root, prefix=MARKER + ".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, root / MARKER)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def new_generation(root: Path) -> Path:
    """A name for a new generation, recorded as ipsearch's before the folder exists, so a run
    killed half-way leaves a folder the next run knows it may remove. Call under the lock."""
    gen = root / f"gen-{time.time_ns():x}-{os.getpid()}"
    marker = read_marker(root) or {"ipsearch_index": MARKER_VERSION, "generations": []}
    marker["generations"] = [*marker["generations"], gen.name]
    atomic_write(root / MARKER, json.dumps(marker))
    return gen


def remove_generation(gen: Path) -> None:
    """Remove a generation folder ipsearch made (never through a link)."""
    if gen.is_symlink():
        return
    shutil.rmtree(gen, ignore_errors=True)


def discard(gen: Path) -> None:
    """Remove a generation that failed half-way, and its record (best effort: a record left
    behind only means a later run retries the removal)."""
    remove_generation(gen)
    marker = read_marker(gen.parent)
    if marker is None or gen.name not in marker["generations"] or gen.exists():
        return
    marker["generations"] = [n for n in marker["generations"] if n != gen.name]
    with contextlib.suppress(OSError):
        atomic_write(gen.parent / MARKER, json.dumps(marker))


def prune(root: Path, keep: set[str]) -> None:
    """Remove recorded generations other than ``keep``; forget those that are gone. Under the
    lock. Nothing unrecorded is touched, whatever its name."""
    marker = read_marker(root)
    if marker is None:
        return
    kept = []
    for name in marker["generations"]:
        gen = root / name
        if name not in keep and "/" not in name and name.startswith("gen-"):
            remove_generation(gen)
        if name in keep or gen.exists() or gen.is_symlink():
            kept.append(name)
    if kept != marker["generations"]:
        marker["generations"] = kept
        with contextlib.suppress(OSError):  # a stale record only costs a later retry
            atomic_write(root / MARKER, json.dumps(marker))


def link_generation(src: Path, dst: Path) -> None:
    """A new generation sharing the live one's Whoosh files (hard links; copies if the
    filesystem has none). Lock, manifest and temporary files are the generation's own."""
    dst.mkdir()
    for p in src.iterdir():
        if p.name == "manifest.json" or "WRITELOCK" in p.name or ".tmp" in p.name:
            continue
        try:
            os.link(p, dst / p.name)
        except OSError:
            shutil.copy2(p, dst / p.name, follow_symlinks=False)


def live_manifest(root: Path) -> dict:
    """The manifest of the live generation, or {} when there is none (or it is unreadable)."""
    try:
        name = (root / CURRENT).read_text().strip()
        data = json.loads((root / name / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def indexed_corpus(root: Path) -> str | None:
    """The absolute corpus path the index in ``root`` was built from, if it is one."""
    corpus = live_manifest(root).get("corpus")
    return corpus if isinstance(corpus, str) else None


@dataclass(frozen=True)
class IndexInfo:
    """One index as ``ipsearch corpora`` lists it."""

    index: Path
    corpus: str
    files: int
    sections: int
    built: datetime | None
    corpus_exists: bool


def describe(root: Path) -> IndexInfo | None:
    """What the index in ``root`` holds, from its manifest alone; None if it is not one."""
    manifest = live_manifest(root)
    corpus = manifest.get("corpus")
    files = manifest.get("files")
    if not isinstance(corpus, str) or not isinstance(files, dict):
        return None
    built_ns = manifest.get("built_ns")
    entries = [e for e in files.values() if isinstance(e, dict)]
    return IndexInfo(
        index=root,
        corpus=corpus,
        files=sum(1 for e in entries if e.get("sections", 0) > 0),
        sections=sum(int(e.get("sections", 0) or 0) for e in entries),
        built=datetime.fromtimestamp(built_ns / 1e9) if isinstance(built_ns, int) else None,
        corpus_exists=os.path.isdir(corpus),
    )


def find_indexes(extra: list[Path], folder: Path) -> list[IndexInfo]:
    """Every index under ``folder`` (the data directory's) and in ``extra``, by corpus path."""
    roots = [*extra]
    with contextlib.suppress(OSError):
        roots += sorted(p for p in folder.iterdir() if p.is_dir())
    seen: set[str] = set()
    out = []
    for root in roots:
        key = os.path.realpath(root)
        info = describe(root) if key not in seen else None
        seen.add(key)
        if info is not None:
            out.append(info)
    return sorted(out, key=lambda i: i.corpus)
