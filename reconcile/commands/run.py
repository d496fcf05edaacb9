"""reconcile run: feeds + rules -> verdicts, contradictions, sources, report in an output folder."""
from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..pipeline import Result

log = logging.getLogger("reconcile")

NAME = "run"
HELP = "reconcile claim feeds (CSV, CSV.gz, JSON Lines, Parquet, or article text) into verdicts and a report"
ENGINES = ("pandas", "spark")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed files; several are read as one feed; - reads "
                   "standard input (its format given by --stdin-format)")
    p.add_argument("--stdin-format", dest="stdin_format", default="csv", choices=("csv", "tsv", "jsonl", "txt"),
                   help="format of a feed read from standard input (-)")
    p.add_argument("--rules", help="rules: a YAML file or a folder of them (default: ./rules if it exists, else "
                   "the rules packaged with reconcile)")
    p.add_argument("-o", "--out", required=True, help="output folder (created; results replace earlier ones "
                   "atomically)")
    p.add_argument("--as-of", dest="as_of", help="ISO 8601 time with zone, e.g. 2021-07-07T23:59:59Z; claims "
                   "published later are excluded; default: the latest publication time in the feed")
    p.add_argument("--solver", help="override the rules' solver: accu, majority or truthfinder")
    p.add_argument("--engine", default="pandas", help="execution engine: pandas (in process) or spark "
                   "(needs `pip install 'reconcile[spark]'` and Java 17+; see docs/spark.md)")
    p.add_argument("--spark-master", dest="spark_master", help="with --engine spark: the Spark master, e.g. "
                   "local[2] or spark://host:7077 (default: spark-submit's, else local[*])")
    p.add_argument("--partitions", type=int, default=1, help="cut the work into this many partitions of whole "
                   "subjects (results are identical; with --engine spark at least the cluster's parallelism)")
    p.add_argument("--decisions", help="analyst decisions to honour (YAML or CSV; see docs/decisions.md)")
    p.add_argument("--state", help="DuckDB state file: learned reliabilities carried from earlier runs, verdict "
                   "history, contradictions seen (created if missing; default: `state.path` in the rules)")
    p.add_argument("--state-wait", dest="state_wait", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for another run holding the state (default 30), then stop")
    p.add_argument("--published-at", dest="published_at", help="publication date for article feeds that give none")
    p.add_argument("--source", default=None, metavar="NAME",
                   help="outlet for articles with no source field and no outlet named in their text")
    p.add_argument("--no-claims", dest="no_claims", action="store_true",
                   help="do not write claims.parquet, the per-claim table (the largest output; `reconcile "
                   "explain` and `graph` need it): a faster run on a big feed")
    p.add_argument("--no-report", dest="no_report", action="store_true",
                   help="do not write report.md and report.html (nor draw their charts): a faster run")


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError

    if args.engine not in ENGINES:
        raise UsageError(f"unknown engine {args.engine!r}; available: {', '.join(ENGINES)}")
    if args.spark_master is not None and args.engine != "spark":
        raise UsageError("--spark-master needs --engine spark")
    if not args.out.strip():
        raise UsageError("--out is empty; give an output folder, e.g. --out out/")
    if args.partitions < 1:
        raise UsageError("--partitions must be at least 1")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    from ..decisions import load_decisions
    from ..engines import make_engine
    from ..outputs.tables import write_result
    from ..pipeline import load_feeds, peak_mib, solve
    from ..report.drawing import chart_process
    from ..rules import load_rules
    from ..rules.packaged import resolve_rules

    rules_path = resolve_rules(args.rules)
    if args.rules is None:
        log.info("rules: %s (no --rules given)", rules_path)
    loaded = load_rules(rules_path)
    published_at = _published_at(args.published_at)
    with _stdin_spooled(args.feeds, args.stdin_format) as feeds:
        table, extraction = load_feeds(feeds, loaded.rules, args.as_of, published_at, source=args.source)
        decisions = load_decisions(args.decisions) if args.decisions else None
        timings["read_validate_s"] = time.perf_counter() - t0
        timings["read_validate_cpu_s"] = time.process_time()  # CPU seconds of this process so far (its start-up too)
        timings["read_validate_peak_mib"] = peak_mib()

        def summary(result: Result) -> dict[str, Any]:
            """The rules in effect as report.md lists them (the learned default prior is known after the fit)."""
            default = loaded.rules.defaults.reliability
            learned = result.fit.pooled_prior if result.fit is not None else None
            return {"solver": result.solver,
                    "default reliability": default if default is not None else
                    (f"learned from the feed: {learned:.3f}" if learned is not None else "learned from the feed"),
                    "unknown sources": loaded.rules.defaults.unknown_sources,
                    "settled at": loaded.rules.solver.thresholds.settled}

        inputs = [("-", read) if given == "-" else given for given, read in zip(args.feeds, feeds)]
        state_path = args.state or loaded.rules.state.path
        # the report's charts: a helper process starts on another core now that the feed is read (drawing.py)
        with (contextlib.nullcontext(None) if args.no_report else chart_process()) as drawer, \
                make_engine(args.engine, master=args.spark_master) as engine:
            if state_path:
                from ..state.daily import run_with_state

                result, run_id = run_with_state(state_path, args.state_wait, table, loaded, args, timings,
                                                extraction, decisions, summary, feeds, inputs, engine)
                log.info(f"state {state_path}: recorded as run {run_id}")
            else:
                result = solve(table, loaded.rules, args.solver, args.partitions, timings, extraction, decisions,
                               engine=engine)
                write_result(result, args.out, inputs, loaded.files, loaded.digest, summary(result), args.engine,
                             drawer, claims=not args.no_claims, report=not args.no_report)
    c = result.counts
    status = result.verdicts["status"].value_counts()
    log.info(f"read {c['rows_read']} rows: {c['rows_accepted']} accepted, {c['rows_rejected']} rejected, "
          f"{c['rows_excluded']} excluded; {c['claims']} distinct claims; {len(result.verdicts)} verdicts ("
          + ", ".join(f"{k} {v}" for k, v in sorted(status.items())) + f"); {len(result.contradictions)} "
          f"contradictions -> {args.out}")
    for note in result.decision_notes:
        log.warning(f"warning: {note}")
    t = result.timings
    log.info(f"time: read {t['read_validate_s']:.1f} s, factorise {t['factorise_s']:.1f} s, solve {t['solve_s']:.1f} s, "
          f"verdicts {t['verdicts_s']:.1f} s, write {t['write_s']:.1f} s")
    return 0


@contextlib.contextmanager
def _stdin_spooled(feeds: list[str], fmt: str) -> Iterator[list[str]]:
    """`-` among the feeds: standard input copied to a temporary file named stdin.FMT (the readers need a file
    they can read twice: header first, then the table); removed afterwards."""
    if "-" not in feeds:
        yield feeds
        return
    if feeds.count("-") > 1:
        from ..errors import UsageError

        raise UsageError("standard input (-) can be given once")
    with tempfile.TemporaryDirectory(prefix="reconcile-stdin-") as folder:
        path = Path(folder) / f"stdin.{fmt}"
        with open(path, "wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield [str(path) if f == "-" else f for f in feeds]


def _published_at(text: str | None) -> pd.Timestamp | None:
    if text is None:
        return None
    from ..errors import UsageError
    from ..feed.times import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise UsageError(f"--published-at {text!r}: {exc}") from None
