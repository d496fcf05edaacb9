"""String columns built in Arrow's C++ kernels: output tables can have millions of rows, and a Python loop
(or a round trip through Python string objects) per row would dominate the run."""
from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


STRING = pa.large_string()  # what pandas' str columns hold
Strings: TypeAlias = "pa.Array[Any] | pa.ChunkedArray[Any]"  # a string column in Arrow


def arrow(values: Any) -> Strings:
    """Any column (pandas Series/array/Index, numpy array, pyarrow array) as a pyarrow large_string array."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.array
    if isinstance(values, pd.Categorical):
        values = np.asarray(values, dtype=object)
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values) if isinstance(values, pd.api.extensions.ExtensionArray) else \
            pa.array(np.asarray(values, dtype=object), type=STRING)
    out: Strings = values if values.type == STRING else values.cast(STRING)
    return out


def column(values: Strings) -> pd.api.extensions.ExtensionArray:
    """A pyarrow string array as a pandas string column (no Python objects)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    out: pd.api.extensions.ExtensionArray = pd.array(values, dtype="str")
    return out


def take(values: Any, indices: np.ndarray, keep: np.ndarray | None = None) -> Strings:
    """values[indices], with '' where `keep` is False."""
    positions: pa.Array[Any] = pa.array(np.where(keep, indices, 0) if keep is not None else indices)
    out = pc.take(arrow(values), positions)
    return pc.if_else(pa.array(keep), out, pa.scalar("", STRING)) if keep is not None else out


def number(values: np.ndarray, decimals: int | None = None) -> Strings:
    array = pa.array(values)
    out: Strings = pc.cast(pc.round(array, decimals) if decimals is not None else array, STRING)
    return out


def concat(*parts: Any) -> Strings:
    """Element-wise concatenation of arrays and scalars."""
    joined: Strings = pc.binary_join_element_wise(
        *[pa.scalar(p, STRING) if isinstance(p, str) else arrow(p) for p in parts], pa.scalar("", STRING))
    return joined
