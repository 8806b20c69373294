"""Vectors of queries embedded before, kept in the cache folder between processes.

Loading the sentence encoder (onnxruntime, the tokenizer, the session) costs a one-shot
``ask`` or ``which`` ~0.1 CPU s, more than the rest of its retrieval; a question asked again
(an assistant retrying, a user paging through ``which`` answers) needs only its vector, which
depends on the text and the model alone. Each vector is one small ``.npy`` file named by a
hash of the model, its sequence length and the text, written atomically (not flushed to
disk: a file a crash left empty or zeroed is read as missing); a file that cannot be read or
written only costs the embedding. When a new vector makes the folder hold more
than ``LIMIT`` files, the oldest written are removed down to three quarters of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ipsearch.index.indexdir import replace_atomically

if TYPE_CHECKING:
    import numpy as np

LIMIT = 2000
FOLDER = "query-vectors"


class QueryVectors:
    """Saved query vectors of one model (``model``: its digest and sequence length)."""

    def __init__(self, cache_dir: Path, model: str, dimension: int) -> None:
        self.folder = cache_dir / FOLDER
        self.model = model
        self.dimension = dimension

    def path(self, text: str) -> Path:
        key = hashlib.sha256(f"{self.model}\n{text}".encode()).hexdigest()[:40]
        return self.folder / f"{key}.npy"

    def get(self, text: str) -> np.ndarray | None:
        """The saved vector of ``text``, or None (never saved, or unreadable)."""
        import numpy as np

        try:
            vec = np.load(self.path(text), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if vec.shape != (self.dimension,) or vec.dtype != np.float32:
            return None
        # Written without a flush to disk: a file a crash left zeroed is not a vector.
        if not (vec.any() and np.isfinite(vec).all()):
            return None
        return vec

    def put(self, text: str, vec: np.ndarray) -> None:
        """Save ``vec`` as ``text``'s vector (silently not, where the folder is not writable)."""
        import numpy as np

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write = lambda f: np.save(f, vec, allow_pickle=False)  # noqa: E731
            replace_atomically(self.path(text), write, durable=False)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        with os.scandir(self.folder) as it:
            files = [e for e in it if e.name.endswith(".npy") and e.is_file()]
        if len(files) <= LIMIT:
            return
        files.sort(key=lambda e: e.stat().st_mtime_ns)
        for e in files[: len(files) - LIMIT * 3 // 4]:
            with contextlib.suppress(OSError):
                os.unlink(e.path)
