"""The in-process engine: cut the problem into partitions of whole items, map the solver kernel over them,
reduce the per-source statistics, update reliabilities, repeat until they stop moving.

This loop is all an engine does; a distributed engine runs the same kernel functions on its own partitions
(`posteriors`, `stats_probs`, `source_stats`, `copying.pair_statistics`, `copying.discounts` per partition;
`update` and `copying.dependence` on the reduced sums).

With copy detection on, the fit alternates: EM to convergence, estimate source dependence from the
posteriors, discount the copies' weights, EM again from the current reliabilities (`copying.rounds` times).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..rules.model import CopyingRules, SolverRules
from . import copying as copy_model
from .arrays import Partition

SOLVERS = ("accu", "majority", "truthfinder")


@dataclass
class Fit:
    cand_prob: np.ndarray  # P(candidate true), all candidates in global order
    reliability: np.ndarray  # per source
    iterations: int
    converged: bool
    max_change: float  # largest reliability change in the last iteration
    copy_factor: np.ndarray  # per assertion: weight multiplier from copy detection (1 = not a copy)
    pairs: pd.DataFrame  # source pairs judged for dependence (a, b ids; see copying.PAIR_COLUMNS)
    parts: list = field(default_factory=list, repr=False)  # the partitions as fitted (copy discounts applied)
    module: object = None  # the solver module
    right: np.ndarray | None = None  # per source: the last M-step's expected right assertions (weighted)
    total: np.ndarray | None = None  # per source: the last M-step's assertion weight

    def posteriors(self, temperature: float) -> np.ndarray:
        """The candidates' probabilities again, at another temperature (for calibration)."""
        return _posteriors(self.parts, self.module, self.reliability, len(self.cand_prob), temperature)


def solver_module(name: str):
    if name not in SOLVERS:
        raise UsageError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVERS)}")
    return importlib.import_module(f"reconcile.solve.{name}")


def split(part: Partition, n_parts: int) -> list[tuple[int, Partition]]:
    """Cut a partition into up to n_parts partitions of whole items. Returns (first candidate, partition)."""
    if n_parts <= 1 or part.n_items <= 1:
        return [(0, part)]
    order = np.argsort(part.assert_cand, kind="stable")
    a_cand = part.assert_cand[order]
    a_source = part.assert_source[order]
    a_w = part.assert_w[order]
    bounds = np.linspace(0, part.n_items, min(n_parts, part.n_items) + 1).astype(int)
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        c_lo = int(part.item_start[lo])
        c_hi = int(part.item_start[hi]) if hi < part.n_items else part.n_cands
        a_lo, a_hi = np.searchsorted(a_cand, [c_lo, c_hi])
        out.append((c_lo, Partition(
            assert_source=a_source[a_lo:a_hi], assert_cand=a_cand[a_lo:a_hi] - c_lo, assert_w=a_w[a_lo:a_hi],
            cand_item=part.cand_item[c_lo:c_hi] - lo, item_start=part.item_start[lo:hi] - c_lo,
            item_n_false=part.item_n_false[lo:hi], item_multi=part.item_multi[lo:hi], n_sources=part.n_sources,
            item_n_sources=None if part.item_n_sources is None else part.item_n_sources[lo:hi],
        )))
    return out


def _em(parts, module, reliability, a, b, rules: SolverRules, extra_stats=None, fixed=None):
    """EM to convergence. `fixed` (per source, NaN = learned) holds pinned reliabilities: set after every
    M-step, not clamped by the bounds. Returns (reliability, iterations, converged, change, (right, total))."""
    iterations, change, converged = 0, 0.0, not module.ITERATIVE
    n_sources = parts[0][1].n_sources
    right = total = np.zeros(n_sources)
    for iterations in range(1, (rules.max_iterations if module.ITERATIVE else 1) + 1):
        right = np.zeros(n_sources)
        total = np.zeros(n_sources)
        for _, p in parts:
            r, t = module.source_stats(p, module.stats_probs(p, reliability))
            right += r
            total += t
        if extra_stats is not None and module.ITERATIVE:  # e.g. the time model's items
            r, t = extra_stats(reliability)
            right += r
            total += t
        updated = module.update(right, total, a, b, rules.reliability_bounds)
        if fixed is not None:
            updated = np.where(np.isnan(fixed), updated, fixed)
        change = float(np.max(np.abs(updated - reliability))) if len(updated) else 0.0
        reliability = updated
        if module.ITERATIVE and change < rules.tolerance:
            converged = True
            break
    return reliability, iterations, converged, change, (right, total)


def _posteriors(parts, module, reliability, n_cands, temperature: float = 1.0) -> np.ndarray:
    prob = np.empty(n_cands)
    for offset, p in parts:
        prob[offset:offset + p.n_cands] = module.posteriors(p, reliability, temperature)
    return prob


def fit(part: Partition, a: np.ndarray, b: np.ndarray, rules: SolverRules, solver: str | None = None,
        n_partitions: int = 1, copying: CopyingRules | None = None, base_factor: np.ndarray | None = None,
        extra_stats=None, known_pairs: pd.DataFrame | None = None, fixed: np.ndarray | None = None,
        rejected_pairs: set | None = None) -> Fit:
    """Fit source reliabilities and candidate probabilities.

    `base_factor` multiplies assertion weights before anything else (explicit attribution: "told Reuters").
    `extra_stats(reliability) -> (right, total)` adds per-source statistics of items solved elsewhere (the time
    model) to every M-step. `known_pairs` (a, b, dependence) are source pairs known to be dependent from other
    evidence (shared passages in articles, an analyst's confirmation); they are discounted like pairs found from
    shared values. `fixed` (per source, NaN = learned): pinned reliabilities. `rejected_pairs`: (a, b) source-id
    pairs an analyst judged independent; never discounted.
    """
    module = solver_module(solver or rules.name)
    base = part.assert_w if base_factor is None else part.assert_w * base_factor
    work = replace(part, assert_w=base)
    parts = split(work, n_partitions)
    reliability = np.clip(a / (a + b), *rules.reliability_bounds)
    if fixed is not None:
        reliability = np.where(np.isnan(fixed), reliability, fixed)
    reliability, iterations, converged, change, em_stats = _em(parts, module, reliability, a, b, rules, extra_stats,
                                                            fixed)
    factor = np.ones(len(base))
    pairs = pd.DataFrame(columns=["a", "b"] + copy_model.PAIR_COLUMNS[2:7])
    if copying is not None and copying.enabled and part.n_sources > 1:
        settings = copy_model.CopySettings(copying.prior, copying.copy_rate, copying.min_shared,
                                           copying.max_sources_per_item, copying.threshold)
        stride = max(1, -(-part.n_items // copying.max_items))  # ceil: sample at most max_items items
        for _ in range(copying.rounds):
            prob = _posteriors(parts, module, reliability, part.n_cands)
            stats = None
            for offset, p in parts:
                item_offset = int(part.cand_item[offset]) if p.n_cands else 0  # sample on global item ids
                local = copy_model.pair_statistics(p, prob[offset:offset + p.n_cands], copying.max_sources_per_item,
                                                   stride, item_offset)
                stats = local if stats is None else tuple(x + y for x, y in zip(stats, local))
            pairs = copy_model.with_known(copy_model.dependence(stats, reliability, settings), known_pairs)
            if rejected_pairs:
                keep = [(int(x), int(y)) not in rejected_pairs for x, y in zip(pairs["a"], pairs["b"])]
                pairs = pairs[np.array(keep, dtype=bool)].reset_index(drop=True)
            new_factor = copy_model.discounts(work, pairs, reliability, settings)
            if np.array_equal(new_factor, factor):
                break
            factor = new_factor
            parts = split(replace(part, assert_w=base * factor), n_partitions)
            reliability, more, converged, change, em_stats = _em(parts, module, reliability, a, b, rules, extra_stats,
                                                              fixed)
            iterations += more
    prob = _posteriors(parts, module, reliability, part.n_cands, rules.temperature)
    return Fit(prob, reliability, iterations, converged, change, factor, pairs, parts, module, *em_stats)
