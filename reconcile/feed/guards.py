"""Checks at the input boundary that must run before anything else touches the values.

- time text whose year pandas cannot hold (outside 1678-2261) is refused with that reason, never an overflow;
- a DataFrame given to the Python API becomes text columns the same way a feed file does (unique string
  column names, bytes decoded, missing cells empty), with undecodable cells as counted rejections;
- `as_of` given as text, a Timestamp or a datetime is checked (empty, no time zone, out of range).
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..errors import UsageError
from .lines import MAX_CELL_CHARS, BadLines

FIRST_YEAR, LAST_YEAR = 1678, 2261  # whole years inside pandas' nanosecond range (1677-09-21 .. 2262-04-11)
_YEAR = r"^\s*([+-]?)(\d+)-"


def year_out_of_range(values: pd.Series) -> np.ndarray:
    """Per row: True where the text starts with a year pandas cannot represent (checked per distinct value)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(values), dtype=bool)
    text = pd.Series(np.asarray(uniques, dtype=object).astype(str), dtype=object)
    parts = text.str.extract(_YEAR)
    digits = parts[1]
    year = pd.to_numeric(digits.str.slice(0, 6), errors="coerce")
    bad = digits.notna() & ((parts[0] != "") | (digits.str.len() != 4) | (year < FIRST_YEAR) | (year > LAST_YEAR))
    flags = np.append(bad.to_numpy(dtype=bool), False)
    out: np.ndarray = flags[np.where(codes < 0, len(flags) - 1, codes)]
    return out


def range_reason(column: str) -> str:
    return f"`{column}`: the year is outside the supported range {FIRST_YEAR}-{LAST_YEAR}"


def _cell_text(value: object, bad: list[str | None], i: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            bad[i] = "not UTF-8 text"
            return ""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        bad[i] = "holds a lone surrogate (not a character)"
        return ""
    if len(text) > MAX_CELL_CHARS:
        bad[i] = f"longer than {MAX_CELL_CHARS:,} characters"
        return ""
    return text


def _column_text(values: pd.Series, name: str, reasons: list[str | None]) -> pd.Series:
    """Object cells -> text, computed once per distinct value when the cells are hashable."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        cells = list(uniques)
    except TypeError:  # unhashable cells (lists, dicts): one by one
        codes, cells = np.arange(len(values)), list(values)
    bad: list[str | None] = [None] * len(cells)
    texts = np.array([_cell_text(v, bad, i) for i, v in enumerate(cells)] + [""], dtype=object)
    codes = np.where(codes < 0, len(cells), codes)
    flagged = [i for i, b in enumerate(bad) if b is not None]
    if flagged:
        for row in np.flatnonzero(np.isin(codes, flagged)):
            if reasons[row] is None:
                reasons[row] = f"`{name}`: {bad[codes[row]]}"
    return pd.Series(texts[codes], index=values.index, dtype=object)


def frame_as_text(claims: pd.DataFrame) -> tuple[pd.DataFrame, BadLines]:
    """A caller's DataFrame as feed columns: text, tz-aware times, numeric `weight`; bad cells -> rejections."""
    from .read import check_column_names

    names = check_column_names(list(claims.columns), "(dataframe)")
    reasons: list[str | None] = [None] * len(claims)
    columns = {}
    for name, (_, values) in zip(names, claims.items()):
        values = values.reset_index(drop=True)
        kind = values.dtype
        if isinstance(kind, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(kind):
            columns[name] = values
        elif name == "weight" and pd.api.types.is_float_dtype(kind):
            columns[name] = values.astype(float)
        else:
            columns[name] = _column_text(values.astype(object), name, reasons)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(claims)))
    bad = BadLines()
    refused = [i for i, r in enumerate(reasons) if r is not None]
    for i in refused:
        bad.rows.append(i + 1)
        bad.lines.append(i + 1)
        bad.texts.append("")
        bad.reasons.append(f"row {i + 1}: {reasons[i]}")
    if refused:
        keep = np.ones(len(frame), dtype=bool)
        keep[refused] = False
        frame = frame.loc[keep]
    frame["_file"] = "(dataframe)"
    frame["_row"] = np.flatnonzero(np.ones(len(claims), dtype=bool) if not refused else keep) + 1
    return frame.reset_index(drop=True), bad


def checked_as_of(as_of: object, name: str = "--as-of") -> pd.Timestamp | None:
    """as_of as a UTC Timestamp; a UsageError for empty text, a time without zone, an out-of-range year."""
    from .times import parse_as_of

    if as_of is None:
        return None
    if isinstance(as_of, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(as_of)
        if pd.isna(stamp):  # pd.Timestamp(NaT) is NaT
            raise UsageError(f"{name} is not a time (NaT)")
        if stamp.tzinfo is None:
            raise UsageError(f"{name} {stamp.isoformat()!r} has no time zone (give one, e.g. tz='UTC'; "
                             "zones are never guessed)")
        if not FIRST_YEAR <= stamp.year <= LAST_YEAR:
            raise UsageError(f"{name}: the year {stamp.year} is outside the supported range {FIRST_YEAR}-{LAST_YEAR}")
        return stamp.tz_convert("UTC").as_unit("ns")
    if isinstance(as_of, dt.date):
        as_of = as_of.isoformat()
    if not isinstance(as_of, str):
        raise UsageError(f"{name} must be an ISO 8601 text or a Timestamp, not {type(as_of).__name__}")
    text = as_of.strip()
    if not text:
        raise UsageError(f"{name} is empty; give a time such as 2021-07-07T23:59:59Z")
    if year_out_of_range(pd.Series([text]))[0]:
        raise UsageError(f"{name} {as_of!r}: the year is outside the supported range {FIRST_YEAR}-{LAST_YEAR}")
    try:
        parsed = parse_as_of(text)
    except ValueError as exc:
        raise UsageError(f"{name} {as_of!r}: {exc}") from None
    if parsed is None or pd.isna(parsed):
        raise UsageError(f"{name} {as_of!r} is not a time")
    return parsed
