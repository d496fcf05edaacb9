"""The two common time stamp shapes read from Arrow's string buffers, byte column by byte column (numpy).

`YYYY-MM-DDThh:mm:ssZ` and `YYYY-MM-DD`, exactly as `times._FAST_ZULU` / `times._FAST_DATE` accept them: ASCII
digits, month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59, nothing before or after. Written by hand
because the library paths cost several passes per string: Arrow's RE2 match of that pattern, a second match and a
cast for the year check, and the cast itself (about 0.35 s of CPU per million time stamps, more than the rest of
reading them). Here the strings of 10 or 20 bytes are read as up to 20 columns of bytes (one gather each), and
the checks and the arithmetic run on those columns. The calendar (which days exist) is numpy's, passed in as the
first day of every month. Until session 9 this was a compiled loop (numba), whose loading cost about a second of
CPU in every run that read a million time stamps; these columns take a few tens of milliseconds.
"""
from __future__ import annotations

import numpy as np

_DASH, _T, _COLON, _Z, _ZERO = 45, 84, 58, 90, 48


def exact_shapes(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray, first_year: int, last_year: int,
                 month_days: np.ndarray, taken: np.ndarray, ns: np.ndarray, outside: np.ndarray) -> None:
    """Per string i (bytes data[offsets[i]:offsets[i + 1]]): `taken[i]` when it has one of the two shapes and
    either its year is outside first_year..last_year (`outside[i]`) or its day exists (`ns[i]`: nanoseconds since
    the epoch, UTC). `month_days`: days since the epoch of the first of each month from January `first_year` on,
    one past the last."""
    width = np.diff(offsets)
    rows = np.flatnonzero(valid & ((width == 20) | (width == 10)))
    if len(rows) == 0:
        return
    at = offsets[rows].astype(np.int64)

    def number(start: np.ndarray, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The value of `count` ASCII digits from byte `first` of the strings at `start`, and whether they all are
        digits (`data[first:][start]`: byte `first` of every string, without index arithmetic)."""
        value, ok = np.zeros(len(start), dtype=np.int64), np.ones(len(start), dtype=bool)
        for k in range(first, first + count):
            d = data[k:][start] - np.uint8(_ZERO)  # below "0" wraps around to 208 and more
            ok &= d <= 9
            value = value * 10 + d
        return value, ok

    year, ok = number(at, 0, 4)
    month, ok_month = number(at, 5, 2)
    day, ok_day = number(at, 8, 2)
    ok &= ok_month & ok_day & (data[4:][at] == _DASH) & (data[7:][at] == _DASH)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    wide = np.flatnonzero(width[rows] == 20)  # the clock, read only where there is one (no byte past the data)
    w_at = at[wide]
    hour, ok_hour = number(w_at, 11, 2)
    minute, ok_minute = number(w_at, 14, 2)
    second, ok_second = number(w_at, 17, 2)
    ok[wide] &= ok_hour & ok_minute & ok_second & (data[10:][w_at] == _T) & (data[13:][w_at] == _COLON) \
        & (data[16:][w_at] == _COLON) & (data[19:][w_at] == _Z) & (hour <= 23) & (minute <= 59) & (second <= 59)
    seconds = np.zeros(len(rows), dtype=np.int64)
    seconds[wide] = hour * 3600 + minute * 60 + second
    beyond = ok & ((year < first_year) | (year > last_year))
    taken[rows[beyond]] = True
    outside[rows[beyond]] = True
    ok &= ~beyond
    m = np.where(ok, (year - first_year) * 12 + month - 1, 0)
    ok &= day <= month_days[m + 1] - month_days[m]
    taken[rows[ok]] = True
    ns[rows[ok]] = ((month_days[m[ok]] + day[ok] - 1) * 86400 + seconds[ok]) * 1_000_000_000
