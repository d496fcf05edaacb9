"""Label-free calibration of the reported confidence (accu): each subject judged with reliabilities learned from
the *other* subjects.

The EM fit (accu.py) learns a source's reliability from all its claims and then uses it on those same claims. A
source's vote on an item has already raised its reliability by agreeing with the item's posterior, which its own
vote shaped: the item confirms the source and the source confirms the item. With many claims per source the
effect is small; with few (most outlets in a news feed, most editors of a wiki page, a bot that dominates the
few subjects it touches) it is what makes the posteriors overconfident.

The reported confidence of an item is therefore the posterior under *leave-item-out* reliabilities: for each
assertion of (source, attribute) sa on item i,

    A_-i = (A (n0 + T) - r_i) / (n0 + T - t_i)

where A is the fitted reliability, T the weight of the pair's assertions, n0 the strength of its prior (so that
A (n0 + T) is the posterior's pseudo-count of right assertions) and (r_i, t_i) the item's own contribution to
the E-step (weight x posterior of the asserted value, weight). It is the reliability the model would have
learned without item i, i.e. the predictive a Bayesian would use for a new item: the prior speaks for a source
seen once, and a large source's record barely moves.

The correlation of votes within an item (`accu.dispersion_stats`, the design effect that tempers the confidence)
is estimated under the same leave-item-out reliabilities: fitted per-source reliabilities absorb the excess
agreement of sources that always vote together (each looks reliable because the others agree with it), so the
correlation must be measured against what the other items say about each source.

The chosen values do not change: the verdict is the EM fit's; only its confidence (and the runner-up's) is this
posterior. On a feed that follows the model (independent sources, `reconcile synth`) it stays calibrated.

Written by hand: it is the solver's own model (no library fits the one-coin source model with this step).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from . import accu_kernel
from .accu import _multi, compiled, dispersion_given, item_softmax
from .arrays import Partition
from .consistency import ConfidenceMap, agreement_sums, apply_map, fit_map
from .hierarchy import ancestor_support
from .sample import forget, sample, stride
from .segments import seg_max

if TYPE_CHECKING:
    from ..engines.base import Engine, Partitions
    from ..rules.model import SolverRules
    from .engine import AttributePriors

#: pairs of off-top claims needed on an attribute to estimate its effective number of wrong values
MIN_COLLISION_PAIRS = 30
#: items with two or more sources needed to estimate the correlation of votes (as engine.MIN_DISPERSION_ITEMS)
MIN_DISPERSION_ITEMS = 30
_MEMO = "_calibration_memo"  # the attribute of a Partition that keeps what `_kept` computed on it
_T = TypeVar("_T")


@dataclass(frozen=True)
class Held:
    """What the reported confidence is computed from. Per (source, attribute) id: the fitted reliability, its
    posterior strength n0 + T, its attribute; the reliability bounds; per attribute the effective number of
    wrong values (`effective_false`; inf: as the rules declare)."""

    reliability: np.ndarray
    strength: np.ndarray
    bounds: tuple[float, float]
    sa_attribute: np.ndarray
    n_false: np.ndarray
    cmap: ConfidenceMap | None = None  # the self-consistency map of top confidences (consistency.py)


def with_effective_false(p: Partition, held: Held) -> Partition:
    """The partition with each item's number of wrong values lowered to its attribute's effective number."""
    if len(p.assert_cand) == 0 or not np.isfinite(held.n_false).any():
        return p
    attr = np.zeros(p.n_items, dtype=np.int64)
    attr[p.assert_item] = held.sa_attribute[p.sa]
    q = replace(p, item_n_false=np.minimum(p.item_n_false, held.n_false[attr]))
    q.__dict__["assert_item"] = p.assert_item  # the same items and candidates: its cached items stay valid
    return q


def collision_stats(part: Partition, prob: np.ndarray, sa_attribute: np.ndarray, n_attributes: int
                    ) -> np.ndarray:
    """Per attribute (summable): [pairs of claims off the top value that name the same value, all such pairs].

    The model spreads a source's errors evenly over the item's n_false wrong values, so two wrong claims name
    the same value with probability 1 / n_false. Real errors concentrate on a few plausible values (last
    year's figure, the take-off instead of the gate-out time, a rumour's usual framing), and a vote for a value
    then proves less than the model thinks. The ratio all pairs / same pairs estimates the effective number of
    wrong values (the inverse Simpson index of the errors), counting claims off each item's top value as errors.
    """
    out = np.zeros((2, n_attributes))
    if len(part.assert_cand) == 0:
        return out
    count = np.bincount(part.assert_cand, weights=part.assert_w, minlength=part.n_cands)
    best = seg_max(prob, part.item_start)
    off = np.where(prob >= best[part.cand_item] - 1e-12, 0.0, count)
    single = ~part.item_multi
    same = np.bincount(part.cand_item, weights=off * np.maximum(off - 1.0, 0.0) / 2.0, minlength=part.n_items)
    n_off = np.bincount(part.cand_item, weights=off, minlength=part.n_items)
    pairs = n_off * np.maximum(n_off - 1.0, 0.0) / 2.0
    attr = np.zeros(part.n_items, dtype=np.int64)
    attr[part.assert_item] = sa_attribute[part.sa]
    out[0] = np.bincount(attr[single], weights=same[single], minlength=n_attributes)
    out[1] = np.bincount(attr[single], weights=pairs[single], minlength=n_attributes)
    return out


def effective_false(sums: np.ndarray) -> np.ndarray:
    """Per attribute: all pairs / same pairs of off-top claims (inf: too few pairs to tell, or none alike)."""
    same, pairs = sums
    enough = (pairs >= MIN_COLLISION_PAIRS) & (same > 0)
    return np.where(enough, np.maximum(pairs / np.where(enough, same, 1.0), 1.0), np.inf)


def held(module: ModuleType, rules: SolverRules, sa_rel: np.ndarray,
         em_stats: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], a: np.ndarray, b: np.ndarray,
         priors: AttributePriors | None, fixed_sa: np.ndarray | None, sa_source: np.ndarray,
         sa_attribute: np.ndarray | None) -> Held | None:
    """The fitted reliabilities and their posterior strengths (None: the solver or the rules calibrate nothing).

    Strength per (source, attribute): a + b + T of the source without per-attribute reliabilities; with them,
    k + a_sa + b_sa + T_sa as in `engine.attribute_reliability`. Pinned reliabilities do not move (infinite)."""
    if rules.calibration != "held_out" or not module.ITERATIVE or not hasattr(module, "item_temperature"):
        return None
    total, total_sa = em_stats[1], em_stats[3]
    if priors is None:
        strength = (a + b + total)[sa_source]
    else:
        rest = (a + b + total)[sa_source] - total_sa
        strength = np.minimum(priors.strength, rest) + priors.a + priors.b + total_sa
    if fixed_sa is not None:
        strength = np.where(np.isnan(fixed_sa), strength, np.inf)
    attribute = np.zeros(len(sa_rel), dtype=np.int64) if sa_attribute is None else sa_attribute
    return Held(sa_rel, np.asarray(strength, dtype=np.float64), rules.reliability_bounds, attribute,
                np.full(int(attribute.max(initial=0)) + 1, np.inf))


def confidences(parts: Partitions, solver: str, held: Held, rules: SolverRules, engine: Engine
                ) -> tuple[Held, float, np.ndarray]:
    """(held with the effective numbers of wrong values, rho, P(candidate true) as reported) under leave-item-out
    reliabilities; one engine job each for the collisions, the dispersion, the map and the posteriors. The
    first three are feed-wide ratios of sums: on a large feed they are estimated on a sample of items (sample.py)."""
    n_attr = len(held.n_false)
    k = stride(sum(len(p.assert_cand) for _, p in parts.local))
    held = replace(held, n_false=effective_false(engine.map_sum(parts, collision_statistics, solver, held, n_attr,
                                                                k)))
    rho = 0.0
    if rules.correlated_votes:
        sums = engine.map_sum(parts, held_out_dispersion, solver, held, k)
        if sums[2] >= MIN_DISPERSION_ITEMS and sums[1] > 0:
            rho = float(np.clip(sums[0] / sums[1], 0.0, 1.0))
    if rules.calibration == "held_out":  # the self-consistency map, at the reported temperature
        sums = engine.map_sum(parts, agreement_statistics, solver, held, rules.temperature, rho, k)
        cmap, _ = fit_map(sums)
        held = replace(held, cmap=cmap)
    for _, p in parts.local:
        forget(p)
    prob = engine.map_concat(parts, held_out_posteriors, solver, held, rules.temperature, rho)
    for _, p in parts.local:
        p.__dict__.pop(_MEMO, None)
    return held, rho, prob


def leave_item_out(part: Partition, prob: np.ndarray, held: Held) -> np.ndarray:
    """Per assertion: the reliability of its (source, attribute) learned without the assertion's item.

    `prob`: the fit's posteriors of the partition's candidates (the E-step's credit)."""
    if len(part.assert_cand) == 0:
        return np.zeros(0)
    sa, item, w = part.sa, part.assert_item, part.assert_w
    # a source's several assertions on one item (it contradicts itself) leave together; elsewhere its only
    # assertion on the item is its whole contribution there, and nothing needs grouping
    several = np.ones(len(item), dtype=bool) if part.item_n_sources is None else \
        (np.bincount(item, minlength=part.n_items) > part.item_n_sources)[item]
    idx = np.flatnonzero(several)
    r_idx, t_idx = w[idx] * prob[part.assert_cand[idx]], w[idx]
    if len(idx):
        key = sa[idx].astype(np.int64) * max(part.n_items, 1) + item[idx]  # one (source, attribute) on one item
        inv = pd.factorize(key)[0]  # groups only: their order does not matter (bincount sums in assertion order)
        r_idx, t_idx = np.bincount(inv, weights=r_idx)[inv], np.bincount(inv, weights=t_idx)[inv]
    r, t = w * prob[part.assert_cand], w
    if len(idx):
        r, t = r.copy(), w.copy()
        r[idx], t[idx] = r_idx, t_idx
    a = held.reliability[sa]
    n = held.strength[sa]
    with np.errstate(invalid="ignore"):  # pinned: infinite strength, the reliability as it is
        loo = np.clip((a * n - r) / np.maximum(n - t, 1e-9), held.bounds[0], held.bounds[1])
    out: np.ndarray = np.where(np.isfinite(n), loo, a)
    return out


def posteriors_given(part: Partition, acc: np.ndarray, temperature: np.ndarray | float = 1.0) -> np.ndarray:
    """accu.posteriors with a reliability per *assertion* (the same model and paths)."""
    logit = np.log(acc / (1.0 - acc))
    score = np.bincount(part.assert_cand, weights=part.w_log_n + part.assert_w * logit, minlength=part.n_cands)
    if part.imply_desc is not None and part.imply_anc is not None and len(part.imply_desc):
        score = score + ancestor_support(score, part.imply_desc, part.imply_anc, part.imply_support)
    if compiled(part):  # accu's softmax of large partitions
        prob = accu_kernel.softmax(score, part.item_start, part.item_n_false,
                                   np.atleast_1d(np.asarray(temperature, dtype=float)), part.cand_item)
    else:
        prob = item_softmax(part, score, temperature)
    if part.has_multi:
        multi = part.item_multi[part.cand_item]
        prob[multi] = _multi(part, acc, part.assert_item, temperature)[multi]
    return prob


# Kernel tasks (run by an engine on every partition, like those in tasks.py; the solver is passed by name)

def _kept(p: Partition, key: tuple[object, ...], make: Callable[[], _T]) -> _T:
    """A value computed once per partition and key (the kernel tasks of one `confidences` run the same
    posteriors on the same sample); `key` holds the arrays it depends on, compared by identity. Dropped by
    `sample.forget` with the samples."""
    cache: dict[str, tuple[tuple[object, ...], object]] = p.__dict__.setdefault(_MEMO, {})
    name = str(key[0])
    hit = cache.get(name)
    if hit is not None and len(hit[0]) == len(key) and all(x is y for x, y in zip(hit[0][1:], key[1:])):
        return hit[1]  # type: ignore[return-value]
    value = make()
    cache[name] = (key, value)
    return value


def _fit_posteriors(p: Partition, solver: str, held: Held) -> np.ndarray:
    """The fit's posteriors of the partition's candidates (under `held.reliability`), once per partition."""
    from .tasks import solver_module

    module = solver_module(solver)
    prob: np.ndarray = _kept(p, ("posteriors", solver, held.reliability),
                             lambda: module.posteriors(p, held.reliability))
    return prob


def _held_out(p: Partition, solver: str, held: Held) -> np.ndarray:
    acc: np.ndarray = _kept(p, ("held_out", solver, held.reliability, held.strength),
                            lambda: leave_item_out(p, _fit_posteriors(p, solver, held), held))
    return acc


def _effective(p: Partition, held: Held) -> Partition:
    """`with_effective_false` once per partition and `held.n_false` (its w_log_n is then computed once too)."""
    q: Partition = _kept(p, ("effective", held.n_false, held.sa_attribute), lambda: with_effective_false(p, held))
    return q


def collision_statistics(p: Partition, item_offset: int, solver: str, held: Held, n_attributes: int, k: int = 1
                         ) -> np.ndarray:
    """`collision_stats` of one partition's sample of one item in `k`, off the fit's top values."""
    from .tasks import solver_module

    p = sample(p, item_offset, k)[0]
    return collision_stats(p, _fit_posteriors(p, solver, held), held.sa_attribute, n_attributes)


def held_out_dispersion(p: Partition, item_offset: int, solver: str, held: Held, k: int = 1) -> np.ndarray:
    """Dispersion sums of one partition's sample of one item in `k`, under leave-item-out reliabilities."""
    p = sample(p, item_offset, k)[0]
    acc = _held_out(p, solver, held)
    q = _effective(p, held)
    return dispersion_given(q, posteriors_given(q, acc), acc)


def agreement_statistics(p: Partition, item_offset: int, solver: str, held: Held, temperature: float,
                         rho: float, k: int = 1) -> np.ndarray:
    """`consistency.agreement_sums` of one partition's sample of one item in `k`, under the reported model
    (before any map)."""
    from .tasks import solver_module

    p, item_ids = sample(p, item_offset, k)
    acc = _held_out(p, solver, held)
    t = temperature * solver_module(solver).item_temperature(p, rho) if rho > 0 else temperature
    return agreement_sums(_effective(p, held), acc, t, item_ids)


def held_out_posteriors(p: Partition, item_offset: int, solver: str, held: Held, temperature: float,
                        rho: float) -> np.ndarray:
    """The reported confidences of one partition's candidates: leave-item-out reliabilities, votes divided by
    each item's design effect 1 + (n - 1) rho and by `temperature`."""
    from .tasks import solver_module

    acc = _held_out(p, solver, held)
    t = temperature * solver_module(solver).item_temperature(p, rho) if rho > 0 else temperature
    q = _effective(p, held)
    return apply_map(q, posteriors_given(q, acc, t), held.cmap)
