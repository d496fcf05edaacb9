"""The Spark engine: partitions cached in executors, one Spark job per kernel map (one per EM iteration).

How data moves:
- `place`: each partition (numpy arrays of whole items, with the per-partition constants of the EM loop already
  computed) is serialised once (pickle protocol 5: the arrays' buffers as they are) into one row of an RDD with
  one Spark partition per reconcile partition, and `persist()`ed: the executors keep them for every iteration.
- `map_results`: the iteration's arguments (the current reliabilities, a few kB per source) are broadcast; every
  task unpickles its partition, runs the kernel task and returns only its small result (per (source, attribute)
  sums, sparse pair sums, or per-candidate probabilities for the final posteriors); `collect` brings them back
  in partition order and the driver adds them in that order (`base.reduce_in_order`).

Why the RDD API and an ordered sum on the driver rather than mapInArrow / applyInPandas and treeReduce: the kernel
takes ragged numpy arrays (assertions, candidates, items per partition) and returns vectors and scipy sparse
matrices, not a table; the RDD API ships them without a pandas or Arrow round trip. The results are small (one
float per (source, attribute) per partition) and adding them in one fixed order makes the Spark run bit-identical
to the in-process one (floating-point sums depend on their order; treeReduce's order depends on the scheduling).
With thousands of partitions and very many sources, treeReduce would move the additions to executors, at the
cost of that guarantee.

The time model's EM pass is mapped the same way: its partitions of whole items (`reconcile.timeline.parts`) are
cached too, and each EM iteration runs one more job returning its per-source sums.

What stays on the driver: building the problem (the factorised arrays), the M-step (`update`, per source), the
copy test on the reduced pair sums, the copy discounts (once per copy round, then the partitions are placed
again with the new weights), the time model's preparation and final fit (timelines), and the outputs.
"""
from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..solve.arrays import Partition
from .base import Engine, Partitions, Task

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import SparkSession

MISSING_PYSPARK = ("the Spark engine needs pyspark, an optional extra: pip install 'reconcile[spark]' "
                   "(and Java 17 or newer, e.g. Debian's openjdk-17-jre-headless)")
MISSING_JAVA = ("the Spark engine needs Java 17 or newer and found none (no `java` on PATH, no JAVA_HOME): "
                "install it, e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME")


def _import_pyspark() -> type[SparkSession]:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(MISSING_PYSPARK) from None
    return SparkSession


def start_session(master: str | None = None, app_name: str = "reconcile", conf: dict[str, str] | None = None
                  ) -> SparkSession:
    """A SparkSession for reconcile: `master` (default: spark-submit's, else local[*]); the UI off unless `conf`
    turns it on; the executors' Python is this interpreter when nothing else is configured (local mode)."""
    SparkSession = _import_pyspark()
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit: its JVM and conf are there
    if not submitted and not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise UsageError(MISSING_JAVA)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif not submitted:
        builder = builder.master("local[*]")
    settings = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": "4"}
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start (Java missing or too old, bad master URL)
        raise UsageError(f"could not start Spark (master {master or 'local[*]'}): {str(exc).strip()[:500]}") from None
    session.sparkContext.setLogLevel("WARN")
    return session


def _running_session() -> SparkSession | None:
    """The SparkSession already running in this process, if any."""
    SparkSession = _import_pyspark()
    return SparkSession.getActiveSession()


def _warm(p: Any) -> Any:
    """Compute a solver partition's EM constants before it is serialised, so executors never recompute them
    (other partitions, e.g. the time model's, hold only arrays)."""
    if isinstance(p, Partition):
        for name in ("assert_item", "sa", "source_of_sa", "w_log_n", "sa_weight", "has_multi"):
            getattr(p, name)
    return p


def _run_tasks(task: Task, args: Broadcast[tuple[Any, ...]], rows: Iterable[tuple[int, int, bytes]]
               ) -> Iterator[tuple[int, Any]]:
    """Executor side: run the task on each (index, item offset, serialised partition) row."""
    values = args.value
    for index, item_offset, blob in rows:
        yield index, task(pickle.loads(blob), item_offset, *values)


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, master: str | None = None, session: SparkSession | None = None) -> None:
        if session is None:  # a session already running here (a notebook's, a test's) is used, never stopped
            session = _running_session()
            if session is not None and master and session.sparkContext.master != master:
                raise UsageError(f"a Spark session on {session.sparkContext.master} is already running in this "
                                 f"process; --spark-master {master} cannot start another")
        self._own = session is None
        started = session if session is not None else start_session(master)
        self.session: SparkSession | None = started
        self.sc = started.sparkContext

    def partition_count(self, requested: int) -> int:
        """At least one partition per core of the cluster (its default parallelism)."""
        return max(requested, self.sc.defaultParallelism)

    def place(self, parts: Partitions) -> Partitions:
        from pyspark import StorageLevel

        rows = [(i, offset, pickle.dumps(_warm(p), protocol=5))
                for i, ((_, p), offset) in enumerate(zip(parts.local, parts.item_offsets))]
        rdd = self.sc.parallelize(rows, numSlices=len(rows)).persist(StorageLevel.MEMORY_AND_DISK)
        rdd.setName(f"reconcile partitions ({len(rows)})")
        parts.handle = rdd
        return parts

    def map_results(self, parts: Partitions, task: Task, *args: Any) -> list[Any]:
        shared = self.sc.broadcast(args)
        try:
            out = parts.handle.mapPartitions(partial(_run_tasks, task, shared)).collect()
        finally:
            shared.destroy()
        out.sort(key=lambda row: row[0])
        if [i for i, _ in out] != list(range(len(parts))):  # a lost or repeated partition: never sum silently
            raise RuntimeError(f"Spark returned {len(out)} results for {len(parts)} partitions")
        return [result for _, result in out]

    def release(self, parts: Partitions) -> None:
        if parts.handle is not None:
            parts.handle.unpersist()
            parts.handle = None

    def close(self) -> None:
        if self._own and self.session is not None:
            self.session.stop()
        self.session = None
