"""How fast feeds are read and validated (`pipeline.load_feeds`), compared between checkouts.

    python -m bench.read_speed --trees /work/main,. --runs 2 FEED:RULES [FEED:RULES ...]

For each tree (a checkout with its own .venv) and each feed, runs `load_feeds` in a fresh process of that tree's
Python, after the imports (which `reconcile run`'s read_validate_s also counts), and takes the fastest of
`--runs` runs by CPU time. Trees and runs take turns, so that a loaded machine weighs on every tree alike.
Prints a Markdown table: wall s, CPU s (user + system, Arrow's threads included), peak RSS (MiB) and a digest of
the accepted claims, rejects and counts (equal digests: the same validation result).
"""
from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

# run inside the tree's own Python: the time and CPU of load_feeds alone, and a digest of what it returned
PROBE = r"""
import hashlib, json, resource, sys, time
import numpy as np, pandas as pd
from reconcile.pipeline import load_feeds
from reconcile.rules import load_rules

rules = load_rules(sys.argv[2]).rules
cpu, wall = time.process_time(), time.perf_counter()
table, _ = load_feeds([sys.argv[1]], rules)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
digest = hashlib.sha256()
for name, column in table.claims.items():
    digest.update(f"{name}:{column.dtype}".encode())
    if isinstance(column.dtype, pd.CategoricalDtype):
        digest.update(np.asarray(column.cat.codes, dtype=np.int64).tobytes())
        digest.update("\x00".join(map(str, column.cat.categories)).encode())
    else:
        digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
digest.update(table.rejects.to_csv(index=False).encode())
digest.update(json.dumps(table.counts, sort_keys=True).encode())
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "digest": digest.hexdigest()[:12], "claims": len(table.claims)}))
"""


def measure(tree: Path, feed: str, rules: str) -> dict[str, float | str]:
    done = subprocess.run([str(tree / ".venv" / "bin" / "python"), "-c", PROBE, feed, rules], cwd=tree,
                          capture_output=True, text=True, check=True)
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.read_speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("feeds", nargs="+", help="FEED:RULES pairs (absolute paths, or relative to each tree)")
    ap.add_argument("--trees", default=".", help="comma-separated checkouts, each with its .venv")
    ap.add_argument("--runs", type=int, default=2, help="runs per tree and feed; the fastest by CPU is kept")
    args = ap.parse_args(argv)
    trees = [Path(t).resolve() for t in args.trees.split(",")]
    print("| feed | tree | wall s | CPU s | peak MiB | claims | digest |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for pair in args.feeds:
        feed, rules = pair.rsplit(":", 1)
        best: dict[Path, dict[str, float | str]] = {}
        for _ in range(args.runs):
            for tree in trees:
                m = measure(tree, feed, rules)
                if tree not in best or float(m["cpu"]) < float(best[tree]["cpu"]):
                    best[tree] = m
        for tree in trees:
            m = best[tree]
            print(f"| {Path(feed).name} | {tree} | {float(m['wall']):.2f} | {float(m['cpu']):.2f} | "
                  f"{float(m['peak_mib']):.0f} | {m['claims']} | {m['digest']} |", flush=True)


if __name__ == "__main__":
    main()
