"""Cross-validated confidence calibration on the real datasets.

For each dataset: the EM fit's own posterior (`solver.calibration: none`) and the default rules' confidence
(the label-free calibration, temperature 1) against gold, then a temperature fitted on 4/5 of the gold subjects
and scored on the held-out fifth, for every fold (reconcile.evaluation.calibrate). Nothing here changes the
rules in rules/examples: this measures what the label-free step gives, and what a user with a labelled sample
gets on top of it.

    .venv/bin/python -m bench.calibration            # prints a markdown table
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.evaluation.calibrate import calibrate
from reconcile.evaluation.gold import read_gold, score
from reconcile.pipeline import load_feeds, solve
from reconcile.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"
DATASETS = {  # name: (gold filter)
    "book": None, "flight": None, "population": None, "emergent": None,
    "rumoureval2017": None, "rumoureval2017 (test)": ["split=test"],
}


def calibration_rows(folds: int = 5) -> pd.DataFrame:
    rows = []
    for name, where in DATASETS.items():
        folder = name.split(" ")[0]
        rules = load_rules(ROOT / "rules" / "examples" / f"{folder}.yaml").rules
        table, _ = load_feeds([DATA / folder / "claims.csv.gz"], rules)
        result = solve(table, rules)
        verdicts = result.verdicts.assign(_row=np.arange(len(result.verdicts)))
        joined = score(verdicts, read_gold(str(DATA / folder / "truth.csv"), where), rules).joined
        joined = joined[joined["answered"]]
        cal = calibrate(result.fit.posteriors, result.verdict_cands[joined["_row"].to_numpy().astype(int)],
                        joined["correct"].to_numpy(), joined["subject"], folds)
        uncalibrated = rules.model_copy(update={"solver": rules.solver.model_copy(update={"calibration": "none"})})
        raw = score(solve(table, uncalibrated).verdicts, read_gold(str(DATA / folder / "truth.csv"), where),
                    rules).summary["ece"]
        rows.append({"dataset": name, "gold answered": cal.n, "ECE (calibration: none)": raw,
                     "ECE (T=1)": cal.ece_before,
                     "ECE (CV-calibrated)": cal.cv_ece, "Brier (T=1)": cal.brier_before,
                     "Brier (CV-calibrated)": cal.cv_brier, "T fitted on all gold": cal.temperature})
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(calibration_rows()))
