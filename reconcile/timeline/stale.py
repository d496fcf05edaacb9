"""The `stale` kind of time contradiction (see kinds.py): a source whose latest word held once but is no
longer the state at as-of, with every superseded state it reported since it last backed that state."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .hmm import TimelineFit
from .kind_rows import empty_rows, interval_at, iso_seconds, join_per_key, row_frame, span_text

SUPPORTED = 0.5


def last_per_group(item: np.ndarray, group: np.ndarray, b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Per distinct (item, group) (ascending, `item` and `group` non-negative integers): the position of its last
    element in (b, a, position) order, i.e. the last row of each pair after `np.lexsort((a, b, group, item))`: a
    counting sort by item and a sort of each item's few groups (steps.item_time_order), then one compiled pass."""
    from .steps import item_time_order, last_of_runs  # numba: loaded on use

    if len(item) == 0:
        return np.zeros(0, dtype=np.int64)
    item, group = np.asarray(item, dtype=np.int64), np.asarray(group, dtype=np.int64)
    order = item_time_order(item, group, int(item.max()) + 1)
    out: np.ndarray = last_of_runs(order, item, group, np.asarray(b, dtype=np.int64), np.asarray(a, dtype=np.int64))
    return out


def stale_rows(c: pd.DataFrame, tl: pd.DataFrame, fit: TimelineFit) -> pd.DataFrame:
    """The `stale` rows, in numpy on c's columns (rows are positions in c; `src_rank` sorts as the source names,
    a rank per value text sorts as the texts): no frame of the claims concerned is taken, merged or sorted."""
    # each source's latest word per item: the last live claim in (item, source, b, a, row) order
    item, src, b, a, cand = (c[k].to_numpy() for k in ("item", "src_rank", "b", "a", "cand"))
    live = np.flatnonzero(~c["superseded"].to_numpy())
    latest = live[last_per_group(item[live], src[live], b[live], a[live])]
    tl_item = tl["_item"].to_numpy().astype(np.int64)
    tl_cand = tl["_cand"].to_numpy()
    last_row = np.flatnonzero(np.r_[tl_item[1:] != tl_item[:-1], True])  # the timeline is in (item, time) order
    last_of = np.full(int(max(tl_item.max(), item.max())) + 1, -1, dtype=np.int64)
    last_of[tl_item[last_row]] = last_row
    now_row = last_of[item[latest]]
    now_cand = np.where(now_row >= 0, tl_cand[np.maximum(now_row, 0)], -1)
    p_now = np.nan_to_num(fit.state_prob[cand[latest]])
    support = c["support"].to_numpy()
    is_stale = (cand[latest] != now_cand) & (support[latest] >= SUPPORTED)
    stale = latest[is_stale]  # in (item, source) order, one per pair
    if len(stale) == 0:
        return empty_rows()
    sev = c["cred_w"].to_numpy()[stale] * (1.0 - p_now[is_stale])
    source = c["source"].to_numpy()
    words = _superseded_words(item, src, b, cand, live, stale, last_of, tl_cand)
    # a value that held: the end of the run it held in (the interval holding the claim, up to the next change);
    # one that did not: when the source said it held
    until = tl["t1"].to_numpy()[interval_at(item[words], b[words], tl)]
    items = np.unique(item[stale])
    # words in (item, value, source, a, b, row) order; per (item, value): the latest end, held or not, the span
    value = c["value"].to_numpy()[words]
    value_rank = pd.factorize(value, sort=True)[0]
    order = np.lexsort((words, b[words], a[words], src[words], value_rank, item[words]))
    words, value, value_rank, until = words[order], value[order], value_rank[order], until[order]
    w_item, w_src = item[words], src[words]
    new_value = np.r_[True, (w_item[1:] != w_item[:-1]) | (value_rank[1:] != value_rank[:-1])]
    starts = np.flatnonzero(new_value)
    group = np.cumsum(new_value) - 1
    held = np.maximum.reduceat((support[words] >= SUPPORTED).astype(np.int8), starts) > 0
    # the latest end as a time, formatted once per value: the fixed-width text of times in pandas' range sorts
    # as the times do, so this is the text of the latest end
    latest_end = iso_seconds(np.maximum.reduceat(until, starts))
    once = np.flatnonzero(new_value | np.r_[True, w_src[1:] != w_src[:-1]])  # each source once per value
    sources = join_per_key(group[once], source[words[once]], ",").to_numpy()
    quotes = join_per_key(group, c["quote"].to_numpy()[words], "").to_numpy()
    when = np.where(held, "held until " + latest_end,
                    span_text(np.minimum.reduceat(a[words], starts), np.maximum.reduceat(b[words], starts)))
    desc = value[starts] + " (" + when + ": " + sources + ")" + quotes
    competing = join_per_key(w_item[starts], desc, "; ").reindex(items).to_numpy()
    losing = join_per_key(item[stale], source[stale], ",").reindex(items).to_numpy()
    severity = pd.Series(sev).groupby(item[stale]).sum().reindex(items).to_numpy()
    rows = tl.iloc[last_of[items]].reset_index(drop=True)
    rows["probability"] = fit.state_prob[rows["_cand"].to_numpy()]
    return row_frame(rows, "stale", competing, losing, "", severity, np.full(len(rows), "as-of"))


def _superseded_words(item: np.ndarray, src: np.ndarray, b: np.ndarray, cand: np.ndarray, live: np.ndarray,
                      stale: np.ndarray, last_of: np.ndarray, tl_cand: np.ndarray) -> np.ndarray:
    """The live claims (positions, ascending) of each stale (item, source) since that source last backed the state
    at as-of (all of them when it never did), of other values: every superseded state it reported, not only its
    latest word."""
    n_src = int(src.max()) + 1
    stale_item = np.zeros(len(last_of), dtype=bool)
    stale_item[item[stale]] = True
    mine = live[stale_item[item[live]]]  # the stale items' live claims, then those of their stale sources
    keys = item[stale] * n_src + src[stale]  # ascending
    key = item[mine] * n_src + src[mine]
    at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
    mine, at = mine[keys[at] == key], at[keys[at] == key]
    now = cand[mine] == tl_cand[last_of[item[mine]]]
    none = np.iinfo(np.int64).min
    backed = np.full(len(keys), none, dtype=np.int64)  # per stale pair: the latest end of its claims of the state
    np.maximum.at(backed, at[now], b[mine[now]])
    after = (backed[at] == none) | (b[mine] > backed[at])
    words: np.ndarray = mine[~now & after]
    return words
