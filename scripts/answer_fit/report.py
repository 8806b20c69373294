"""Leave-one-corpus-out figures (in-process and through ``ipsearch eval``) and the weight
files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from ipsearch.answer.features import PLACE_FEATURES, SPAN_FEATURES
from ipsearch.answer.model import PLACE_GATE_FEATURES, SPAN_GATE_FEATURES

from . import ROOT
from .collect import SETS
from .decide import figures
from .gates import gates_of
from .rankers import fit_rankers, right_first
from .thresholds import fit


def loco(data: dict[str, list[dict]], loco_dir: Path | None) -> None:
    """Print each corpus's figures under the fit that never saw it (and write that fit to
    ``loco_dir``): the honest figure of how the models do on a new corpus."""
    print(f"{'held out':28} place@1 answer wrong/answerable negatives-abstained  thresholds")
    full = fit_rankers([it for v in data.values() for it in v])
    for held in data:
        m = fit({n: v for n, v in data.items() if n != held})
        shown = [it for it in data[held] if not it.get("kw")]  # the encoder on, as by default
        f = figures(shown, [gates_of(it, m) for it in shown], m)
        print(f"{held:28} {f['place_at_1']!s:7} {f['answer']!s:6} "
              f"{f['wrong']:2d}/{f['answerable']:<3d}"
              f"     {f['neg_abstained']:10}  span {m['span_gate']['threshold']:.3f} place "
              f"{m['place_gate']['threshold']:.3f}; C span {m['gate_c']['span']} place "
              f"{m['gate_c']['place']}")  # fmt: skip
        print(f"{'':28} reliability: {reliability(f['conf'])}")
        print(
            f"{'':28} spans: held out {right_first(data[held], m)}; in-sample "
            f"{right_first(data[held], full)}"
        )
        if loco_dir:
            loco_dir.mkdir(parents=True, exist_ok=True)
            write(loco_dir / f"without-{held}.json", m, sorted(set(data) - {held}))


def reliability(conf: list[tuple[float, bool]]) -> str:
    rows = []
    for lo, hi in ((0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        band = [r for c, r in conf if lo <= c < hi]
        acc = f"{np.mean(band):.2f}" if band else " n/a"
        rows.append(f"[{lo:.1f},{min(hi, 1):.1f}) {len(band):3d} answers, {acc} right")
    return "; ".join(rows)


def cli_table(loco_dir: Path, index_root: Path) -> None:
    """Leave-one-corpus-out figures through the CLI: ``ipsearch eval GOLD --corpus DIR`` with
    IPSEARCH_ANSWER_WEIGHTS pointing at the fit that never saw the corpus."""
    import os
    import subprocess

    print("| held out | items | right place first | right short answer | wrong / answerable "
          "| negatives abstained | quotes verified | answers ≥0.8 right |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, corpus, gold in SETS:
        weights = loco_dir / f"without-{name}.json"
        if not (corpus.is_dir() and gold.exists() and weights.exists()):
            continue
        env = {**os.environ, "IPSEARCH_ANSWER_WEIGHTS": str(weights),
               "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
        cmd = [sys.executable, "-m", "ipsearch", "eval", str(gold), "--corpus", str(corpus),
               "--index", str(index_root / name), "--json"]  # fmt: skip
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if not done.stdout.strip():
            print(f"| {name} | eval failed: {done.stderr.strip()[-200:]} |")
            continue
        r = json.loads(done.stdout)
        negs = [json.loads(line) for line in gold.read_text().splitlines() if line.strip()]
        n_neg = sum(1 for it in negs if it.get("kind") == "negative")
        high = [b for b in r["calibration"] if b["from"] >= 0.8]
        given, right = sum(b["answers"] for b in high), sum(b["right"] for b in high)
        abst = round((r["abstention_rate"] or 0) * n_neg)
        print(f"| {name} | {r['items']} | {r['section_at_1']:.3f} | {r['answer_accuracy']:.3f} "
              f"| {r['wrong_answers']}/{r['answerable']} | {abst}/{n_neg} "
              f"| {r['quotes_verified']} | {right}/{given} |")  # fmt: skip


def write(path: Path, m: dict, corpora: list[str]) -> None:
    out: dict = {"meta": {"fitted_on": corpora, "script": "scripts/fit_answer_model.py"}}
    names = {"span": SPAN_FEATURES, "place": PLACE_FEATURES,
             "span_gate": SPAN_GATE_FEATURES, "place_gate": PLACE_GATE_FEATURES}  # fmt: skip
    for key, features in names.items():
        out[key] = {"features": features, **{k: _round(v) for k, v in m[key].items()}}
    path.write_text(json.dumps(out, indent=1) + "\n")


def _round(v: float | list | dict) -> float | list | dict:
    if isinstance(v, dict):
        return {k: round(x, 6) for k, x in v.items()}
    return [round(x, 6) for x in v] if isinstance(v, list) else round(v, 6)
