"""The fixed costs of `reconcile run`: what every run pays whatever its size, per checkout.

For each checkout given (its own `.venv`), in fresh processes, `--repeat` times (the smallest CPU time is kept,
since the machine is shared): the CPU seconds of importing the solve stage's modules (`reconcile.pipeline`)
after pandas and numpy, of a first E-step on a large partition (`accu.em_sums` with
`accu.COMPILED_MIN_ASSERTIONS` assertions: the path of every feed of 100,000 claims and more), of the
confidence map's first fit (`consistency.fit_map`), and whether numba and scipy.optimize were loaded on the way;
then `reconcile run` end to end on small feeds (CPU user+sys and wall, from the child's resource usage).

    python -m bench.fixed_costs --trees /work/main,. [--feeds data/sample_claims.csv=rules/ ...]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

PROBE = r"""
import json, sys, time
import numpy as np, pandas as pd
cpu = time.process_time
t0 = cpu()
import reconcile.pipeline
from reconcile.solve import accu, consistency
from reconcile.solve.arrays import Partition
t1 = cpu()
n = accu.COMPILED_MIN_ASSERTIONS
rng = np.random.default_rng(0)
items = n // 10
cand = np.sort(rng.integers(0, 3 * items, n)).astype(np.int64)
cand_ids, cand = np.unique(cand, return_inverse=True)
cand_item = (cand_ids // 3).astype(np.int64)
item_ids, cand_item = np.unique(cand_item, return_inverse=True)
item_start = np.searchsorted(cand_item, np.arange(len(item_ids))).astype(np.int64)
part = Partition(rng.integers(0, 500, n).astype(np.int64), cand.astype(np.int64), np.ones(n), cand_item,
                 item_start, np.full(len(item_ids), 4.0), np.zeros(len(item_ids), dtype=bool), 500, None)
t2 = cpu()
accu.em_sums(part, rng.uniform(0.3, 0.9, 500))
t3 = cpu()
sums = np.zeros((consistency.FOLDS, 4, consistency.N_STRATA, consistency.N_BINS))
sums[:, 0] = rng.uniform(1, 5, sums[:, 0].shape)
sums[:, 1] = sums[:, 0] * rng.uniform(0.2, 0.9, sums[:, 0].shape)
sums[:, 2] = sums[:, 0] * 0.6
sums[:, 3] = sums[:, 1]
t4 = cpu()
consistency.fit_map(sums)
t5 = cpu()
print(json.dumps({"import_s": t1 - t0, "first_estep_s": t3 - t2, "first_map_s": t5 - t4,
                  "numba": "numba" in sys.modules, "scipy_optimize": "scipy.optimize" in sys.modules}))
"""


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.fixed_costs", description=__doc__.split("\n\n")[0])
    ap.add_argument("--trees", default=".", help="comma-separated checkouts, each with its own .venv")
    ap.add_argument("--feeds", nargs="*", default=["data/sample_claims.csv=rules/"],
                    help="FEED=RULES pairs (relative to each checkout, or absolute) run end to end")
    ap.add_argument("--repeat", type=int, default=3)
    return ap.parse_args(argv)


def _child_cpu(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """(CPU user+sys, wall seconds, stdout) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-500:]}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall, done.stdout


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    print(f"load average {os.getloadavg()[0]:.1f}; CPU seconds, the smallest of {args.repeat} fresh processes")
    print(f"{'checkout':<12} {'measure':<44} {'CPU s':>7} {'wall s':>7}")
    for tree in (Path(t).resolve() for t in args.trees.split(",")):
        py = str(tree / ".venv" / "bin" / "python")
        probes = [json.loads(_child_cpu([py, "-c", PROBE], tree)[2].strip().splitlines()[-1])
                  for _ in range(args.repeat)]
        for key, label in (("import_s", "import reconcile.pipeline"), ("first_estep_s", "first large E-step"),
                           ("first_map_s", "first confidence map")):
            print(f"{tree.name:<12} {label:<44} {min(p[key] for p in probes):>7.2f} {'':>7}")
        print(f"{tree.name:<12} loaded on the way: numba {probes[0]['numba']}, scipy.optimize "
              f"{probes[0]['scipy_optimize']}")
        for feed_rules in args.feeds:
            feed, rules = feed_rules.split("=")
            runs = []
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as out:
                    cpu, wall, _ = _child_cpu([py, "-m", "reconcile", "run", feed, "--rules", rules, "--out", out,
                                               "--quiet"], tree)
                runs.append((cpu, wall))
            cpu, wall = min(runs)
            print(f"{tree.name:<12} {'run ' + Path(feed).name:<44} {cpu:>7.2f} {wall:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
