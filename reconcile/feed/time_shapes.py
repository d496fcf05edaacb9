"""The two common time stamp shapes read straight from Arrow's string buffers.

`YYYY-MM-DDThh:mm:ssZ` and `YYYY-MM-DD`, exactly as `times._FAST_ZULU` / `times._FAST_DATE` accept them: ASCII
digits, month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59, nothing before or after. The strings of
one width are viewed as a (strings x width) byte matrix (no copy when every string has that width, one gather
otherwise) and the separators checked by position for all strings at once; those strings go to Arrow's strict
ISO 8601 cast (C++, about 0.04 s per million), which checks the digits, the ranges and that the day exists. It
refuses the whole array for one bad string: then the digits are read by position in numpy too, with numpy's
calendar (the first day of every month, passed in) for which days exist. No regular expression per string (RE2
costs about 0.35 s per million time stamps) and no compiler to start (numba's import and first call cost about
a second).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

_DASH, _T, _COLON, _Z, _ZERO = 45, 84, 58, 90, 48


def _width_rows(data: np.ndarray, offsets: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """The bytes of the strings `rows` (all `width` long) as a (len(rows), width) matrix."""
    n = len(offsets) - 1
    start = int(offsets[0])
    if len(rows) == n and int(offsets[n]) - start == n * width:  # every string has this width: a view
        matrix: np.ndarray = data[start:start + n * width].reshape(n, width)
        return matrix
    gathered: np.ndarray = data[offsets[rows][:, None] + np.arange(width, dtype=np.int64)]
    return gathered


def _number(cells: np.ndarray, at: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(the number written by `count` digits at byte `at` of every row, whether they all are ASCII digits). One
    column of the byte matrix at a time: a few MB per pass, never a copy of the matrix."""
    value = np.zeros(len(cells), dtype=np.int32)
    digits = np.ones(len(cells), dtype=bool)
    for k in range(at, at + count):
        digit = cells[:, k].astype(np.int32) - _ZERO
        digits &= (digit >= 0) & (digit <= 9)
        value = value * 10 + digit
    return value, digits


def _arrow_cast(text: pa.Array[Any], rows: np.ndarray, width: int, month_days: np.ndarray, taken: np.ndarray,
                ns: np.ndarray, outside: np.ndarray) -> bool:
    """The strings `rows` (separators in place) through Arrow's ISO 8601 cast; False when it refuses one of them
    (a non-digit, a month 13, a 30 February, an hour 24, a second 60), and nothing is set then."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = text if len(rows) == len(text) else text.take(pa.array(rows))
    try:
        stamps = pc.cast(part, pa.timestamp("s", "UTC") if width == 20 else pa.timestamp("s"))
    except pa.ArrowInvalid:
        return False
    seconds = pc.cast(stamps, pa.int64()).to_numpy(zero_copy_only=False)
    far = (seconds < month_days[0] * 86400) | (seconds >= month_days[-1] * 86400)  # the year is out of range
    taken[rows] = True
    outside[rows[far]] = True
    ns[rows[~far]] = seconds[~far] * 1_000_000_000
    return True


def exact_shapes(text: pa.Array[Any], data: np.ndarray, offsets: np.ndarray, valid: np.ndarray, first_year: int,
                 last_year: int, month_days: np.ndarray, taken: np.ndarray, ns: np.ndarray, outside: np.ndarray
                 ) -> None:
    """Per string i of `text` (bytes data[offsets[i]:offsets[i + 1]]): `taken[i]` when it has one of the two shapes and
    either its year is outside first_year..last_year (`outside[i]`) or its day exists (`ns[i]`: nanoseconds since
    the epoch, UTC). `month_days`: days since the epoch of the first of each month from January `first_year` on,
    one past the last."""
    widths = np.diff(offsets)
    for width in (20, 10):
        rows = np.flatnonzero((widths == width) & valid)
        if not len(rows):
            continue
        cells = _width_rows(data, offsets, rows, width)
        ok = (cells[:, 4] == _DASH) & (cells[:, 7] == _DASH)
        if width == 20:
            ok &= (cells[:, 10] == _T) & (cells[:, 13] == _COLON) & (cells[:, 16] == _COLON) & (cells[:, 19] == _Z)
        if _arrow_cast(text, rows[ok], width, month_days, taken, ns, outside):
            continue

        def number(at: int, count: int) -> np.ndarray:
            nonlocal ok
            value, digits = _number(cells, at, count)
            ok &= digits
            return value

        year, month, day = number(0, 4), number(5, 2), number(8, 2)
        ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        seconds = np.zeros(len(rows), dtype=np.int64)
        if width == 20:
            hour, minute, second = number(11, 2), number(14, 2), number(17, 2)
            ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
            seconds = hour * 3600 + minute * 60 + second.astype(np.int64)
        del cells
        far = ok & ((year < first_year) | (year > last_year))  # taken, refused for its year: no calendar check
        near = ok & ~far
        m = np.where(near, (year - first_year) * 12 + month - 1, 0)
        first = month_days[m]
        near &= day <= month_days[m + 1] - first
        taken[rows[far | near]] = True
        outside[rows[far]] = True
        ns[rows[near]] = ((first[near] + day[near] - 1) * 86400 + seconds[near]) * 1_000_000_000
