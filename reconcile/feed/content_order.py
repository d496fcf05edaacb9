"""The accepted claims' order by content, and identical claims found as neighbours in it (feed validation).

Kept apart from `validate.py` (which decides what is accepted, rejected or excluded): this is how the accepted rows
are put in one order whatever the feed's row order, with as few passes over every row as that takes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DEDUP_KEY = ("source", "subject", "attribute", "value", "published_at", "valid_from", "valid_to")


def rank(values: pd.Series) -> np.ndarray:
    """Integer ranks that order rows as their content orders (categoricals: their sorted codes)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.is_monotonic_increasing:
        return values.cat.codes.to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return np.where(values.isna().to_numpy(), np.iinfo(np.int64).min, values.array.asi8)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype=float)
    codes, _ = pd.factorize(values.astype(object).where(values.notna(), "").astype(str), sort=True)
    return codes


def content_order(claims: pd.DataFrame) -> np.ndarray | None:
    """The rows' positions in an order given by their content alone (every column but where they were read), so
    that everything after validation (dedup, factorising, sums) sees the same rows in the same order whatever the
    row order of the feed; None when they already are in it."""
    content = [c for c in claims.columns if not c.startswith("_")]
    ordered = list(DEDUP_KEY) + sorted(c for c in content if c not in DEDUP_KEY)
    keys = [rank(claims[c]) for c in reversed(ordered) if c in claims]
    if not keys or len(claims) < 2:
        return None
    order = lexsort(fewer_keys(keys))
    del keys
    if (order[1:] > order[:-1]).all():  # already in that order (a feed written sorted): no copy
        return None
    return order


def take_consuming(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """frame.iloc[order], made one column at a time while the frame's own columns are dropped: the rows exist
    about once, not twice (10M claims: the claims' columns are about 700 MB). `frame` is left empty."""
    columns = {}
    index = frame.index[order]
    for name in list(frame.columns):
        columns[name] = frame[name].array.take(order)
        del frame[name]
    return pd.DataFrame(columns, index=index, copy=False)


def lexsort(keys: list[np.ndarray]) -> np.ndarray:
    """np.lexsort(keys) (the last key first, ties by position), with fewer passes over every row: the leading
    integer keys packed into one int64 (their ranges multiplied fit), sorted once (stable), and only the rows that
    tie on it sorted by the other keys. A feed's (source, subject, value) nearly always tells its rows apart: one
    sort of the rows instead of one per key."""
    first = keys[::-1]
    packed, span, used = np.zeros(len(first[0]), dtype=np.int64), 1, 0
    for key in first:
        if key.dtype.kind not in "iub":
            break
        low, high = int(key.min()), int(key.max())
        if span * (high - low + 1) >= 2**62:
            break
        packed = packed * (high - low + 1) + (key.astype(np.int64) - low)
        span, used = span * (high - low + 1), used + 1
    if used == 0:  # the first key is not an integer, or alone wider than an int64's range
        plain: np.ndarray = np.lexsort(keys)
        return plain
    order: np.ndarray = np.argsort(packed, kind="stable")
    rest = first[used:]
    if not rest:
        return order
    leading = packed[order]
    del packed
    tie = leading[1:] == leading[:-1]
    if not tie.any():
        return order
    group = np.cumsum(np.r_[True, ~tie])  # per sorted position: its run of equal packed keys
    tied = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])
    rows = order[tied]  # in each run, by position (the sort is stable)
    within = np.lexsort([key[rows] for key in reversed(rest)] + [group[tied]])
    order[tied] = rows[within]
    return order


def fewer_keys(keys: list[np.ndarray]) -> list[np.ndarray]:
    """The same lexsort order from fewer keys: a key with one value orders nothing and is left out (a plain feed's
    empty time columns, its one attribute, unit weights: half of the passes over every row). No key is copied."""
    kept = [key for key in keys if key.min() != key.max()]
    return kept or keys[:1]


def duplicate_runs(claims: pd.DataFrame, order: np.ndarray | None) -> tuple[np.ndarray | None, np.ndarray]:
    """Identical claims count once: (positions in content order of the first row of each run of identical claims,
    or None when every claim is distinct; how many rows said each kept claim, its `copies`).

    In content order (`order`; None: the rows' own) the key columns come first, so identical claims are
    neighbours: one comparison of each row with the one before, per key column, finds them exactly (no hashing,
    no grouping); only the key columns' ranks are put in that order, not the rows.
    """
    key = [c for c in DEDUP_KEY if c in claims]
    n = len(claims)
    same = np.ones(max(n - 1, 0), dtype=bool)  # row i + 1 repeats row i
    for c in key:
        ranks = rank(claims[c])
        if order is not None:
            ranks = ranks[order]
        same &= ranks[1:] == ranks[:-1]
    if not same.any():
        return None, np.ones(n, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, ~same])
    return first, np.diff(np.r_[first, n]).astype(np.int64)
