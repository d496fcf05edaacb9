"""Engines: where the solver's kernel runs. `pandas` (the default): numpy arrays in this process;
`spark`: partitions cached in Spark executors, one Spark job per EM iteration (needs `reconcile[spark]` and Java).
The algorithm is the same for both (`reconcile.solve.engine`); see `base.Engine`."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Engine, Partitions
from .local import LocalEngine

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINES = ("pandas", "spark")

__all__ = ["ENGINES", "Engine", "LocalEngine", "Partitions", "make_engine"]


def make_engine(name: str | Engine | None = None, *, master: str | None = None,
                session: SparkSession | None = None) -> Engine:
    """An engine by name (`pandas`, `spark`), or the given Engine itself. For Spark: `master` (e.g. `local[2]`,
    `spark://host:7077`; default: the session's or spark-submit's) or an existing SparkSession `session`."""
    from ..errors import UsageError

    if isinstance(name, Engine):
        return name
    if name in (None, "pandas", "local"):
        if master is not None:
            raise UsageError("--spark-master needs --engine spark")
        return LocalEngine()
    if name == "spark":
        from .spark import SparkEngine

        return SparkEngine(master=master, session=session)
    raise UsageError(f"unknown engine {name!r}; available: {', '.join(ENGINES)}")
