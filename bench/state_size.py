"""How big the state gets: record several days of a large synthetic feed and measure the DuckDB file.

Each day is a synthetic feed (reconcile/synth, its own seed) over the same subjects, solved and recorded in the
state exactly as `reconcile run --state` does (outputs are not written: only the state is measured). Prints
bytes per verdict row (the whole file divided by the verdict rows: an upper bound that includes every other table)
and the projection to a 30-day history of a 1M-subject feed.

    flock /tmp/reconcile-heavy.lock python -m bench.state_size [--subjects 1000000] [--days 3]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from reconcile.feed.validate import validate
from reconcile.pipeline import solve
from reconcile.rules.model import Rules
from reconcile.state.store import StateStore
from reconcile.synth import SynthConfig, generate


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--subjects", type=int, default=1_000_000)
    p.add_argument("--claims", type=int, default=2_000_000)
    p.add_argument("--sources", type=int, default=200)
    p.add_argument("--days", type=int, default=3)
    args = p.parse_args(argv)
    rules = Rules.model_validate({"version": 1, "solver": {"domain_size": 10}, "copying": {"enabled": False}})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.duckdb"
        rows = []
        for day in range(args.days):
            feed = generate(SynthConfig(seed=100 + day, n_claims=args.claims, n_sources=args.sources,
                                        n_subjects=args.subjects, span_days=1.0,
                                        start=f"2024-05-{day + 1:02d}T00:00:00Z")).claims
            frame = feed[["source", "subject", "attribute", "value", "published_at"]].astype(
                {"source": str, "subject": str, "attribute": str, "value": str})
            frame["published_at"] = frame["published_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            frame["_file"], frame["_row"] = "(synth)", range(1, len(frame) + 1)
            as_of = pd.Timestamp(f"2024-05-{day + 2:02d}T00:00:00Z")
            table = validate([frame], rules, as_of)
            started = time.perf_counter()
            with StateStore.open(path) as store:
                carried, previous, _, share = store.carried(as_of, rules.state.forget, rules.state.per)
                result = solve(table, rules, carried=carried)
                solved = time.perf_counter()
                store.record(result, as_of, [], [], "", share, previous, "")
            recorded = time.perf_counter()
            with StateStore.open(path) as store:
                n_verdicts, n_evidence = store.con.execute(
                    "SELECT (SELECT count(*) FROM verdict_history), (SELECT count(*) FROM source_evidence)"
                ).fetchone()
            size = os.path.getsize(path)
            rows.append({"day": day + 1, "claims": len(frame), "verdicts_today": len(result.verdicts),
                         "verdict_rows": n_verdicts, "evidence_rows": n_evidence, "file_bytes": size,
                         "bytes_per_verdict_row": size / n_verdicts, "solve_s": round(solved - started, 1),
                         "record_s": round(recorded - solved, 1)})
            print(rows[-1], file=sys.stderr, flush=True)
    frame = pd.DataFrame(rows)
    print(frame.to_string(index=False))
    last = rows[-1]
    growth = (rows[-1]["file_bytes"] - rows[0]["file_bytes"]) / max(rows[-1]["verdict_rows"] - rows[0]["verdict_rows"], 1)
    print(f"\nbytes per verdict row, whole file / rows: {last['bytes_per_verdict_row']:.1f}; "
          f"marginal (growth after day 1 / rows added): {growth:.1f}")
    print(f"projection, 30 days x 1M subjects: {30e6 * growth / 1e9:.2f} GB (+ day 1's dictionaries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
