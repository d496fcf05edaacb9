"""The `stale` kind of time contradiction (see kinds.py): a source whose latest word held once but is no
longer the state at as-of, with every superseded state it reported since it last backed that state."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .hmm import TimelineFit
from .kind_rows import distinct_joined, empty_rows, interval_at, iso_seconds, join_per_key, row_frame, span_text

SUPPORTED = 0.5


def last_per_group(key: np.ndarray, b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Per distinct key (ascending): the position of its last element in (b, a, position) order, i.e. the last
    row of each key after `np.lexsort((a, b, key))`, with one stable sort on the key and maxima per group
    instead of a three-key sort of every row."""
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(k)]))
    low = np.iinfo(np.int64).min
    bo = b[order]
    top = bo == np.maximum.reduceat(bo, starts)[group]
    ao = np.where(top, a[order], low)
    top &= ao == np.maximum.reduceat(ao, starts)[group]
    last: np.ndarray = np.maximum.reduceat(np.where(top, order, -1), starts)
    return last


def stale_rows(c: pd.DataFrame, tl: pd.DataFrame, fit: TimelineFit) -> pd.DataFrame:
    # each source's latest word per item: the last live claim in (item, source, b, a, row) order, in numpy (rows
    # are positions in c); only the stale ones become a frame
    item, src, b, a, cand = (c[k].to_numpy() for k in ("item", "src_rank", "b", "a", "cand"))
    live = np.flatnonzero(~c["superseded"].to_numpy())
    latest = live[last_per_group(item[live] * (int(src.max()) + 1) + src[live], b[live], a[live])]
    tl_item = tl["_item"].to_numpy().astype(np.int64)
    last_row = np.flatnonzero(np.r_[tl_item[1:] != tl_item[:-1], True])  # the timeline is in (item, time) order
    last_of = np.full(int(max(tl_item.max(), item.max())) + 1, -1, dtype=np.int64)
    last_of[tl_item[last_row]] = last_row
    now_row = last_of[item[latest]]
    now_cand = np.where(now_row >= 0, tl["_cand"].to_numpy()[np.maximum(now_row, 0)], -1)
    p_now = np.nan_to_num(fit.state_prob[cand[latest]])
    is_stale = (cand[latest] != now_cand) & (c["support"].to_numpy()[latest] >= SUPPORTED)
    stale = c.iloc[latest[is_stale]].assign(sev=c["cred_w"].to_numpy()[latest[is_stale]] * (1.0 - p_now[is_stale]))
    if stale.empty:
        return empty_rows()
    # the stale items' live claims (a few rows of c) and the state at as-of of every item
    mine = live[np.isin(item[live], stale["item"].to_numpy())]
    last_tl = pd.DataFrame({"_cand": tl["_cand"].to_numpy()[last_row]}, index=tl_item[last_row])
    words = _superseded_words(c.iloc[mine], stale, last_tl)
    # a value that held: the end of the run it held in (the interval holding the claim, up to the next change);
    # one that did not: when the source said it held
    held = interval_at(words["item"].to_numpy(), words["b"].to_numpy(), tl)
    words = words.assign(until=tl["t1"].to_numpy()[held], ok=words["support"].to_numpy() >= SUPPORTED)
    items = np.unique(stale["item"].to_numpy())
    words = words.sort_values(["item", "value", "source", "a", "b", "row"], kind="stable")
    grouped = words.groupby(["item", "value"], sort=True)
    per = grouped.agg(until=("until", "max"), ok=("ok", "any"), a=("a", "min"), b=("b", "max")).reset_index()
    # the latest end as a time, formatted once per value: the fixed-width text of times in pandas' range sorts
    # as the times do, so this is the text of the latest end
    per["until"] = iso_seconds(per["until"].to_numpy())
    once = words.drop_duplicates(["item", "value", "source"])
    per["sources"] = join_per_key(once.groupby(["item", "value"], sort=True).ngroup().to_numpy(), once["source"], ","
                           ).to_numpy()
    per["quotes"] = join_per_key(grouped.ngroup().to_numpy(), words["quote"], "").to_numpy()
    when = np.where(per["ok"].to_numpy(), "held until " + per["until"],
                    span_text(per["a"].to_numpy(), per["b"].to_numpy()))
    per["desc"] = per["value"] + " (" + when + ": " + per["sources"] + ")" + per["quotes"]
    competing = join_per_key(per["item"].to_numpy(), per["desc"], "; ").reindex(items).to_numpy()
    losing = distinct_joined(stale, "item", "source").reindex(items).to_numpy()
    severity = stale.groupby("item")["sev"].sum().reindex(items).to_numpy()
    rows = tl.iloc[last_of[items]].reset_index(drop=True)
    rows["probability"] = fit.state_prob[rows["_cand"].to_numpy()]
    return row_frame(rows, "stale", competing, losing, "", severity, np.full(len(rows), "as-of"))


def _superseded_words(live: pd.DataFrame, stale: pd.DataFrame, last_tl: pd.DataFrame) -> pd.DataFrame:
    """The claims of each stale source since it last backed the state at as-of (all of them when it never did),
    of other values: every superseded state it reported, not only its latest word."""
    mine = live.merge(stale[["item", "src_rank"]], on=["item", "src_rank"])
    now = (mine["cand"].to_numpy() == last_tl["_cand"].reindex(mine["item"]).to_numpy())
    backed = mine[now].groupby(["item", "src_rank"])["b"].max().rename("backed").reset_index()
    mine = mine.merge(backed, on=["item", "src_rank"], how="left")
    after = mine["backed"].isna().to_numpy() | (mine["b"].to_numpy() > mine["backed"].to_numpy())
    words: pd.DataFrame = mine[~now & after].drop(columns="backed")
    return words
