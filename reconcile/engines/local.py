"""The default engine: partitions are numpy arrays in this process; tasks run one after the other."""
from __future__ import annotations

from typing import Any

from .base import Engine, Partitions, Task


class LocalEngine(Engine):
    name = "pandas"  # the name `reconcile run --engine` and run.json use for the in-process engine

    def map_results(self, parts: Partitions, task: Task, *args: Any) -> list[Any]:
        return [task(p, item_offset, *args) for (_, p), item_offset in zip(parts.local, parts.item_offsets)]
