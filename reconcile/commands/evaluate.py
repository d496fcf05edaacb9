"""reconcile evaluate: accuracy, Brier score, calibration error and coverage of a run against gold."""
from __future__ import annotations

import argparse
from typing import Any
import logging

log = logging.getLogger("reconcile")

NAME = "evaluate"
HELP = ("score a finished run against a gold table (subject|object, value[, attribute]): accuracy, Brier, ECE, "
        "coverage (with a value hierarchy also at the verdict's level: a coarser value above the gold is right); adds a reliability diagram and accuracy per confidence bin to the run's report")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", help="output folder of a finished `reconcile run`")
    p.add_argument("--truth", required=True, help="gold CSV with columns subject (or object), value[, attribute]")
    p.add_argument("--rules", help="rules whose value matcher decides equality (default: the run's rules)")
    p.add_argument("--where", action="append", metavar="COLUMN=VALUE",
                   help="keep gold rows where COLUMN equals VALUE (e.g. split=test); repeatable")
    p.add_argument("--errors", help="write the gold items the run got wrong to this CSV")
    p.add_argument("--json", action="store_true", help="print the scores as JSON for scripts")
    p.add_argument("--no-report", action="store_true",
                   help="do not add the calibration to the run's report.html/report.md (nor write evaluation.json)")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    import pandas as pd

    from ..errors import OutputError
    from ..evaluation.gold import read_gold, score
    from ..outputs.atomic import result_dir, write_text_atomic
    from ..outputs.csvsafe import neutralise_frame, restore
    from ..rules import load_rules

    out = result_dir(args.out)
    if not (out / "run.json").exists():
        raise OutputError(f"{out}: not a finished run (no run.json)")
    run_info = json.loads((out / "run.json").read_text())
    rules_path = args.rules or (run_info["rules"]["files"][0] if len(run_info["rules"]["files"]) == 1 else
                                str(Path(run_info["rules"]["files"][0]).parent))
    rules = load_rules(rules_path).rules
    verdicts = restore(pd.read_csv(out / "verdicts.csv", dtype={"subject": str, "attribute": str, "value": str},
                                   keep_default_na=False))
    scored = score(verdicts, read_gold(args.truth, args.where), rules)
    s = scored.summary
    if args.json:
        print(json.dumps({k: (v.item() if hasattr(v, "item") else v) for k, v in s.items()}, indent=2,
                         default=str))
    else:
        _print_summary(s)
    if args.errors:
        wrong = scored.joined[~scored.joined["correct"]]
        write_text_atomic(args.errors, neutralise_frame(wrong).to_csv(index=False, lineterminator="\n"))
    missing = [n for n in ("report.html", "claims.parquet") if not (out / n).exists()]
    if not args.no_report and missing:  # a run made with --no-report or --no-claims: its report is not redrawn
        log.info(f"the report is not updated with the calibration: the run has no {' and no '.join(missing)} "
                 "(made with --no-report or --no-claims)")
    elif not args.no_report:
        from ..report.build import calibration_of, rerender_run

        calibration = calibration_of(scored, args.truth)
        record = {k: v for k, v in calibration.items() if k != "bins_frame"}
        write_text_atomic(out / "evaluation.json", json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
        rerender_run(out, rules, calibration)
        log.info(f"calibration added to {out / 'report.html'} and {out / 'report.md'} (bins in evaluation.json)")
    return 0


def _print_summary(s: dict[str, Any]) -> None:
    print(f"gold items {s['gold_items']}, answered {s['answered']} (coverage {s['coverage']:.3f})")
    print(f"accuracy {s['accuracy']:.4f}  Brier {s['brier']:.4f}  ECE {s['ece']:.4f}")
    if "accuracy_at_verdict_level" in s:  # value hierarchy: a coarse verdict above the gold is right at its level
        print(f"at the verdict's level (a coarser value above the gold counts as right; "
              f"{s['correct_but_coarse']} correct but coarse): accuracy {s['accuracy_at_verdict_level']:.4f}  "
              f"Brier {s['brier_at_verdict_level']:.4f}  ECE {s['ece_at_verdict_level']:.4f}")
