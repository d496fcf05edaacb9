"""String columns built in Arrow's C++ kernels: output tables can have millions of rows, and a Python loop
(or a round trip through Python string objects) per row would dominate the run."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


STRING = pa.large_string()  # what pandas' str columns hold


def arrow(values) -> pa.Array:
    """Any column (pandas Series/array/Index, numpy array, pyarrow array) as a pyarrow large_string array."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.array
    if isinstance(values, pd.Categorical):
        values = np.asarray(values, dtype=object)
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values) if isinstance(values, pd.api.extensions.ExtensionArray) else \
            pa.array(np.asarray(values, dtype=object), type=STRING)
    return values if values.type == STRING else values.cast(STRING)


def column(values) -> pd.api.extensions.ExtensionArray:
    """A pyarrow string array as a pandas string column (no Python objects)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pd.array(values, dtype="str")


def take(values, indices: np.ndarray, keep: np.ndarray | None = None) -> pa.Array:
    """values[indices], with '' where `keep` is False."""
    out = pc.take(arrow(values), pa.array(np.where(keep, indices, 0) if keep is not None else indices))
    return pc.if_else(pa.array(keep), out, pa.scalar("", STRING)) if keep is not None else out


def number(values: np.ndarray, decimals: int | None = None) -> pa.Array:
    array = pa.array(values)
    return pc.cast(pc.round(array, decimals) if decimals is not None else array, STRING)


def concat(*parts) -> pa.Array:
    """Element-wise concatenation of arrays and scalars."""
    return pc.binary_join_element_wise(
        *[pa.scalar(p, STRING) if isinstance(p, str) else arrow(p) for p in parts], pa.scalar("", STRING))
