"""Self-consistency recalibration: does a held-out source agree with the others as often as the confidence says?

For every source s on an item with other sources, the others' posterior (the cavity: s's votes removed) names
a top value t with confidence q. If q is honest, and s has reliability A (learned without this item,
calibration.leave_item_out) and errs over n_false wrong values, s names t with probability

    q A + (1 - q) b,    b = (1 - A) / n_false,

so the observed agreement 1[s said t] estimates the true confidence of t as (agree - b) / (A - b). Across the
feed this gives, without labels, what a confidence q is worth: on a feed that follows the model the two agree
(the map is the identity); where sources' errors are shared (a stale figure copied around, a rumour repeated)
a held-out source disagrees with a confident consensus more often than q allows, and the map lowers q.

The estimate is pooled in bins of logit(q) (summable over partitions: one engine job) and made monotone by
isotonic regression (scipy.optimize.isotonic_regression), each bin weighted by its precision sum (A - b)^2.
The map is applied to each item's most probable value; the item's other candidates share the rest in the
same proportions, so an item's probabilities still add up to at most 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import Partition
from .segments import seg_max, seg_sizes, seg_sum

#: bins of logit(q) from LOW to HIGH, BIN_WIDTH wide (outside: the first / last bin)
LOW, HIGH, BIN_WIDTH = -6.0, 14.0, 0.25
N_BINS = int((HIGH - LOW) / BIN_WIDTH)
#: total precision weight (about: held-out claims) needed before the map is trusted at all
MIN_WEIGHT = 30.0


@dataclass(frozen=True)
class ConfidenceMap:
    """Monotone map of a top value's confidence: knots q -> g(q), linear in between (np.interp)."""

    q: np.ndarray
    g: np.ndarray

    def __call__(self, p: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.interp(p, self.q, self.g)
        return out


def agreement_sums(part: Partition, acc: np.ndarray, temperature: np.ndarray | float = 1.0) -> np.ndarray:
    """Per logit(q) bin (summable): [sum W, sum W y, sum W q] with W = w (A - b)^2, y = (agree - b) / (A - b).

    `acc`: per assertion, its source's reliability without this item; `temperature`: per candidate (the
    design effect) or one number. Multi-valued items, value hierarchies and lone sources are left out."""
    out = np.zeros((3, N_BINS))
    if len(part.assert_cand) == 0 or (part.imply_desc is not None and len(part.imply_desc)):
        return out
    t_c = np.broadcast_to(np.asarray(temperature, dtype=np.float64), (part.n_cands,))
    c = part.assert_cand
    item = part.assert_item
    contrib = (part.w_log_n + part.assert_w * np.log(acc / (1.0 - acc))) / t_c[c]
    score = np.bincount(c, weights=contrib, minlength=part.n_cands)
    key = part.assert_source.astype(np.int64) * part.n_cands + c
    _, inv = np.unique(key, return_inverse=True)
    own = np.bincount(inv, weights=contrib)[inv]  # the source's part of the candidate's score
    own_w = np.bincount(inv, weights=part.assert_w)[inv]
    # each item's best and second-best candidate
    k = seg_sizes(part.item_start, part.n_cands)
    order = np.lexsort((-score, part.cand_item))
    rank = np.arange(part.n_cands) - np.repeat(part.item_start, k)
    best = order[rank == 0]
    second = np.full(part.n_items, -1)
    second[part.cand_item[order[rank == 1]]] = order[rank == 1]
    m = np.maximum(score[best], 0.0)
    e = np.exp(score - m[part.cand_item])
    unobserved = np.clip(part.item_n_false + 1.0 - k, 0.0, None) * np.exp(-m)
    rest = seg_sum(e, part.item_start) - e[best] + unobserved  # all terms but the best, without cancellation
    total = rest + e[best]
    is_best = c == best[item]
    without = np.where(is_best, rest[item], total[item] - e[c])  # Z without the asserted candidate's term
    kept_score = score[c] - own
    z = without + np.exp(kept_score - m[item])  # the cavity's normaliser
    s2 = np.where(second[item] >= 0, score[np.maximum(second[item], 0)], -np.inf)
    stays = ~is_best | (kept_score >= s2)  # is the cavity's top the item's best (or s's value, still best)?
    top_score = np.where(is_best, np.where(stays, kept_score, s2), score[best[item]])
    agree = is_best & stays
    q = np.exp(top_score - m[item]) / z
    n_src = np.bincount(item, weights=part.assert_w, minlength=part.n_items)
    use = (n_src[item] - own_w > 1e-9) & ~part.item_multi[item]
    b = (1.0 - acc) / part.item_n_false[item]
    slope = acc - b
    use &= slope > 0
    w = part.assert_w * use * slope ** 2
    y = (agree - b) / np.where(use, slope, 1.0)
    logit = np.log(np.clip(q, 1e-12, None)) - np.log(np.clip(1.0 - q, 1e-12, None))
    bins = np.clip(((logit - LOW) / BIN_WIDTH).astype(np.int64), 0, N_BINS - 1)
    out[0] = np.bincount(bins, weights=w, minlength=N_BINS)
    out[1] = np.bincount(bins, weights=w * y, minlength=N_BINS)
    out[2] = np.bincount(bins, weights=w * q, minlength=N_BINS)
    return out


def fit_map(sums: np.ndarray) -> ConfidenceMap | None:
    """The monotone map from the pooled sums (None: too little held-out evidence; confidences stay)."""
    from scipy.optimize import isotonic_regression

    weight, wy, wq = sums
    filled = weight > 0
    if weight.sum() < MIN_WEIGHT or filled.sum() < 2:
        return None
    q = wq[filled] / weight[filled]
    y = wy[filled] / weight[filled]
    g = np.clip(isotonic_regression(y, weights=weight[filled], increasing=True).x, 0.0, 1.0)
    # below the lowest bin: linear down to (0, 0); above the highest: its value
    return ConfidenceMap(np.r_[0.0, q, 1.0], np.r_[0.0, g, g[-1]])


def apply_map(part: Partition, prob: np.ndarray, cmap: ConfidenceMap | None) -> np.ndarray:
    """Each single-valued item's most probable candidate mapped; the others share the rest proportionally.
    Items whose top is tied stay as they are (the tie is reported, not broken)."""
    if cmap is None or part.n_cands == 0:
        return prob
    best = seg_max(prob, part.item_start)
    top = prob >= best[part.cand_item]
    n_top = seg_sum(top.astype(np.float64), part.item_start)
    mapped = cmap(best)
    scale = np.where(best < 1.0, (1.0 - mapped) / np.maximum(1.0 - best, 1e-300), 0.0)
    out = np.where(top, mapped[part.cand_item], prob * scale[part.cand_item])
    single = ~part.item_multi[part.cand_item] & (n_top[part.cand_item] == 1)
    result: np.ndarray = np.where(single, out, prob)
    return result

