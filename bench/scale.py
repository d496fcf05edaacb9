"""`python -m bench.scale`: end-to-end time and peak memory of `reconcile run` per stage, at 1M and 10M claims,
the 1M -> 10M growth, the issue's plain 1M-claim CSV.gz (source,object,value) and a 1M-claim feed with the time
model (timestamped CSV.gz). Prints a Markdown table.

Every feed is a seeded `reconcile synth` feed made in --work (reused when made by the same arguments); every
run is `reconcile run FEED --rules ... --out ...` in a fresh process under GNU time (CPU s: user + system time,
which a busy shared machine inflates less than the wall clock). Stage times and the
process's peak memory after each stage come from the run's timings.json. Run it alone: under
`flock /tmp/reconcile-heavy.lock` on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .common import BENCH, PY, RULES, machine, run_wait4, versions
from .synthetic import CHANGE_RULES, INDEPENDENT, PLAIN_RULES, generate

FEEDS = {  # name: (reconcile synth arguments, feed file, rules)
    "synth-1m": (["--claims", "1000000", "--sources", "1000", "--subjects", "200000", "--seed", "1"],
                 "claims.parquet", RULES / "synthetic.yaml"),
    "synth-10m": (["--claims", "10000000", "--sources", "1000", "--subjects", "2000000", "--seed", "1"],
                  "claims.parquet", RULES / "synthetic.yaml"),
    # the baseline: 1M claims, 2,000 sources, 100k subjects, plain source,object,value CSV.gz
    "plain-1m": (INDEPENDENT, "plain.csv.gz", PLAIN_RULES),
    "time-model-1m": (["--claims", "1000000", "--sources", "1000", "--subjects", "200000", "--change-rate", "0.5",
                       "--changes", "2", "--seed", "1", "--format", "csv"], "claims.csv.gz", CHANGE_RULES),
}
STAGES = ["read_validate", "factorise", "solve", "verdicts", "write"]


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", default=",".join(FEEDS), help=f"comma-separated subset of {', '.join(FEEDS)}")
    ap.add_argument("--work", default=str(BENCH / ".work" / "scale"), help="scratch folder")
    ap.add_argument("--json", default=None, help="also write the measured rows to this JSON file")
    return ap.parse_args(argv)


def log(msg: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def measure(name: str, work: Path) -> dict:
    args, feed_file, rules = FEEDS[name]
    folder = generate(name, args, work, log)
    if not (folder / feed_file).exists():  # plain-1m: only the source, object and value columns, as CSV.gz
        import pandas as pd

        claims = pd.read_parquet(folder / "claims.parquet", columns=["source", "subject", "value"])
        claims.rename(columns={"subject": "object"}).to_csv(folder / feed_file, index=False)
    out = work / "out" / name
    cmd = [PY, "-m", "reconcile", "run", str(folder / feed_file), "--rules", str(rules), "--out", str(out), "--quiet"]
    m = run_wait4(cmd, timeout_s=3600, log=work / "logs" / name)
    if m.returncode != 0:
        raise RuntimeError(f"{name}: reconcile run failed ({m.returncode}): {m.stderr[-500:]}")
    timings = json.loads((out / "timings.json").read_text())
    counts = json.loads((out / "run.json").read_text())["counts"]
    row = {"feed": name, "claims": counts["rows_read"], "e2e_s": m.wall_s, "cpu_s": m.cpu_s,
           "peak_mib": m.peak_rss_mib, "synth": " ".join(args)}
    for stage in STAGES:
        row[f"{stage}_s"] = timings.get(f"{stage}_s", float("nan"))
        row[f"{stage}_peak_mib"] = timings.get(f"{stage}_peak_mib", float("nan"))
    log(f"{name}: {m.wall_s:.1f} s end to end ({m.cpu_s:.1f} s CPU), peak {m.peak_rss_mib:.0f} MiB")
    return row


def table(rows: list[dict]) -> str:
    head = ["feed", "claims", "end to end s", "CPU s", "peak MiB"] + [f"{s.replace('_validate', '')} s (peak MiB)"
                                                             for s in STAGES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["feed"], f"{r['claims']:,}", f"{r['e2e_s']:.1f}", f"{r.get('cpu_s', float('nan')):.1f}",
                 f"{r['peak_mib']:.0f}"]
        cells += [f"{r[f'{s}_s']:.1f} ({r[f'{s}_peak_mib']:.0f})" for s in STAGES]
        lines.append("| " + " | ".join(cells) + " |")
    by = {r["feed"]: r for r in rows}
    if "synth-1m" in by and "synth-10m" in by:
        a, b = by["synth-1m"], by["synth-10m"]
        lines += ["", f"Growth 1M -> 10M claims: end to end x{b['e2e_s'] / a['e2e_s']:.1f}, "
                      f"peak memory x{b['peak_mib'] / a['peak_mib']:.1f}."]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse(argv)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    names = [n.strip() for n in args.feeds.split(",") if n.strip()]
    unknown = set(names) - set(FEEDS)
    if unknown:
        print(f"unknown feed(s): {sorted(unknown)}; choose from {', '.join(FEEDS)}", file=sys.stderr)
        return 2
    rows = [measure(name, work) for name in names]
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "machine": machine(), "versions": versions()}, indent=2))
    print(table(rows))
    print("\nFeeds (`reconcile synth ...`): " + "; ".join(f"{r['feed']}: {r['synth']}" for r in rows))
    m = machine()
    print(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']}, {m['os']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
