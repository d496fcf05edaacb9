"""Where the label-free confidence of the default solver misses on the shared real datasets (issue 8).

For each dataset: the default `accu` with the example rules, scored against gold (10 equal-width bins, top
label, as in `bench.run`), then the answered gold items split into groups: by attribute where a dataset has
several, by the chosen value on a closed vocabulary (emergent, rumoureval), else none. Per group: items, mean confidence, accuracy, and
"ECE if calibrated": the dataset's ECE with this group's confidences replaced by its own accuracy, i.e. what the
whole ECE would be if only this group were fixed. A group whose fix takes the ECE under 0.10 is where the miss
lives. Gold is only read to score; nothing is fitted to it.

    .venv/bin/python -m bench.calibration_gap            # prints markdown tables (about 15 s of CPU: flight)
    .venv/bin/python -m bench.calibration_gap emergent   # some datasets only
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.evaluation.gold import read_gold, score
from reconcile.evaluation.metrics import expected_calibration_error
from reconcile.pipeline import load_feeds, solve
from reconcile.rules import load_rules

from .calibration import markdown

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"
DATASETS = ("book", "flight", "population", "emergent", "rumoureval2017")


def joined_gold(name: str) -> pd.DataFrame:
    """The answered gold items of `name` with the default solver's verdicts: group, confidence, correct."""
    rules = load_rules(ROOT / "rules" / "examples" / f"{name}.yaml").rules
    table, _ = load_feeds([DATA / name / "claims.csv.gz"], rules)
    result = solve(table, rules)
    joined = score(result.verdicts, read_gold(str(DATA / name / "truth.csv"), None), rules).joined
    joined = joined[joined["answered"]]
    if joined["attribute"].nunique() > 1:
        group = joined["attribute"].astype(str).to_numpy()
    elif rules.attribute_rule(str(joined["attribute"].iloc[0])).closed:
        group = joined["value"].astype(str).to_numpy()
    else:
        group = np.full(len(joined), "(all)", dtype=object)
    return pd.DataFrame({"group": group,
                         "confidence": pd.to_numeric(joined["confidence"]).to_numpy(dtype=float),
                         "correct": joined["correct"].to_numpy(dtype=float)})


def gap_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per group: items, mean confidence, accuracy, and the dataset's ECE were this group calibrated."""
    conf, correct = frame["confidence"].to_numpy(), frame["correct"].to_numpy()
    rows = []
    for group in sorted(frame["group"].unique()):
        here = (frame["group"] == group).to_numpy()
        fixed = conf.copy()
        fixed[here] = correct[here].mean()
        rows.append({"group": group, "items": int(here.sum()), "confidence": float(conf[here].mean()),
                     "accuracy": float(correct[here].mean()),
                     "ECE if calibrated": expected_calibration_error(fixed, correct)})
    return pd.DataFrame(rows)


def main(names: list[str]) -> str:
    out = []
    for name in names:
        frame = joined_gold(name)
        ece = expected_calibration_error(frame["confidence"], frame["correct"])
        out.append(f"### {name}: accuracy {frame['correct'].mean():.3f}, ECE {ece:.3f}, "
                   f"mean confidence {frame['confidence'].mean():.3f}\n\n{markdown(gap_table(frame))}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(main(sys.argv[1:] or list(DATASETS)))
