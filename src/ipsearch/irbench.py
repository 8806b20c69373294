"""Ranking quality on a BEIR-style test collection, through ipsearch's own ingest and search.

DIR holds ``corpus.jsonl`` ({"id","title","text"}), ``queries.tsv`` (query_id<TAB>text) and
``qrels.tsv`` (header ``query_id doc_id relevance``). The corpus is indexed exactly as
``ipsearch ingest`` would index a JSONL corpus, and each query is ranked as ``ipsearch search``
ranks it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ipsearch.errors import CorpusError, read_input
from ipsearch.irmetrics import evaluate
from ipsearch.semantic import ENV


@dataclass
class IRReport:
    ndcg10: float
    recall100: float
    mrr10: float
    index_s: float
    query_ms_p50: float
    query_ms_p95: float
    queries: int
    sections: int


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a TSV file; unreadable or non-UTF-8 input is an input error."""
    text = read_input(path, CorpusError)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
        return [(reader.line_num, r) for r in reader if r]
    except csv.Error as e:
        raise CorpusError(f"{path}:{reader.line_num}: {e}") from e


def load_queries(path: Path) -> dict[str, str]:
    rows = _rows(path)
    if rows and rows[0][1][0] in ("query_id", "qid", "id"):
        rows = rows[1:]
    return {r[0]: r[1] for _, r in rows if len(r) >= 2}


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Judgments: query id, document id, and a whole-number relevance grade."""
    rows = _rows(path)
    if rows and not rows[0][1][-1].strip().lstrip("-").isdigit():
        rows = rows[1:]
    qrels: dict[str, dict[str, int]] = {}
    for n, r in rows:
        if len(r) < 3:
            raise CorpusError(f"{path}:{n}: expected query_id, doc_id and relevance")
        grade = r[-1].strip()
        if not grade.lstrip("-").isdigit() or len(grade) > 9:
            raise CorpusError(f"{path}:{n}: relevance {grade[:20]!r} is not a whole number")
        qrels.setdefault(r[0], {})[r[-2]] = int(grade)
    return qrels


@contextlib.contextmanager
def _semantic_env(semantic: bool | None):
    """Ingest reads IPSEARCH_SEMANTIC; keyword-only runs skip embedding the corpus."""
    if semantic is not False:
        yield
        return
    old = os.environ.get(ENV)
    os.environ[ENV] = "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old


def run(
    collection: Path,
    limit: int = 100,
    index_dir: Path | None = None,
    semantic: bool | None = None,
    fusion: str = "auto",
) -> IRReport:
    from ipsearch.index import IndexStore, stderr_notify
    from ipsearch.retrieval.searcher import Searcher

    for name in ("corpus.jsonl", "queries.tsv", "qrels.tsv"):
        if not (collection / name).is_file():
            raise CorpusError(f"{collection} has no {name}")
    queries = load_queries(collection / "queries.tsv")
    qrels = load_qrels(collection / "qrels.tsv")
    queries = {q: t for q, t in queries.items() if q in qrels}
    with tempfile.TemporaryDirectory() as tmp:
        # Only the documents are the corpus: queries, judgments and notes beside them are not.
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copyfile(collection / "corpus.jsonl", corpus / "corpus.jsonl")
        store = IndexStore(index_dir or Path(tmp) / "index", corpus.resolve())
        t = time.perf_counter()
        # Index time includes embedding the sections when semantic retrieval is on.
        with _semantic_env(semantic):
            report = store.update(rebuild=True)
        index_s = time.perf_counter() - t
        results: dict[str, list[str]] = {}
        times = []
        with Searcher(store, semantic=semantic, notify=stderr_notify) as s:
            for qid, text in queries.items():
                t = time.perf_counter()
                ranked = s.rank(text, limit=limit, fusion=fusion)
                times.append((time.perf_counter() - t) * 1000)
                results[qid] = [sid.split("#", 1)[1] for sid, _ in ranked]
    m = evaluate(results, qrels)
    times.sort()
    return IRReport(
        ndcg10=m["ndcg@10"],
        recall100=m["recall@100"],
        mrr10=m["mrr@10"],
        index_s=index_s,
        query_ms_p50=statistics.median(times) if times else 0.0,
        query_ms_p95=times[int(0.95 * (len(times) - 1))] if times else 0.0,
        queries=len(queries),
        sections=report.sections,
    )
