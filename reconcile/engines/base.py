"""The engine interface: how the solver's kernel is run over partitions of whole items.

The algorithm lives in `reconcile.solve` (the EM loop in `engine.py`, the kernel functions in the solver
modules and `copying.py`); an engine only moves data. It cuts a problem into partitions of whole items
(`partitions`), runs a kernel task on every partition and adds the results up (`map_sum`: per (source,
attribute) sums, sparse pair sums, small vectors) or puts them side by side (`map_concat`: per-candidate arrays,
partitions in global candidate order).

A task is a module-level function `task(part, item_offset, *args)`: `part` is one `Partition`, `item_offset`
its first item's global id, `args` the same for every partition (the current reliabilities, settings). Results
are added in partition order whatever the engine, so every engine gives bit-identical sums for the same
partitions (`reduce_in_order`).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import numpy as np

from ..solve.arrays import Partition

#: a kernel task: task(part, item_offset, *args) -> its result on one partition (an array, a scipy sparse
#: matrix, a number or a tuple of them; module-level, so that a distributed engine can ship it by reference)
Task = Callable[..., Any]


@dataclass
class Partitions:
    """Partitions of one problem as an engine holds them. `local` keeps the driver's (first candidate,
    Partition) pairs (the fit returns them for later use in process); `item_offsets` the global id of each
    partition's first item; `handle` is the engine's own (e.g. a cached Spark RDD). A part may also be another
    kernel's partition of whole items (the time model's `reconcile.timeline.parts.TimePart`, first candidate 0):
    engines only move parts and hand them to tasks."""

    local: list[tuple[int, Partition]] | list[tuple[int, Any]]
    item_offsets: list[int]
    handle: Any = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.local)


def item_offsets(whole: Partition, local: list[tuple[int, Partition]]) -> list[int]:
    """Global id of each partition's first item (copy detection samples items on their global ids)."""
    return [int(whole.cand_item[offset]) if p.n_cands else 0 for offset, p in local]


def add(x: Any, y: Any) -> Any:
    """Sum two task results: arrays, scipy sparse matrices, numbers, or tuples of them."""
    if isinstance(x, tuple):
        return tuple(add(a, b) for a, b in zip(x, y))
    return x + y


def _copy(x: Any) -> Any:
    if isinstance(x, tuple):
        return tuple(_copy(a) for a in x)
    return x.copy() if hasattr(x, "copy") else x


def reduce_in_order(results: list[Any]) -> Any:
    """Add results in partition order (one fixed order: the same sums, to the last bit, on every engine)."""
    total = _copy(results[0])
    for r in results[1:]:
        total = add(total, r)
    return total


class Engine(ABC):
    """Runs kernel tasks over partitions. Subclasses: `LocalEngine` (numpy in process), `SparkEngine`."""

    name: str = ""

    def partition_count(self, requested: int) -> int:
        """How many partitions to cut a problem into, given the user's --partitions."""
        return max(1, requested)

    def partitions(self, part: Partition, n_parts: int) -> Partitions:
        """Cut `part` into partitions of whole items and place them where tasks will run."""
        from ..solve.tasks import split

        local = split(part, self.partition_count(n_parts))
        return self.place(Partitions(local, item_offsets(part, local)))

    def place(self, parts: Partitions) -> Partitions:
        """Make the partitions available to tasks (the local engine keeps them as they are)."""
        return parts

    @abstractmethod
    def map_results(self, parts: Partitions, task: Task, *args: Any) -> list[Any]:
        """task(part, item_offset, *args) on every partition; the results in partition order."""

    def map_sum(self, parts: Partitions, task: Task, *args: Any) -> Any:
        """The task's results added up over partitions (in partition order)."""
        return reduce_in_order(self.map_results(parts, task, *args))

    def map_concat(self, parts: Partitions, task: Task, *args: Any) -> np.ndarray:
        """The task's per-candidate arrays, concatenated in global candidate order."""
        return np.concatenate(self.map_results(parts, task, *args))

    def release(self, parts: Partitions) -> None:
        """Free what the engine holds for these partitions (cached data in executors)."""

    def close(self) -> None:
        """Free the engine's resources (a Spark session it started)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
