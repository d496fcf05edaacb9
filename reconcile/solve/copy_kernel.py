"""Per-pair copy statistics of one partition as a compiled loop (numba), for `copying.pair_statistics`.

For every judged item and every two (source, attribute) ids that speak about it (a < b), one event: the item is
shared (1), and over the candidates both assert, P(v), 1 - P(v) and (1 - P(v)) x (observed candidates - 1)
are added. The events are summed per pair with a sort on the pair key. Sparse matrix products compute the same
sums, but through a source x item and a source x candidate matrix of every assertion and both orders of every
pair; this loop touches only the judged items' assertions, once. Written by hand because no library emits the
pairs of co-occurring members per group (numba is already a dependency: reconcile/timeline/kernel.py).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def count_pairs(item_lo: np.ndarray, item_hi: np.ndarray) -> int:
    n = 0
    for k in range(len(item_lo)):
        m = item_hi[k] - item_lo[k]
        n += m * (m - 1) // 2
    return n


@njit(cache=True)
def first_of_id(sa: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray) -> np.ndarray:
    """Per assertion: is it its (source, attribute) id's first in its item (the one that counts the shared item)."""
    first = np.ones(len(sa), dtype=np.bool_)
    for k in range(len(item_lo)):
        for i in range(item_lo[k], item_hi[k]):
            for j in range(item_lo[k], i):
                if sa[j] == sa[i]:
                    first[i] = False
                    break
    return first


@njit(cache=True)
def pair_events(sa: np.ndarray, cand: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray, prob: np.ndarray,
                n_false: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Events of the judged items. `sa`, `cand`: the kept assertions sorted by candidate (so by item) and, within
    an item, each (source, attribute) id at most once per candidate; `item_lo`/`item_hi`: each judged item's run
    of them. Returns (a, b, shared, same_true, same_false, false_n) per event, a < b; two assertions of one id in
    one item (a source that names two values) give one shared item."""
    n = count_pairs(item_lo, item_hi)
    out_a = np.empty(n, dtype=np.int64)
    out_b = np.empty(n, dtype=np.int64)
    shared = np.empty(n)
    s_true = np.empty(n)
    s_false = np.empty(n)
    f_n = np.empty(n)
    first = first_of_id(sa, item_lo, item_hi)
    e = 0
    for k in range(len(item_lo)):
        lo, hi = item_lo[k], item_hi[k]
        for i in range(lo, hi):
            for j in range(i + 1, hi):
                a, b = sa[i], sa[j]
                if a == b:
                    continue
                if a > b:
                    a, b = b, a
                out_a[e] = a
                out_b[e] = b
                same = cand[i] == cand[j]
                p = prob[cand[i]]
                shared[e] = 1.0 if (first[i] and first[j]) else 0.0
                s_true[e] = p if same else 0.0
                s_false[e] = (1.0 - p) if same else 0.0
                f_n[e] = (1.0 - p) * n_false[cand[i]] if same else 0.0
                e += 1
    return out_a[:e], out_b[:e], shared[:e], s_true[:e], s_false[:e], f_n[:e]


@njit(cache=True)
def order_by(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """The stable order of `keys` (integers in [0, n_keys)): np.argsort(keys, kind="stable"), by counting."""
    start = np.zeros(n_keys + 1, dtype=np.int64)
    for i in range(len(keys)):
        start[keys[i] + 1] += 1
    for k in range(n_keys):
        start[k + 1] += start[k]
    out = np.empty(len(keys), dtype=np.int64)
    for i in range(len(keys)):
        k = keys[i]
        out[start[k]] = i
        start[k] += 1
    return out


@njit(cache=True)
def pair_sums_dense(sa: np.ndarray, cand: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray, prob: np.ndarray,
                    n_false: np.ndarray, n_sa: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                             np.ndarray]:
    """`pair_events` summed per pair in dense n_sa x n_sa arrays (key a n_sa + b), in event order as np.bincount
    sums them: (present, shared, same_true, same_false, false_n). For few (source, attribute) ids and many events
    (`copying._pair_sums_compiled` chooses), without the event arrays and their grouping."""
    size = n_sa * n_sa
    present = np.zeros(size, dtype=np.bool_)
    shared = np.zeros(size)
    s_true = np.zeros(size)
    s_false = np.zeros(size)
    f_n = np.zeros(size)
    first = first_of_id(sa, item_lo, item_hi)
    for k in range(len(item_lo)):
        lo, hi = item_lo[k], item_hi[k]
        for i in range(lo, hi):
            for j in range(i + 1, hi):
                a, b = sa[i], sa[j]
                if a == b:
                    continue
                if a > b:
                    a, b = b, a
                key = a * n_sa + b
                present[key] = True
                same = cand[i] == cand[j]
                p = prob[cand[i]]
                shared[key] += 1.0 if (first[i] and first[j]) else 0.0
                s_true[key] += p if same else 0.0
                s_false[key] += (1.0 - p) if same else 0.0
                f_n[key] += (1.0 - p) * n_false[cand[i]] if same else 0.0
    return present, shared, s_true, s_false, f_n
