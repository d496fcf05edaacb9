"""reconcile diff: what changed between two runs, or what a rules edit does to the same feed."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diff import Snapshot

NAME = "diff"
HELP = ("compare two runs (output folders, or a run recorded in the state): verdict values and statuses, "
        "confidence moves, contradictions new/persisting/gone, source reliability moves; exit 1 if anything changed")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="OUT_A OUT_B (two output folders); with --since: [OUT] (default: the state's latest run); "
                   "with two --rules: the FEED files to run under both")
    p.add_argument("--state", help="the state file, for --since")
    p.add_argument("--since", type=int, metavar="RUN", help="compare against this run recorded in --state")
    p.add_argument("--rules", action="append", metavar="RULES",
                   help="give twice (A then B) to run the FEEDs under both rules and diff the results")
    p.add_argument("--as-of", dest="as_of", help="with --rules: the runs' --as-of")
    p.add_argument("--decisions", help="with --rules: decisions honoured by both runs")
    p.add_argument("--confidence", type=float, default=0.1, help="report confidence moves at least this big (0.1)")
    p.add_argument("--reliability", type=float, default=0.05, help="report source reliability moves at least this "
                   "big (0.05)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON on stdout: {summary, changes}")
    fmt.add_argument("--csv", action="store_true", help="CSV of the changes on stdout")
    p.add_argument("--limit", type=int, default=50, help="rows shown in the table for people (default 50)")


def _snapshots(args: argparse.Namespace) -> list[Snapshot]:
    from .. import diff as d
    from ..errors import UsageError

    if args.rules:
        if len(args.rules) != 2 or not args.paths:
            raise UsageError("to compare rules give --rules A --rules B and the FEED file(s)")
        from ..decisions import load_decisions
        from ..pipeline import load_feeds, solve
        from ..rules import load_rules

        decisions = load_decisions(args.decisions) if args.decisions else None
        snaps = []
        for path in args.rules:
            rules = load_rules(path).rules
            table, extraction = load_feeds(args.paths, rules, args.as_of)
            snaps.append(d.from_result(f"rules {path}", solve(table, rules, extraction=extraction,
                                                              decisions=decisions)))
        return snaps
    if args.since is not None or args.state:
        if not (args.since is not None and args.state):
            raise UsageError("--since RUN needs --state STATE (and the other way round)")
        if len(args.paths) > 1:
            raise UsageError("with --since give at most one output folder")
        from ..state.store import StateStore

        with StateStore.open(args.state, wait=30.0, create=False) as store:
            before = d.from_state(store, args.since)
            after = d.from_output(args.paths[0]) if args.paths else d.from_state(store, None)
        return [before, after]
    if len(args.paths) != 2:
        raise UsageError("give two output folders: reconcile diff OUT_A OUT_B (or --state S --since RUN, or "
                         "--rules A --rules B FEED)")
    return [d.from_output(p) for p in args.paths]


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from .. import diff as d

    before, after = _snapshots(args)
    changes, summary = d.diff(before, after, args.confidence, args.reliability)
    if args.json:
        print(json.dumps({"summary": summary, "changes": changes.to_dict(orient="records")}, indent=2))
    elif args.csv:
        changes.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        print(d.render(changes, summary, args.limit))
    return 1 if summary["changed"] else 0
