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
#: candidate weights of the pooled checks added to each stratum's own (0: strata alone; inf: one pooled map),
#: chosen per feed by ten-fold cross-validation over the held-out checks (`fit_map`), not by any gold
STRATUM_PRIORS = (0.0, 10.0, 30.0, 100.0, 300.0, 1000.0, np.inf)
#: folds of the cross-validation (items by their global id modulo FOLDS): with two, a feed with a few hundred
#: checks per stratum chose its pooling by chance (emergent, rumoureval: strata of one to four sources mapped to 1)
FOLDS = 10


#: strata by the number of sources behind a confidence: 1, 2, 3-4, 5-8, 9-16, 17+ (a confidence resting on
#: one source and one resting on twenty correlated ones can be worth different amounts at the same value)
N_STRATA = 6


def stratum(n_sources: np.ndarray) -> np.ndarray:
    """Stratum of a confidence that rests on `n_sources` (weighted) sources."""
    n = np.maximum(np.rint(n_sources), 1.0)
    out: np.ndarray = np.minimum(np.ceil(np.log2(n)), N_STRATA - 1).astype(np.int64)
    return out


_ZERO, _ONE = np.zeros(1), np.ones(1)
#: per stratum: all strata, nearest first (ties: the lower)
_NEAREST = tuple(tuple(sorted(range(N_STRATA), key=lambda j: (abs(j - k), j))) for k in range(N_STRATA))


@dataclass(frozen=True)
class ConfidenceMap:
    """Monotone maps of a top value's confidence, one per stratum: knots q -> g(q), linear in between."""

    knots: tuple[tuple[np.ndarray, np.ndarray], ...]

    def __call__(self, p: np.ndarray, strata: np.ndarray) -> np.ndarray:
        out = np.empty(len(p))
        for k, (q, g) in enumerate(self.knots):
            here = strata == k
            out[here] = np.interp(p[here], q, g)
        return out


@dataclass(frozen=True)
class HeldOutChecks:
    """Per assertion: the others' top confidence q, whether the source named that value, the precision weight
    W = w (A - b)^2 (0: not a check) and the implied confidence y = (agree - b) / (A - b)."""

    q: np.ndarray
    weight: np.ndarray
    y: np.ndarray
    others: np.ndarray  # (weighted) number of other sources on the item


def held_out_checks(part: Partition, acc: np.ndarray, temperature: np.ndarray | float = 1.0) -> HeldOutChecks:
    """Hold out each source on each item and compare it with the others' posterior (the cavity).

    `acc`: per assertion, its source's reliability without this item; `temperature`: per candidate (the
    design effect) or one number. Multi-valued items, value hierarchies and lone sources are no checks."""
    n_a = len(part.assert_cand)
    if n_a == 0 or (part.imply_desc is not None and len(part.imply_desc)):
        return HeldOutChecks(np.zeros(n_a), np.zeros(n_a), np.zeros(n_a), np.zeros(n_a))
    t_c = np.broadcast_to(np.asarray(temperature, dtype=np.float64), (part.n_cands,))
    c = part.assert_cand
    item = part.assert_item
    contrib = (part.w_log_n + part.assert_w * np.log(acc / (1.0 - acc))) / t_c[c]
    score = np.bincount(c, weights=contrib, minlength=part.n_cands)
    # the source's part of the candidate's score: an assertion is one (source, candidate) pair (arrays.py)
    own, own_w = contrib, part.assert_w
    # each item's best and second-best candidate
    k = seg_sizes(part.item_start, part.n_cands)
    best = _first_max(score, part)
    rest_score = score.copy()
    rest_score[best] = -np.inf
    second = np.where(k > 1, _first_max(rest_score, part), -1)
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
    # the cavity's top: the source's own value (without its votes) or the best of the others; an exact tie
    # (to rounding: sums in another partition order must not flip it) counts as half an agreement
    rival = np.where(is_best, s2, score[best[item]])
    tol = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(rival), rival, 0.0)))
    agree = np.where(kept_score > rival + tol, 1.0, np.where(kept_score >= rival - tol, 0.5, 0.0))
    top_score = np.maximum(kept_score, rival)
    q = np.exp(top_score - m[item]) / z
    n_src = np.bincount(item, weights=part.assert_w, minlength=part.n_items)
    b = (1.0 - acc) / part.item_n_false[item]
    slope = acc - b
    use = (n_src[item] - own_w > 1e-9) & ~part.item_multi[item] & (slope > 0)
    y = (agree - b) / np.where(use, slope, 1.0)
    return HeldOutChecks(q, part.assert_w * use * slope ** 2, y, n_src[item] - own_w)


def _first_max(score: np.ndarray, part: Partition) -> np.ndarray:
    """Per item: its first candidate with the highest score (as a stable sort by score would rank first)."""
    top = score == seg_max(score, part.item_start)[part.cand_item]
    index = np.where(top, np.arange(part.n_cands), part.n_cands)
    first: np.ndarray = np.minimum.reduceat(index, part.item_start)
    return first


def agreement_sums(part: Partition, acc: np.ndarray, temperature: np.ndarray | float = 1.0,
                   item_ids: np.ndarray | None = None) -> np.ndarray:
    """Per fold, stratum and logit(q) bin (summable over partitions): [sum W, sum W y, sum W q, sum W y^2] of the
    held-out checks, shape (FOLDS, 4, N_STRATA, N_BINS). The stratum is the number of *other* sources behind q; the
    fold is the item's global id modulo FOLDS (`item_ids`, per local item; None: the local id), for the
    cross-validation."""
    h = held_out_checks(part, acc, temperature)
    logit = np.log(np.clip(h.q, 1e-12, None)) - np.log(np.clip(1.0 - h.q, 1e-12, None))
    bins = np.clip(((logit - LOW) / BIN_WIDTH).astype(np.int64), 0, N_BINS - 1)
    fold = (part.global_items(0) if item_ids is None else item_ids)[part.assert_item] % FOLDS
    cell = (fold * N_STRATA + stratum(h.others)) * N_BINS + bins
    size = FOLDS * N_STRATA * N_BINS
    sums = np.stack([np.bincount(cell, weights=h.weight, minlength=size),
                     np.bincount(cell, weights=h.weight * h.y, minlength=size),
                     np.bincount(cell, weights=h.weight * h.q, minlength=size),
                     np.bincount(cell, weights=h.weight * h.y * h.y, minlength=size)])
    return sums.reshape(4, FOLDS, N_STRATA, N_BINS).transpose(1, 0, 2, 3)


def increasing_fit(y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The weighted least-squares increasing fit of `y` (isotonic regression): pool adjacent violators, as
    Algorithm 1 of Busing (2022, J. Stat. Softw. 102, c01) states it, with its pooling on ties (>=).

    scipy.optimize.isotonic_regression runs the same algorithm and gives the same numbers (a test compares them to
    the bit), but importing scipy.optimize costs 0.6-0.7 s of CPU in every run, for a fit of at most N_BINS
    values; this loop takes microseconds."""
    x, w = [float(v) for v in y], [float(v) for v in weight]
    n = len(x)
    if n == 0:
        return np.zeros(0)
    start = [0] * (n + 1)  # start[k]: the first value of block k (blocks 0..b are kept in x[k], w[k])
    start[1] = 1
    b, prev_x, prev_w = 0, x[0], w[0]
    i = 1
    while i < n:
        b += 1
        xb, wb = x[i], w[i]
        if prev_x >= xb:  # pool the new value into the previous block
            b -= 1
            sb = prev_w * prev_x + wb * xb
            wb += prev_w
            xb = sb / wb
            while i < n - 1 and xb >= x[i + 1]:  # and the values after it that the block's mean exceeds
                i += 1
                sb += w[i] * x[i]
                wb += w[i]
                xb = sb / wb
            while b > 0 and x[b - 1] >= xb:  # and the blocks before it that exceed the mean
                b -= 1
                sb += w[b] * x[b]
                wb += w[b]
                xb = sb / wb
        x[b] = prev_x = xb
        w[b] = prev_w = wb
        start[b + 1] = i + 1
        i += 1
    sizes = np.diff(np.array(start[:b + 1] + [n]))
    return np.repeat(np.array(x[:b + 1]), sizes)


def _knots(weight: np.ndarray, wy: np.ndarray, wq: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    filled = weight > 0
    if weight.sum() < MIN_WEIGHT or filled.sum() < 2:
        return None
    q = wq[filled] / weight[filled]
    y = wy[filled] / weight[filled]
    g = np.clip(increasing_fit(y, weight[filled]), 0.0, 1.0)
    # below the lowest bin: linear down to (0, 0); above the highest: its value (concatenate: np.r_'s parsing
    # is most of the cost of these short arrays, and fit_map makes hundreds of them)
    return np.concatenate((_ZERO, q, _ONE)), np.concatenate((_ZERO, g, g[-1:]))


def _maps(sums: np.ndarray, prior: float, pooled: tuple[np.ndarray, np.ndarray] | None = None,
          total: np.ndarray | None = None) -> ConfidenceMap | None:
    """Per-stratum maps from sums (4, N_STRATA, N_BINS): each stratum's checks plus the pooled ones worth
    `prior` (inf: the pooled map everywhere; `pooled`: its knots, when already fitted; `total`: the sums over
    strata, when already made). A stratum without checks takes the nearest one's map."""
    total = sums[:3].sum(axis=1) if total is None else total
    pooled = _knots(*total) if pooled is None else pooled
    if pooled is None:
        return None
    if np.isinf(prior):
        return ConfidenceMap(tuple([pooled] * N_STRATA))
    extra = total * (prior / total[0].sum())
    own = [_knots(*(sums[:3, k] + extra)) if sums[0, k].sum() > 0 else None for k in range(N_STRATA)]
    knots: list[tuple[np.ndarray, np.ndarray]] = []
    for k in range(N_STRATA):
        chosen = pooled
        for j in _NEAREST[k]:  # the nearest stratum with checks
            found = own[j]
            if found is not None:
                chosen = found
                break
        knots.append(chosen)
    return ConfidenceMap(tuple(knots))


_Checks = list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _checks(sums: np.ndarray) -> _Checks:
    """A fold's filled bins per stratum, as `_loss` reads them: (stratum, q, W y^2, W y, W)."""
    weight, wy, wq, wyy = sums
    out: _Checks = []
    for k in range(N_STRATA):
        filled = weight[k] > 0
        if filled.any():
            out.append((k, wq[k][filled] / weight[k][filled], wyy[k][filled], wy[k][filled], weight[k][filled]))
    return out


def _loss(cmap: ConfidenceMap, checks: _Checks) -> float:
    """Weighted squared error of the map on other checks' sums (`_checks`): sum W (y - g(q))^2, per bin."""
    loss = 0.0
    for k, q, wyy, wy, weight in checks:
        g = np.interp(q, *cmap.knots[k])
        loss += float((wyy - 2 * g * wy + g * g * weight).sum())
    return loss


def fit_map(sums: np.ndarray) -> tuple[ConfidenceMap | None, float]:
    """The maps (None: too little held-out evidence; confidences stay) and the pooled-checks weight chosen by
    cross-validation: for each fold, fitted on the checks of the other folds' items and scored on its own."""
    total = sums.sum(axis=0)
    train = [total - fold for fold in sums]
    train_total = [t[:3].sum(axis=1) for t in train]
    pooled = [_knots(*t) for t in train_total]  # the same for every prior
    checks = [_checks(fold) for fold in sums]  # the same for every prior
    losses = []
    for prior in STRATUM_PRIORS:
        loss = 0.0
        for f in range(len(sums)):
            cmap = _maps(train[f], prior, pooled[f], train_total[f])
            if cmap is None:
                loss = np.inf
                break
            loss += _loss(cmap, checks[f])
        losses.append(loss)
    best = STRATUM_PRIORS[int(np.argmin(losses))] if np.isfinite(np.min(losses)) else np.inf
    return _maps(sums.sum(axis=0), best), float(best)


def apply_map(part: Partition, prob: np.ndarray, cmap: ConfidenceMap | None) -> np.ndarray:
    """Each single-valued item's most probable candidate mapped; the others share the rest proportionally.
    Items whose top is tied stay as they are (the tie is reported, not broken)."""
    if cmap is None or part.n_cands == 0:
        return prob
    best = seg_max(prob, part.item_start)
    top = prob >= best[part.cand_item]
    n_top = seg_sum(top.astype(np.float64), part.item_start)
    n_src = np.bincount(part.assert_item, weights=part.assert_w, minlength=part.n_items)
    mapped = cmap(best, stratum(n_src))
    scale = np.where(best < 1.0, (1.0 - mapped) / np.maximum(1.0 - best, 1e-300), 0.0)
    out = np.where(top, mapped[part.cand_item], prob * scale[part.cand_item])
    single = ~part.item_multi[part.cand_item] & (n_top[part.cand_item] == 1)
    result: np.ndarray = np.where(single, out, prob)
    return result

