"""Text columns as sorted categoricals: every string is stored once, rows carry integer codes.

Categories are cleaned (whitespace stripped), merged when cleaning makes two equal, and sorted, so that a
code's order is the string's order: sorting or grouping on codes gives the same result as on the strings,
whatever the row order of the feed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def sorted_categorical(values: pd.Series, strip: bool = True) -> pd.Series:
    """The column as a Categorical with stripped, unique, sorted categories (missing values become '')."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        cats = values.cat.categories
    else:
        codes, cats = pd.factorize(values, use_na_sentinel=True)
    cats = pd.Index(cats).astype(str)
    text = np.asarray(cats.str.strip() if strip else cats, dtype=object)
    missing = codes < 0
    if missing.any():  # missing cells are empty strings
        text = np.append(text, "")
        codes = np.where(missing, len(text) - 1, codes)
    # object strings, not numpy '<U' ones: those drop trailing NUL characters (a silent value change)
    uniq, inverse = np.unique(np.asarray([str(t) for t in text], dtype=object), return_inverse=True)
    new_codes = inverse[codes].astype(np.int32)
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=pd.Index(uniq, dtype=object), validate=False),
                     index=values.index, name=values.name)


def restrict(values: pd.Series) -> pd.Series:
    """Drop categories no row uses (categories stay sorted)."""
    codes = values.cat.codes.to_numpy()
    used = np.bincount(codes, minlength=len(values.cat.categories)) > 0
    if used.all():
        return values
    new_code = (np.cumsum(used) - 1).astype(np.int32)
    return pd.Series(pd.Categorical.from_codes(new_code[codes], values.cat.categories[used], validate=False),
                     index=values.index, name=values.name)
