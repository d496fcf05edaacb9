"""The fit, written once: cut the problem into partitions of whole items, map the solver kernel over them,
reduce the per-source statistics, update reliabilities, repeat until they stop moving.

The data moves through an engine (`reconcile.engines`: numpy in process by default, or Spark): the kernel tasks
(`tasks.py`: `em_statistics`, `candidate_posteriors`, `dispersion_statistics`, `copy_statistics`) run per partition
wherever the engine keeps it and call the kernel functions (`posteriors`, `stats_probs`, `source_stats`,
`dispersion_stats`, `copying.pair_statistics`); `update`, `copying.dependence` and `copying.discounts` run on
the driver on the reduced sums (the discounts need every assertion of the dependent pairs once per copy round).

With copy detection on, the fit alternates: EM to convergence, estimate source dependence from the
posteriors, discount the copies' weights, EM again from the current reliabilities (`copying.rounds` times).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import TypedDict

import numpy as np
import pandas as pd

from .. import progress
from ..rules.model import CopyingRules, SolverRules
from . import accelerate, activity_prior, calibration, copying as copy_model, effective, record
from ..engines.base import Engine, Partitions
from ..engines.local import LocalEngine
from .arrays import Partition
from .subset import Subset, item_subset
from .tasks import candidate_posteriors, copy_statistics, dispersion_statistics, em_statistics, solver_module, split

# SQUAREM for the static EM (accelerate.py) only on problems of at least this many assertions (`accelerated_em`).
# Measured (docs/benchmarks.md, "The solve stage alone"): on the 1M-claim feeds it saves 1-2 of 7-11 EM steps
# (about 0.02-0.04 s CPU) and every verdict value stays; on the shared real datasets (2k-200k claims) it moved
# what users read: population's EM stops at max_iterations on either path, at different points (one verdict
# changed, confidences by up to 0.19), rumoureval2017's and emergent's confidences by 0.06 and 0.007, with no
# CPU saved at that size. So it is kept for fits where an EM step is costly, and small feeds keep plain EM's
# numbers. Decided on the whole problem, never per partition, so every partitioning and engine takes one path.
ACCELERATE_MIN_ASSERTIONS = 500_000
MIN_DISPERSION_ITEMS = 30  # items with two or more sources needed to estimate the correlation of votes
# extra_stats(reliability) -> (right, total): per-source statistics of items solved elsewhere (the time model)
ExtraStats = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


_Stats = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # right, total, right_sa, total_sa
_Step = tuple[np.ndarray, np.ndarray, _Stats]  # one EM step's priors a, b and M-step statistics


class _Pins(TypedDict):
    """The pinned reliabilities and carried pseudo-counts that `fit` passes to every `_em`."""

    fixed: np.ndarray | None
    fixed_sa: np.ndarray | None
    carried_ab: tuple[np.ndarray | float, np.ndarray | float]


@dataclass
class Fit:
    cand_prob: np.ndarray  # P(candidate true), all candidates in global order
    reliability: np.ndarray  # per source
    sa_reliability: np.ndarray  # per (source, attribute) id (Partition.assert_sa); = the source's without priors
    iterations: int
    converged: bool
    max_change: float  # largest reliability change in the last iteration
    copy_factor: np.ndarray  # per assertion: weight multiplier from copy detection (1 = not a copy)
    pairs: pd.DataFrame  # source pairs judged for dependence (a, b ids; see copying.PAIR_COLUMNS)
    # the partitions as fitted (copy discounts applied)
    parts: list[tuple[int, Partition]] = field(default_factory=list, repr=False)
    module: ModuleType | None = None  # the solver module
    pooled_prior: float | None = None  # the feed's typical accuracy, learned (None: not learned; see pooled_means)
    rho: float = 0.0  # correlation of votes within an item (accu.dispersion_stats); tempers the confidence
    right: np.ndarray | None = None  # per source: the last M-step's expected right assertions (weighted)
    total: np.ndarray | None = None  # per source: the last M-step's assertion weight
    right_sa: np.ndarray | None = None  # the same per (source, attribute) id
    total_sa: np.ndarray | None = None
    # the reported P(candidate true) (calibration.py: leave-item-out reliabilities); None: cand_prob. Once the
    # verdicts are chosen, pipeline.solve moves it to cand_prob and keeps the fit's own posteriors in fit_prob
    confidence: np.ndarray | None = None
    fit_prob: np.ndarray | None = None
    held: calibration.Held | None = None  # what the leave-item-out reliabilities are computed from
    # per source: the learned prior mean (the rules' part) of sources without a rule, at their activity; NaN: others
    pooled_means: np.ndarray | None = None
    # the items `parts` cover when some are solved elsewhere (`fit(solved_elsewhere=...)`); None: all
    subset: Subset | None = field(default=None, repr=False)
    elsewhere_prob: np.ndarray | None = field(default=None, repr=False)  # per candidate: the others' probability
    # per candidate (weight, uninformed probability): the reported confidence's mixture with "the votes say
    # nothing" (solve/record.py, set by pipeline.solve); None: not mixed
    uninformed: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def posteriors(self, temperature: float) -> np.ndarray:
        """The candidates' probabilities again, at another temperature (for calibration)."""
        if self.module is None:
            raise ValueError("this Fit carries no solver module to recompute posteriors with")
        local = LocalEngine()
        parts = Partitions(self.parts, [0] * len(self.parts))  # item offsets matter to copy sampling only
        if self.held is not None:  # the reported confidences at another temperature
            prob = local.map_concat(parts, calibration.held_out_posteriors, self.module.NAME, self.held, temperature,
                                    self.rho)
        else:
            n_cands = len(self.cand_prob) if self.subset is None else self.subset.part.n_cands
            prob = _posteriors(parts, self.module, self.sa_reliability, n_cands, temperature, self.rho, local)
        if self.subset is not None and self.elsewhere_prob is not None:
            prob = self.subset.expand(prob, self.elsewhere_prob)
        if self.held is not None and self.uninformed is not None:
            prob = record.mix(prob, self.uninformed)
        return prob


@dataclass(frozen=True)
class AttributePriors:
    """Per (source, attribute) id: explicit prior pseudo-counts, and how many claims the source's overall
    reliability is worth on each attribute (the hierarchical prior)."""

    a: np.ndarray
    b: np.ndarray
    strength: np.ndarray | float  # defaults.attribute_strength + the source's strength in the rules, per pair


def attribute_reliability(right: np.ndarray, total: np.ndarray, a: np.ndarray, b: np.ndarray,
                          right_sa: np.ndarray, total_sa: np.ndarray, sa_source: np.ndarray,
                          priors: AttributePriors | None, bounds: tuple[float, float]) -> np.ndarray:
    """Reliability per (source, attribute): the posterior mean under Beta(k m + a_sa, k (1 - m) + b_sa).

    m is what the source's prior and its claims on its *other* attributes say about it (leave-one-out, so an
    attribute's own claims are not counted twice): m = (a + R - R_sa) / (a + b + T - T_sa). k, how many claims
    m is worth on this attribute (`priors.strength`), is `defaults.attribute_strength` plus the strength of the
    source's prior in the rules (not the evidence carried from earlier runs, which would swamp every attribute's
    own record), but never more than the evidence m rests on (a + b + T - T_sa): a source seen on one attribute only gets exactly
    its source-level reliability, and a firmly believed source prior binds on every attribute. (a_sa, b_sa) are
    the pair's explicit pseudo-counts. Without priors every pair takes its source's reliability.
    """
    strength = a + b
    if priors is None:
        shared: np.ndarray = np.clip((a + right) / (strength + total), bounds[0], bounds[1])[sa_source]
        return shared
    rest_n = strength[sa_source] + total[sa_source] - total_sa
    rest_r = a[sa_source] + right[sa_source] - right_sa
    centre = rest_r / np.maximum(rest_n, 1e-12)
    k = np.minimum(priors.strength, rest_n)
    own: np.ndarray = np.clip((k * centre + priors.a + right_sa) / (k + priors.a + priors.b + total_sa), bounds[0],
                              bounds[1])
    return own


def pooled_prior_mean(right: np.ndarray, total: np.ndarray, strength: np.ndarray, bounds: tuple[float, float]
                      ) -> np.ndarray:
    """Empirical-Bayes prior mean per source without a rule: the typical accuracy of the feed's sources at that
    source's activity (`activity_prior.prior_means`)."""
    return activity_prior.prior_means(right, total, strength, bounds)[1]


def accelerated_em(n_assertions: int) -> bool:
    """Whether the static EM uses SQUAREM, decided on the whole problem (never per partition, so that any
    partitioning and any engine take the same path and reach the same numbers). See ACCELERATE_MIN_ASSERTIONS."""
    return n_assertions >= ACCELERATE_MIN_ASSERTIONS


def _em(parts: Partitions, module: ModuleType, reliability: np.ndarray, sa_rel: np.ndarray,
        a: np.ndarray, b: np.ndarray, rules: SolverRules, extra_stats: ExtraStats | None = None,
        priors: AttributePriors | None = None, pooled: np.ndarray | None = None, fixed: np.ndarray | None = None,
        fixed_sa: np.ndarray | None = None, carried_ab: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
        engine: Engine | None = None, accelerated: bool = False
        ) -> tuple[np.ndarray, np.ndarray, int, bool, float, np.ndarray, np.ndarray,
                   tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """EM to convergence from the given reliabilities (per source and per (source, attribute)).

    `pooled` marks sources whose prior mean is learned (`pooled_prior_mean`, re-estimated every iteration); it
    replaces the rules' part of (a, b) only, the pseudo-counts carried from earlier runs (`carried_ab`) stay.
    `fixed` (per source) and `fixed_sa` (per (source, attribute) id), NaN = learned: pinned reliabilities, set
    after every M-step, not clamped by the bounds. Returns the reliabilities, the
    iteration count, convergence, the last change, the prior pseudo-counts and the last M-step's statistics
    (right, total, right_sa, total_sa). One `engine.map_sum` per iteration (one job on a distributed engine).
    `accelerated` (or `extra_stats`, the time model's costly iterations): SQUAREM (accelerate.py) in place of
    plain iterations, the same stopping rule; the iteration count is then the number of plain steps evaluated."""
    engine = engine or LocalEngine()
    first = parts.local[0][1]
    n_sources, sa_source = first.n_sources, first.source_of_sa
    ca, cb = carried_ab
    strength = a + b - ca - cb  # the rules' part of the priors (a learned pooled mean replaces only that part)
    learn_pooled = pooled is not None and pooled.any() and module.ITERATIVE

    def step(rel: np.ndarray, sa: np.ndarray) -> tuple[np.ndarray, np.ndarray, _Step]:
        """One plain EM iteration: the updated reliabilities from these, with the priors and statistics."""
        right_sa, total_sa = engine.map_sum(parts, em_statistics, module.NAME, sa)
        right = np.bincount(sa_source, weights=right_sa, minlength=n_sources)
        total = np.bincount(sa_source, weights=total_sa, minlength=n_sources)
        if extra_stats is not None and module.ITERATIVE:  # e.g. the time model's items
            r, t = extra_stats(rel)
            right += r
            total += t
        new_a, new_b = a, b
        if learn_pooled and pooled is not None:
            mean = pooled_prior_mean(right, total, strength, rules.reliability_bounds)
            new_a, new_b = np.where(pooled, mean * strength + ca, a), np.where(pooled, (1 - mean) * strength + cb, b)
        updated = module.update(right, total, new_a, new_b, rules.reliability_bounds)
        if fixed is not None:
            updated = np.where(np.isnan(fixed), updated, fixed)
        if priors is None:
            updated_sa = updated[sa_source]
        else:
            updated_sa = attribute_reliability(right, total, new_a, new_b, right_sa, total_sa, sa_source, priors,
                                               rules.reliability_bounds)
        if fixed_sa is not None:
            updated_sa = np.where(np.isnan(fixed_sa), updated_sa, fixed_sa)
        change = float(max(np.max(np.abs(updated - rel), initial=0.0), np.max(np.abs(updated_sa - sa), initial=0.0)))
        progress.tick("solver: EM iterations", info=f"reliability change {change:.1e}")
        return updated, updated_sa, (new_a, new_b, (right, total, right_sa, total_sa))

    if module.ITERATIVE and (accelerated or extra_stats is not None):  # SQUAREM (`accelerated_em`)
        res = accelerate.squarem_pair(step, reliability, sa_rel, rules.max_iterations, rules.tolerance,
                                      rules.reliability_bounds, fixed, fixed_sa)
        a, b, last = res.aux
        return (res.theta[:n_sources], res.theta[n_sources:], res.evaluations, res.converged, res.change, a, b,
                last)
    iterations, change, converged = 0, 0.0, not module.ITERATIVE
    stats: _Stats = (np.zeros(n_sources), np.zeros(n_sources), np.zeros(first.n_sa), np.zeros(first.n_sa))
    for iterations in range(1, (rules.max_iterations if module.ITERATIVE else 1) + 1):
        updated, updated_sa, (a, b, stats) = step(reliability, sa_rel)
        change = float(max(np.max(np.abs(updated - reliability), initial=0.0),
                           np.max(np.abs(updated_sa - sa_rel), initial=0.0)))
        reliability, sa_rel = updated, updated_sa
        if module.ITERATIVE and change < rules.tolerance:
            converged = True
            break
    return reliability, sa_rel, iterations, converged, change, a, b, stats


def _posteriors(parts: Partitions, module: ModuleType, reliability: np.ndarray, n_cands: int,
                temperature: float = 1.0, rho: float = 0.0, engine: Engine | None = None) -> np.ndarray:
    """Candidates' probabilities; with `rho` > 0 (accu) each item's votes are divided by its design effect."""
    prob = (engine or LocalEngine()).map_concat(parts, candidate_posteriors, module.NAME, reliability, temperature,
                                                rho)
    assert len(prob) == n_cands
    return prob


def overdispersion(parts: Partitions, module: ModuleType, reliability: np.ndarray, n_cands: int,
                   engine: Engine | None = None) -> float:
    """rho: the correlation of sources' votes within an item, estimated without labels (accu only)."""
    if not hasattr(module, "dispersion_stats"):
        return 0.0
    sums = (engine or LocalEngine()).map_sum(parts, dispersion_statistics, module.NAME, reliability)
    if sums[2] < MIN_DISPERSION_ITEMS or sums[1] <= 0:  # too few items to tell correlation from chance
        return 0.0
    return float(np.clip(sums[0] / sums[1], 0.0, 1.0))


def fit(part: Partition, a: np.ndarray, b: np.ndarray, rules: SolverRules, solver: str | None = None,
        n_partitions: int = 1, copying: CopyingRules | None = None, base_factor: np.ndarray | None = None,
        extra_stats: ExtraStats | None = None, known_pairs: pd.DataFrame | None = None,
        attribute_priors: AttributePriors | None = None, pooled: np.ndarray | None = None,
        fixed: np.ndarray | None = None, fixed_sa: np.ndarray | None = None,
        rejected_pairs: set[tuple[int, int]] | None = None,
        carried_ab: tuple[np.ndarray, np.ndarray] | None = None, engine: Engine | None = None,
        sa_attribute: np.ndarray | None = None, solved_elsewhere: np.ndarray | None = None,
        open_attributes: np.ndarray | None = None) -> Fit:
    """Fit source reliabilities and candidate probabilities.

    `base_factor` multiplies assertion weights before anything else (explicit attribution: "told Reuters").
    `extra_stats(reliability) -> (right, total)` adds per-source statistics of items solved elsewhere (the time
    model) to every M-step. `known_pairs` (a, b, dependence) are source pairs known to be dependent from other
    evidence (shared passages in articles, an analyst's confirmation); they are discounted like pairs found from
    shared values. `attribute_priors` turns on reliability per (source, attribute) for solvers that support it
    (accu). `pooled` marks the sources whose prior mean is learned from the feed (no rule, no default
    reliability). `fixed` (per source) and `fixed_sa` (per (source, attribute) id), NaN = learned: pinned
    reliabilities; a source's pin also fixes each of its (source, attribute) entries that has no pin of its
    own. `rejected_pairs`: (a, b) source-id pairs an analyst judged independent; never discounted.
    `carried_ab`: the part of (a, b) carried from earlier runs (reconcile/state), kept when `pooled` is learned.
    `engine` runs the kernel over the partitions (default: numpy in process; `reconcile.engines`).
    `sa_attribute`: the attribute id of each (source, attribute) id (the reported confidence's calibration is
    per attribute; None: one attribute).
    `solved_elsewhere` (bool per item; e.g. the time model's items, whose assertions carry weight 0 here): left out
    of the kernel's partitions (`subset.py`: the same numbers, less work); their candidates get the posterior of
    no vote, 1 / (n_false + 1), for the caller to replace.
    `open_attributes` (bool per attribute id, None: all): attributes without a closed vocabulary, whose number of
    wrong values the fit may lower to the feed's effective number (`solver.effective_false`, effective.py).
    """
    engine = engine or LocalEngine()
    module = solver_module(solver or rules.name)
    base = part.assert_w if base_factor is None else part.assert_w * base_factor
    work = replace(part, assert_w=base)
    subset = item_subset(work, ~solved_elsewhere) if solved_elsewhere is not None and solved_elsewhere.any() else None
    kernel = work if subset is None else subset.part
    parts = engine.partitions(kernel, n_partitions)
    reliability = np.clip(a / (a + b), *rules.reliability_bounds)
    priors = attribute_priors if (module.PER_ATTRIBUTE and rules.per_attribute) else None
    if fixed is not None:
        reliability = np.where(np.isnan(fixed), reliability, fixed)
        own = np.full(part.n_sa, np.nan) if fixed_sa is None else fixed_sa
        fixed_sa = np.where(np.isnan(own), fixed[part.source_of_sa], own)
    zeros = np.zeros(part.n_sa)
    sa_rel = reliability[part.source_of_sa] if priors is None else attribute_reliability(
        np.zeros(len(a)), np.zeros(len(a)), a, b, zeros, zeros, part.source_of_sa, priors, rules.reliability_bounds)
    if fixed_sa is not None:
        sa_rel = np.where(np.isnan(fixed_sa), sa_rel, fixed_sa)
    pins = _Pins(fixed=fixed, fixed_sa=fixed_sa, carried_ab=(0.0, 0.0) if carried_ab is None else carried_ab)
    fast = accelerated_em(len(part.assert_w))  # the whole problem's size: the same for any partitioning
    reliability, sa_rel, iterations, converged, change, a, b, em_stats = _em(
        parts, module, reliability, sa_rel, a, b, rules, extra_stats, priors, pooled, **pins, engine=engine,
        accelerated=fast)
    if getattr(module, "EFFECTIVE_FALSE", False) and rules.effective_false and sa_attribute is not None:
        # the feed's own concentration of errors per attribute, then EM again from where it stopped (effective.py)
        n_false = effective.attribute_false(parts, module.NAME, sa_rel, sa_attribute, engine, open_attributes)
        lower = effective.lowered(kernel, sa_attribute, n_false)
        if lower is not kernel:
            kernel = lower
            engine.release(parts)
            parts = engine.partitions(kernel, n_partitions)
            reliability, sa_rel, more, converged, change, a, b, em_stats = _em(
                parts, module, reliability, sa_rel, a, b, rules, extra_stats, priors, pooled, **pins, engine=engine,
                accelerated=fast)
            iterations += more
    # no discount yet: 1 for every assertion, one number seen through a read-only view (kept on the Fit through
    # the output stages: 80 MB at 10M claims when no pair is found); a discount makes a new array
    factor = np.broadcast_to(np.float64(1.0), (len(base),))
    pairs = pd.DataFrame(columns=["a", "b"] + copy_model.PAIR_COLUMNS[2:7])
    if copying is not None and copying.applies_to(module.NAME) and part.n_sources > 1:
        settings = copy_model.CopySettings(copying.prior, copying.copy_rate, copying.min_shared,
                                           copying.max_sources_per_item, copying.threshold)
        stride = max(1, -(-part.n_items // copying.max_items))  # ceil: sample at most max_items items
        for _ in range(copying.rounds):
            stats = engine.map_sum(parts, copy_statistics, module.NAME, sa_rel, copying.max_sources_per_item, stride)
            found = copy_model.dependence(stats, sa_rel, settings, part.source_of_sa)
            pairs = copy_model.with_known(found, known_pairs)
            if rejected_pairs:
                keep = [(int(x), int(y)) not in rejected_pairs for x, y in zip(pairs["a"], pairs["b"])]
                pairs = pairs[np.array(keep, dtype=bool)].reset_index(drop=True)
            new_factor = copy_model.discounts(work, pairs, reliability, settings)
            if np.array_equal(new_factor, factor):
                break
            factor = new_factor
            engine.release(parts)
            weight = base * factor
            parts = engine.partitions(replace(kernel, assert_w=weight if subset is None else weight[subset.assertions]),
                                      n_partitions)
            reliability, sa_rel, more, converged, change, a, b, em_stats = _em(
                parts, module, reliability, sa_rel, a, b, rules, extra_stats, priors, pooled, **pins, engine=engine,
                accelerated=fast)
            iterations += more
    held = calibration.held(module, rules, sa_rel, em_stats, a, b, priors, pins["fixed_sa"], part.source_of_sa,
                            sa_attribute)
    confidence = None
    if held is not None:  # the reported confidence (calibration.py), with its own estimate of rho
        held, rho, confidence = calibration.confidences(parts, module.NAME, held, rules, engine)
    else:
        rho = overdispersion(parts, module, sa_rel, kernel.n_cands, engine) if rules.correlated_votes else 0.0
    prob = _posteriors(parts, module, sa_rel, kernel.n_cands, rules.temperature, rho, engine)
    if hasattr(module, "forget"):  # the posteriors kept on the partitions (accu.posteriors)
        for _, p in parts.local:
            module.forget(p)
    engine.release(parts)
    elsewhere = None
    if subset is not None:  # the other items' candidates: the posterior of no vote
        elsewhere = 1.0 / (part.item_n_false[part.cand_item] + 1.0)
        prob = subset.expand(prob, elsewhere)
        confidence = None if confidence is None else subset.expand(confidence, elsewhere)
    prior_mean, prior_means = None, None
    if pooled is not None and pooled.any():  # the rules' part of the pooled sources' priors
        ca, cb = (0.0, 0.0) if carried_ab is None else carried_ab
        rules_part = a + b - ca - cb
        prior_means = np.where(pooled, (a - ca) / np.where(rules_part > 0, rules_part, 1.0), np.nan)
        prior_mean = activity_prior.prior_means(em_stats[0], em_stats[1], rules_part, rules.reliability_bounds)[0]
    return Fit(prob, reliability, sa_rel, iterations, converged, change, factor, pairs, parts.local, module, prior_mean,
               rho, *em_stats, confidence=confidence, held=held, pooled_means=prior_means, subset=subset,
               elsewhere_prob=elsewhere)
