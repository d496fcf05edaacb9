"""Continuous-time hidden Markov model of each subject-attribute's state, fitted by forward-backward.

States of an item: its k observed candidates plus one lumped state "other" for the m = n_false + 1 - k values
nobody claimed (m may be 0). N = n_false + 1 values are possible. Changes happen at rate 1 / change_every (no
change during a gap dt with probability exp(-dt / change_every)) and each change jumps to one of the N - 1 other
values uniformly. This is the continuous-time chain with generator Q = (J / (N - 1) - N I / (N - 1)) / tau, whose
transition over dt is, with r = exp(-dt N / ((N - 1) tau)):

    P(v -> u) = r [v = u] + (1 - r) / N mult_u        mult_u = 1 for a candidate, m for "other"

(so P(same value) = r + (1 - r) / N ~ exp(-dt / tau) for small gaps; unlike "stay w.p. exp(-dt / tau), else jump",
it is consistent: one gap or the same gap cut in two give the same answer). Lumping the symmetric unobserved
values is exact; one step costs O(K) per item: alpha' = r alpha + (1 - r) / N mult sum(alpha). The initial
distribution is uniform over the N values (mult / N), the chain's stationary distribution.

Evidence. Each claim is evidence at its valid time (see `evidence.py`): an instant at that instant; an
interval [a, b] at both ends with half the weight each, so an interval counts as much as an instant in total
and supports the value at its start and its end. Emission (Accu one-coin model, tempered by the claim's
effective weight w): P(claim of c | state u)^w = A^w if u = c else ((1 - A) / n_false)^w. Divided by the
constant ((1 - A) / n_false)^w it is exp(w ln(n_false A / (1 - A))) for u = c and 1 otherwise: the Accu vote.
With change_every -> infinity the state at as-of is therefore exactly the static Accu posterior.
Claims at the same time multiply into one emission. A claim superseded by a correction of its own source
(`evidence.superseded`) is not evidence (weight 0).

Outputs (`TimelineFit`): the state distribution at as-of (the filtered distribution at the last evidence time,
propagated over the gap to as-of), per claim the smoothed probability that its value held at its valid time
(mean over its evidence points), and the timeline: per evidence time the smoothed most likely claimed value
(ties: the smaller value key), held until the next evidence time (the last until as-of); consecutive equal
values are merged, with the smallest smoothed probability among their evidence times.

Cost. The model is prepared once per run (`TimelineModel`): claim times, corrections, evidence points grouped
by (item, time) step, and the transition terms over every gap (they depend on times, not on reliabilities). An
EM iteration then only recomputes the votes from the current reliabilities and runs forward-backward over all
items in one compiled pass (kernel.py): no Python loop over subjects or time steps, no padding; work O(sum of
T x K) per iteration, memory O(claims) plus O(longest T x K) scratch. On a large feed the items are cut into
chunks of equal work run in threads (the compiled kernel releases the GIL; items are independent, so the
numbers are the same whatever the number of threads). Evidence points are stored in step order with
per-point copies of their claims' constants, so the pass reads every array in sequence. In the EM loop the pass
is mapped by the run's engine over partitions of whole items (parts.py). Only the final fit builds the timeline
table and the state at as-of.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .evidence import claim_times, superseded, timestamp_ns, tolerance_ns

TIMELINE_COLUMNS = ["subject", "attribute", "valid_from", "valid_to", "value", "probability", "change"]
REL_CLIP = 1e-6
THREADS = min(os.cpu_count() or 1, 4)  # forward-backward threads (numba releases the GIL)
MIN_THREAD_WORK = 200_000  # steps x states per thread, at least: below that one thread is quicker


@dataclass
class TimelineFit:
    state_prob: np.ndarray  # per cand id (len(cands)): P(the candidate is the state at as-of); NaN outside
    cand_ids: np.ndarray  # the candidates the time model covers (sorted)
    timeline: pd.DataFrame  # TIMELINE_COLUMNS + _item, _cand (internal, drop before writing)
    claim_support: np.ndarray  # per claim row: smoothed P(its value held at its valid time)
    superseded: np.ndarray  # per claim row: corrected later by its own source (not used as evidence)
    corrected_by: np.ndarray  # per claim row: row of the correcting claim, or -1
    evidence_from: np.ndarray  # per claim row: start of its evidence time (ns UTC)
    evidence_to: np.ndarray  # per claim row: end of its evidence time (ns UTC)
    explicit: np.ndarray  # per claim row: it has a valid time (else published_at was used)
    as_of_ns: int


def _empty_timeline() -> pd.DataFrame:
    return pd.DataFrame({"subject": pd.Series(dtype=object), "attribute": pd.Series(dtype=object),
                         "valid_from": pd.Series(dtype="datetime64[ns, UTC]"),
                         "valid_to": pd.Series(dtype="datetime64[ns, UTC]"), "value": pd.Series(dtype=object),
                         "probability": pd.Series(dtype=float), "change": pd.Series(dtype=bool),
                         "_item": pd.Series(dtype=np.int64), "_cand": pd.Series(dtype=np.int64)})


def tau_by_item(change_every: dict[int, float] | np.ndarray, n_items: int) -> np.ndarray:
    """change_every (seconds) per item id as an array (NaN: not time-modelled), from the dict item -> seconds
    of `change_every_by_item` (or such an array already)."""
    if isinstance(change_every, np.ndarray):
        return change_every.astype(float, copy=False)
    keys = np.fromiter(change_every.keys(), dtype=np.int64, count=len(change_every))
    out = np.full(max(n_items, int(keys.max()) + 1 if len(keys) else 0), np.nan)
    out[keys] = np.fromiter(change_every.values(), dtype=float, count=len(change_every))
    return out


def fit_timelines(claims: pd.DataFrame, cands: pd.DataFrame, reliability: np.ndarray, item_n_false: np.ndarray,
                  change_every: dict[int, float] | np.ndarray, as_of: pd.Timestamp | None,
                  cand_change_every: np.ndarray | None = None) -> TimelineFit:
    """Fit the state model of every item of `claims` (see the module docstring). `change_every`: item id ->
    seconds (a dict, or an array indexed by item id); `cand_change_every`: per candidate id, seconds of its own
    (NaN: its item's)."""
    return TimelineModel(claims, cands, item_n_false, change_every, as_of, cand_change_every).fit(reliability)


def point_votes(reliability: np.ndarray, src: np.ndarray, weight: np.ndarray, n_false: np.ndarray,
                half: np.ndarray) -> np.ndarray:
    """Per evidence point: its claim's log vote weight x ln(n_false A / (1 - A)), halved for an interval's ends."""
    rel = np.clip(np.asarray(reliability, dtype=float), REL_CLIP, 1 - REL_CLIP)[src]
    votes: np.ndarray = half * (weight * np.log(n_false * rel / (1 - rel)))
    return votes


class TimelineModel:
    """The time model of a set of claims, prepared once; `support` per EM iteration, `fit` at the end."""

    def __init__(self, claims: pd.DataFrame, cands: pd.DataFrame, item_n_false: np.ndarray,
                 change_every: dict[int, float] | np.ndarray, as_of: pd.Timestamp | None,
                 cand_change_every: np.ndarray | None = None) -> None:
        n = self.n = len(claims)
        self.cands, self.claims = cands, claims
        cand_item_all = cands["item"].to_numpy().astype(np.int64)
        item = claims["item"].to_numpy().astype(np.int64)
        cand = claims["cand"].to_numpy().astype(np.int64)
        self.src = claims["source_id"].to_numpy().astype(np.int64)
        tau_item = tau_by_item(change_every, len(item_n_false))
        tau_claim = tau_item[item]

        self.start, self.end, self.explicit, self.ref = claim_times(claims, timestamp_ns(as_of))
        self.sup, self.by = superseded(item, self.src, cand, self.start, self.end, claims["published_at"],
                                       tolerance_ns(tau_claim))
        self.weight = claims["effective_weight"].to_numpy(dtype=float) * ~self.sup
        self.nf_claim = np.asarray(item_n_false, dtype=float)[item]
        self.n_cands_all = len(cands)
        # item ids are small non-negative integers: presence masks and lookup tables instead of sorts/searches
        present = np.bincount(item, minlength=int(cand_item_all.max()) + 1 if len(cand_item_all) else 0) > 0
        self.items = items = np.flatnonzero(present)
        self.cand_ids = np.flatnonzero(present[cand_item_all])
        if n == 0:
            return
        # candidates of each item: contiguous, in value-key order (build_problem); local index = cand - first
        self.first_cand = np.searchsorted(cand_item_all, items)
        n_cand = np.searchsorted(cand_item_all, items, side="right") - self.first_cand
        where = np.zeros(len(present), dtype=np.int64)
        where[items] = np.arange(len(items))
        item_pos = where[item]
        local = cand - self.first_cand[item_pos]

        # evidence points: instants once, intervals at both ends with half the vote
        interval = self.end > self.start
        self.p_claim = np.r_[np.arange(n), np.flatnonzero(interval)]
        self.p_half = np.r_[np.where(interval, 0.5, 1.0), np.full(int(interval.sum()), 0.5)]
        p_time = np.r_[self.start, self.end[interval]]
        p_ipos = item_pos[self.p_claim]
        self.p_counts = np.bincount(self.p_claim, minlength=n)
        # steps: distinct (item, time) pairs, sorted; `order` (stable) also groups the points by step, in point
        # order within a step
        from .steps import item_time_order  # numba: = np.lexsort((p_time, p_ipos)) in linear time

        order = item_time_order(p_ipos, p_time, len(items))
        key_i, key_t = p_ipos[order], p_time[order]
        new = np.r_[True, (key_i[1:] != key_i[:-1]) | (key_t[1:] != key_t[:-1])]
        self.step_ipos, self.step_time = key_i[new], key_t[new]
        self.item_first_step = np.searchsorted(self.step_ipos, np.arange(len(items)))
        self.n_steps = np.diff(np.r_[self.item_first_step, len(self.step_ipos)])

        n_false = self.item_n_false = np.asarray(item_n_false, dtype=float)[items]
        self.n_cand = n_cand
        self.m_other = np.clip(n_false + 1.0 - n_cand, 0.0, None)
        self.n_values = n_false + 1.0
        rate = self.n_values / n_false / tau_item[items]
        # transition over the gap before each step (0 before an item's first step): depends on times only
        gap = np.r_[0, np.diff(self.step_time)]
        gap[self.item_first_step] = 0
        self.s = np.exp(-(gap / 1e9) * rate[self.step_ipos])
        self.q = (1.0 - self.s) / self.n_values[self.step_ipos]
        last = self.item_first_step + self.n_steps - 1
        self.s_end = np.exp(-((self.ref - self.step_time[last]) / 1e9) * rate)
        self.q_end = (1.0 - self.s_end) / self.n_values
        self._state_rates(cand_change_every, rate, n_false, gap, last)
        # evidence points stored grouped by step (in point order within a step): the compiled pass reads them
        # in order, and the votes are computed in that order from per-point copies of the claims' constants
        self.step_point_start = np.r_[np.flatnonzero(new), len(order)]
        self.p_claim, self.p_half = self.p_claim[order], self.p_half[order]
        self.point_local = local[self.p_claim]
        self.p_src, self.p_weight = self.src[self.p_claim], self.weight[self.p_claim]
        self.p_nf = self.nf_claim[self.p_claim]

    def _state_rates(self, cand_change_every: np.ndarray | None, rate: np.ndarray, n_false: np.ndarray,
                     gap: np.ndarray, last: np.ndarray) -> None:
        """Rates per state for items where some value changes at a pace of its own (`change_every_by_value`).

        Each state v leaves at its own rate N / (n_false tau_v) and, when it does, lands on any value uniformly
        (P(v -> u) = s_v [v = u] + (1 - s_v) / N mult_u, s_v = exp(-dt N / (n_false tau_v))); values without a
        rate of their own, and the lumped unclaimed values, keep the item's. With one rate per item this is the
        chain above; with several it is a first-order step per gap (exact for the state at each evidence time
        given the previous one, not a matrix exponential of a generator; a gap cut in two by another evidence
        time of the item may differ slightly)."""
        n_items = len(self.items)
        self.rate_start = np.r_[0, np.cumsum(self.n_cand + 1)[:-1]].astype(np.int64)
        self.state_rate = np.repeat(rate, self.n_cand + 1)
        self.hetero = np.zeros(n_items, dtype=np.bool_)
        self.gap_s = gap / 1e9
        self.end_gap_s = (self.ref - self.step_time[last]) / 1e9
        if cand_change_every is None:
            return
        own = np.asarray(cand_change_every, dtype=float)
        item_pos = np.repeat(np.arange(n_items), self.n_cand)
        within = np.arange(int(self.n_cand.sum())) - np.repeat(np.r_[0, np.cumsum(self.n_cand)[:-1]], self.n_cand)
        cand = np.repeat(self.first_cand, self.n_cand) + within  # the items' candidates, item by item
        tau = own[cand]
        has = np.isfinite(tau)
        slot = self.rate_start[item_pos] + (cand - self.first_cand[item_pos])
        self.state_rate[slot[has]] = self.n_values[item_pos[has]] / n_false[item_pos[has]] / tau[has]
        self.hetero[np.unique(item_pos[has])] = True

    def _votes(self, reliability: np.ndarray) -> np.ndarray:
        return point_votes(reliability, self.p_src, self.p_weight, self.p_nf, self.p_half)

    def support(self, reliability: np.ndarray) -> np.ndarray:
        """Per claim: smoothed P(its value held at its valid time), with these source reliabilities."""
        support: np.ndarray = self._run(reliability, final=False)[0]
        return support

    def _run(self, reliability: np.ndarray, final: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(support per claim, state distribution at as-of per candidate, per step: best value, its probability)."""
        state_prob = np.full(self.n_cands_all, np.nan)
        if self.n == 0:
            return np.full(0, np.nan), state_prob, np.zeros(0, dtype=np.int64), np.zeros(0)
        from .kernel import forward_backward  # numba: imported (and its cached machine code loaded) on use

        point_support = np.zeros(len(self.p_claim))
        step_best = np.zeros(len(self.step_ipos) if final else 0, dtype=np.int64)
        step_prob = np.zeros(len(self.step_ipos) if final else 0)
        votes = self._votes(reliability)

        def run(lo: int, hi: int) -> None:  # items lo..hi-1: they write disjoint parts of the outputs
            forward_backward(self.item_first_step[lo:hi], self.n_steps[lo:hi], self.n_cand[lo:hi],
                             self.m_other[lo:hi], self.n_values[lo:hi], self.s, self.q, self.step_point_start,
                             self.point_local, votes, point_support, final, self.s_end[lo:hi],
                             self.q_end[lo:hi], self.first_cand[lo:hi], state_prob, step_best, step_prob,
                             self.hetero[lo:hi], self.rate_start[lo:hi], self.state_rate, self.gap_s,
                             self.end_gap_s[lo:hi])

        bounds = self._chunks()
        if len(bounds) == 2:
            run(0, len(self.items))
        else:  # the kernel releases the GIL: items split across threads (same numbers: items are independent)
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(bounds) - 1) as pool:
                list(pool.map(run, bounds[:-1], bounds[1:]))
        sums = np.bincount(self.p_claim, weights=point_support, minlength=self.n)
        return sums / np.maximum(self.p_counts, 1), state_prob, step_best, step_prob

    def _chunks(self) -> np.ndarray:
        """Item boundaries of about equal work (steps x states) for up to `THREADS` threads; one chunk when small."""
        work = self.n_steps * (self.n_cand + 1)
        threads = min(THREADS, max(1, int(work.sum()) // MIN_THREAD_WORK))
        if threads <= 1:
            return np.array([0, len(self.items)])
        cuts = np.searchsorted(np.cumsum(work), work.sum() * np.arange(1, threads) / threads)
        return np.unique(np.r_[0, cuts, len(self.items)])

    def fit(self, reliability: np.ndarray) -> TimelineFit:
        support, state_prob, step_best, step_prob = self._run(reliability, final=True)
        if self.n == 0:
            timeline = _empty_timeline()
        else:
            timeline = _timeline(self.items, self.step_ipos, self.step_time, step_best, step_prob,
                                 self.first_cand, self.ref, self.cands, self.claims)
        return TimelineFit(state_prob, self.cand_ids, timeline, support, self.sup, self.by, self.start, self.end,
                           self.explicit, self.ref)


def _timeline(items: np.ndarray, step_ipos: np.ndarray, step_time: np.ndarray, step_best: np.ndarray,
              step_prob: np.ndarray, first_cand: np.ndarray, ref: int, cands: pd.DataFrame,
              claims: pd.DataFrame) -> pd.DataFrame:
    if len(step_ipos) == 0:
        return _empty_timeline()
    cand_id = first_cand[step_ipos] + step_best
    next_same = np.r_[step_ipos[1:] == step_ipos[:-1], False]
    t_end = np.where(next_same, np.r_[step_time[1:], 0], ref)
    # merge runs of the same value within an item
    start_run = np.r_[True, (step_ipos[1:] != step_ipos[:-1]) | (cand_id[1:] != cand_id[:-1])]
    run_first = np.flatnonzero(start_run)
    run_last = np.r_[run_first[1:] - 1, len(step_ipos) - 1]
    prob = np.minimum.reduceat(step_prob, run_first)
    ipos = step_ipos[run_first]
    change = np.r_[False, ipos[1:] == ipos[:-1]]
    item_ids = items[ipos]
    # a claim of each item names its subject and attribute (only those two columns are taken)
    claim_item = claims["item"].to_numpy().astype(np.int64)
    first = np.full(int(claim_item.max()) + 1, len(claim_item), dtype=np.int64)
    first[claim_item] = np.arange(len(claim_item))  # a claim of each item (all of them name the same subject
    named = first[item_ids]  # and attribute: which one is not the first does not matter; no `minimum.at`)
    return pd.DataFrame({  # text columns taken in Arrow: no Python string per row (290,000 rows at 1M claims)
        "subject": _text_at(claims["subject"], named),
        "attribute": _text_at(claims["attribute"], named),
        "valid_from": pd.to_datetime(step_time[run_first], utc=True, unit="ns"),
        "valid_to": pd.to_datetime(t_end[run_last], utc=True, unit="ns"),
        "value": _text_at(cands["value"], cand_id[run_first]),
        "probability": prob,
        "change": change,
        "_item": item_ids,
        "_cand": cand_id[run_first],
    })


def _text_at(values: pd.Series, rows: np.ndarray) -> Any:
    """values[rows] as a pandas str column, taken in Arrow (a categorical: its categories at the rows' codes)."""
    from ..solve import text

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows]
        if (codes >= 0).all():
            return text.column(text.take(values.cat.categories, codes))
        return np.asarray(values.iloc[rows].astype(object))
    return text.column(text.take(values, rows))
