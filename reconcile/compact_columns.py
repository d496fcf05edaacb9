"""Per-claim columns held compactly between the stages: at 10M claims every time column is 80 MB, and the
validated claims stay in memory until the outputs are written. Columns equal row for row share one array: the
values are the same for every reader, and pandas copies a shared column before anything writes to it
(copy-on-write). (Constant columns as a zero-stride view of one value were tried: pandas then writes into the
read-only view in place and raises, so a user's `claims.loc[..., "weight"] = ...` would fail.)"""
from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd


def share_equal_times(claims: pd.DataFrame) -> pd.DataFrame:
    """Time columns equal row for row hold one array (an instant `valid_at` fills both valid_from and valid_to,
    often with the publication time: at 10M claims each copy is 80 MB). The same values: every output is the
    same, and pandas copies a column before anything writes to it."""
    columns = [c for c in ("published_at", "valid_from", "valid_to") if c in claims]
    for i, name in enumerate(columns):
        for earlier in columns[:i]:
            a, b = claims[name].array, claims[earlier].array
            if isinstance(a, pd.arrays.DatetimeArray) and isinstance(b, pd.arrays.DatetimeArray) \
                    and a.dtype == b.dtype and np.array_equal(cast(Any, a).asi8, cast(Any, b).asi8):
                claims[name] = claims[earlier]
                break
    return claims


def without_empty_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """`value_num` (the number a numeric or time value reads as, NaN for any other value) serves only to group
    values within a tolerance when the claims are factorised (solve/arrays.py); NaN in every row (no numeric
    value in the feed) says nothing, and the column goes (10M claims: 80 MB)."""
    if "value_num" in claims and not claims["value_num"].notna().any():
        return claims.drop(columns=["value_num"])
    return claims
