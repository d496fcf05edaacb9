"""Vectorised per-item operations over candidates stored item by item (items are contiguous segments)."""
from __future__ import annotations

import numpy as np


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


def seg_join(keys: np.ndarray, strings: np.ndarray, sep: str = ";", limit: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Join strings per key (keys sorted, strings in the wanted order) without a Python loop per group.

    At most `limit` strings per key are listed, then `(+N more)`. Returns (unique keys, joined strings).
    """
    if len(keys) == 0:
        return keys, np.array([], dtype=object)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = seg_sizes(starts, len(keys))
    rank = np.arange(len(keys)) - np.repeat(starts, sizes)
    keep = rank < limit
    kept_keys = keys[keep]
    kept_starts = np.flatnonzero(np.r_[True, kept_keys[1:] != kept_keys[:-1]])
    pieces = np.asarray(strings, dtype=object)[keep]
    last = np.r_[kept_starts[1:] - 1, len(kept_keys) - 1]
    with_sep = pieces + sep
    with_sep[last] = pieces[last]
    joined = np.add.reduceat(with_sep, kept_starts)
    more = sizes - limit
    if (more > 0).any():
        suffix = np.where(more > 0, np.char.add(f"{sep}(+", np.char.add(more.astype(str), " more)")), "")
        joined = joined + suffix.astype(object)
    return keys[starts], joined


def dense_rank(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique keys, index of each key among them): np.unique(return_inverse=True) by hashing, which
    is about twice as fast on large integer arrays as numpy's sort-based version."""
    import pandas as pd

    inverse, uniq = pd.factorize(keys, sort=True)
    return np.asarray(uniq), inverse.astype(np.int64, copy=False)
