"""Default solver: Bayesian source reliability fitted by EM (one-coin Dawid-Skene / Accu family).

Model. Each item has one true value among `n_false + 1` possible ones. A source with accuracy A asserts the
true value with probability A and each wrong value with probability (1 - A) / n_false. Given accuracies, the
posterior of candidate v is

    P(v) = exp(score_v) / (sum_observed exp(score_u) + (n_false + 1 - k))
    score_v = sum over assertions of v of  w * ln(n_false * A / (1 - A))

where k is the number of observed candidates and the last term is the mass of values nobody claimed (so a
single claim of a source with A = 0.7 gets confidence 0.7, not 1). Claims weigh in by their weight w
(recency x hedge x speaker). Multi-valued items treat each candidate as its own yes/no question: sources that
spoke about the item but did not assert v count as saying no.

EM: the M-step sets A = (a + sum w * P(asserted value)) / (a + b + sum w), with the Beta(a, b) prior of the
source from the rules, and clips it to the configured bounds. With `solver.per_attribute`, A is learned per
(source, attribute) and shrunk toward the source's overall A (see `engine.attribute_reliability`).

n_false is the declared domain size - 1 at first; with `solver.effective_false` the fit then measures, per
attribute without a closed vocabulary, how concentrated the wrong claims are and runs EM again with that
effective number where it is smaller (effective.py): wrong claims that agree with each other prove less.
"""
from __future__ import annotations

import numpy as np

from . import accu_kernel
from .arrays import Partition
from .hierarchy import ancestor_support
from .segments import seg_max, seg_sizes, seg_sum

NAME = "accu"
ITERATIVE = True
PER_ATTRIBUTE = True  # reliabilities per (source, attribute) when the rules ask for it
EFFECTIVE_FALSE = True  # refit with the feed's effective number of wrong values per attribute (effective.py)
#: partitions with at least this many assertions take the sums of accu_kernel.py (the numbers of the compiled
#: loops they once were: the softmax shifts scores only where exp could overflow, sums run in assertion order);
#: smaller ones those of this module. Two paths, kept so that no output changes.
COMPILED_MIN_ASSERTIONS = 100_000
_KEPT = "_accu_posteriors"  # the attribute of a Partition that keeps its last posteriors at temperature 1


def compiled(part: Partition) -> bool:
    return len(part.assert_cand) >= COMPILED_MIN_ASSERTIONS


def posteriors(part: Partition, reliability: np.ndarray, temperature: float | np.ndarray = 1.0) -> np.ndarray:
    """P(candidate is true) for every candidate of the partition; `reliability` per (source, attribute) id.

    `temperature` > 1 softens the reported confidence (votes divided by it); it is fitted on a labelled sample
    by `reconcile calibrate` and never used inside EM.

    At temperature 1 the result is kept on the partition for that `reliability` array (compared by identity; the
    fit's arrays are never changed in place): after EM the copy statistics, the calibration and the final
    posteriors ask for the same numbers. The result is shared: callers only read it. `forget` drops it.
    """
    plain = np.ndim(temperature) == 0 and float(temperature) == 1.0
    if plain:
        kept = part.__dict__.get(_KEPT)
        if kept is not None and kept[0] is reliability:
            shared: np.ndarray = kept[1]
            return shared
    prob = _posteriors(part, reliability, temperature)
    if plain:
        part.__dict__[_KEPT] = (reliability, prob)
    return prob


def forget(part: Partition) -> None:
    """Drop the posteriors `posteriors` keeps on the partition."""
    part.__dict__.pop(_KEPT, None)


def _posteriors(part: Partition, reliability: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    logit = np.log(reliability / (1.0 - reliability))
    score = accu_kernel.scores(part.assert_cand, part.sa, part.assert_w, part.w_log_n, logit, part.n_cands)
    # value hierarchy: ancestors' claims support v
    if part.imply_desc is not None and part.imply_anc is not None and len(part.imply_desc):
        score = score + ancestor_support(score, part.imply_desc, part.imply_anc, part.imply_support)
    # single-valued items: softmax over observed candidates plus the unobserved values
    prob: np.ndarray
    if compiled(part):
        temperatures = np.atleast_1d(np.asarray(temperature, dtype=np.float64))
        prob = accu_kernel.softmax(score, part.item_start, part.item_n_false, temperatures, part.cand_item)
    else:
        prob = item_softmax(part, score, temperature)
    if part.has_multi:
        single = ~part.item_multi[part.cand_item]
        prob[~single] = _multi(part, reliability[part.sa], part.assert_item, temperature)[~single]
    return prob


def _multi(part: Partition, acc: np.ndarray, item: np.ndarray, temperature: float | np.ndarray = 1.0
           ) -> np.ndarray:
    """Each candidate true or not: assertions say yes, silence of a source that spoke on the item says no."""
    logit = part.assert_w * np.log(acc / (1.0 - acc))
    yes = np.bincount(part.assert_cand, weights=logit, minlength=part.n_cands)
    # each source counts once per item, with its largest weight there
    key = part.assert_source.astype(np.int64) * max(part.n_items, 1) + item  # int64: ids are int32
    uniq, inv = np.unique(key, return_inverse=True)
    best = np.zeros(len(uniq))
    np.maximum.at(best, inv, logit)
    total = np.bincount(uniq % max(part.n_items, 1), weights=best, minlength=part.n_items)
    score = (yes - (total[part.cand_item] - yes)) / temperature
    prob: np.ndarray = 1.0 / (1.0 + np.exp(-score))
    return prob


def source_stats(part: Partition, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (source, attribute): expected number of right assertions and total weight (summable across
    partitions; the engine sums them per source as well)."""
    return accu_kernel.right_sums(part.sa, part.assert_cand, part.assert_w, prob, part.n_sa), part.sa_weight


def em_sums(part: Partition, reliability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`source_stats(part, stats_probs(part, reliability))`: one E-step's sums, in one call for large
    partitions of single-valued items without a value hierarchy (the same numbers)."""
    if compiled(part) and not part.has_multi and (part.imply_desc is None or not len(part.imply_desc)):
        logit = np.log(reliability / (1.0 - reliability))
        right: np.ndarray = accu_kernel.em_right_sums(part.assert_cand, part.sa, part.assert_w, part.w_log_n, logit,
                                                      part.item_start, part.item_n_false, part.cand_item, part.n_sa)
        return right, part.sa_weight
    return source_stats(part, stats_probs(part, reliability))


def update(right: np.ndarray, total: np.ndarray, a: np.ndarray, b: np.ndarray,
           bounds: tuple[float, float]) -> np.ndarray:
    reliability: np.ndarray = np.clip((a + right) / (a + b + total), bounds[0], bounds[1])
    return reliability


stats_probs = posteriors


def item_softmax(part: Partition, score: np.ndarray, temperature: np.ndarray | float) -> np.ndarray:
    """Per single-valued item, the softmax of its candidates' scores plus its unobserved values (numpy; the
    large partitions take accu_kernel's `softmax`, which shifts scores only where exp could overflow)."""
    score = score / temperature
    m = np.maximum(seg_max(score, part.item_start), 0.0)
    e = np.exp(score - m[part.cand_item])
    k = seg_sizes(part.item_start, part.n_cands)
    unobserved = np.clip(part.item_n_false + 1.0 - k, 0.0, None)
    z = seg_sum(e, part.item_start) + unobserved * np.exp(-m)
    prob: np.ndarray = e / z[part.cand_item]
    return prob


def dispersion_stats(part: Partition, prob: np.ndarray, reliability: np.ndarray) -> np.ndarray:
    """Sums for the over-dispersion of agreement (summable across partitions): [excess, expected, items].

    Under the model, sources err independently, so the (weighted) number m_i of sources asserting an item's
    top value has mean E_i = sum_a w_a q_a and variance V_i = sum_a w_a^2 q_a (1 - q_a), with
    q_a = P(the source asserts the top value) = p A + (1 - p)(1 - A) / n_false. Correlated sources (a shared
    feed, one rumour repeated) spread m_i wider: Var = V_i (1 + (n_i - 1) rho). The sums
    sum (m_i - E_i)^2 - V_i and sum V_i (n_i - 1) estimate rho by the method of moments, without labels.
    """
    if compiled(part):
        sums: np.ndarray = accu_kernel.dispersion_sums(
            part.assert_cand, part.sa, part.assert_w, np.asarray(prob, dtype=np.float64),
            np.asarray(reliability, dtype=np.float64), part.cand_item, part.item_start, part.item_n_false,
            part.item_multi)
        return sums
    return dispersion_given(part, prob, reliability[part.sa])


def dispersion_given(part: Partition, prob: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """dispersion_stats with a reliability per assertion `acc` (numpy; also used by calibration.py with
    leave-item-out reliabilities): [excess, expected, items], summable across partitions."""
    single = ~part.item_multi
    best = seg_max(prob, part.item_start)
    top = prob >= best[part.cand_item] - 1e-12
    a_item = part.assert_item
    p_top = best[a_item]
    q = p_top * acc + (1 - p_top) * (1 - acc) / part.item_n_false[a_item]
    w = part.assert_w
    m = np.bincount(a_item, weights=w * top[part.assert_cand], minlength=part.n_items)
    e = np.bincount(a_item, weights=w * q, minlength=part.n_items)
    v = np.bincount(a_item, weights=w * w * q * (1 - q), minlength=part.n_items)
    n = np.bincount(a_item, weights=w, minlength=part.n_items)
    use = single & (n > 1.5)
    return np.array([((m - e) ** 2 - v)[use].sum(), (v * (n - 1))[use].sum(), float(use.sum())])


def item_temperature(part: Partition, rho: float) -> np.ndarray:
    """Per candidate: 1 + (n_i - 1) rho, the design effect of an item's n_i correlated votes (votes are divided
    by it in the reported confidence: n correlated sources weigh as n / (1 + (n - 1) rho) independent ones)."""
    n = np.bincount(part.assert_item, weights=part.assert_w, minlength=part.n_items)
    design: np.ndarray = (1.0 + np.maximum(n - 1.0, 0.0) * rho)[part.cand_item]
    return design
