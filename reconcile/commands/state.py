"""reconcile state: inspect, back up and restore the DuckDB state carried from run to run."""
from __future__ import annotations

import argparse

NAME = "state"
HELP = "show, export (Parquet) or import the state file that carries learned reliabilities between runs"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", help="show, export or import")
    sub.required = True
    show = sub.add_parser("show", help="runs, sources' learned reliability, contradictions, size on disk")
    show.add_argument("state", help="the state file (a DuckDB file made by `reconcile run --state`)")
    show.add_argument("--subject", help="the verdict timeline of one subject across runs, changes marked")
    show.add_argument("--run", type=int, help="the sources' evidence as of this run (default: the latest)")
    exp = sub.add_parser("export", help="write every table as Parquet into a folder (a backup)")
    exp.add_argument("state", help="the state file")
    exp.add_argument("folder", help="the folder to write (Parquet per table, schema.sql, load.sql)")
    imp = sub.add_parser("import", help="make a new state file from an exported folder")
    imp.add_argument("folder", help="a folder made by `reconcile state export`")
    imp.add_argument("state", help="the new state file to create")


def run(args: argparse.Namespace) -> int:
    import os

    import pandas as pd

    from ..state.store import StateStore, import_state

    if args.action == "import":
        import_state(args.folder, args.state)
        print(f"{args.state}: imported from {args.folder}")
        return 0
    with StateStore.open(args.state, wait=0.0, create=False) as store:
        if args.action == "export":
            store.export(args.folder)
            print(f"{args.folder}: state exported (Parquet, one file per table; schema.sql, load.sql)")
            return 0
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200):
            if args.subject:
                print(store.timeline(args.subject).to_string(index=False))
                return 0
            runs = store.runs()
            print(f"state {args.state}: schema version {store.version()}, {len(runs)} run(s), "
                  f"{os.path.getsize(args.state):,} bytes")
            sizes = store.con.execute("SELECT (SELECT count(*) FROM verdict_history), "
                                      "(SELECT count(*) FROM source_evidence), "
                                      "(SELECT count(*) FROM contradiction_seen)").fetchone() or (0, 0, 0)
            print(f"rows: {sizes[0]:,} verdicts, {sizes[1]:,} source evidence, {sizes[2]:,} contradiction sightings"
                  f" ({os.path.getsize(args.state) / max(sum(sizes), 1):,.1f} bytes per row, whole file)")
            print("\nruns:")
            print(runs.drop(columns=["counts"]).to_string(index=False) if len(runs) else "  none")
            run_id = args.run or (int(runs["run_id"].iloc[-1]) if len(runs) else None)
            ev = store.evidence(run_id)
            print(f"\nsources (evidence after run {run_id}):")
            print(ev.to_string(index=False) if len(ev) else "  none")
            contra = store.contradictions()
            if len(contra):
                print("\ncontradictions by review status:")
                print(contra["review"].value_counts().to_string())
    return 0
