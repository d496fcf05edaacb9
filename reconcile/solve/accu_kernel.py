"""The accu E-step and M-step sums of large partitions, in numpy (`accu.compiled`: at least
`accu.COMPILED_MIN_ASSERTIONS` assertions).

The formulas are those of accu.py (module docstring). Large partitions keep the numbers of the compiled loops
this module held until session 9 (numba), to the bit, so that every output stays the same: every sum runs in
assertion (or item) order, as the loops added one term after the other; `np.bincount` with weights does exactly
that (`np.add.reduceat` and `ndarray.sum` add pairwise, in another order, so they are not used for sums here);
the softmax shifts an item's scores by their largest only where exp could overflow (`SAFE_EXP`), where the small
partitions' `accu.item_softmax` always shifts. On CPUs without AVX-512 numpy's exp is the C library's, as was the
compiled loop's; with AVX-512 numpy has a SIMD exp of its own, which can differ in the last bit (so outputs are
identical run to run on one machine, not across CPU families; tests/test_solver_kernels.py uses numpy's exp).

Why numpy: the compiled loops saved about 0.1 s per E-step at a million assertions, and a run makes about ten
such calls, while loading numba and its cached machine code cost 1.5-2 s of CPU in every run (importing numba,
its typing registries, and scipy.linalg, which numba imports to look for a BLAS).
"""
from __future__ import annotations

import numpy as np

SAFE_EXP = 300.0  # exp(300) x a million candidates stays far below the float64 limit


def scores(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, w_log_n: np.ndarray,
           logit: np.ndarray, n_cands: int) -> np.ndarray:
    """Per candidate: sum over its assertions of w ln(n_false) + w logit(A_sa) (accu's vote), in assertion
    order."""
    votes: np.ndarray = np.bincount(assert_cand, weights=w_log_n + assert_w * logit[assert_sa], minlength=n_cands)
    return votes


def softmax(score: np.ndarray, item_start: np.ndarray, item_n_false: np.ndarray, temperature: np.ndarray,
            cand_item: np.ndarray) -> np.ndarray:
    """P(candidate) per single-valued item: softmax of score / temperature over the observed candidates plus
    the item's unobserved values (each with score 0). `temperature` has one value, or one per candidate;
    `cand_item`: each candidate's item (items are contiguous runs starting at `item_start`). Scores are shifted
    by the item's largest (when positive) only where exp could overflow."""
    n_cands = len(score)
    if n_cands == 0:
        return np.zeros(0)
    s = score / (temperature if len(temperature) > 1 else temperature[0])
    m = np.maximum(np.maximum.reduceat(s, item_start), 0.0)
    m[m < SAFE_EXP] = 0.0
    shifted = m > 0.0
    e = np.exp(s - m[cand_item]) if shifted.any() else np.exp(s)  # x - 0.0 is x: one pass less
    k = np.diff(np.append(item_start, n_cands))
    unobserved = item_n_false + 1.0 - k
    z: np.ndarray = np.bincount(cand_item, weights=e, minlength=len(item_start))  # in candidate order
    outside = unobserved > 0.0
    z[outside] += unobserved[outside] * np.where(shifted[outside], np.exp(-m[outside]), 1.0)
    prob: np.ndarray = e / z[cand_item]
    return prob


def right_sums(assert_sa: np.ndarray, assert_cand: np.ndarray, assert_w: np.ndarray, prob: np.ndarray, n_sa: int
               ) -> np.ndarray:
    """Per (source, attribute): sum of w x P(asserted candidate), the M-step's expected right assertions."""
    right: np.ndarray = np.bincount(assert_sa, weights=assert_w * prob[assert_cand], minlength=n_sa)
    return right


def dispersion_sums(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, prob: np.ndarray,
                    reliability: np.ndarray, cand_item: np.ndarray, item_start: np.ndarray,
                    item_n_false: np.ndarray, item_multi: np.ndarray) -> np.ndarray:
    """accu.dispersion_stats: [sum (m_i - E_i)^2 - V_i, sum V_i (n_i - 1), items] over the single-valued items
    with more than 1.5 weight of votes, each sum in item order."""
    n_items = len(item_start)
    if len(prob) == 0:
        return np.zeros(3)
    best = np.maximum.reduceat(prob, item_start)
    a_item = cand_item[assert_cand]
    p_top = best[a_item]
    acc = reliability[assert_sa]
    q = p_top * acc + (1.0 - p_top) * (1.0 - acc) / item_n_false[a_item]
    w = assert_w
    top = prob[assert_cand] >= p_top - 1e-12
    m = np.bincount(a_item, weights=np.where(top, w, 0.0), minlength=n_items)
    e = np.bincount(a_item, weights=w * q, minlength=n_items)
    v = np.bincount(a_item, weights=w * w * q * (1.0 - q), minlength=n_items)
    n = np.bincount(a_item, weights=w, minlength=n_items)
    use = ~item_multi & (n > 1.5)
    excess, expected = ((m - e) ** 2 - v)[use], (v * (n - 1.0))[use]
    return np.array([_in_order(excess), _in_order(expected), float(use.sum())])


def em_right_sums(assert_cand: np.ndarray, assert_sa: np.ndarray, assert_w: np.ndarray, w_log_n: np.ndarray,
                  logit: np.ndarray, item_start: np.ndarray, item_n_false: np.ndarray, cand_item: np.ndarray,
                  n_sa: int) -> np.ndarray:
    """One E-step over single-valued items: `scores`, `softmax` at temperature 1, `right_sums`."""
    prob = softmax(scores(assert_cand, assert_sa, assert_w, w_log_n, logit, len(cand_item)), item_start,
                   item_n_false, np.ones(1), cand_item)
    return right_sums(assert_sa, assert_cand, assert_w, prob, n_sa)


def _in_order(values: np.ndarray) -> float:
    """The sum of `values` added one after the other (np.sum adds pairwise: other last bits)."""
    return float(np.bincount(np.zeros(len(values), dtype=np.intp), weights=values, minlength=1)[0])
