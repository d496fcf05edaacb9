"""The accu E-step and M-step sums as compiled loops (numba): one pass over assertions, one over items.

The formulas are those of accu.py (module docstring); numpy needs a temporary per operation there (votes,
scores, maxima, exponentials, sums: about ten passes over a million assertions per EM iteration), these loops
need two. Sums run in assertion order, as `np.bincount` does, so scores and statistics are the same numbers
in any number of partitions. Written by hand because no library fuses a gather, a segmented softmax and a
scatter-add (numba is already the time model's compiler, reconcile/timeline/kernel.py).
"""
from __future__ import annotations

import numpy as np
from numba import njit

SAFE_EXP = 300.0  # exp(300) x a million candidates stays far below the float64 limit


@njit(cache=True)
def scores(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, w_log_n: np.ndarray,
           logit: np.ndarray, n_cands: int) -> np.ndarray:
    """Per candidate: sum over its assertions of w ln(n_false) + w logit(A_sa) (accu's vote)."""
    out = np.zeros(n_cands)
    for i in range(len(assert_cand)):
        out[assert_cand[i]] += w_log_n[i] + assert_w[i] * logit[assert_sa[i]]
    return out


@njit(cache=True)
def softmax(score: np.ndarray, item_start: np.ndarray, item_n_false: np.ndarray, temperature: np.ndarray
            ) -> np.ndarray:
    """P(candidate) per single-valued item: softmax of score / temperature over the observed candidates plus
    the item's unobserved values (each with score 0). `temperature` has one value, or one per candidate.
    Scores are shifted by the item's largest (when positive) only where exp could overflow."""
    n_cands = len(score)
    n_items = len(item_start)
    prob = np.empty(n_cands)
    per_cand = len(temperature) > 1
    for it in range(n_items):
        lo = item_start[it]
        hi = item_start[it + 1] if it + 1 < n_items else n_cands
        m = 0.0
        for c in range(lo, hi):
            s = score[c] / (temperature[c] if per_cand else temperature[0])
            prob[c] = s
            if s > m:
                m = s
        if m < SAFE_EXP:
            m = 0.0
        z = 0.0
        for c in range(lo, hi):
            e = np.exp(prob[c] - m)
            prob[c] = e
            z += e
        unobserved = item_n_false[it] + 1.0 - (hi - lo)
        if unobserved > 0.0:
            z += unobserved * (np.exp(-m) if m > 0.0 else 1.0)
        for c in range(lo, hi):
            prob[c] /= z
    return prob


@njit(cache=True)
def right_sums(assert_sa: np.ndarray, assert_cand: np.ndarray, assert_w: np.ndarray, prob: np.ndarray, n_sa: int
               ) -> np.ndarray:
    """Per (source, attribute): sum of w x P(asserted candidate), the M-step's expected right assertions."""
    out = np.zeros(n_sa)
    for i in range(len(assert_sa)):
        out[assert_sa[i]] += assert_w[i] * prob[assert_cand[i]]
    return out



@njit(cache=True)
def dispersion_sums(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, prob: np.ndarray,
                    reliability: np.ndarray, cand_item: np.ndarray, item_start: np.ndarray,
                    item_n_false: np.ndarray, item_multi: np.ndarray) -> np.ndarray:
    """accu.dispersion_stats in two passes: [sum (m_i - E_i)^2 - V_i, sum V_i (n_i - 1), items] over the
    single-valued items with more than 1.5 weight of votes."""
    n_items = len(item_start)
    n_cands = len(prob)
    best = np.empty(n_items)
    for it in range(n_items):
        lo = item_start[it]
        hi = item_start[it + 1] if it + 1 < n_items else n_cands
        b = -np.inf
        for c in range(lo, hi):
            if prob[c] > b:
                b = prob[c]
        best[it] = b
    m = np.zeros(n_items)
    e = np.zeros(n_items)
    v = np.zeros(n_items)
    n = np.zeros(n_items)
    for i in range(len(assert_cand)):
        c = assert_cand[i]
        it = cand_item[c]
        p_top = best[it]
        acc = reliability[assert_sa[i]]
        q = p_top * acc + (1.0 - p_top) * (1.0 - acc) / item_n_false[it]
        w = assert_w[i]
        if prob[c] >= p_top - 1e-12:
            m[it] += w
        e[it] += w * q
        v[it] += w * w * q * (1.0 - q)
        n[it] += w
    out = np.zeros(3)
    for it in range(n_items):
        if not item_multi[it] and n[it] > 1.5:
            out[0] += (m[it] - e[it]) ** 2 - v[it]
            out[1] += v[it] * (n[it] - 1.0)
            out[2] += 1.0
    return out


@njit(cache=True)
def scores_given(assert_cand: np.ndarray, w_log_n: np.ndarray, assert_w: np.ndarray, logit: np.ndarray,
                 n_cands: int) -> np.ndarray:
    """`scores` with a logit per *assertion* (calibration.posteriors_given): sum of w ln(n_false) + w logit."""
    out = np.zeros(n_cands)
    for i in range(len(assert_cand)):
        out[assert_cand[i]] += w_log_n[i] + assert_w[i] * logit[i]
    return out


@njit(cache=True)
def leave_out(assert_cand: np.ndarray, assert_w: np.ndarray, prob: np.ndarray, grouped: np.ndarray,
              r_grouped: np.ndarray, t_grouped: np.ndarray, assert_sa: np.ndarray, reliability: np.ndarray,
              strength: np.ndarray, low: float, high: float) -> np.ndarray:
    """Per assertion: (A n - r) / max(n - t, 1e-9) clipped to [low, high], or A where n is infinite (pinned):
    calibration.leave_item_out's formula in one pass. The item's own contribution is r = w P(asserted value),
    t = w, except at the assertions `grouped` (a source with several assertions on one item), which take
    `r_grouped`, `t_grouped`."""
    out = np.empty(len(assert_cand))
    for i in range(len(assert_cand)):
        out[i] = _leave_out_one(assert_w[i] * prob[assert_cand[i]], assert_w[i], reliability[assert_sa[i]],
                                strength[assert_sa[i]], low, high)
    for k in range(len(grouped)):
        i = grouped[k]
        out[i] = _leave_out_one(r_grouped[k], t_grouped[k], reliability[assert_sa[i]], strength[assert_sa[i]],
                                low, high)
    return out


@njit(cache=True)
def _leave_out_one(r: float, t: float, a: float, n: float, low: float, high: float) -> float:
    if not np.isfinite(n):
        return a
    x = (a * n - r) / max(n - t, 1e-9)
    if x < low:
        x = low
    if x > high:
        x = high
    return x


@njit(cache=True)
def em_right_sums(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, w_log_n: np.ndarray,
                  logit: np.ndarray, item_start: np.ndarray, item_n_false: np.ndarray, n_cands: int, n_sa: int
                  ) -> np.ndarray:
    """One E-step over single-valued items in one call: `scores`, `softmax` at temperature 1, `right_sums` (the
    same loops, without a round trip to Python between them)."""
    prob = softmax(scores(assert_cand, assert_sa, assert_w, w_log_n, logit, n_cands), item_start, item_n_false,
                   np.ones(1))
    return right_sums(assert_sa, assert_cand, assert_w, prob, n_sa)


@njit(cache=True)
def item_tops(prob: np.ndarray, item_start: np.ndarray, assert_item: np.ndarray, assert_w: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item: its largest probability, how many candidates reach it, its vote weight (summed in assertion
    order, as np.bincount): consistency.apply_map's per-item inputs in two passes."""
    n_items = len(item_start)
    n_cands = len(prob)
    best = np.empty(n_items)
    n_top = np.zeros(n_items)
    for it in range(n_items):
        lo = item_start[it]
        hi = item_start[it + 1] if it + 1 < n_items else n_cands
        b = prob[lo]
        for c in range(lo + 1, hi):
            if prob[c] > b:
                b = prob[c]
        best[it] = b
        for c in range(lo, hi):
            if prob[c] >= b:
                n_top[it] += 1.0
    n_src = np.zeros(n_items)
    for i in range(len(assert_item)):
        n_src[assert_item[i]] += assert_w[i]
    return best, n_top, n_src


@njit(cache=True)
def mapped_tops(prob: np.ndarray, cand_item: np.ndarray, best: np.ndarray, n_top: np.ndarray, mapped: np.ndarray,
                item_multi: np.ndarray) -> np.ndarray:
    """consistency.apply_map's result from `item_tops` and the mapped top confidences: each single-valued item's
    top candidate (one, not tied) takes its mapped confidence, the others share the rest in proportion."""
    out = np.empty(len(prob))
    for c in range(len(prob)):
        it = cand_item[c]
        if item_multi[it] or n_top[it] != 1.0:
            out[c] = prob[c]
        elif prob[c] >= best[it]:
            out[c] = mapped[it]
        else:
            scale = (1.0 - mapped[it]) / max(1.0 - best[it], 1e-300) if best[it] < 1.0 else 0.0
            out[c] = prob[c] * scale
    return out
