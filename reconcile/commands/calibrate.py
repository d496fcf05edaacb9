"""reconcile calibrate: fit the confidence temperature on gold answers, with cross-validated calibration error."""
from __future__ import annotations

import argparse

NAME = "calibrate"
HELP = ("fit solver.temperature on a labelled sample (gold answers for some subjects) and report the "
        "calibration error before, after, and cross-validated over subjects")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed files; several are read as one feed")
    p.add_argument("--rules", required=True, help="rules: a YAML file or a folder of them")
    p.add_argument("--truth", required=True, help="gold CSV: subject (or object), value[, attribute]")
    p.add_argument("--as-of", dest="as_of", help="ISO 8601 time with zone (default: the latest publication time)")
    p.add_argument("--where", action="append", metavar="COLUMN=VALUE", help="keep gold rows where COLUMN=VALUE")
    p.add_argument("--folds", type=int, default=5, help="folds over subjects for the cross-validated figure")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..errors import UsageError
    from ..evaluation.calibrate import calibrate
    from ..evaluation.gold import read_gold, score
    from ..pipeline import load_feeds, solve
    from ..rules import load_rules

    if args.folds < 2:
        raise UsageError("--folds must be at least 2")
    rules = load_rules(args.rules).rules
    if rules.solver.name != "accu":
        raise UsageError(f"calibration fits the accu model's temperature; the rules use {rules.solver.name!r}")
    rules = rules.model_copy(update={"solver": rules.solver.model_copy(update={"temperature": 1.0})})
    table, _ = load_feeds(args.feeds, rules, args.as_of)
    result = solve(table, rules)
    verdicts = result.verdicts.assign(_row=np.arange(len(result.verdicts)))
    scored = score(verdicts, read_gold(args.truth, args.where), rules).joined
    scored = scored[scored["answered"]]
    rows = scored["_row"].to_numpy().astype(int)
    if result.fit is None or result.verdict_cands is None:
        raise UsageError("no claim was accepted: nothing to calibrate")
    cal = calibrate(result.fit.posteriors, result.verdict_cands[rows], scored["correct"].to_numpy(),
                    scored["subject"], args.folds)
    print(f"gold items answered: {cal.n}; temperature {cal.temperature:.3f}")
    print(f"ECE   before {cal.ece_before:.4f}   after (in-sample) {cal.ece_after:.4f}   "
          f"cross-validated ({cal.folds} folds over subjects) {cal.cv_ece:.4f}")
    print(f"Brier before {cal.brier_before:.4f}   after (in-sample) {cal.brier_after:.4f}   "
          f"cross-validated {cal.cv_brier:.4f}")
    print(f"\nin the rules:\nsolver:\n  temperature: {cal.temperature:.3f}")
    return 0
