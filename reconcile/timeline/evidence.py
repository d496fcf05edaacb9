"""When a claim speaks about, as evidence for the time model; tolerances; self-corrections.

Evidence time of a claim (all times int64 nanoseconds UTC, clipped to the reference time `ref` = --as-of):

* `valid_from` and `valid_to` (or `valid_at`, which sets both): the interval [valid_from, valid_to];
* only `valid_from` ("since T"): [valid_from, max(valid_from, published_at)] - the state held from T until it
  was reported (just [valid_from, valid_from] without a publication time);
* only `valid_to` ("until T"): the instant valid_to;
* neither: the instant published_at (`explicit` = False); neither and no publication time: the instant `ref`.

Times after `ref` are clipped to `ref`: a claim published before --as-of about a later time (a forecast, or a
mistyped date) says at most something about the state at --as-of. (Validation should flag these; see the
report of the timeline work.)

Tolerance: two valid times closer than `tolerance_ns(change_every)` = max(1 hour, 2% of change_every) count as
the same moment (overlapping). Contradiction classification and self-corrections use it.

A claim is *superseded* when the same source later (by published_at) asserts a different value of the same
subject/attribute for an overlapping valid time: the later statement is a correction of the earlier one. A
later statement about a later valid time is an update of the timeline, not a correction.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

HOUR_NS = 3_600 * 10**9
TOLERANCE_FRACTION = 0.02


def to_ns(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps (tz-aware or NaT) -> (int64 ns, present mask)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    index = pd.DatetimeIndex(values)
    if index.tz is not None:
        index = index.tz_convert("UTC")
    present = ~np.asarray(index.isna())
    ns = index.as_unit("ns").asi8.copy()
    ns[~present] = 0
    return ns, np.asarray(present)


def timestamp_ns(ts: pd.Timestamp | None) -> int | None:
    if ts is None or pd.isna(ts):
        return None
    return int(pd.Timestamp(ts).as_unit("ns").value)


def tolerance_ns(change_every_s: np.ndarray | float) -> np.ndarray:
    return np.maximum(HOUR_NS, TOLERANCE_FRACTION * np.asarray(change_every_s, dtype=float) * 1e9)


def claim_times(claims: pd.DataFrame, ref_ns: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Per claim: (start ns, end ns, explicit valid time?, reference ns). See the module docstring."""
    vf, has_f = to_ns(claims["valid_from"])
    vt, has_t = to_ns(claims["valid_to"])
    pub, has_p = to_ns(claims["published_at"])
    if ref_ns is None:
        known = np.r_[vf[has_f], vt[has_t], pub[has_p]]
        ref_ns = int(known.max()) if len(known) else 0
    start = np.where(has_f, vf, np.where(has_t, vt, np.where(has_p, pub, ref_ns)))
    end = np.where(has_t, vt, np.where(has_f & has_p, np.maximum(vf, pub), start))
    start = np.minimum(start, ref_ns)
    end = np.maximum(np.minimum(end, ref_ns), start)
    return start.astype(np.int64), end.astype(np.int64), has_f | has_t, ref_ns


def superseded(item: np.ndarray, source: np.ndarray, cand: np.ndarray, start: np.ndarray, end: np.ndarray,
               published: pd.Series, tol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Self-corrections. Returns (superseded mask per claim, index of the correcting claim or -1).

    `tol` is the tolerance per claim (of its item). The correcting claim is the earliest later-published claim
    of the same source and item with another value whose valid time overlaps (ties: the lower row).
    """
    n = len(item)
    out = np.zeros(n, dtype=bool)
    by = np.full(n, -1, dtype=np.int64)
    pub, has_p = to_ns(published)
    if n < 2 or not has_p.any():
        return out, by
    # the claims with a publication time grouped by (item, source) by a counting sort, and the pairs within each
    # group holding several values in one compiled pass (steps.correcting_rows): an (item, source)'s claims are few
    from .steps import correcting_rows, item_time_order  # numba: loaded on use

    rows = np.flatnonzero(has_p)
    r_item, r_src = item[rows].astype(np.int64), source[rows].astype(np.int64)
    order = item_time_order(r_item, r_src, int(r_item.max()) + 1)
    found = correcting_rows(order, r_item, r_src, rows, cand[rows].astype(np.int64), start[rows].astype(np.int64),
                            end[rows].astype(np.int64), pub[rows], np.asarray(tol, dtype=float)[rows])
    hit = found >= 0
    out[rows[hit]] = True
    by[rows[hit]] = found[hit]
    return out, by
