"""Parse time columns strictly: ISO 8601 with a time zone, or a bare date (midnight UTC). Never guess a zone."""
from __future__ import annotations

import numpy as np
import pandas as pd

_ZONED = r"(?:Z|z|[+-]\d{2}:?\d{2})$"
_DATE_ONLY = r"^\d{4}-\d{2}-\d{2}$"


def parse_utc(values: pd.Series, column: str) -> tuple[pd.Series, pd.Categorical]:
    """Parse a column to UTC timestamps. Returns (timestamps with NaT where empty/bad, reason per row as a
    Categorical, '' = fine). Text is parsed once per distinct string (categorical columns: once per category).
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC"), pd.Categorical.from_codes(np.zeros(len(values), dtype=np.int8), [""])
    if pd.api.types.is_datetime64_dtype(values.dtype):
        reason = pd.Categorical.from_codes(values.notna().to_numpy().astype(np.int8),
                                           ["", f"`{column}`: time stamp without a time zone"])
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]"), reason
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # missing cells: code -1
    uniq = pd.Series(np.append(np.asarray(uniques, dtype=object).astype(str), ""), dtype=object).str.strip()
    codes = np.where(codes < 0, len(uniq) - 1, codes)
    parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns, UTC]")
    reason = pd.Series("", index=uniq.index, dtype=object)
    empty = uniq == ""
    zoned = uniq.str.contains(_ZONED, regex=True) & ~empty
    date_only = uniq.str.match(_DATE_ONLY) & ~empty
    if zoned.any():
        parsed[zoned] = pd.to_datetime(uniq[zoned], utc=True, errors="coerce", format="ISO8601")
    if date_only.any():
        parsed[date_only] = pd.to_datetime(uniq[date_only], utc=True, errors="coerce", format="%Y-%m-%d")
    naive = ~empty & ~zoned & ~date_only
    if naive.any():
        readable = pd.to_datetime(uniq[naive], errors="coerce", format="ISO8601").notna().to_numpy()
        reason[naive] = np.where(
            readable,
            f"`{column}`: date-time without a time zone (add Z or +HH:MM; zones are never guessed)",
            f"`{column}`: cannot read as an ISO 8601 date-time (e.g. 2021-07-07T10:00:00Z)",
        )
    bad = (zoned | date_only) & parsed.isna()
    reason[bad] = f"`{column}`: cannot read as an ISO 8601 date-time (e.g. 2021-07-07T10:00:00Z)"
    out = pd.Series(parsed.to_numpy()[codes], index=values.index, dtype="datetime64[ns, UTC]")
    r_codes, r_uniques = pd.factorize(reason.to_numpy(dtype=object))
    return out, pd.Categorical.from_codes(r_codes[codes], pd.Index(r_uniques, dtype=object), validate=False)


def parse_as_of(text: str | None) -> pd.Timestamp | None:
    """--as-of: the same strict rules as feed times; a ValueError for the CLI to report."""
    if text is None:
        return None
    stamps, reason = parse_utc(pd.Series([text]), "--as-of")
    if reason[0]:
        raise ValueError(reason[0].replace("`--as-of`: ", ""))
    return stamps.iloc[0]
