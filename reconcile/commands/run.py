"""reconcile run: feeds + rules -> verdicts, contradictions, sources, report in an output folder."""
from __future__ import annotations

import sys
import time

NAME = "run"
HELP = "reconcile claim feeds (CSV, CSV.gz, JSON Lines, Parquet, or article text) into verdicts and a report"
ENGINES = ("pandas",)


def add_arguments(p) -> None:
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed files; several are read as one feed")
    p.add_argument("--rules", required=True, help="rules: a YAML file or a folder of them")
    p.add_argument("--out", required=True, help="output folder (created; results replace earlier ones atomically)")
    p.add_argument("--as-of", dest="as_of", help="ISO 8601 time with zone, e.g. 2021-07-07T23:59:59Z; claims "
                   "published later are excluded; default: the latest publication time in the feed")
    p.add_argument("--solver", help="override the rules' solver: accu, majority or truthfinder")
    p.add_argument("--engine", default="pandas", help="execution engine (default: pandas, in-process)")
    p.add_argument("--partitions", type=int, default=1, help="cut the work into this many partitions of whole "
                   "subjects (results are identical; for testing the partitioned kernel)")
    p.add_argument("--decisions", help="analyst decisions to honour (YAML or CSV; see docs/decisions.md)")
    p.add_argument("--state", help="DuckDB state file: learned reliabilities carried from earlier runs, verdict "
                   "history, contradictions seen (created if missing; default: `state.path` in the rules)")
    p.add_argument("--state-wait", dest="state_wait", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for another run holding the state (default 30), then stop")
    p.add_argument("--published-at", dest="published_at", help="publication date for article feeds that give none")


def run(args) -> int:
    from ..decisions import load_decisions
    from ..errors import UsageError
    from ..outputs.tables import write_result
    from ..pipeline import load_feeds, solve
    from ..rules import load_rules

    if args.engine not in ENGINES:
        raise UsageError(f"unknown engine {args.engine!r}; available: {', '.join(ENGINES)}")
    if args.partitions < 1:
        raise UsageError("--partitions must be at least 1")
    timings = {}
    t0 = time.perf_counter()
    loaded = load_rules(args.rules)
    published_at = _published_at(args.published_at)
    table, extraction = load_feeds(args.feeds, loaded.rules, args.as_of, published_at)
    decisions = load_decisions(args.decisions) if args.decisions else None
    timings["read_validate_s"] = time.perf_counter() - t0
    summary = {"solver": result_solver(args, loaded.rules), "default reliability": loaded.rules.defaults.reliability,
               "unknown sources": loaded.rules.defaults.unknown_sources,
               "settled at": loaded.rules.solver.thresholds.settled}
    state_path = args.state or loaded.rules.state.path
    if state_path:
        from ..state.daily import run_with_state

        result, run_id = run_with_state(state_path, args.state_wait, table, loaded, args, timings, extraction,
                                        decisions, summary)
        print(f"state {state_path}: recorded as run {run_id}", file=sys.stderr)
    else:
        result = solve(table, loaded.rules, args.solver, args.partitions, timings, extraction, decisions)
        write_result(result, args.out, args.feeds, loaded.files, loaded.digest, summary, args.engine)
    c = result.counts
    status = result.verdicts["status"].value_counts()
    print(f"read {c['rows_read']} rows: {c['rows_accepted']} accepted, {c['rows_rejected']} rejected, "
          f"{c['rows_excluded']} excluded; {c['claims']} distinct claims; {len(result.verdicts)} verdicts ("
          + ", ".join(f"{k} {v}" for k, v in sorted(status.items())) + f"); {len(result.contradictions)} "
          f"contradictions -> {args.out}", file=sys.stderr)
    for note in result.decision_notes:
        print(f"warning: {note}", file=sys.stderr)
    t = result.timings
    print(f"time: read {t['read_validate_s']:.1f} s, factorise {t['factorise_s']:.1f} s, solve {t['solve_s']:.1f} s, "
          f"verdicts {t['verdicts_s']:.1f} s, write {t['write_s']:.1f} s", file=sys.stderr)
    return 0


def result_solver(args, rules) -> str:
    return args.solver or rules.solver.name


def _published_at(text):
    if text is None:
        return None
    from ..errors import UsageError
    from ..feed.times import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise UsageError(f"--published-at {text!r}: {exc}") from None
