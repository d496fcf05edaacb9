"""Checks at the input boundary that must run before anything else touches the values.

- time text whose year pandas cannot hold (outside 1678-2261) is refused with that reason, never an overflow;
- a DataFrame given to the Python API becomes text columns the same way a feed file does (unique string
  column names, bytes decoded, missing cells empty), with undecodable cells as counted rejections;
- `as_of` given as text, a Timestamp or a datetime is checked (empty, no time zone, out of range).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import UsageError
from .lines import MAX_CELL_CHARS, BadLines

if TYPE_CHECKING:
    import pyarrow as pa

FIRST_YEAR, LAST_YEAR = 1678, 2261  # whole years inside pandas' nanosecond range (1677-09-21 .. 2262-04-11)
_YEAR = r"^\s*([+-]?)(\d+)-"
_YEAR_ASCII = r"^[\t\n\v\f\r\x1c-\x1f ]*(?P<sign>[+-]?)(?P<digits>[0-9]+)-"  # _YEAR on ASCII text, for RE2


def year_out_of_range(values: pd.Series) -> np.ndarray:
    """Per row: True where the text starts with a year pandas cannot represent (checked per distinct value).

    ASCII text (nearly all) is matched in Arrow's C++ regex kernels; the pattern spells out the characters that
    Python's `\\s` and `\\d` match in ASCII, so both paths agree. Other text goes through Python's `re`, whose
    `\\s` and `\\d` also match Unicode spaces and digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, text = _distinct_text(values)
    if len(text) == 0:
        return np.zeros(len(values), dtype=bool)
    # the common shape first: four ASCII digits and a dash at the start (every ISO 8601 time stamp); the year is
    # then exactly those digits (one cheap match and a cast); an empty cell has no year. Only the other strings
    # take the extracting regex below.
    plain = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}-"), False).to_numpy(zero_copy_only=False)
    year = pc.cast(pc.utf8_slice_codeunits(pc.if_else(pa.array(plain), text, pa.scalar("2000", pa.string())), 0, 4),
                   pa.int64()).to_numpy(zero_copy_only=False)
    bad = plain & ((year < FIRST_YEAR) | (year > LAST_YEAR))
    rest = np.flatnonzero(~plain & pc.not_equal(text, "").to_numpy(zero_copy_only=False))
    if len(rest):
        bad[rest] = _unusual_years(text.take(pa.array(rest)))
    return bad if codes is None else np.append(bad, False)[np.where(codes < 0, len(bad), codes)]


def _unusual_years(text: pa.Array) -> np.ndarray:
    """year_out_of_range for strings of any other shape (spaces, a sign, more digits, Unicode)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bad = np.zeros(len(text), dtype=bool)
    ascii_ = pc.fill_null(pc.string_is_ascii(text), True).to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(pc.if_else(pa.array(ascii_), text, pa.scalar(None, pa.string())), _YEAR_ASCII)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    if matched.any():
        sign = pc.struct_field(parts, [0])
        digits = pc.struct_field(parts, [1])
        year = pc.cast(pc.utf8_slice_codeunits(pc.fill_null(digits, "0"), 0, 6), pa.int64())
        wrong = pc.or_(pc.or_(pc.not_equal(sign, ""), pc.not_equal(pc.utf8_length(digits), 4)),
                       pc.or_(pc.less(year, FIRST_YEAR), pc.greater(year, LAST_YEAR)))
        bad |= pc.fill_null(wrong, False).to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~ascii_)
    if len(other):
        bad[other] = _year_out_of_range_py(text.take(pa.array(other)).to_pylist())
    return bad


def _distinct_text(values: pd.Series) -> tuple[np.ndarray | None, pa.Array]:
    """(code per row, or None when the strings are the rows themselves; the strings as an Arrow array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        text = pa.array(values)
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        return None, pc.fill_null(text, "")
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pa.array(np.asarray(uniques, dtype=object).astype(str), type=pa.string())


def _year_out_of_range_py(texts: list[str]) -> np.ndarray:
    text = pd.Series(texts, dtype=object)
    parts = text.str.extract(_YEAR)
    digits = parts[1]
    year = pd.to_numeric(digits.str.slice(0, 6), errors="coerce")
    bad = digits.notna() & ((parts[0] != "") | (digits.str.len() != 4) | (year < FIRST_YEAR) | (year > LAST_YEAR))
    return bad.to_numpy(dtype=bool)


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
