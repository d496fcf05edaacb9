"""`python -m bench.solve_speed`: the solve stage alone on the seeded 1M-claim feeds, repeated; prints a table.

The feeds are read and validated once, then `reconcile.pipeline.solve` runs `--repeat` times in this process
(the first run also loads the compiled kernels from numba's cache: it is reported apart). Per feed: the solve
stage's wall seconds (`timings["solve_s"]`: EM with per-attribute reliability, copy detection, over-dispersion)
and its CPU seconds (`timings["solve_cpu_s"]`), best and median of the repeats. On a shared machine the CPU
seconds are the less noisy figure; both are single-core (nothing in the solve stage runs threads).
Run it under `flock /tmp/reconcile-heavy.lock` on a shared machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from reconcile.pipeline import load_feeds, solve
from reconcile.rules import load_rules
from reconcile.solve import engine

from .common import BENCH, RULES
from .synthetic import INDEPENDENT, PLAIN_RULES, generate

FEEDS = {  # name: (reconcile synth arguments, feed file in the generated folder, rules)
    "synth-1m": (["--claims", "1000000", "--sources", "1000", "--subjects", "200000", "--seed", "1"],
                 "claims.parquet", RULES / "synthetic.yaml"),
    "independent-2000-sources": (INDEPENDENT, "plain.csv.gz", PLAIN_RULES),  # as bench.run's scenario
}


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.solve_speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", default=",".join(FEEDS), help=f"comma-separated subset of {', '.join(FEEDS)}")
    ap.add_argument("--repeat", type=int, default=5, help="timed solves per feed after the first (default 5)")
    ap.add_argument("--plain-em", action="store_true",
                    help="static EM without SQUAREM at any size (reconcile.solve.engine.ACCELERATE_MIN_ASSERTIONS), "
                         "for a before/after comparison")
    ap.add_argument("--work", default=str(BENCH / ".work"), help="scratch folder (feeds are shared with bench.run)")
    return ap.parse_args(argv)


def measure(name: str, work: Path, repeat: int) -> dict:
    args, feed_file, rules_path = FEEDS[name]
    folder = generate(name, args, work, lambda m: print(m, file=sys.stderr))
    if not (folder / feed_file).exists():  # the plain source,object,value columns (bench.synthetic.run_independent)
        claims = pd.read_parquet(folder / "claims.parquet", columns=["source", "subject", "value"])
        claims.rename(columns={"subject": "object"}).to_csv(folder / feed_file, index=False)
    rules = load_rules(str(rules_path)).rules
    table, _ = load_feeds([folder / feed_file], rules)
    first: dict = {}
    result = solve(table, rules, timings=first)
    wall, cpu = [], []
    for _ in range(repeat):
        t: dict = {}
        solve(table, rules, timings=t)
        wall.append(t["solve_s"])
        cpu.append(t.get("solve_cpu_s", float("nan")))  # nan: a version of reconcile without the CPU timing
    return {"feed": name, "claims": int(table.counts["claims"]), "first_s": first["solve_s"],
            "wall_best": min(wall), "wall_median": statistics.median(wall), "cpu_best": min(cpu),
            "cpu_median": statistics.median(cpu), "iterations": result.fit.iterations,
            "pairs": int(result.counts["dependent_source_pairs"]), "repeat": repeat}


def table(rows: list[dict]) -> str:
    head = ["feed", "claims", "solve wall s best / median", "solve CPU s best / median", "first run s",
            "EM iterations", "dependent pairs"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(f"| {r['feed']} | {r['claims']:,} | {r['wall_best']:.2f} / {r['wall_median']:.2f} | "
                     f"{r['cpu_best']:.2f} / {r['cpu_median']:.2f} | {r['first_s']:.2f} | {r['iterations']} | "
                     f"{r['pairs']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse(argv)
    names = [n.strip() for n in args.feeds.split(",") if n.strip()]
    unknown = set(names) - set(FEEDS)
    if unknown:
        print(f"unknown feed(s): {sorted(unknown)}; choose from {', '.join(FEEDS)}", file=sys.stderr)
        return 2
    if args.repeat < 1:
        print("--repeat must be at least 1", file=sys.stderr)
        return 2
    if args.plain_em:
        engine.ACCELERATE_MIN_ASSERTIONS = sys.maxsize
    work = Path(args.work).resolve()
    started = time.perf_counter()
    rows = [measure(name, work, args.repeat) for name in names]
    print(table(rows))
    print(f"\n{args.repeat} timed solves per feed after a first one; {time.perf_counter() - started:.0f} s in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
