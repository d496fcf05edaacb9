"""`python -m bench.spark`: the Spark engine against the in-process one on 1M synthetic claims, its per-iteration
overhead and per-partition cost, and an estimate of how it scales with executors. Prints a Markdown table.

1. End to end: `reconcile run FEED --engine pandas` and `--engine spark --spark-master local[N]`, each in a fresh
   process (wall time and peak memory by GNU time; stage times from timings.json; iterations from run.json).
2. In one process, on the same feed's arrays: one EM iteration (`engine.map_sum(em_statistics, ...)`) timed
   (median of --repeat) on (a) the in-process engine, the whole problem; (b) Spark with two tiny partitions
   (the first 50 items each): the fixed cost of a job, O; (c) Spark with the whole problem in P partitions, for
   each P of --parts: T(P).
3. Estimate: the work of an iteration W = (T(P) - O) x cores (the cores of local[N] were all busy), so with E
   executors of one core an iteration takes about O + W / E; the fit's measured time (every job: EM, copy rounds,
   posteriors) is scaled by that over T(P), and the driver's fixed part (read, factorise, verdicts, write, the
   JVM's start: the end-to-end time less the fit) is added. An estimate from
   two measurements on one machine, not a cluster measurement: network transfer of the first cached copy and
   stragglers are not in it.

Run it alone (`flock /tmp/reconcile-heavy.lock .venv/bin/python -m bench.spark`).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from .common import BENCH, PY, RULES, machine, run_wait4
from .synthetic import generate



def feed_args(claims: int) -> list[str]:
    """1,000,000 claims: the feed of bench.scale's synth-1m (1,000 sources, 5 claims per subject)."""
    return ["--claims", str(claims), "--sources", "1000", "--subjects", str(claims // 5), "--seed", "1"]


def log(msg: str) -> None:
    print(f"[spark {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def end_to_end(feed: Path, work: Path, engine: str, master: str) -> dict:
    out = work / "out" / engine
    cmd = [PY, "-m", "reconcile", "run", str(feed), "--rules", str(RULES / "synthetic.yaml"), "--out", str(out),
           "--quiet", "--engine", engine] + (["--spark-master", master] if engine == "spark" else [])
    m = run_wait4(cmd, timeout_s=3600, log=work / "logs" / f"run-{engine}")
    if m.returncode != 0:
        raise RuntimeError(f"{engine}: reconcile run failed ({m.returncode}): {m.stderr[-800:]}")
    timings = json.loads((out / "timings.json").read_text())
    run = json.loads((out / "run.json").read_text())
    row = {"engine": engine if engine == "pandas" else f"spark {master}", "e2e_s": m.wall_s,
           "peak_mib": m.peak_rss_mib, "solve_s": timings["solve_s"], "iterations": run["solver"]["iterations"]}
    log(f"{row['engine']}: {m.wall_s:.1f} s end to end, solve {row['solve_s']:.1f} s, {row['iterations']} iterations")
    return row


def problem_arrays(feed: Path):
    from reconcile import load_rules
    from reconcile.pipeline import load_feeds
    from reconcile.solve.arrays import build_problem
    from reconcile.sources import resolve_priors

    rules = load_rules(RULES / "synthetic.yaml")
    table, _ = load_feeds([feed], rules)
    priors = resolve_priors(list(table.claims["source"].cat.categories), rules, None)
    return build_problem(table.claims, rules, table.as_of, priors).part


def first_items(part, n_items: int):
    """The first n_items items of a partition, as a partition (a tiny problem with the same sources)."""
    from reconcile.solve.tasks import split

    k = -(-part.n_items // n_items)  # cut into pieces of about n_items items and keep the first
    return split(part, k)[0][1]


def time_iteration(engine, parts, sa_rel, repeat: int) -> float:
    from reconcile.solve.tasks import em_statistics

    engine.map_sum(parts, em_statistics, "accu", sa_rel)  # first job: caches the partitions
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        engine.map_sum(parts, em_statistics, "accu", sa_rel)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def per_iteration(feed: Path, master: str, part_counts: list[int], repeat: int) -> dict:
    from reconcile.engines import LocalEngine
    from reconcile.engines.spark import SparkEngine

    part = problem_arrays(feed)
    sa_rel = np.full(part.n_sa, 0.8)
    local = LocalEngine()
    out = {"local_s": time_iteration(local, local.partitions(part, 1), sa_rel, repeat), "n_claims_arrays":
           len(part.assert_source)}
    with SparkEngine(master=master) as spark:
        cores = spark.sc.defaultParallelism
        tiny = first_items(part, 50)
        parts = spark.partitions(tiny, 2)
        out["overhead_s"] = time_iteration(spark, parts, sa_rel, repeat)
        spark.release(parts)
        out["by_parts"] = {}
        for n in part_counts:
            parts = spark.partitions(part, n)
            out["by_parts"][n] = time_iteration(spark, parts, sa_rel, repeat)
            spark.release(parts)
            log(f"Spark, {n} partitions: {out['by_parts'][n]:.2f} s per iteration")
        out["cores"] = cores
    return out


def report(rows: list[dict], it: dict, executors: list[int]) -> str:
    lines = ["| engine | end to end s | peak MiB | solve s | EM iterations |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['engine']} | {r['e2e_s']:.1f} | {r['peak_mib']:.0f} | {r['solve_s']:.1f} | "
                     f"{r['iterations']} |")
    o, cores = it["overhead_s"], it["cores"]
    lines += ["", "| one EM iteration | seconds |", "|---|---|",
              f"| in process, whole problem ({it['n_claims_arrays']:,} assertions) | {it['local_s']:.3f} |",
              f"| Spark, 2 tiny partitions (fixed cost of a job, O) | {o:.3f} |"]
    for n, t in it["by_parts"].items():
        lines.append(f"| Spark, whole problem in {n} partitions, T({n}) | {t:.3f} |")
    n_best = min(it["by_parts"], key=it["by_parts"].get)
    work_s = max(it["by_parts"][n_best] - o, 0.0) * cores
    per_part = work_s / n_best
    lines += ["", f"Work of one iteration W = (T({n_best}) - O) x {cores} cores = {work_s:.2f} core-seconds "
                  f"({per_part:.3f} s per partition of {it['n_claims_arrays'] // n_best:,} assertions)."]
    spark_row = next((r for r in rows if r["engine"].startswith("spark")), None)
    lines += ["", "| executors (1 core each) | estimated s per iteration (O + W / E) |"
              + (" estimated solve s | estimated end to end s |" if spark_row else ""),
              "|---|---|" + ("---|---|" if spark_row else "")]
    for e in executors:
        per = o + work_s / e
        cell = ""
        if spark_row:  # the measured solve (every job: EM, copy rounds, posteriors) scaled by the per-job estimate
            solve = spark_row["solve_s"] * per / it["by_parts"][n_best]
            cell = f" {solve:.1f} | {spark_row['e2e_s'] - spark_row['solve_s'] + solve:.1f} |"
        lines.append(f"| {e} | {per:.3f} |{cell}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.spark", description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default=str(BENCH / ".work" / "spark"), help="scratch folder")
    ap.add_argument("--master", default="local[2]", help="Spark master of the runs (default local[2])")
    ap.add_argument("--parts", default="2,8", help="partition counts of the per-iteration timing")
    ap.add_argument("--repeat", type=int, default=5, help="timed iterations per measurement (median)")
    ap.add_argument("--executors", default="1,2,8,32,128", help="executor counts of the estimate")
    ap.add_argument("--skip-e2e", action="store_true", help="only the per-iteration measurements")
    ap.add_argument("--claims", type=int, default=1_000_000, help="size of the synthetic feed (default 1,000,000)")
    args = ap.parse_args(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    feed = generate(f"synth-{args.claims}", feed_args(args.claims), work, log) / "claims.parquet"
    rows = [] if args.skip_e2e else [end_to_end(feed, work, e, args.master) for e in ("pandas", "spark")]
    it = per_iteration(feed, args.master, [int(x) for x in args.parts.split(",")], args.repeat)
    print(report(rows, it, [int(x) for x in args.executors.split(",")]))
    m = machine()
    print(f"\nFeed: `reconcile synth {' '.join(feed_args(args.claims))}`. Machine: {m['nproc']} cores ({m['cpu']}), "
          f"{m['memory']}, {m['os']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
