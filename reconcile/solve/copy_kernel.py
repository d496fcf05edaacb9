"""Per-pair copy statistics of one large partition, for `copying.pair_statistics`, in numpy.

For every judged item and every two (source, attribute) ids that speak about it (a < b), the item is shared (1),
and over the candidates both assert, P(v), 1 - P(v) and (1 - P(v)) x (observed candidates - 1) are added.

The numbers are those, to the bit, of the compiled loop (numba) this module held until session 9: loading numba
cost 1.5-2 s of CPU in every run, more than this stage. The shared items are whole numbers, exact in any order.
The other sums take, per pair, one term per candidate both assert, in the order of the candidates, as the loop
added them: `np.bincount` over the candidates' pairs, made candidate by candidate, adds them in that order. The
number of pairs is bounded by `max_sources_per_item` and by `copying.max_items` (the even sample of items).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def pair_sums(sa: np.ndarray, cand: np.ndarray, item_lo: np.ndarray, item_hi: np.ndarray, prob: np.ndarray,
              n_false: np.ndarray, n_sa: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pair of ids a < b that share a judged item, in order of (a, b): (a, b, shared items, same_true,
    same_false, false_n). `sa`, `cand`: the kept assertions sorted by candidate (so by item; each id at most once
    per candidate); `item_lo`/`item_hi`: each judged item's run of them (together, all of them). Two assertions
    of one id in one item (a source that names two values) count one shared item."""
    run = np.repeat(np.arange(len(item_lo)), item_hi - item_lo)
    first = np.flatnonzero(~pd.Series(run.astype(np.int64) * n_sa + sa).duplicated().to_numpy())
    i, j = _pairs_within(run[first])  # each item's ids, once each
    shared_keys = _keys(sa[first[i]], sa[first[j]], n_sa)
    del i, j
    cand_start = np.flatnonzero(np.r_[True, cand[1:] != cand[:-1]]) if len(cand) else np.zeros(0, np.int64)
    i, j = _pairs_within(np.repeat(np.arange(len(cand_start)), np.diff(np.r_[cand_start, len(cand)])))
    i, j = i[sa[i] != sa[j]], j[sa[i] != sa[j]]
    same_keys = _keys(sa[i], sa[j], n_sa)
    c = cand[i]  # in the order of the candidates
    del i, j
    pairs, at_shared, at_same = _rank(shared_keys, same_keys, n_sa)
    p = prob[c]
    q = 1.0 - p
    sums = [np.bincount(at_shared, minlength=len(pairs)).astype(np.float64)] + \
        [np.bincount(at_same, weights=w, minlength=len(pairs)) for w in (p, q, q * n_false[c])]
    return pairs // n_sa, pairs % n_sa, sums[0], sums[1], sums[2], sums[3]


def _pairs_within(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j), i < j, of positions in one group (`group`: non-decreasing), in order of i, then j."""
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    count = ends - 1 - np.arange(n)
    i = np.repeat(np.arange(n), count)
    j = i + 1 + (np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count))
    return i, j


def _keys(a: np.ndarray, b: np.ndarray, n_sa: int) -> np.ndarray:
    keys: np.ndarray = np.minimum(a, b).astype(np.int64) * n_sa + np.maximum(a, b)
    return keys


def _rank(keys: np.ndarray, more: np.ndarray, n_sa: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the sorted distinct `keys`, the index of each of `keys` and of `more` among them); every one of `more`
    is one of `keys`."""
    if n_sa * n_sa <= max(4 * len(keys), 1 << 22):  # few ids: a flag per possible pair, no hashing
        present = np.zeros(n_sa * n_sa, dtype=bool)
        present[keys] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return np.flatnonzero(present), rank[keys], rank[more]
    inverse, uniq = pd.factorize(np.concatenate((keys, more)), sort=True)
    return np.asarray(uniq), inverse[:len(keys)], inverse[len(keys):]
