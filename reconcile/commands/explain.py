"""reconcile explain: claim-by-claim contributions behind one verdict."""
from __future__ import annotations

import argparse

NAME = "explain"
HELP = "explain a verdict of a finished run: each claim's source, reliability, weight, vote and quote"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", help="output folder of a finished `reconcile run`")
    p.add_argument("subject", help="the subject to explain, as in verdicts.csv")
    p.add_argument("attribute", nargs="?", help="only this attribute of the subject (default: all of them)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts: the verdicts and every claim's "
                   "contribution")


def run(args: argparse.Namespace) -> int:
    from ..explain import as_json, load_run, render
    from ..textsafe import escape_control

    run_data = load_run(args.out)
    if args.json:  # JSON escapes control characters itself
        print(as_json(run_data["claims"], run_data["verdicts"], args.subject, args.attribute))
    else:
        # feed text reaches the terminal: control sequences are shown escaped, never executed
        print(escape_control(render(run_data["claims"], run_data["verdicts"], args.subject, args.attribute)))
    return 0
