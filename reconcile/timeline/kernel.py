"""Forward-backward of the time model over all items at once, compiled with numba.

The formulas are those of hmm.py (module docstring); here they run item by item, step by step inside one
compiled loop, without padding and without temporaries: the work is O(sum over items of T x K) per call, with
no Python-level loop over subjects or time steps. Arrays are flat: items own contiguous runs of steps
(`item_first_step`, `n_steps`), steps own contiguous runs of evidence points (`step_point_start`; the points'
arrays are stored in step order, so the pass reads them in sequence).

Sums over an item's K states follow numpy's pairwise summation order (8 partial sums from 8 values on), so
that these results match the numpy formulas they replace to the last bit wherever `exp` rounds the same way.
Written by hand because no library runs a batch of small HMMs with this lumped-state transition in one pass
(hmmlearn and pomegranate fit one discrete-time model with a dense transition matrix).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _sum(x: np.ndarray, lo: int, n: int) -> float:
    """numpy's pairwise_sum for n < 128 (the order numpy's `sum` uses on a contiguous row)."""
    if n < 8:
        res: float = 0.0
        for i in range(n):
            res += x[lo + i]
        return res
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[lo + i]
        i += 1
    return res


@njit(cache=True, inline="always")
def _stay(rates: np.ndarray, gap: float, N: float, sk: np.ndarray, qk: np.ndarray, K: int) -> None:
    """Per state: probability of no change over `gap` seconds at its own rate, and of a jump to each value."""
    for k in range(K):
        sk[k] = np.exp(-gap * rates[k])
        qk[k] = (1.0 - sk[k]) / N


@njit(cache=True, nogil=True)
def forward_backward(item_first_step: np.ndarray, n_steps: np.ndarray, n_cand: np.ndarray, m_other: np.ndarray,
                     n_values: np.ndarray, s: np.ndarray, q: np.ndarray, step_point_start: np.ndarray,
                     point_local: np.ndarray, point_vote: np.ndarray,
                     point_support: np.ndarray, final: bool, s_end: np.ndarray, q_end: np.ndarray,
                     item_first_cand: np.ndarray, state_at: np.ndarray, step_best: np.ndarray,
                     step_prob: np.ndarray, hetero: np.ndarray, rate_start: np.ndarray, state_rate: np.ndarray,
                     gap: np.ndarray, end_gap: np.ndarray) -> None:
    """Fill `point_support` (smoothed P(the point's value) at its step); with `final` also `state_at` (per
    candidate: the state distribution at as-of), `step_best` / `step_prob` (per step: most likely claimed
    value, first on ties, and its probability).

    Items with `hetero[i]` change at a rate of their own per state: `state_rate[rate_start[i] + k]` for local
    state k (the candidates, then "other"), over `gap` seconds before each step (`end_gap[i]` to as-of); the
    others use the precomputed `s`, `q`, `s_end`, `q_end` of their one rate."""
    n_items = len(n_steps)
    most = 1
    for i in range(n_items):
        most = max(most, n_steps[i] * (n_cand[i] + 1))
    e = np.empty(most)
    alpha = np.empty(most)
    beta = np.empty(most)
    tmp = np.empty(most)
    mult = np.empty(most)
    kmax = 1
    for i in range(n_items):
        kmax = max(kmax, n_cand[i] + 1)
    sk = np.empty(kmax)
    qk = np.empty(kmax)
    for i in range(n_items):
        T = n_steps[i]
        kc = n_cand[i]
        K = kc + 1
        f = item_first_step[i]
        N = n_values[i]
        own = hetero[i]
        r0 = rate_start[i]  # this item's run in state_rate (its candidates, then "other")
        for k in range(kc):
            mult[k] = 1.0
        mult[kc] = m_other[i]
        # emissions: log votes summed per state (in point order), shifted by the row's max, exponentiated
        for t in range(T):
            row = t * K
            st = f + t
            for k in range(K):
                e[row + k] = 0.0
            for p in range(step_point_start[st], step_point_start[st + 1]):
                e[row + point_local[p]] += point_vote[p]
            emax = -np.inf
            for k in range(K):
                if mult[k] > 0.0 and e[row + k] > emax:
                    emax = e[row + k]
            # most states have no evidence at a step (e = 0): exp(0 - emax) once for all of them
            e_zero = np.exp(-emax)
            for k in range(K):
                if mult[k] > 0.0:
                    ek = e[row + k]
                    # exp(0) is exactly 1: the state holding the largest vote (most steps have one) needs no exp
                    e[row + k] = e_zero if ek == 0.0 else (1.0 if ek == emax else np.exp(ek - emax))
                else:
                    e[row + k] = 0.0
        # forward (filtered, normalised)
        for t in range(T):
            row = t * K
            st = f + t
            if t == 0:
                for k in range(K):
                    tmp[k] = (mult[k] / N) * e[row + k]
            elif own:  # P(v -> u) = s_v [v = u] + q_v mult_u: each state leaves at its own rate
                _stay(state_rate[r0:r0 + K], gap[st], N, sk, qk, K)
                moved = 0.0
                for k in range(K):
                    moved += qk[k] * alpha[row - K + k]
                for k in range(K):
                    tmp[k] = (sk[k] * alpha[row - K + k] + moved * mult[k]) * e[row + k]
            else:
                prev_sum = _sum(alpha, row - K, K)
                for k in range(K):
                    tmp[k] = (s[st] * alpha[row - K + k] + (q[st] * prev_sum) * mult[k]) * e[row + k]
            total = _sum(tmp, 0, K)
            for k in range(K):
                alpha[row + k] = tmp[k] / total
        # backward (scaled by its max)
        last = (T - 1) * K
        for k in range(K):
            beta[last + k] = 1.0
        for t in range(T - 2, -1, -1):
            row = t * K
            nxt = row + K
            st = f + t + 1
            for k in range(K):
                tmp[k] = mult[k] * (e[nxt + k] * beta[nxt + k])
            g_sum = _sum(tmp, 0, K)
            if own:
                _stay(state_rate[r0:r0 + K], gap[st], N, sk, qk, K)
            bmax = -np.inf
            for k in range(K):
                if own:
                    b = sk[k] * (e[nxt + k] * beta[nxt + k]) + qk[k] * g_sum
                else:
                    b = s[st] * (e[nxt + k] * beta[nxt + k]) + q[st] * g_sum
                beta[row + k] = b
                if b > bmax:
                    bmax = b
            for k in range(K):
                beta[row + k] = beta[row + k] / bmax
        # smoothed = alpha x beta, normalised per step; kept in beta
        for t in range(T):
            row = t * K
            for k in range(K):
                tmp[k] = alpha[row + k] * beta[row + k]
            total = _sum(tmp, 0, K)
            for k in range(K):
                beta[row + k] = tmp[k] / total
            st = f + t
            for p in range(step_point_start[st], step_point_start[st + 1]):
                point_support[p] = beta[row + point_local[p]]
            if final:
                best = 0
                for k in range(1, kc):
                    if beta[row + k] > beta[row + best]:
                        best = k
                step_best[st] = best
                step_prob[st] = beta[row + best]
        if final and own:
            _stay(state_rate[r0:r0 + K], end_gap[i], N, sk, qk, K)
            moved = 0.0
            for k in range(K):
                moved += qk[k] * alpha[last + k]
            for k in range(kc):
                state_at[item_first_cand[i] + k] = sk[k] * alpha[last + k] + moved * mult[k]
        elif final:  # the filtered state at the last evidence time, carried over the gap to as-of
            a_sum = _sum(alpha, last, K)
            for k in range(kc):
                state_at[item_first_cand[i] + k] = s_end[i] * alpha[last + k] + (q_end[i] * a_sum) * mult[k]


@njit(cache=True)
def source_sums(point_claim: np.ndarray, point_support: np.ndarray, claim_points: np.ndarray,
                claim_src: np.ndarray, claim_weight: np.ndarray, n_sources: int) -> np.ndarray:
    """Per source: sum of weight x support over its claims, a claim's support the mean over its evidence points
    (NaN counts 0). The additions run in point order, then claim order, as `np.bincount` does: the same sums."""
    sums = np.zeros(len(claim_src))
    for p in range(len(point_claim)):
        sums[point_claim[p]] += point_support[p]
    right = np.zeros(n_sources)
    for c in range(len(claim_src)):
        support = sums[c] / max(claim_points[c], 1)
        if np.isnan(support):
            support = 0.0
        right[claim_src[c]] += claim_weight[c] * support
    return right
