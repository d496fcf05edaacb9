"""Vectorised per-item operations over candidates stored item by item (items are contiguous segments)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .text import Strings


def seg_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(len(starts))
    return np.maximum.reduceat(values, starts)


def seg_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(len(starts))
    return np.add.reduceat(values, starts)


def seg_sizes(starts: np.ndarray, total: int) -> np.ndarray:
    return np.diff(np.r_[starts, total])


def seg_join(keys: np.ndarray, strings: object, sep: str = ";", limit: int = 20) -> tuple[np.ndarray, Strings]:
    """Join strings per key (keys sorted, strings in the wanted order), in Arrow's C++ kernels.

    At most `limit` strings per key are listed, then `(+N more)`. Returns (unique keys, joined strings as a
    pyarrow array).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .text import arrow

    if len(keys) == 0:
        return keys, pa.array([], type=pa.string())
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = seg_sizes(starts, len(keys))
    rank = np.arange(len(keys)) - np.repeat(starts, sizes)
    keep = rank < limit
    offsets = np.r_[0, np.cumsum(np.minimum(sizes, limit))].astype(np.int32)
    values = pc.filter(arrow(strings), pa.array(keep))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    joined: Strings = pc.binary_join(
        pa.LargeListArray.from_arrays(pa.array(offsets.astype(np.int64)), values), pa.scalar(sep, values.type))
    more = sizes - limit
    if (more > 0).any():
        suffix = arrow(np.where(more > 0, np.char.add(f"{sep}(+", np.char.add(more.astype(str), " more)")), ""))
        joined = pc.binary_join_element_wise(joined, suffix, pa.scalar("", joined.type))
    return keys[starts], joined


def dense_rank(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique keys, index of each key among them): np.unique(return_inverse=True) by hashing, which
    is about twice as fast on large integer arrays as numpy's sort-based version."""
    import pandas as pd

    keys = np.asarray(keys)
    if len(keys) and keys.min() >= 0 and keys.max() < 4 * len(keys) + 1024:  # small range: O(n), no hashing
        present = np.zeros(int(keys.max()) + 1, dtype=bool)
        present[keys] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return np.flatnonzero(present), rank[keys]
    inverse, uniq = pd.factorize(keys, sort=True)
    return np.asarray(uniq), inverse.astype(np.int64, copy=False)
