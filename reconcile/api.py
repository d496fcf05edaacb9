"""The public Python API, re-exported by `reconcile` (see its docstring). Thin wrappers over the internals that
the CLI uses too, so a script and `reconcile run` give the same result."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Result
    from .rules.loader import LoadedRules
    from .rules.model import Rules


def load_rules(path: str | Path | None = None) -> Rules:
    """Validated rules from a YAML file or a folder (default: the rules packaged with reconcile)."""
    from .rules.loader import load_rules as _load
    from .rules.packaged import resolve_rules

    return _load(resolve_rules(path)).rules


def reconcile(claims: pd.DataFrame, rules: Rules | None = None, *, as_of: str | dt.date | None = None,
              solver: str | None = None) -> Result:
    """Reconcile a DataFrame of claims (columns source, subject, attribute, value, ...; values as text)."""
    from .pipeline import reconcile_frame

    return reconcile_frame(claims, rules if rules is not None else load_rules(), as_of=as_of, solver=solver)


def reconcile_files(feeds: list[str | Path], rules: Rules | None = None, *, as_of: str | dt.date | None = None,
                    solver: str | None = None) -> Result:
    """Read and reconcile feed files (CSV, CSV.gz, TSV, JSON Lines, Parquet, article text) as `reconcile run`."""
    from .pipeline import load_feeds, solve

    rules = rules if rules is not None else load_rules()
    table, extraction = load_feeds(list(feeds), rules, as_of)
    return solve(table, rules, solver, extraction=extraction)


def write_result(result: Result, out_dir: str | Path, *, inputs: list[str | Path] | None = None,
                 rules: LoadedRules | None = None) -> Path:
    """Write a Result as `reconcile run` does (verdicts.csv, contradictions.csv, report.md, run.json, ...),
    atomically; returns the folder."""
    from .outputs.tables import write_result as _write

    files = list(rules.files) if rules is not None else []
    digest = rules.digest if rules is not None else ""
    _write(result, out_dir, list(inputs or []), files, digest, {"solver": result.solver}, "pandas")
    return Path(out_dir)


def read_run(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a finished run folder: verdicts, contradictions, sources, claims."""
    from .explain import load_run

    return load_run(out_dir)
