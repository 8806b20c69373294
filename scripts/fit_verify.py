"""Fit NEAR_MIN (ipsearch/verification/checker.py): the similarity from which a passage is near.

Usage:
    python scripts/fit_verify.py --fit DIR [DIR ...] --test DIR [--per-corpus 120]

Each DIR is a corpus folder. From each, sentences are drawn with a fixed seed and made into
quotes `verify` must call near, each with one change a writer or an assistant makes (a figure
altered, a word replaced, a word dropped, two words swapped, two words replaced), and quotes it
must call not found (a sentence of another corpus: fluent, on another subject; random words of
this corpus, as long as a sentence). The threshold on the checker's similarity that best
separates them (balanced accuracy) over the fit corpora is printed, then its balanced accuracy
on the test corpus, which the fit never saw (negatives there come from the fit corpora).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_sentences(store) -> list[str]:
    from ipsearch.retrieval.snippets import sentences

    out = []
    for s in store.sections():
        out += [t for t, _, _ in sentences(s) if 8 <= len(t.split()) <= 40 and "|" not in t]
    return sorted(set(out))


def perturb(sentence: str, kind: str, vocab: list[str], rng: random.Random) -> str:
    words = sentence.split()
    long_ = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 5]
    nums = [i for i, w in enumerate(words) if re.search(r"\d", w)]
    if kind == "figure" and nums:
        i = rng.choice(nums)
        bump = rng.randint(1, 9)
        words[i] = re.sub(r"\d+", lambda m: str(int(m.group()) + bump), words[i], count=1)
    elif kind in ("replace", "figure", "replace2") and long_:
        for i in rng.sample(long_, min(len(long_), 2 if kind == "replace2" else 1)):
            words[i] = rng.choice(vocab)
    elif kind == "drop":
        del words[rng.randrange(1, len(words) - 1)]
    else:  # swap
        i = rng.randrange(0, len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def open_corpus(corpus: Path, work: Path):
    """A fresh keyword index of ``corpus`` and its sentences of 8-40 words."""
    from ipsearch.index import IndexStore

    store = IndexStore(work / corpus.name, corpus.resolve())
    store.update(rebuild=True)
    return store, corpus_sentences(store)


def scores(store, pool: list[str], others: list[str], n: int, rng: random.Random):
    """(similarity, is near, kind) for quotes drawn from ``pool`` and from ``others``."""
    from ipsearch.retrieval.searcher import Searcher
    from ipsearch.verification import QuoteChecker

    vocab = [w for s in pool for w in s.split() if w.isalpha() and len(w) >= 5]
    rows = []
    with Searcher(store, semantic=False) as s:
        checker = QuoteChecker(s)
        kinds = ["figure", "replace", "drop", "swap", "replace2"]
        for i, sent in enumerate(rng.sample(pool, min(n, len(pool)))):
            kind = kinds[i % len(kinds)]
            rows.append((checker.similarity(perturb(sent, kind, vocab, rng)), True, kind))
        for sent in rng.sample(others, min(n // 2, len(others))):
            rows.append((checker.similarity(sent), False, "other corpus"))
        for _ in range(n // 2):
            salad = " ".join(rng.sample(vocab, rng.randint(10, 25))).capitalize() + "."
            rows.append((checker.similarity(salad), False, "random words"))
    return rows


def balanced_accuracy(rows, t: float) -> float:
    pos = [r for r in rows if r[1]]
    neg = [r for r in rows if not r[1]]
    tpr = sum(r[0] >= t for r in pos) / max(len(pos), 1)
    tnr = sum(r[0] < t for r in neg) / max(len(neg), 1)
    return (tpr + tnr) / 2


def fit(rows) -> tuple[float, float, float]:
    """The middle of the best range of thresholds, and the range: the largest margin on both
    sides (thresholds are tried at every observed similarity)."""
    cuts = sorted({round(r[0], 1) for r in rows} | {100.1})
    accs = [(balanced_accuracy(rows, t), t) for t in cuts]
    best = max(a for a, _ in accs)
    tops = [t for a, t in accs if a == best]
    lo = max((r[0] for r in rows if r[0] < tops[0]), default=0.0)
    return round((lo + tops[-1]) / 2, 1), lo, tops[-1]


def by_kind(rows, t: float) -> str:
    kinds = sorted({r[2] for r in rows})
    parts = []
    for k in kinds:
        rs = [r for r in rows if r[2] == k]
        right = sum((r[0] >= t) == r[1] for r in rs)
        parts.append(f"{k} {right}/{len(rs)}")
    return ", ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", nargs="+", type=Path, required=True)
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--per-corpus", type=int, default=120)
    args = ap.parse_args()
    os.environ["IPSEARCH_SEMANTIC"] = "0"
    sys.path.insert(0, str(ROOT / "src"))
    from ipsearch.verification.checker import NEAR_MIN

    rng = random.Random(14)
    with tempfile.TemporaryDirectory(prefix="ipsearch-fit-") as tmp:
        work = Path(tmp)
        opened = {c: open_corpus(c, work) for c in [*args.fit, args.test]}
        pools = {c: pool for c, (_, pool) in opened.items()}
        # Negatives of a fit corpus are sentences of the other fit corpora; of the test corpus,
        # sentences of all fit corpora.
        fit_rows = []
        for c in args.fit:
            others = [x for o in args.fit if o != c for x in pools[o]]
            fit_rows += scores(opened[c][0], pools[c], others, args.per_corpus, rng)
        t, lo, hi = fit(fit_rows)
        fitted = [x for o in args.fit for x in pools[o]]
        store, pool = opened[args.test]
        test_rows = scores(store, pool, fitted, args.per_corpus, rng)
    print(f"fit on {', '.join(c.name for c in args.fit)}: {len(fit_rows)} quotes")
    acc = balanced_accuracy(fit_rows, t)
    print(f"fitted NEAR_MIN = {t}: best from {lo:.1f} to {hi:.1f} (balanced accuracy {acc:.3f})")
    print(f"  {by_kind(fit_rows, t)}")
    for name, thr in (("fitted", t), ("in the code", NEAR_MIN)):
        acc = balanced_accuracy(test_rows, thr)
        print(f"test on {args.test.name} ({len(test_rows)} quotes), {name} {thr}: {acc:.3f}")
        print(f"  {by_kind(test_rows, thr)}")


if __name__ == "__main__":
    main()
