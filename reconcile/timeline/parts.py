"""The time model's EM pass over partitions of whole items, run by an engine (reconcile/engines).

`TimelineModel` (hmm.py) is prepared once on the driver. Its arrays are laid out item by item: items own
contiguous runs of steps, steps contiguous runs of evidence points (stored in step order). A `TimePart` is such a
run of whole items with its steps and points, rebased to start at 0: the engine places the parts where its tasks
run (in process, or cached in Spark executors) and every EM iteration maps `time_source_stats` over them. A
task runs the same compiled forward-backward (kernel.py) on its items and returns only its per-source sums
(weight x smoothed support, weight), which the engine adds in partition order: the same numbers on every engine
for the same partitions, and with one partition exactly the sums of `TimelineModel.support`. Per iteration a
task takes one log per distinct (source, n_false) pair of its points (not one per point), and adds the claims'
support per source in one compiled pass (`kernel.source_sums`); the per-source weight is computed once.

Not in a part: the claims and candidates tables, which only the final fit (timelines, state at as-of) needs; it
runs on the driver.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from .hmm import MIN_THREAD_WORK, THREADS, TimelineModel, point_votes


@dataclass
class TimePart:
    """Whole items of a time model, their steps and evidence points (indices rebased to the part)."""

    # per item
    item_first_step: np.ndarray
    n_steps: np.ndarray
    n_cand: np.ndarray
    m_other: np.ndarray
    n_values: np.ndarray
    hetero: np.ndarray
    rate_start: np.ndarray
    end_gap_s: np.ndarray
    s_end: np.ndarray
    q_end: np.ndarray
    # per step (step_point_start: one more)
    s: np.ndarray
    q: np.ndarray
    gap_s: np.ndarray
    step_point_start: np.ndarray
    # per state of the part's items
    state_rate: np.ndarray
    # per evidence point
    point_local: np.ndarray
    point_claim: np.ndarray  # the point's claim, as an index into the part's claims
    p_src: np.ndarray
    p_weight: np.ndarray
    p_nf: np.ndarray
    p_half: np.ndarray
    # per claim of the part (in claim order)
    claim_src: np.ndarray
    claim_weight: np.ndarray
    claim_points: np.ndarray
    n_sources: int
    # votes: each point's (source, n_false) pair among the part's distinct pairs, whose log-odds are computed once
    # per iteration (not once per point); per source the claims' total weight (the same in every iteration)
    p_code: np.ndarray
    code_src: np.ndarray
    code_nf: np.ndarray
    src_total: np.ndarray

    @property
    def n_items(self) -> int:
        return len(self.n_steps)


def cut(model: TimelineModel, n_parts: int) -> list[tuple[int, int]]:
    """Item ranges [lo, hi) of about equal numbers of evidence points, at most `n_parts` (none empty)."""
    n_items = len(model.items)
    if n_items == 0:
        return []
    ends = model.step_point_start[model.item_first_step + model.n_steps]
    bounds = np.searchsorted(ends, ends[-1] * np.arange(1, n_parts) / n_parts, side="left") + 1
    bounds = np.unique(np.clip(np.r_[0, bounds, n_items], 0, n_items))
    return [(int(lo), int(hi)) for lo, hi in zip(bounds[:-1], bounds[1:]) if hi > lo]


def _present(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys, sorted; each key's index among them) for non-negative integer keys below `size`."""
    mask = np.zeros(size, dtype=bool)
    mask[keys] = True
    rank = np.cumsum(mask) - 1
    return np.flatnonzero(mask), rank[keys]


def make_part(model: TimelineModel, lo: int, hi: int, n_sources: int) -> TimePart:
    """The items lo..hi-1 of `model` as a part."""
    s0, s1 = int(model.item_first_step[lo]), int(model.item_first_step[hi - 1] + model.n_steps[hi - 1])
    p0, p1 = int(model.step_point_start[s0]), int(model.step_point_start[s1])
    r0 = int(model.rate_start[lo])
    r1 = int(model.rate_start[hi - 1] + model.n_cand[hi - 1] + 1)
    # the part's claims in claim order and each point's rank among them; its distinct (source, n_false) pairs:
    # presence masks over small integer ranges, the results of `np.unique(..., return_inverse=True)` without
    # sorting the points (1.5M of them in a 1M-claim feed)
    claims, point_claim = _present(model.p_claim[p0:p1], model.n)
    p_src, p_nf = model.p_src[p0:p1], model.p_nf[p0:p1]
    nf_values = np.unique(model.item_n_false[lo:hi])  # every item has a point: the points' values
    nf_code = np.searchsorted(nf_values, p_nf)
    pairs, p_code = _present(p_src * max(len(nf_values), 1) + nf_code, max(n_sources, int(p_src.max(initial=0)) + 1)
                             * max(len(nf_values), 1))
    return TimePart(
        item_first_step=model.item_first_step[lo:hi] - s0, n_steps=model.n_steps[lo:hi], n_cand=model.n_cand[lo:hi],
        m_other=model.m_other[lo:hi], n_values=model.n_values[lo:hi], hetero=model.hetero[lo:hi],
        rate_start=model.rate_start[lo:hi] - r0, end_gap_s=model.end_gap_s[lo:hi], s_end=model.s_end[lo:hi],
        q_end=model.q_end[lo:hi], s=model.s[s0:s1], q=model.q[s0:s1], gap_s=model.gap_s[s0:s1],
        step_point_start=model.step_point_start[s0:s1 + 1] - p0, state_rate=model.state_rate[r0:r1],
        point_local=model.point_local[p0:p1], point_claim=point_claim.astype(np.int64), p_src=p_src,
        p_weight=model.p_weight[p0:p1], p_nf=p_nf, p_half=model.p_half[p0:p1],
        claim_src=model.src[claims], claim_weight=model.weight[claims], claim_points=model.p_counts[claims],
        n_sources=n_sources, p_code=p_code.ravel().astype(np.int64),
        code_src=(pairs // max(len(nf_values), 1)).astype(np.int64),
        code_nf=nf_values[pairs % max(len(nf_values), 1)],
        src_total=np.bincount(model.src[claims], weights=model.weight[claims], minlength=n_sources))


def point_support(part: TimePart, reliability: np.ndarray) -> np.ndarray:
    """Per evidence point of the part: smoothed P(its claim's value) at its time (`TimelineModel.support` is
    their mean per claim)."""
    from .kernel import forward_backward  # numba: imported (and its cached machine code loaded) on use

    # `point_votes` per distinct (source, n_false) pair, then per point: the same products, one log per pair
    log_odds = point_votes(reliability, part.code_src, np.ones(len(part.code_src)), part.code_nf,
                           np.ones(len(part.code_src)))
    votes = part.p_half * (part.p_weight * log_odds[part.p_code])
    support = np.zeros(len(votes))
    unused_i, unused_f = np.zeros(0, dtype=np.int64), np.zeros(0)

    def run(lo: int, hi: int) -> None:  # items lo..hi-1 write disjoint parts of support
        forward_backward(part.item_first_step[lo:hi], part.n_steps[lo:hi], part.n_cand[lo:hi], part.m_other[lo:hi],
                         part.n_values[lo:hi], part.s, part.q, part.step_point_start, part.point_local, votes,
                         support, False, part.s_end[lo:hi], part.q_end[lo:hi], unused_i, unused_f, unused_i,
                         unused_f, part.hetero[lo:hi], part.rate_start[lo:hi], part.state_rate, part.gap_s,
                         part.end_gap_s[lo:hi])

    work = part.n_steps * (part.n_cand + 1)
    threads = min(THREADS, max(1, int(work.sum()) // MIN_THREAD_WORK))
    if threads <= 1 or part.n_items < 2:
        run(0, part.n_items)
    else:  # the kernel releases the GIL: items split across threads (same numbers: items are independent)
        from concurrent.futures import ThreadPoolExecutor

        cuts = np.searchsorted(np.cumsum(work), work.sum() * np.arange(1, threads) / threads)
        bounds = np.unique(np.r_[0, cuts, part.n_items])
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            list(pool.map(run, bounds[:-1], bounds[1:]))
    return support


def time_source_stats(part: TimePart, item_offset: int, reliability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Engine task: the part's per-source (weight x support, weight) with these reliabilities."""
    from .kernel import source_sums

    right = source_sums(part.point_claim, point_support(part, reliability), part.claim_points, part.claim_src,
                        part.claim_weight, part.n_sources)
    return right, part.src_total.copy()
