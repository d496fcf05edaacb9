"""Cost bounds on hostile shapes of feed, printed as a table.

    .venv/bin/python -m bench.robustness                 # one subject with 10,000 / 100,000 values
    flock /tmp/reconcile-heavy.lock .venv/bin/python -m bench.robustness --big-cell   # + a 100 MB feed, one 20 MB cell

Each case is a whole `reconcile run` in a subprocess (wall time and peak memory from /usr/bin/time).
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_subject(path: Path, n: int) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["source", "subject", "attribute", "value", "published_at"])
        w.writerows([f"s{i % 500}", "x", "a", f"v{i}", "2021-07-01T00:00:00Z"] for i in range(n))


def big_cell(path: Path, megabytes: int = 100, cell_mb: int = 20) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["source", "subject", "attribute", "value", "published_at"])
        w.writerow(["big", "x0", "a", "x" * (cell_mb << 20), "2021-07-01T00:00:00Z"])
        i = 0
        while fh.tell() < megabytes << 20:
            w.writerows([f"s{j % 97}", f"x{j % 50_000}", "a", f"v{j % 7}", "2021-07-01T00:00:00Z"]
                        for j in range(i, i + 10_000))
            i += 10_000


def run(feed: Path, out: Path) -> tuple[float, float, dict]:
    rules = out.parent / "r.yaml"
    rules.write_text("version: 1\n")
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "reconcile", "run", str(feed),
                           "--rules", str(rules), "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = float(proc.stderr.strip().splitlines()[-1]) / 1024
    counts = json.loads((out / "run.json").read_text())["counts"] if proc.returncode == 0 else {"exit": proc.returncode}
    return wall, peak, counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-cell", action="store_true", help="also the 100 MB feed with one 20 MB cell")
    args = parser.parse_args()
    print("| case | wall s | peak MiB | rows read | accepted | rejected |\n|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cases = [(f"one subject, {n:,} values", one_subject, n) for n in (10_000, 100_000)]
        if args.big_cell:
            cases.append(("100 MB feed, one 20 MB cell", big_cell, None))
        for i, (name, make, n) in enumerate(cases):
            feed = tmp / f"feed{i}.csv"
            make(feed, n) if n else make(feed)
            wall, peak, c = run(feed, tmp / f"out{i}")
            print(f"| {name} | {wall:.1f} | {peak:.0f} | {c.get('rows_read', '-')} | {c.get('rows_accepted', '-')} "
                  f"| {c.get('rows_rejected', c.get('exit'))} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
