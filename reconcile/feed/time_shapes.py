"""The two common time stamp shapes read straight from Arrow's string buffers, vectorised in numpy.

`YYYY-MM-DDThh:mm:ssZ` and `YYYY-MM-DD`, exactly as `times._FAST_ZULU` / `times._FAST_DATE` accept them: ASCII
digits, month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59, nothing before or after. The strings of
one width are viewed as a (strings x width) byte matrix (no copy when every string has that width, one gather
otherwise) and every position is checked for all strings at once. Written by hand because the library paths
cost several passes per string (Arrow's RE2 match of the pattern, a second match and a cast for the year check,
and the cast itself, about 0.35 s of CPU per million time stamps); this reads each byte a few times in numpy's
loops, with no compiler to start (numba's import and first call cost about a second). The calendar (which days
exist) is numpy's, passed in as the first day of every month.
"""
from __future__ import annotations

import numpy as np

_DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]  # YYYY MM DD
_TIME_DIGITS = [11, 12, 14, 15, 17, 18]  # hh mm ss
_PLACES = np.array([1000, 100, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1], dtype=np.int64)
_DASH, _T, _COLON, _Z, _ZERO, _NINE = 45, 84, 58, 90, 48, 57


def _width_rows(data: np.ndarray, offsets: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """The bytes of the strings `rows` (all `width` long) as a (len(rows), width) matrix."""
    n = len(offsets) - 1
    start = int(offsets[0])
    if len(rows) == n and int(offsets[n]) - start == n * width:  # every string has this width: a view
        matrix: np.ndarray = data[start:start + n * width].reshape(n, width)
        return matrix
    gathered: np.ndarray = data[offsets[rows][:, None] + np.arange(width, dtype=np.int64)]
    return gathered


def exact_shapes(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray, first_year: int, last_year: int,
                 month_days: np.ndarray, taken: np.ndarray, ns: np.ndarray, outside: np.ndarray) -> None:
    """Per string i (bytes data[offsets[i]:offsets[i + 1]]): `taken[i]` when it has one of the two shapes and
    either its year is outside first_year..last_year (`outside[i]`) or its day exists (`ns[i]`: nanoseconds since
    the epoch, UTC). `month_days`: days since the epoch of the first of each month from January `first_year` on,
    one past the last."""
    widths = np.diff(offsets)
    for width in (20, 10):
        rows = np.flatnonzero((widths == width) & valid)
        if not len(rows):
            continue
        cells = _width_rows(data, offsets, rows, width)
        positions = _DATE_DIGITS + (_TIME_DIGITS if width == 20 else [])
        digits = cells[:, positions]
        ok = ((digits >= _ZERO) & (digits <= _NINE)).all(axis=1) & (cells[:, 4] == _DASH) & (cells[:, 7] == _DASH)
        if width == 20:
            ok &= (cells[:, 10] == _T) & (cells[:, 13] == _COLON) & (cells[:, 16] == _COLON) & (cells[:, 19] == _Z)
        del cells
        value = (digits.astype(np.int64) - _ZERO) * _PLACES[:len(positions)]
        del digits
        year = value[:, 0:4].sum(axis=1)
        month, day = value[:, 4] + value[:, 5], value[:, 6] + value[:, 7]
        ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        seconds = np.zeros(len(rows), dtype=np.int64)
        if width == 20:
            hour, minute, second = value[:, 8] + value[:, 9], value[:, 10] + value[:, 11], value[:, 12] + value[:, 13]
            ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
            seconds = hour * 3600 + minute * 60 + second
        del value
        far = ok & ((year < first_year) | (year > last_year))  # taken, refused for its year: no calendar check
        near = ok & ~far
        m = np.where(near, (year - first_year) * 12 + month - 1, 0)
        first = month_days[m]
        near &= day <= month_days[m + 1] - first
        taken[rows[far | near]] = True
        outside[rows[far]] = True
        ns[rows[near]] = ((first[near] + day[near] - 1) * 86400 + seconds[near]) * 1_000_000_000
