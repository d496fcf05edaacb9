"""Train the learned extraction stage on the labelled development set and write its weights file.

    python -m bench.train_extractor [--rules rules/] [--out reconcile/extract/learned_weights.json]

Trains on TRAIN_SPLITS only (bench/learned_data.py: an explicit list, so a split added later is never trained
on), with the regularisation and threshold chosen by leave-one-split-out cross-validation over those splits.
The file holds the intercept, the non-zero weights by feature name (sorted, rounded to 6 decimals), the
threshold and how they were made; running the command again on the same rules and data writes the same bytes.
Whether extraction uses the file is `extract.learned.enabled` (rules/extract/learned.yaml).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.learned_data import CS, TRAIN_SPLITS, choose, collect, fit
from reconcile.extract.learned import WEIGHTS

ROOT = Path(__file__).resolve().parent.parent


def train(rules: str) -> dict:
    data = collect(rules)
    c, threshold, score = choose(data, TRAIN_SPLITS)
    intercept, coef = fit(data, TRAIN_SPLITS, c).weights()
    return {"model": "logistic regression (scikit-learn, lbfgs, L2) over (article, place, value) keys",
            "trained_on": list(TRAIN_SPLITS), "candidates": len(data.key), "labelled": int(data.label.sum()),
            "C": c, "C_tried": list(CS), "cv_f1": round(score, 4), "threshold": threshold,
            "intercept": intercept, "coef": coef}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", default=str(ROOT / "rules"))
    ap.add_argument("--out", default=str(WEIGHTS))
    args = ap.parse_args()
    out = train(args.rules)
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(out['coef'])} weights, C {out['C']}, threshold {out['threshold']}, "
          f"out-of-fold F1 {out['cv_f1']} over {', '.join(TRAIN_SPLITS)}")


if __name__ == "__main__":
    main()
