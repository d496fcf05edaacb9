"""One day of the daily loop against the state: read the carried priors, solve, write the outputs, record the run.

The state's lock is held throughout, so two runs on one state take turns and each sees the one before.
"""
from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..decisions import DecisionsFile
from ..engines import Engine
from ..errors import StateError
from ..feed.validate import ClaimsTable
from ..outputs.atomic import sha256_file
from ..outputs.tables import write_result
from ..pipeline import Result, solve
from ..rules.loader import LoadedRules
from .store import StateStore


def run_with_state(state_path: str | Path, wait: float, table: ClaimsTable, loaded: LoadedRules,
                   args: argparse.Namespace, timings: dict[str, float], extraction: dict[str, Any] | None,
                   decisions: DecisionsFile | None, summary: Callable[[Result], dict[str, Any]], feeds: list[str],
                   inputs: list[Any], engine: Engine | None = None) -> tuple[Result, int]:
    """`reconcile run --state`: returns (result, run id). `feeds`: the files read; `inputs`: as run.json names
    them; `summary(result)`: the rules in effect, for report.md."""
    if table.as_of is None:
        raise StateError("--state needs the run's time: pass --as-of (the feed has no publication times)")
    forget, per = loaded.rules.state.forget, loaded.rules.state.per
    with StateStore.open(state_path, wait) as store:
        carried, previous, prev_id, share = store.carried(table.as_of, forget, per)
        result = solve(table, loaded.rules, args.solver, args.partitions, timings, extraction, decisions, carried,
                       engine=engine)
        result.contradictions = store.annotate_contradictions(result.contradictions, table.as_of)
        in_effect = dict(summary(result), state=f"{state_path} (priors carried from run {prev_id if prev_id else '-'}, "
                       f"forget {forget:g} per {per}: {share:.3g} of the evidence kept)")
        write_result(result, args.out, inputs, loaded.files, loaded.digest, in_effect, args.engine,
                     claims=not getattr(args, "no_claims", False), report=not getattr(args, "no_report", False))
        hashed = [{"path": str(given), "sha256": sha256_file(Path(read))} for given, read in zip(args.feeds, feeds)]
        recorded = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # metadata only
        run_id = store.record(result, table.as_of, hashed, [str(f) for f in loaded.files], loaded.digest, share,
                              previous, recorded)
    return result, run_id
