"""Feature rows from the gold sets: every candidate span and place each ``ask`` question
considered, labelled by the gold (right answer / right place)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ipsearch.answer import Pipeline
from ipsearch.answer.features import PLACE_FEATURES, SPAN_FEATURES
from ipsearch.answer.passages import heading_path
from ipsearch.answer.reader import answer_key
from ipsearch.answer.which import place_key
from ipsearch.evaluate import answer_matches, load_gold, place_matches

from . import ROOT

# (name, corpus folder, gold file); a corpus is used when both exist.
SETS = [
    ("seed", ROOT / "corpus", ROOT / "eval" / "seed-qa-dev.jsonl"),
    *[
        (
            g.name.removesuffix("-qa.jsonl"),
            ROOT / "eval" / "corpora" / g.name.removesuffix("-qa.jsonl"),
            g,
        )
        for g in sorted((ROOT / "eval").glob("*-qa.jsonl"))
    ],
]
NAN = float("nan")


def collect(name: str, corpus: Path, gold: Path, index_root: Path) -> list[dict]:
    """Each question twice: with the encoder (scored figures) and keyword-only (``kw``), so the
    models also learn to rank when the encoder is off (dense features unmeasured: NaN)."""
    return [*collect_mode(name, corpus, gold, index_root, True),
            *collect_mode(name, corpus, gold, index_root, False)]  # fmt: skip


def collect_mode(name: str, corpus: Path, gold: Path, index_root: Path, dense: bool) -> list:
    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.retrieval.searcher import Searcher

    store = IndexStore(index_root / name, corpus.resolve())
    ensure_fresh(store, lambda m: print(f"  {m}", file=sys.stderr))
    out = []
    with Searcher(store, semantic=dense) as s:
        pipe = Pipeline(s)
        for item in load_gold(gold):
            if item.get("command", "ask") != "ask":
                continue
            t = pipe.trace(item["question"])
            neg = item.get("kind") == "negative"
            answers = item.get("answers") or []

            def place_ok(sec, item=item, neg=neg) -> bool:
                return not neg and place_matches(item, sec.source, sec.title, heading_path(sec))

            out.append({
                "id": item.get("id"), "kind": item.get("kind"), "type": t.analysis.type,
                "negative": neg, "has_answers": bool(answers), "kw": not dense,
                "places": [{"x": [p.features.get(f, NAN) for f in PLACE_FEATURES],
                            "ok": place_ok(p.section), "key": place_key(p.section),
                            "right": answer_matches(p._label(t.analysis.doc_level), answers)}
                           for p in t.places],
                "spans": [{"x": [c.features.get(f, NAN) for f in SPAN_FEATURES],
                           "t": answer_key(c.text),
                           "ok": place_ok(c.passage.section),
                           "right": answer_matches(c.text, answers)} for c in t.candidates[:300]],
            })  # fmt: skip
    return out


def load(index_root: Path, cache: Path, reuse: bool) -> dict[str, list[dict]]:
    """The rows of every gold set: read back from ``cache`` with ``reuse``, else collected
    afresh (slow: each question runs through the pipeline twice) and cached."""
    if reuse and cache.exists():
        return json.loads(cache.read_text())
    data = {n: collect(n, c, g, index_root) for n, c, g in SETS if c.is_dir() and g.exists()}
    cache.write_text(json.dumps(data))
    return data
