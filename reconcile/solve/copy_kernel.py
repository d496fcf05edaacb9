"""Per-pair copy statistics of one partition as a compiled loop (numba), for `copying.pair_statistics`.

For every judged item and every two (source, attribute) ids that speak about it (a < b), the item is shared (1),
and over the candidates both assert, P(v), 1 - P(v) and (1 - P(v)) x (observed candidates - 1) are added. The
events (an item and two assertions of different ids in it) are dealt, in the order of the items, into one bucket
per smaller id a; each bucket is then summed per partner b in scratch arrays of one row and written out in order
of b. Each pair's sums take their terms in the order of the items and, within an item, of the candidates: the
order of `np.bincount` over all the events, so the numbers are those of summing the events one by one, to the
bit, without pair keys to sort (one int64 per event) or memory per id x id cell. Sparse matrix products compute
the same sums, but through a source x item and a source x candidate matrix of every assertion and both orders of
every pair; this loop touches only the judged items' assertions. Written by hand because no library emits the pairs of
co-occurring members per group (numba is already a dependency: reconcile/timeline/kernel.py).
"""
from __future__ import annotations

import numpy as np
from numba import njit


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
def row_sizes(sa: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray, n_sa: int) -> np.ndarray:
    """Per id a: how many (item, pair of its assertions) events the pairs (a, b > a) have (`pair_sums`'s rows)."""
    size = np.zeros(n_sa, dtype=np.int64)
    for k in range(len(item_lo)):
        for i in range(item_lo[k], item_hi[k]):
            for j in range(i + 1, item_hi[k]):
                a, b = sa[i], sa[j]
                if a != b:
                    size[min(a, b)] += 1
    return size


@njit(cache=True)
def pair_sums(sa: np.ndarray, cand: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray, prob: np.ndarray,
              n_false: np.ndarray, row_size: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pair of ids a < b that share a judged item, in order of (a, b): (a, b, shared items, same_true,
    same_false, false_n). `sa`, `cand`: the kept assertions sorted by candidate (so by item; each id at most once
    per candidate); `item_lo`/`item_hi`: each judged item's run of them; `row_size`: `row_sizes`. Two assertions
    of one id in one item (a source that names two values) count one shared item.

    The events (an item and two assertions of different ids in it) are dealt into one bucket per smaller id, in
    the order of the items; each bucket is then summed per partner b in a scratch row."""
    n_sa = len(row_size)
    first = first_of_id(sa, item_lo, item_hi)
    start = np.zeros(n_sa + 1, dtype=np.int64)
    for s in range(n_sa):
        start[s + 1] = start[s] + row_size[s]
    fill = start[:-1].copy()
    bits = 1  # per event: (candidate + 1, or 0) << (bits + 1) | b << 1 | shared (shifts: no division)
    while (1 << bits) < n_sa:
        bits += 1
    mask = (1 << bits) - 1
    events = np.empty(start[n_sa], dtype=np.int64)
    for k in range(len(item_lo)):
        for i in range(item_lo[k], item_hi[k]):
            for j in range(i + 1, item_hi[k]):
                a, b = sa[i], sa[j]
                if a == b:
                    continue
                if a > b:
                    a, b = b, a
                e = fill[a]
                fill[a] += 1
                same = cand[i] + 1 if cand[i] == cand[j] else 0
                events[e] = (same << (bits + 1)) | (b << 1) | (1 if first[i] and first[j] else 0)
    shared = np.zeros(n_sa)
    s_true = np.zeros(n_sa)
    s_false = np.zeros(n_sa)
    f_n = np.zeros(n_sa)
    seen = np.zeros(n_sa, dtype=np.bool_)
    touched = np.empty(n_sa, dtype=np.int64)
    n_pairs = 0
    for a in range(n_sa):  # the distinct partners of each row (an upper bound on the pairs: its events)
        n_touched = 0
        for e in range(start[a], start[a + 1]):
            b = (events[e] >> 1) & mask
            if not seen[b]:
                seen[b] = True
                touched[n_touched] = b
                n_touched += 1
        for t in range(n_touched):
            seen[touched[t]] = False
        n_pairs += n_touched
    out_a = np.empty(n_pairs, dtype=np.int64)
    out_b = np.empty(n_pairs, dtype=np.int64)
    out = np.empty((4, n_pairs))
    size = 0
    for a in range(n_sa):
        n_touched = 0
        for e in range(start[a], start[a + 1]):
            b = (events[e] >> 1) & mask
            c = (events[e] >> (bits + 1)) - 1
            if not seen[b]:
                seen[b] = True
                touched[n_touched] = b
                n_touched += 1
            if events[e] & 1:
                shared[b] += 1.0
            if c >= 0:  # both assert candidate c (other events add nothing to these sums)
                p = prob[c]
                s_true[b] += p
                s_false[b] += 1.0 - p
                f_n[b] += (1.0 - p) * n_false[c]
        for b in np.sort(touched[:n_touched]):
            out_a[size] = a
            out_b[size] = b
            out[0, size] = shared[b]
            out[1, size] = s_true[b]
            out[2, size] = s_false[b]
            out[3, size] = f_n[b]
            size += 1
            shared[b] = 0.0
            s_true[b] = 0.0
            s_false[b] = 0.0
            f_n[b] = 0.0
            seen[b] = False
    return out_a, out_b, out[0], out[1], out[2], out[3]
