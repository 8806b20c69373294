"""The answer-model fit (scripts/answer_fit): rankers learn what marks the right candidate, gates
never trust a higher score less, every answer type has a threshold group, and the script's
entry point keeps its flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

pytest.importorskip("sklearn")  # the `fit` extra

from answer_fit.gates import C, fit_one  # noqa: E402
from answer_fit.rankers import fit_listwise, shares  # noqa: E402
from answer_fit.thresholds import C_GRID, chosen_c, group_keys, smoothed  # noqa: E402

from ipsearch.answer.analysis import ANSWER_KINDS  # noqa: E402
from ipsearch.answer.model import SPAN_GATE_FEATURES  # noqa: E402


def _groups(seed: int = 0) -> list[tuple[list[list[float]], list[bool]]]:
    """Questions of six candidates; the right one is marked by a higher first feature, the
    second feature is noise (NaN now and then, as an unmeasured dense feature)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(40):
        right = rng.integers(6)
        oks = [i == right for i in range(6)]
        xs = [[float(ok) + rng.normal(0, 0.3), rng.normal() if rng.random() > 0.2 else np.nan]
              for ok in oks]  # fmt: skip
        out.append((xs, oks))
    return out


def test_ranker_puts_the_marked_candidate_first() -> None:
    model = fit_listwise(_groups())
    assert model["coef"][0] > abs(model["coef"][1])
    held = _groups(seed=1)
    first = sum(oks[int(np.argmax(shares(model, xs)))] for xs, oks in held)
    assert first >= 0.9 * len(held)


def test_monotone_gate_never_trusts_a_higher_score_less() -> None:
    # A score that falls as the answer gets righter: the unconstrained fit would weigh it
    # negatively; the gate holds it at zero instead.
    rng = np.random.default_rng(0)
    rows = [
        ([float(-y + rng.normal(0, 0.5)), rng.normal()], bool(y)) for y in rng.integers(2, size=200)
    ]
    free = fit_one(rows)
    held = fit_one(rows, monotone=[0])
    assert free["coef"][0] < 0
    assert held["coef"][0] == pytest.approx(0.0, abs=1e-8)


def test_every_answer_type_has_one_threshold_group() -> None:
    keys = [k for g in ("certain", "open", "place", "page") for k in group_keys(g)]
    assert sorted(keys) == sorted([*ANSWER_KINDS, "place/doc"])


def test_thresholds_chosen_on_a_plateau_not_a_one_point_peak() -> None:
    u = np.array([[0.0, 10.0, 0.0, 8.0, 8.0, 8.0]])
    assert int(np.argmax(u)) == 1 and int(np.argmax(smoothed(u))) == 4


def test_gate_strength_chosen_by_nested_leave_one_corpus_out() -> None:
    """Three corpora whose gate rows mark right winners by their score alone: whatever strength
    the nested fit picks comes from the grid, for each gate."""
    rng = np.random.default_rng(1)
    items, rows, width = [], [], len(SPAN_GATE_FEATURES)
    for corpus in ("a", "b", "c"):
        for _ in range(40):
            ok = bool(rng.random() < 0.5)
            x = [float(ok) + rng.normal(0, 0.7) for _ in range(3)]
            items.append(
                {"corpus": corpus, "has_answers": True, "negative": False, "type": "number"}
            )
            rows.append({"span": ([*x, *[0.0] * len(SPAN_GATE_FEATURES)][:width], {"right": ok})})
    got = chosen_c({"a": [], "b": [], "c": []}, items, rows)
    assert got["span"] in C_GRID and got["place"] == C  # no place rows: the default


def test_script_keeps_its_flags() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fit_answer_model.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for flag in ("--index-root", "--cache", "--reuse", "--no-write", "--loco-dir", "--cli"):
        assert flag in done.stdout
