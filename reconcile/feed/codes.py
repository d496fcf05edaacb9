"""Text columns as sorted categoricals: every string is stored once, rows carry integer codes.

Categories are cleaned (whitespace stripped), merged when cleaning makes two equal, and sorted, so that a
code's order is the string's order: sorting or grouping on codes gives the same result as on the strings,
whatever the row order of the feed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa


# the characters Python's str.strip() removes from ASCII text
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def sorted_categorical(values: pd.Series, strip: bool = True) -> pd.Series:
    """The column as a Categorical with stripped, unique, sorted categories (missing values become '')."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        cats = values.cat.categories
    else:
        codes, cats = pd.factorize(values, use_na_sentinel=True)
    cats = pd.Index(cats).astype(str)
    missing = codes < 0
    clean = None if missing.any() else _clean_and_sorted(cats, strip)
    if clean is not None:  # (a feed file's columns: the reader sorted them) the codes stay as they are
        return pd.Series(pd.Categorical.from_codes(codes.astype(np.int32), categories=pd.Index(clean, dtype=object),
                                                   validate=False), index=values.index, name=values.name)
    if missing.any():  # missing cells are empty strings
        cats = cats.append(pd.Index([""], dtype=cats.dtype))
        codes = np.where(missing, len(cats) - 1, codes)
    mapping, uniq = _sorted_unique(cats, strip)
    new_codes = mapping[codes].astype(np.int32)
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=pd.Index(uniq, dtype=object), validate=False),
                     index=values.index, name=values.name)


def _arrow_text(cats: pd.Index) -> pa.Array:
    """Text categories as an Arrow string array (without a copy when pandas holds them in Arrow)."""
    import pyarrow as pa

    if isinstance(cats.dtype, pd.StringDtype) and cats.dtype.storage == "pyarrow":
        text = pa.array(cats.array)
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        return text.cast(pa.string())
    return pa.array(np.asarray(cats, dtype=object), type=pa.string())


def _clean_and_sorted(cats: pd.Index, strip: bool) -> np.ndarray | None:
    """The categories as they are (object strings) when cleaning and sorting would not change them: ASCII, no
    space to strip, each one after the one before in byte order (so distinct). None otherwise."""
    import pyarrow.compute as pc

    text = _arrow_text(cats)
    if text.null_count or not pc.all(pc.string_is_ascii(text)).as_py():
        return None
    if strip and not pc.all(pc.equal(pc.utf8_trim(text, characters=_ASCII_SPACE), text)).as_py():
        return None
    if len(text) > 1 and not pc.all(pc.less(text.slice(0, len(text) - 1), text.slice(1))).as_py():
        return None
    clean: np.ndarray = text.to_numpy(zero_copy_only=False)
    return clean


def _sorted_unique(cats: pd.Index, strip: bool) -> tuple[np.ndarray, np.ndarray]:
    """(position of each category's cleaned text among the sorted distinct texts, those texts).

    ASCII text (nearly always) is trimmed, deduplicated and sorted in Arrow's C++ kernels: byte order is code
    point order, which is Python's string order; other text with Python's own str.strip and sort."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _arrow_text(cats)
    if pc.all(pc.fill_null(pc.string_is_ascii(text), True)).as_py():
        if strip:
            text = pc.utf8_trim(text, characters=_ASCII_SPACE)
        distinct = pc.unique(text)
        distinct = distinct.take(pc.array_sort_indices(distinct))
        mapping = pc.index_in(text, value_set=distinct).to_numpy(zero_copy_only=False)
        return mapping.astype(np.int64), distinct.to_numpy(zero_copy_only=False)
    # object strings, not numpy '<U' ones: those drop trailing NUL characters (a silent value change)
    texts = np.asarray([str(t).strip() if strip else str(t) for t in cats], dtype=object)
    uniq, inverse = np.unique(texts, return_inverse=True)
    return inverse.astype(np.int64), uniq


def restrict(values: pd.Series) -> pd.Series:
    """Drop categories no row uses (categories stay sorted)."""
    codes = values.cat.codes.to_numpy()
    used = np.bincount(codes, minlength=len(values.cat.categories)) > 0
    if used.all():
        return values
    new_code = (np.cumsum(used) - 1).astype(np.int32)
    return pd.Series(pd.Categorical.from_codes(new_code[codes], values.cat.categories[used], validate=False),
                     index=values.index, name=values.name)
