"""Glue between the static solver and the time model: which items are time-modelled, and the EM loop.

Items of attributes with `change_every` (and not multi-valued: one state at a time) are time-modelled. Their
assertions take no part in the static solver's statistics; instead, per EM iteration, the time model is fitted
with the current reliabilities and each of their claims adds (weight x smoothed support of its value at its
valid time, weight) to its source's (right, total) - the same sufficient statistics as the static M-step, so
reliabilities are learned jointly from both kinds of items. Claims superseded by their own source's correction
count neither way. At the end, the candidates of time-modelled items take the state probability at as-of in
place of the static posterior.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import progress
from ..rules.model import Rules
from ..solve.arrays import Partition, Problem
from ..solve.engine import fit
from ..values import canonicalise_unique
from .hmm import TimelineFit, TimelineModel
from .parts import cut, make_part, time_source_stats

if TYPE_CHECKING:
    from ..engines import Engine, Partitions

log = logging.getLogger(__name__)
LOUD = 100_000  # time models of at least this many claims report their progress at INFO (else DEBUG)


def change_every_by_item(problem: Problem, rules: Rules) -> dict[int, float]:
    """item id -> change_every (seconds) for the time-modelled items."""
    out: dict[int, float] = {}
    codes, names = pd.factorize(problem.items["attribute"], sort=True)  # by hashing, not per-item strings
    for code, attribute in enumerate(names):
        rule = rules.attribute_rule(str(attribute))
        if rule.change_every and not rule.multi_valued:
            out.update(dict.fromkeys(np.flatnonzero(codes == code).tolist(), float(rule.change_every)))
    return out


def change_every_by_cand(problem: Problem, rules: Rules) -> np.ndarray | None:
    """Per candidate id: seconds of `change_every_by_value` for its value (NaN: its item's pace); None when no
    time-modelled attribute sets one."""
    out = None
    codes, names = pd.factorize(problem.items["attribute"], sort=True)
    paced = [(code, str(a)) for code, a in enumerate(names) if rules.attribute_rule(str(a)).change_every
             and rules.attribute_rule(str(a)).change_every_by_value and not rules.attribute_rule(str(a)).multi_valued]
    if not paced:
        return None
    cand_attr = codes[problem.part.cand_item]
    keys = problem.cands["value_key"].astype(str).to_numpy()
    for code, attribute in paced:
        rule = rules.attribute_rule(attribute)
        values = pd.Series(list(rule.change_every_by_value), dtype=object)
        own = canonicalise_unique(values, rule).key.astype(str).to_numpy()  # the candidates' keys of the values
        pace = dict(zip(own, (float(d) for d in rule.change_every_by_value.values())))
        if out is None:
            out = np.full(len(keys), np.nan)
        rows = np.flatnonzero(cand_attr == code)
        out[rows] = pd.Series(keys[rows]).map(pace).to_numpy(dtype=float)
    return out


class TimeModel:
    """The time-modelled items of a problem. Each EM iteration maps the time model's pass over partitions of
    whole items with `engine` (default: in process; `partitions`: how many, as the static fit's) and returns the
    per-source sums (`source_stats`); the final fit (timelines, state at as-of) runs here."""

    def __init__(self, problem: Problem, rules: Rules, as_of: pd.Timestamp | None, engine: Engine | None = None,
                 partitions: int = 1):
        self.problem = problem
        self.engine, self.n_partitions = engine, partitions
        self._parts: Partitions | None = None
        self.as_of = as_of
        self.change_every = change_every_by_item(problem, rules)
        self.cand_change_every = change_every_by_cand(problem, rules)
        self.items = np.array(sorted(self.change_every), dtype=np.int64)
        # item ids are small non-negative integers: a lookup table, not `np.isin` (a sort of 1M claims' items)
        modelled = self.item_mask
        self.claim_rows = np.flatnonzero(modelled[problem.claims["item"].to_numpy()])  # positions in problem.claims
        self.claims = problem.claims.iloc[self.claim_rows].reset_index(drop=True)
        self.cand_mask = modelled[problem.part.cand_item]
        self.last: TimelineFit | None = None
        self._model: TimelineModel | None = None
        self.iterations = 0
        self._level = logging.INFO if len(self.claims) >= LOUD else logging.DEBUG

    @property
    def active(self) -> bool:
        return len(self.items) > 0

    @property
    def item_mask(self) -> np.ndarray:
        """Per item of the problem: time-modelled (the static fit leaves these out, `fit(solved_elsewhere=)`)."""
        mask = np.zeros(self.problem.part.n_items, dtype=bool)
        mask[self.items] = True
        return mask

    def static_partition(self, part: Partition) -> Partition:
        """The partition with the assertions of time-modelled items at weight 0 (out of the static statistics)."""
        return replace(part, assert_w=np.where(self.cand_mask[part.assert_cand], 0.0, part.assert_w))

    @property
    def model(self) -> TimelineModel:
        """Everything that does not depend on reliabilities, prepared on first use."""
        if self._model is None:
            started = time.perf_counter()
            self._model = TimelineModel(self.claims, self.problem.cands, self.problem.part.item_n_false,
                                        self.change_every, self.as_of, self.cand_change_every)
            log.log(self._level, "time model: %d claims of %d subject/attributes, prepared in %.1f s",
                     len(self.claims), len(self.items), time.perf_counter() - started)
        return self._model

    @property
    def parts(self) -> Partitions:
        """The model cut into partitions of whole items, placed by the engine (on first use)."""
        if self._parts is None:
            from ..engines import LocalEngine, Partitions

            engine = self.engine = self.engine or LocalEngine()
            model = self.model
            ranges = cut(model, engine.partition_count(self.n_partitions)) or [(0, 0)]
            local = [(0, make_part(model, lo, hi, self.problem.part.n_sources)) for lo, hi in ranges if hi > lo]
            self._parts = engine.place(Partitions(local, [int(model.items[lo]) for lo, hi in ranges if hi > lo]))
        return self._parts

    def release(self) -> None:
        """Free what the engine holds of the model's partitions."""
        if self._parts is not None and self.engine is not None:
            self.engine.release(self._parts)
        self._parts = None

    def fit(self, reliability: np.ndarray) -> TimelineFit:
        self.release()
        started = time.perf_counter()
        self.last = self.model.fit(reliability)
        self._model = None  # its points and steps (about 200 MB at 1M claims) are not needed after the final fit
        log.log(self._level, "time model: final fit (timelines, state at as-of) in %.1f s",
                time.perf_counter() - started)
        return self.last

    def source_stats(self, reliability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per source: (sum of weight x smoothed support, sum of weight) over the time-modelled claims."""
        started = time.perf_counter()
        n = self.problem.part.n_sources
        if self.model.n == 0:
            return np.zeros(n), np.zeros(n)
        parts = self.parts
        assert self.engine is not None
        right, total = self.engine.map_sum(parts, time_source_stats, np.asarray(reliability, dtype=float))
        self.iterations += 1
        progress.tick("time model: EM iterations")
        log.log(self._level, "time model: EM iteration %d in %.1f s", self.iterations, time.perf_counter() - started)
        return right, total

    @staticmethod
    def merge(cand_prob: np.ndarray, tf: TimelineFit) -> np.ndarray:
        return np.where(np.isnan(tf.state_prob), cand_prob, tf.state_prob)


@dataclass
class TimeSolve:
    cand_prob: np.ndarray  # static posteriors, with the state at as-of for time-modelled candidates
    reliability: np.ndarray
    iterations: int
    converged: bool
    timeline: TimelineFit | None


def fit_with_time(problem: Problem, a: np.ndarray, b: np.ndarray, rules: Rules, as_of: pd.Timestamp | None,
                  solver: str | None = None, n_partitions: int = 1, engine: Engine | None = None) -> TimeSolve:
    """The engine's fit (without copy detection) with the time model in its M-steps."""
    model = TimeModel(problem, rules, as_of, engine, n_partitions)
    part = model.static_partition(problem.part) if model.active else problem.part
    f = fit(part, a, b, rules.solver, solver, n_partitions, extra_stats=model.source_stats if model.active else None,
            engine=engine, solved_elsewhere=model.item_mask if model.active else None)
    prob, tf = f.cand_prob, None
    if model.active:
        tf = model.fit(np.clip(f.reliability, *rules.solver.reliability_bounds))
        prob = model.merge(prob, tf)
    return TimeSolve(prob, f.reliability, f.iterations, f.converged, tf)
