"""The answer models' fit, split by stage: ``collect`` (gold sets → feature rows), ``rankers``
(span and place rankers), ``gates`` (gate fits and the rows they score), ``decide`` (what the
answer builder would do, and the figures of it), ``thresholds`` (the whole fit: gates and their
thresholds), ``report`` (leave-one-corpus-out figures, the CLI table, weight files); ``rows``
reads a collected row as the pipeline would.
``scripts/fit_answer_model.py`` is the entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The fit runs against this checkout's pipeline, whatever ipsearch is installed.
sys.path.insert(0, str(ROOT / "src"))
