"""The two common time stamp shapes read from Arrow's string buffers in one compiled pass (numba).

`YYYY-MM-DDThh:mm:ssZ` and `YYYY-MM-DD`, exactly as `times._FAST_ZULU` / `times._FAST_DATE` accept them: ASCII
digits, month 01-12, day 01-31, hour 00-23, minutes and seconds 00-59, nothing before or after. Written by hand
because the library paths cost several passes per string: Arrow's RE2 match of that pattern, a second match and a
cast for the year check, and the cast itself (about 0.35 s of CPU per million time stamps, more than the rest of
reading them); this loop reads each byte once. The calendar (which days exist) is numpy's, passed in as the first
day of every month. numba is already a dependency (reconcile/timeline/kernel.py).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _digits(data: np.ndarray, at: int, count: int) -> int:
    """The number written by `count` ASCII digits at `at`, or -1 when one of them is not a digit."""
    value = 0
    for k in range(at, at + count):
        d = int(data[k]) - 48
        if d < 0 or d > 9:
            return -1
        value = value * 10 + d
    return value


@njit(cache=True)
def exact_shapes(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray, first_year: int, last_year: int,
                 month_days: np.ndarray, taken: np.ndarray, ns: np.ndarray, outside: np.ndarray) -> None:
    """Per string i (bytes data[offsets[i]:offsets[i + 1]]): `taken[i]` when it has one of the two shapes and
    either its year is outside first_year..last_year (`outside[i]`) or its day exists (`ns[i]`: nanoseconds since
    the epoch, UTC). `month_days`: days since the epoch of the first of each month from January `first_year` on,
    one past the last."""
    for i in range(len(valid)):
        if not valid[i]:
            continue
        at = offsets[i]
        width = offsets[i + 1] - at
        if width != 20 and width != 10:
            continue
        if data[at + 4] != 45 or data[at + 7] != 45:  # "-"
            continue
        year, month, day = _digits(data, at, 4), _digits(data, at + 5, 2), _digits(data, at + 8, 2)
        if year < 0 or month < 1 or month > 12 or day < 1 or day > 31:
            continue
        seconds = 0
        if width == 20:
            if data[at + 10] != 84 or data[at + 13] != 58 or data[at + 16] != 58 or data[at + 19] != 90:  # T : : Z
                continue
            hour, minute, second = _digits(data, at + 11, 2), _digits(data, at + 14, 2), _digits(data, at + 17, 2)
            if hour < 0 or hour > 23 or minute < 0 or minute > 59 or second < 0 or second > 59:
                continue
            seconds = hour * 3600 + minute * 60 + second
        if year < first_year or year > last_year:
            taken[i] = True
            outside[i] = True
            continue
        m = (year - first_year) * 12 + month - 1
        if day > month_days[m + 1] - month_days[m]:
            continue
        taken[i] = True
        ns[i] = ((month_days[m] + day - 1) * 86400 + seconds) * 1_000_000_000
