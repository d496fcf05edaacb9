"""The public Python API, re-exported by `reconcile` (see its docstring). Thin wrappers over the internals that
the CLI uses too, so a script and `reconcile run` give the same result."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame as SparkDataFrame
    from typing_extensions import TypeIs

    from .engines import Engine
    from .pipeline import Result
    from .rules.loader import LoadedRules
    from .rules.model import Rules


def load_rules(path: str | Path | None = None) -> Rules:
    """Validated rules from a YAML file or a folder (default: the rules packaged with reconcile)."""
    from .rules.loader import load_rules as _load
    from .rules.packaged import resolve_rules

    return _load(resolve_rules(path)).rules


def reconcile(claims: pd.DataFrame | SparkDataFrame, rules: Rules | None = None, *,
              as_of: str | dt.date | None = None, solver: str | None = None, engine: str | Engine | None = None,
              spark_master: str | None = None) -> Result:
    """Reconcile a DataFrame of claims (columns source, subject, attribute, value, ...; values as text).

    `claims` may be a pandas DataFrame or a Spark DataFrame (collected to the driver through Arrow; the fit then
    runs on its Spark session unless `engine` says otherwise). `engine`: "pandas" (in process, the default),
    "spark" (a session on `spark_master`, stopped afterwards) or a `reconcile.engines.Engine` you own."""
    from .pipeline import reconcile_frame

    frame: pd.DataFrame
    if _is_spark_frame(claims):
        if engine is None:
            from .engines.spark import SparkEngine

            engine = SparkEngine(session=claims.sparkSession)
        frame = claims.toArrow().to_pandas()
    else:
        frame = claims
    with _engine(engine, spark_master) as chosen:
        return reconcile_frame(frame, rules if rules is not None else load_rules(), as_of=as_of, solver=solver,
                               engine=chosen)


def reconcile_files(feeds: list[str | Path], rules: Rules | None = None, *, as_of: str | dt.date | None = None,
                    solver: str | None = None, engine: str | Engine | None = None,
                    spark_master: str | None = None) -> Result:
    """Read and reconcile feed files (CSV, CSV.gz, TSV, JSON Lines, Parquet, article text) as `reconcile run`;
    `engine` and `spark_master` as in `reconcile`."""
    from .pipeline import load_feeds, solve

    rules = rules if rules is not None else load_rules()
    table, extraction = load_feeds(list(feeds), rules, as_of)
    with _engine(engine, spark_master) as chosen:
        return solve(table, rules, solver, extraction=extraction, engine=chosen)


def _is_spark_frame(claims: object) -> TypeIs[SparkDataFrame]:
    return type(claims).__module__.startswith("pyspark.sql") and hasattr(claims, "toArrow")


class _engine:
    """An engine for one call: made from a name (and closed afterwards), or the caller's own (left open)."""

    def __init__(self, engine: str | Engine | None, master: str | None) -> None:
        from .engines import Engine, make_engine

        self.owned = not isinstance(engine, Engine)
        self.engine = make_engine(engine, master=master)

    def __enter__(self) -> Engine:
        return self.engine

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.owned:
            self.engine.close()


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
