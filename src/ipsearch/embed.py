"""Sentence embeddings from an exported ONNX encoder, with no torch at run time.

The model folder is produced at build time (see scripts/build_model.py) and holds:

* ``model.onnx``            - the transformer encoder (int8 dynamic-quantised), whose
                              output is the per-token hidden state;
* ``tokenizer.json``        - the Hugging Face *fast* tokenizer, read by ``tokenizers``;
* ``embedder_config.json``  - the facts sentence-transformers keeps in its own module
                              configs (pooling mode, normalisation, max length), so we
                              can reproduce its output without importing it.

Only ``onnxruntime``, ``tokenizers`` and ``numpy`` are imported, and only when the
first text is embedded, so importing this module costs almost nothing: a CLI that
never needs vectors never pays for the model.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # imported lazily at run time; names are only needed for type hints
    import onnxruntime
    import tokenizers

CONFIG_FILE = "embedder_config.json"

# Defaults equal the all-MiniLM-L6-v2 sentence-transformers settings, used when a
# folder has no embedder_config.json (e.g. a bare optimum export).
_DEFAULT_CONFIG: dict[str, Any] = {
    "onnx_file": "model.onnx",
    "tokenizer_file": "tokenizer.json",
    "max_seq_length": 256,  # sentence_bert_config.json; NOT the 128 stored in tokenizer.json
    "pooling": "mean",  # 1_Pooling/config.json: pooling_mode_mean_tokens
    "normalize": True,  # modules.json has a Normalize module -> unit-length vectors
    "dimension": 384,
    "output_name": "last_hidden_state",
}


def default_threads() -> int:
    """Texts embedded at once: one per core this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


class Embedder:
    """Turns texts into L2-normalised float32 vectors, shape ``(n, dimension)``.

    Cosine similarity between two outputs is then just their dot product.
    Thread-safe: the lazy load is guarded by a lock and an ORT session may be run
    from several threads at once.

    ``batch_size`` defaults to 1 on purpose. With a dynamically quantised (int8) model
    the activation scales are computed over the whole batch, padding included, so a
    text's vector shifts with its batch-mates (cosine to the text embedded alone down to
    0.993 on SciFact abstracts, ~0.96 on short texts); at 1 a document is embedded exactly
    like a query and rebuilds are reproducible. Batching bought no speed either: a section
    is long enough to fill the matrix kernels on its own, and padding costs (SciFact
    abstracts, 2 cores: 48 texts per CPU-second at 1, 38 at 8, 35 at 32;
    ``benchmarks/semantic.py encoder``).

    The cores are used by running ``workers`` texts at once, each on one ORT thread
    (``threads``), rather than one text split over two threads that sleep between its many
    small operators: 44-51 texts per CPU-second against 37-46, and in wall time 10-20%
    faster at a load average of 8-10, a wash at 3-5 (alternating runs). Whatever the
    setting, the encoder costs ~45 SciFact abstracts per CPU-second at 256 word pieces.
    Spinning threads (``spin``) halved the speed on a shared machine.
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        batch_size: int = 1,
        threads: int = 1,
        workers: int | None = None,
        max_length: int | None = None,
        spin: bool = False,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.batch_size = max(1, batch_size)
        self.threads = max(1, threads)
        self.workers = max(1, workers if workers is not None else default_threads())
        cfg = dict(_DEFAULT_CONFIG)
        cfg_path = self.model_dir / CONFIG_FILE
        if cfg_path.is_file():  # small JSON; read eagerly so config errors surface early
            cfg.update(json.loads(cfg_path.read_text(encoding="utf-8")))
        self.config = cfg
        self.max_length = int(max_length or cfg["max_seq_length"])
        self.spin = spin
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: tokenizers.Tokenizer | None = None
        self._input_names: set[str] = set()
        self._lock = threading.Lock()
        self._digest: str | None = None

    @property
    def dimension(self) -> int:
        return int(self.config["dimension"])

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Create tokenizer and session now (otherwise done on first ``embed``)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            # Imported here, not at module top: onnxruntime import alone is ~0.1 s.
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self.model_dir / self.config["tokenizer_file"]))
            # tokenizer.json from the hub pads every input to a fixed 128 and truncates
            # at 128; sentence-transformers truncates at max_seq_length (256) and pads
            # only to the longest text of the batch. Override both to match it.
            tok.enable_truncation(max_length=self.max_length)
            pad_id = tok.token_to_id("[PAD]")
            pad_token = "[PAD]"
            if pad_id is None:  # non-BERT vocabularies: keep whatever pad the file names
                pad_cfg = tok.padding or {}
                pad_id, pad_token = pad_cfg.get("pad_id", 0), pad_cfg.get("pad_token", "[PAD]")
            tok.enable_padding(pad_id=pad_id, pad_token=pad_token)  # pad to batch longest

            session = self._session_cached(ort) or self._new_session(ort, None)
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tok
            self._session = session

    def _options(self, ort: Any, level: Any) -> onnxruntime.SessionOptions:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1  # the graph is a straight chain; no parallel branches
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = level
        # ORT's worker threads busy-wait between ops by default. On 2 cores shared
        # with the rest of the CLI (or other processes) that burns CPU and, under
        # contention, slows wall time too; spinning only pays on an idle machine.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if self.spin else "0")
        # Weights are re-laid out for the matrix kernels at load unless this is set: ~10 of
        # the ~45 CPU ms of loading the optimised graph, and no measurable speed or vector
        # difference afterwards (SciFact abstracts, 50-55 texts per CPU-second either way).
        opts.add_session_config_entry("session.disable_prepacking", "1")
        opts.log_severity_level = 3  # errors only; keep CLI output clean
        return opts

    def _new_session(self, ort: Any, save_to: Path | None) -> onnxruntime.InferenceSession:
        """A session on the shipped model, optimised now (and the result saved to ``save_to``).

        Full optimisation (ORT_ENABLE_ALL) adds only layout changes for convolutions over
        EXTENDED, so both give the same graph here; the saved file is made at EXTENDED, the
        last hardware-independent level, so a cache shared between machines stays valid.
        """
        level = ort.GraphOptimizationLevel
        opts = self._options(ort, level.ORT_ENABLE_EXTENDED if save_to else level.ORT_ENABLE_ALL)
        if save_to is not None:
            opts.optimized_model_filepath = str(save_to)
        return ort.InferenceSession(
            str(self.model_dir / self.config["onnx_file"]),
            sess_options=opts,
            providers=["CPUExecutionProvider"],  # explicit: no GPU probing/warnings
        )

    def _session_cached(self, ort: Any) -> onnxruntime.InferenceSession | None:
        """A session from the optimised graph saved by an earlier process, or None.

        Optimising the graph is half the cost of creating a session (~40 of ~85 CPU ms), paid
        by every one-shot command that embeds a query; loading the saved result skips it.
        The file is keyed by the model's digest and the onnxruntime version (an optimised
        graph is only valid for the runtime that wrote it), written atomically, and never
        required: a cache that cannot be written or read only costs the optimisation.
        """
        path = self.cached_model_path(ort.__version__)
        if path is None:
            return None
        if path.is_file():
            try:
                opts = self._options(ort, ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
                return ort.InferenceSession(
                    str(path), sess_options=opts, providers=["CPUExecutionProvider"]
                )
            except Exception:  # noqa: BLE001 - a corrupt or truncated file: rebuild it below
                pass
        tmp: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A fresh name (O_EXCL), so a link planted at a predictable one cannot redirect
            # the write; onnxruntime then writes the graph over this empty file.
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp")
            os.close(fd)
            tmp = Path(name)
            session = self._new_session(ort, tmp)
            os.replace(tmp, path)
            return session
        except Exception:  # noqa: BLE001 - read-only or full cache dir: optimise in memory
            return None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)

    def cached_model_path(self, runtime_version: str) -> Path | None:
        """Where the optimised graph of this model for this onnxruntime is kept, if anywhere."""
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"encoder-{self.digest()}-ort{runtime_version}.onnx"

    def digest(self) -> str:
        if self._digest is None:  # read once: the vectors' stamp and the graph cache both ask
            self._digest = model_digest(self.model_dir, self.config["onnx_file"])
        return self._digest

    # ---------------------------------------------------------------- embedding
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 array ``(len(texts), dimension)``."""
        if isinstance(texts, str):  # a bare str is a Sequence too; catch the easy mistake
            raise TypeError("embed() takes a list of strings, not a single string")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        self.load()
        # Sort by length so each batch holds similar lengths and pads little;
        # results are written back in the caller's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]

        def run(idx: list[int]) -> None:
            out[idx] = self._embed_batch([texts[i] for i in idx])

        if self.workers == 1 or len(batches) == 1:
            for idx in batches:
                run(idx)
            return out
        # ORT and the tokenizer release the GIL while they work, so threads use all cores.
        with ThreadPoolExecutor(min(self.workers, len(batches))) as pool:
            for _ in pool.map(run, batches):  # consume to re-raise a worker's exception
                pass
        return out

    def embed_one(self, text: str) -> np.ndarray:
        """Convenience for a single query: vector of shape ``(dimension,)``."""
        return self.embed([text])[0]

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        assert self._session is not None and self._tokenizer is not None
        encs = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encs], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:  # BERT-style exports want it; others don't
            feeds["token_type_ids"] = np.asarray([e.type_ids for e in encs], dtype=np.int64)
        hidden = self._session.run([self.config["output_name"]], feeds)[0]  # (b, seq, dim)
        return _pool(hidden, mask, self.config["pooling"], bool(self.config["normalize"]))


def model_digest(model_dir: Path, onnx_file: str = "model.onnx") -> str:
    """Identifies a model folder's weights: the sha256 its MANIFEST.json records for the ONNX
    file (hashing 23 MB at every start-up would cost more than it saves), else its size and
    modification time."""
    try:
        manifest = json.loads((model_dir / "MANIFEST.json").read_text(encoding="utf-8"))
        return str(manifest["files"][onnx_file]["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        st = (model_dir / onnx_file).stat()
        return f"{st.st_size}-{st.st_mtime_ns}"


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str, normalize: bool) -> np.ndarray:
    """Reduce token vectors to one vector per text, as sentence-transformers' Pooling."""
    if mode == "mean":
        # Padding tokens must not count, so weight by the attention mask.
        m = mask[..., None].astype(np.float32)
        summed = (hidden * m).sum(axis=1)
        vecs = summed / np.clip(m.sum(axis=1), 1e-9, None)
    elif mode == "cls":
        vecs = hidden[:, 0]
    else:
        raise ValueError(f"unsupported pooling mode: {mode!r}")
    vecs = vecs.astype(np.float32, copy=False)
    if normalize:
        # Same epsilon as torch.nn.functional.normalize.
        vecs = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
    return vecs
