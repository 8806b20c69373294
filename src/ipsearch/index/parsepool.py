"""Files → sections in a process pool, results in input order, a bounded number in flight.

Parsing and sectioning are pure functions of a file's bytes, so they run on every core while
the index writer (one process, one Whoosh writer) takes results in the order the files were
planned; the index is the same as a serial run's. Small jobs stay in-process: starting workers
costs more than a handful of small files take to parse.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ipsearch.models import Section

# Work below this many files or bytes is parsed in-process. On two cores the writer needs one
# of them and each parsed file travels back pickled: for the GOV.UK docs (243 files, 1.8 MB) a
# keyword-only ingest took 3.25 s with the pool and 2.83 s without, so the pool is kept for
# collections whose parsing outweighs that (large PDFs and Word files, many MB of text).
MIN_FILES = 4
MIN_BYTES = 16 * 1024 * 1024


# A file at least this large is parsed in the writing process when its turn comes, its
# sections made one at a time as they are written: from a worker they would travel back
# pickled, all at once, and exist in both processes. Smaller files keep their sections in a
# list, so a failure while making them skips the file before any of it is written (a
# streamed file's failure half-way fails the run, which keeps the previous index).
STREAM_BYTES = 4 * 1024 * 1024


@dataclass
class Parsed:
    """What parsing one file gave: its sections, or the exception that stopped it.

    For a file of ``STREAM_BYTES`` or more, ``sections`` is an iterator: each section's text
    copies are made as it is taken and dropped once it is written (``sections.iter_sections``)."""

    sections: Iterable[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fmt: str = ""
    error: BaseException | None = None


def parse_one(path: Path, rel: str, digest: str, corpus: Path, stream: bool = False) -> Parsed:
    """``stream``: sections as an iterator (in-process), else as a list (to send back)."""
    from ipsearch.corpus import confined, is_inside
    from ipsearch.ingest import Unreadable, parse_file
    from ipsearch.sections import build_sections, iter_sections

    try:
        # Checked again here: a link swapped in since the scan must not be followed out; and
        # the read itself re-checks the file it opened (a worker process has its own context).
        if not is_inside(path, corpus):
            raise Unreadable("now links outside the corpus")
        with confined(corpus):
            doc = parse_file(path, rel)
        made = iter_sections(doc, digest) if stream else build_sections(doc, digest)
        return Parsed(made, list(doc.warnings), doc.format)
    except Exception as e:  # the writer decides which failures skip a file
        return Parsed(error=e)


def workers() -> int:
    """Processes to parse with: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_all(jobs: list[tuple[Path, str, str, int]], corpus: Path) -> Iterator[Parsed]:
    """``Parsed`` for each (path, rel, digest, size) job, in order."""
    n = workers()
    if n < 2 or len(jobs) < MIN_FILES or sum(j[3] for j in jobs) < MIN_BYTES:
        for path, rel, digest, size in jobs:
            yield parse_one(path, rel, digest, corpus, stream=size >= STREAM_BYTES)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(n, mp_context=ctx) as pool:
        # A few files ahead per worker: enough to keep them busy, bounded in memory.
        ahead: deque = deque()
        todo = iter(jobs)

        def submit(job) -> None:
            path, rel, digest, size = job
            # A large file is left for its turn (None), to be parsed here as a stream.
            big = size >= STREAM_BYTES
            ahead.append(None if big else pool.submit(parse_one, path, rel, digest, corpus))

        for job in todo:
            submit(job)
            if len(ahead) >= 2 * n:
                break
        for job in jobs:
            future = ahead.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                submit(nxt)
            if future is None:
                yield parse_one(job[0], job[1], job[2], corpus, stream=True)
            else:
                yield future.result()
