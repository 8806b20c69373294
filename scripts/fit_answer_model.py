"""Fit the answer models (span and place scorers) and report leave-one-corpus-out figures.

    PYTHONPATH=src python3 scripts/fit_answer_model.py            # collect, LOCO, fit, write
    PYTHONPATH=src python3 scripts/fit_answer_model.py --no-write # figures only

For every gold set in eval/ with its corpus, each ``ask`` question runs through the pipeline
once; every candidate span and place it considered becomes a row of features labelled by the
gold (right answer / right place). A logistic regression per scorer is fitted on all corpora but
one and measured on the one left out (the honest figure); thresholds (answer or abstain) are
chosen on the training corpora only. The final model, fitted on all corpora, is written to
src/ipsearch/answer/weights.json. Needs scikit-learn (the ``fit`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ipsearch.answer import Pipeline  # noqa: E402
from ipsearch.answer.features import PLACE_FEATURES, SPAN_FEATURES  # noqa: E402
from ipsearch.answer.model import WEIGHTS  # noqa: E402
from ipsearch.answer.passages import heading_path  # noqa: E402
from ipsearch.evaluate import answer_matches, load_gold, place_matches  # noqa: E402

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
LAMBDA = 3.0  # a wrong answer costs three abstentions: abstaining is better than a wrong answer
GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)
ANSWERED_PLACE_TYPES = ("howto", "other", "definition")


def collect(name: str, corpus: Path, gold: Path, index_root: Path) -> list[dict]:
    from ipsearch.index import IndexStore, ensure_fresh
    from ipsearch.search import Searcher

    store = IndexStore(index_root / name, corpus.resolve())
    ensure_fresh(store, lambda m: print(f"  {m}", file=sys.stderr))
    out = []
    with Searcher(store) as s:
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
                "negative": neg, "has_answers": bool(answers),
                "places": [{"x": [p.features[f] for f in PLACE_FEATURES], "ok": place_ok(p.section),
                            "right": answer_matches(p._label(t.analysis.doc_level), answers)}
                           for p in t.places],
                "spans": [{"x": [c.features[f] for f in SPAN_FEATURES],
                           "ok": place_ok(c.passage.section),
                           "right": answer_matches(c.text, answers)} for c in t.candidates[:300]],
            })  # fmt: skip
    return out


def fit_one(rows: list[tuple[list[float], bool]]) -> dict:
    from sklearn.linear_model import LogisticRegression

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=0.2, max_iter=2000).fit((x - mean) / scale, y)
    return {"coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
            "mean": mean.tolist(), "scale": scale.tolist()}  # fmt: skip


def prob(m: dict, x: list[float]) -> float:
    z = m["intercept"] + float(np.dot(m["coef"], (np.array(x) - m["mean"]) / m["scale"]))
    return 1.0 / (1.0 + np.exp(-z))


def decide(item: dict, span: dict, place: dict, ts: float, tp: float) -> dict:
    """What the answer builder would do with these scorers: mirrors builder.AnswerBuilder.run."""
    places = sorted(((prob(place, p["x"]), p) for p in item["places"]), key=lambda x: -x[0])
    spans = sorted(((prob(span, c["x"]), c) for c in item["spans"]), key=lambda x: -x[0])
    res = {"answered": False, "short": False, "right": False, "place_ok": False, "conf": 0.0}
    if item["type"] == "place":
        if places and places[0][0] >= tp:
            p = places[0][1]
            res.update(answered=True, short=True, conf=places[0][0], place_ok=p["ok"],
                       right=p["right"] if item["has_answers"] else p["ok"])  # fmt: skip
        return res
    if spans and spans[0][0] >= ts:
        c = spans[0][1]
        return {"answered": True, "short": True, "right": c["right"], "place_ok": c["ok"],
                "conf": spans[0][0]}  # fmt: skip
    if item["type"] in ANSWERED_PLACE_TYPES and places and places[0][0] >= tp:
        p = places[0][1]
        res.update(answered=True, conf=places[0][0] * 0.8, place_ok=p["ok"], right=p["ok"])
    return res


def figures(items: list[dict], span: dict, place: dict, ts: float, tp: float) -> dict:
    d = [(it, decide(it, span, place, ts, tp)) for it in items]
    pos = [(it, r) for it, r in d if not it["negative"]]
    ans = [(it, r) for it, r in pos if it["has_answers"]]
    neg = [r for it, r in d if it["negative"]]
    wrong = sum(1 for it, r in ans if r["short"] and not r["right"])
    return {
        "place_at_1": round(np.mean([r["place_ok"] for _, r in pos]), 3) if pos else None,
        "answer": round(np.mean([r["short"] and r["right"] for _, r in ans]), 3) if ans else None,
        "wrong": wrong, "answerable": len(ans),
        "neg_abstained": f"{sum(not r['answered'] for r in neg)}/{len(neg)}",
        "utility": sum(r["short"] and r["right"] for _, r in ans) - LAMBDA * wrong
        + sum(r["place_ok"] for it, r in pos if not it["has_answers"])
        + sum((not r["answered"]) - LAMBDA * r["answered"] for r in neg),
        "conf": [(r["conf"], r["right"]) for it, r in d if r["answered"] and not it["negative"]]
        + [(r["conf"], False) for r in neg if r["answered"]],
    }  # fmt: skip


def fit(items: list[dict]) -> dict:
    span = fit_one([(c["x"], c["right"]) for it in items for c in it["spans"]
                    if it["has_answers"] or it["negative"]])  # fmt: skip
    place = fit_one([(p["x"], p["ok"]) for it in items for p in it["places"]])
    best = max((figures(items, span, place, ts, tp)["utility"], -ts, -tp) for ts in GRID[::2]
                for tp in GRID[::2])  # fmt: skip
    span["threshold"], place["threshold"] = float(-best[1]), float(-best[2])
    return {"span": span, "place": place}


def reliability(conf: list[tuple[float, bool]]) -> str:
    rows = []
    for lo, hi in ((0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        band = [r for c, r in conf if lo <= c < hi]
        acc = f"{np.mean(band):.2f}" if band else " n/a"
        rows.append(f"[{lo:.1f},{min(hi, 1):.1f}) {len(band):3d} answers, {acc} right")
    return "; ".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-root", type=Path, default=Path("/tmp/ipsearch-fit-indexes"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ipsearch-fit-rows.json"))
    ap.add_argument("--reuse", action="store_true", help="reuse the collected rows in --cache")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--loco-dir", type=Path, help="also write each held-out fit's weights here")
    args = ap.parse_args()
    if args.reuse and args.cache.exists():
        data = json.loads(args.cache.read_text())
    else:
        data = {
            n: collect(n, c, g, args.index_root) for n, c, g in SETS if c.is_dir() and g.exists()
        }
        args.cache.write_text(json.dumps(data))
    print(f"{'held out':28} place@1 answer wrong/answerable negatives-abstained  thresholds")
    for held in data:
        train = [it for n, items in data.items() if n != held for it in items]
        m = fit(train)
        f = figures(
            data[held], m["span"], m["place"], m["span"]["threshold"], m["place"]["threshold"]
        )
        print(f"{held:28} {f['place_at_1']!s:7} {f['answer']!s:6} "
              f"{f['wrong']:2d}/{f['answerable']:<3d}"
              f"     {f['neg_abstained']:10}  span {m['span']['threshold']:.3f} place "
              f"{m['place']['threshold']:.3f}")  # fmt: skip
        print(f"{'':28} reliability: {reliability(f['conf'])}")
        if args.loco_dir:
            args.loco_dir.mkdir(parents=True, exist_ok=True)
            write(args.loco_dir / f"without-{held}.json", m, sorted(set(data) - {held}))
    m = fit([it for items in data.values() for it in items])
    if not args.no_write:
        write(WEIGHTS, m, sorted(data))
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")


def write(path: Path, m: dict, corpora: list[str]) -> None:
    out = {"meta": {"fitted_on": corpora, "script": "scripts/fit_answer_model.py"}}
    out["span"] = {"features": SPAN_FEATURES, **{k: _round(v) for k, v in m["span"].items()}}
    out["place"] = {"features": PLACE_FEATURES, **{k: _round(v) for k, v in m["place"].items()}}
    path.write_text(json.dumps(out, indent=1) + "\n")


def _round(v):
    return [round(x, 6) for x in v] if isinstance(v, list) else round(v, 6)


if __name__ == "__main__":
    main()
