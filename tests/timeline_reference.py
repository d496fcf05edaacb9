"""The time model as it was before the compiled kernel (reconcile/timeline/kernel.py): numpy over padded
buckets of items, refitted from scratch on every call. Kept verbatim as a reference for the equality tests in
test_timeline_kernel.py; not used by the package."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.timeline.evidence import claim_times, superseded, timestamp_ns, tolerance_ns

_UNUSED = ["subject", "attribute", "valid_from", "valid_to", "value", "probability", "change"]
REL_CLIP = 1e-6


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


def _ceil_log2(x: np.ndarray) -> np.ndarray:
    return np.ceil(np.log2(np.maximum(x, 1))).astype(np.int64)


def fit_timelines(claims: pd.DataFrame, cands: pd.DataFrame, reliability: np.ndarray, item_n_false: np.ndarray,
                  change_every: dict[int, float], as_of: pd.Timestamp | None) -> TimelineFit:
    """Fit the state model of every item of `claims` (see the module docstring)."""
    n = len(claims)
    cand_item_all = cands["item"].to_numpy().astype(np.int64)
    item = claims["item"].to_numpy().astype(np.int64)
    cand = claims["cand"].to_numpy().astype(np.int64)
    src = claims["source_id"].to_numpy().astype(np.int64)
    tau_of = np.vectorize(lambda i: float(change_every[int(i)]), otypes=[float])
    tau_claim = tau_of(item) if n else np.zeros(0)

    start, end, explicit, ref = claim_times(claims, timestamp_ns(as_of))
    sup, by = superseded(item, src, cand, start, end, claims["published_at"], tolerance_ns(tau_claim))
    weight = claims["effective_weight"].to_numpy(dtype=float) * ~sup
    rel = np.clip(np.asarray(reliability, dtype=float)[src], REL_CLIP, 1 - REL_CLIP)
    nf_claim = np.asarray(item_n_false, dtype=float)[item]
    vote = weight * np.log(nf_claim * rel / (1 - rel))

    state_prob = np.full(len(cands), np.nan)
    items = np.unique(item)
    cand_ids = np.flatnonzero(np.isin(cand_item_all, items))
    support = np.full(n, np.nan)
    if n == 0:
        return TimelineFit(state_prob, cand_ids, _empty_timeline(), support, sup, by, start, end, explicit, ref)

    # candidates of each item: contiguous, in value-key order (build_problem); local index = cand - first
    first_cand = np.searchsorted(cand_item_all, items)
    n_cand = np.searchsorted(cand_item_all, items, side="right") - first_cand
    item_pos = np.searchsorted(items, item)
    local = cand - first_cand[item_pos]

    # evidence points: instants once, intervals at both ends with half the vote
    interval = end > start
    p_claim = np.r_[np.arange(n), np.flatnonzero(interval)]
    p_time = np.r_[start, end[interval]]
    p_vote = np.r_[np.where(interval, 0.5, 1.0) * vote, 0.5 * vote[interval]]
    p_ipos = item_pos[p_claim]
    # steps: distinct (item, time) pairs, sorted
    order = np.lexsort((p_time, p_ipos))
    key_i, key_t = p_ipos[order], p_time[order]
    new = np.r_[True, (key_i[1:] != key_i[:-1]) | (key_t[1:] != key_t[:-1])]
    step_sorted = np.cumsum(new) - 1
    p_step = np.empty(len(order), dtype=np.int64)
    p_step[order] = step_sorted
    step_ipos, step_time = key_i[new], key_t[new]
    item_first_step = np.searchsorted(step_ipos, np.arange(len(items)))
    n_steps = np.diff(np.r_[item_first_step, len(step_ipos)])
    p_col = p_step - item_first_step[p_ipos]

    tau = tau_of(items)
    n_false = np.asarray(item_n_false, dtype=float)[items]
    m_other = np.clip(n_false + 1.0 - n_cand, 0.0, None)
    K = n_cand + 1

    step_gamma_best = np.zeros(len(step_ipos), dtype=np.int64)
    step_gamma_prob = np.zeros(len(step_ipos))
    point_support = np.zeros(len(p_claim))
    bucket = _ceil_log2(n_steps) * 64 + _ceil_log2(K)
    for b in np.unique(bucket):
        members = np.flatnonzero(bucket == b)  # item positions, ascending
        _fit_bucket(members, n_steps, K, n_cand, m_other, n_false, tau, item_first_step, step_time, ref,
                    p_ipos, p_col, p_claim, local, p_vote, first_cand, state_prob, step_gamma_best,
                    step_gamma_prob, point_support)

    sums = np.bincount(p_claim, weights=point_support, minlength=n)
    counts = np.bincount(p_claim, minlength=n)
    support = sums / np.maximum(counts, 1)
    timeline = _timeline(items, step_ipos, step_time, step_gamma_best, step_gamma_prob, first_cand, ref, cands,
                         claims)
    return TimelineFit(state_prob, cand_ids, timeline, support, sup, by, start, end, explicit, ref)


def _fit_bucket(members, n_steps, K, n_cand, m_other, n_false, tau, item_first_step, step_time, ref,
                p_ipos, p_col, p_claim, local, p_vote, first_cand, state_prob, step_best, step_prob,
                point_support) -> None:
    nb = len(members)
    Tb = int(n_steps[members].max())
    Kb = int(K[members].max())
    row_of = np.full(len(n_steps), -1, dtype=np.int64)
    row_of[members] = np.arange(nb)
    kb = n_cand[members]
    mult = (np.arange(Kb)[None, :] < kb[:, None]).astype(float)
    mult[np.arange(nb), kb] = m_other[members]
    valid = mult > 0
    N = n_false[members] + 1.0

    # log emissions and gaps, padded (pad steps: dt 0 and no evidence = identity)
    E = np.zeros((nb, Tb, Kb))
    in_b = row_of[p_ipos] >= 0
    rows = row_of[p_ipos[in_b]]
    np.add.at(E, (rows, p_col[in_b], local[p_claim[in_b]]), p_vote[in_b])
    times = np.zeros((nb, Tb), dtype=np.int64)
    col = np.arange(Tb)[None, :]
    t_idx = item_first_step[members][:, None] + np.minimum(col, n_steps[members][:, None] - 1)
    times[:] = step_time[t_idx]
    dt = np.diff(times, axis=1, prepend=times[:, :1]) / 1e9
    rate = (N / n_false[members] / tau[members])[:, None]
    s = np.exp(-dt * rate)  # r of the docstring: weight kept on the current value
    q = (1.0 - s) / N[:, None]  # spread over all values in proportion to mult
    Emax = np.where(valid[:, None, :], E, -np.inf).max(axis=2, keepdims=True)
    e = np.where(valid[:, None, :], np.exp(E - Emax), 0.0)

    alpha = np.empty((nb, Tb, Kb))
    prior = mult / N[:, None]
    for t in range(Tb):
        if t:
            prev = alpha[:, t - 1]
            prior = s[:, t][:, None] * prev + (q[:, t] * prev.sum(axis=1))[:, None] * mult
        a = prior * e[:, t]
        alpha[:, t] = a / a.sum(axis=1, keepdims=True)
    beta = np.ones((nb, Tb, Kb))
    for t in range(Tb - 2, -1, -1):
        g = e[:, t + 1] * beta[:, t + 1]
        bt = s[:, t + 1][:, None] * g + (q[:, t + 1] * (mult * g).sum(axis=1))[:, None]
        beta[:, t] = bt / bt.max(axis=1, keepdims=True)
    gamma = alpha * beta
    gamma /= gamma.sum(axis=2, keepdims=True)

    # state at as-of: filtered distribution at the last evidence time, propagated over the remaining gap
    last = n_steps[members] - 1
    a_last = alpha[np.arange(nb), last]
    gap = (ref - step_time[item_first_step[members] + last]) / 1e9
    s_end = np.exp(-gap * rate[:, 0])
    q_end = (1.0 - s_end) / N
    at = s_end[:, None] * a_last + (q_end * a_last.sum(axis=1))[:, None] * mult
    obs = np.arange(Kb)[None, :] < kb[:, None]
    r_idx, k_idx = np.nonzero(obs)
    state_prob[first_cand[members][r_idx] + k_idx] = at[r_idx, k_idx]

    # per real step: the most likely claimed value (ties: first = smaller value key) and its probability
    real = col < n_steps[members][:, None]
    g_obs = np.where(obs[:, None, :], gamma, -1.0)
    best = g_obs.argmax(axis=2)
    rr, tt = np.nonzero(real)
    steps = item_first_step[members][rr] + tt
    step_best[steps] = best[rr, tt]
    step_prob[steps] = gamma[rr, tt, best[rr, tt]]
    point_support[in_b] = gamma[rows, p_col[in_b], local[p_claim[in_b]]]


def _timeline(items, step_ipos, step_time, step_best, step_prob, first_cand, ref, cands, claims) -> pd.DataFrame:
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
    subj = claims.drop_duplicates("item").set_index("item")
    return pd.DataFrame({
        "subject": subj["subject"].reindex(item_ids).astype(object).to_numpy(),
        "attribute": subj["attribute"].reindex(item_ids).astype(object).to_numpy(),
        "valid_from": pd.to_datetime(step_time[run_first], utc=True, unit="ns"),
        "valid_to": pd.to_datetime(t_end[run_last], utc=True, unit="ns"),
        "value": cands["value"].to_numpy()[cand_id[run_first]],
        "probability": prob,
        "change": change,
        "_item": item_ids,
        "_cand": cand_id[run_first],
    })
