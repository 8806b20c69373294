"""Fit the answer models (span and place scorers) and report leave-one-corpus-out figures.

    PYTHONPATH=src python3 scripts/fit_answer_model.py            # collect, LOCO, fit, write
    PYTHONPATH=src python3 scripts/fit_answer_model.py --no-write # figures only

For every gold set in eval/ with its corpus, each ``ask`` question runs through the pipeline
once; every candidate span and place it considered becomes a row of features labelled by the
gold (right answer / right place). A logistic regression per scorer is fitted on all corpora but
one and measured on the one left out (the honest figure); thresholds (answer or abstain) are
chosen on the training corpora only. The final model, fitted on all corpora, is written to
src/ipsearch/answer/weights.json. Needs scikit-learn (the ``fit`` extra). The work is done by
the ``answer_fit`` package next to this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a file, so the package beside it is found however the script is started.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_fit import ROOT  # noqa: E402
from answer_fit.collect import load  # noqa: E402
from answer_fit.report import cli_table, loco, write  # noqa: E402
from answer_fit.thresholds import fit  # noqa: E402

from ipsearch.answer.model import WEIGHTS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index-root", type=Path, default=Path("/tmp/ipsearch-fit-indexes"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ipsearch-fit-rows.json"))
    ap.add_argument("--reuse", action="store_true", help="reuse the collected rows in --cache")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--loco-dir", type=Path, help="also write each held-out fit's weights here")
    ap.add_argument("--cli", action="store_true",
                    help="only run `ipsearch eval` on each corpus with the weights fitted "
                         "without it (from --loco-dir) and print the table")  # fmt: skip
    args = ap.parse_args()
    if args.cli:
        cli_table(args.loco_dir or Path("/tmp/ipsearch-loco"), args.index_root)
        return
    data = load(args.index_root, args.cache, args.reuse)
    loco(data, args.loco_dir)
    m = fit(data)
    if not args.no_write:
        write(WEIGHTS, m, sorted(data))
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
