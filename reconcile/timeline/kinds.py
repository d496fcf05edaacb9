"""Contradiction kinds of time-modelled subject/attributes, in the columns of reconcile.contradictions.

A claim is *credible* when its source's reliability is at least `min_reliability` and it is not superseded by
its own source's correction; its credible weight is effective_weight x reliability. Two valid times closer
than the attribute's tolerance (evidence.tolerance_ns: max(1 h, 2% of change_every)) overlap. For these
kinds, as for every kind, `verdict_value` / `verdict_confidence` / `status` are the item's verdict (the state at
as-of, from `verdicts` when given): one confidence per verdict everywhere. The timeline's value and probability
at the moment concerned are in `competing_values` ("at <time>: value (probability: sources); ...").

* `conflict_same_time` - two credible claims with different values and overlapping valid times: a real
  conflict. A claim without a valid time is placed at its publication time by default: two such claims
  published together conflict (a daily feed's "open" and "closed" of one morning), but such a claim never
  conflicts with an explicitly dated event (its publication time dates no event), and a hedged one ('briefly',
  'expected to': `hedges`) is not a statement of the state at publication, so it takes no part in same-time
  conflicts unless it has a valid time. A moment (a valid time no longer than the tolerance) overlaps what comes
  within the tolerance of it; two longer intervals overlap only when they share more than the tolerance (one
  ending where the other begins is a succession of states, not a conflict). One row per (subject/attribute,
  timeline interval holding the moment of the overlap), "at" the first moment of the overlaps in it; losing
  sources back a value other than the interval's; severity = their credible weight.
* `time_disagreement` - sources agree on the value but not on when it began: for a timeline run that starts
  with a change, each source's earliest *dated* claim of the run's value within change_every / 2 of the run's
  start is its onset. A claim dates an event when it has an explicit valid time ending more than the tolerance
  before its publication ('it fell overnight', said in the morning); a claim about the moment it is published
  is a status report ('X holds the city') and dates nothing; onsets that do not overlap (within tolerance) the onset of the most credible
  source lose. One row per run; severity = credible weight of the losing onsets.
* `stale` - a source whose latest word (the claim with the latest valid time) gave a value that held then
  (smoothed support >= 0.5) but is no longer the state at as-of. Reported, not counted as a conflict. One row
  per subject/attribute; severity = sum of weight x reliability x P(their value is not the state at as-of).
  The row lists every superseded state such a source reported since it last backed the state at as-of: per
  value "value (held until <end of its run>: sources)" when it held, else "value (<when said>: sources)",
  each followed by its claims' quotes (' — source, speaker: "quote"').
* `correction` - a source asserted X and later (published_at) Y for an overlapping valid time: the later
  statement supersedes the earlier (the earlier is not used as evidence). One row per corrected claim;
  severity = the corrected claim's weight x reliability.

Ordering (as contradictions.py): severity descending, then subject, attribute, kind, source, id.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..contradictions import COLUMNS, sort_contradictions
from ..solve.segments import seg_join
from .evidence import to_ns, tolerance_ns
from .hmm import TimelineFit, tau_by_item

CREDIBLE = 0.5
SUPPORTED = 0.5


def _ids(*columns: Iterable[object]) -> np.ndarray:
    # numpy object arrays first: zip over Arrow-backed Series would convert element by element
    arrays = [np.asarray(c, dtype=object) for c in columns]
    sha1 = hashlib.sha1
    if all(pd.api.types.infer_dtype(a, skipna=False) in ("string", "empty") for a in arrays):  # no str() needed
        return np.array(["C" + sha1("\x1f".join(t).encode()).hexdigest()[:10] for t in zip(*arrays)], dtype=object)
    keys = ["\x1f".join(map(str, t)) for t in zip(*arrays)]
    return np.array(["C" + sha1(k.encode()).hexdigest()[:10] for k in keys], dtype=object)


def _iso(ns: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DDTHH:MM:SSZ' per ns time (UTC; NaT: 'NaTZ'), the text numpy's `datetime_as_string(unit="s")`
    gives plus 'Z', formatted by Arrow's cast to string (a second pass of C, twice as quick as numpy's; pandas'
    strftime is a Python loop). Seconds are floored, as numpy's unit conversion does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ns = np.asarray(ns, dtype=np.int64)
    nat = ns == np.iinfo(np.int64).min
    seconds = pa.array(np.floor_divide(ns, 10**9), mask=nat if nat.any() else None).cast(pa.timestamp("s"))
    text = pc.binary_join_element_wise(pc.utf8_replace_slice(pc.cast(seconds, pa.string()), 10, 11, "T"), "Z", "")
    return np.asarray(pc.fill_null(text, "NaTZ").to_numpy(zero_copy_only=False), dtype=object)


def _text(values: pd.Series) -> np.ndarray:
    """A column as Python strings (as `astype(str)`): a categorical's categories converted once, not every row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.asarray(values.cat.categories.astype(str), dtype=object)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[np.maximum(codes, 0)] if len(cats) else "nan", "nan").astype(object)
    return np.asarray(values.astype(str), dtype=object)


def _objects(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object, copy=False)


def _span(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    fa, fb = _iso(a), _iso(b)
    return np.where(a == b, "at " + fa, fa + ".." + fb).astype(object)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def time_contradictions(claims: pd.DataFrame, timeline: pd.DataFrame, claim_support: np.ndarray,
                        fit: TimelineFit, reliability: np.ndarray, change_every: dict[int, float],
                        verdicts: pd.DataFrame | None = None, min_reliability: float = CREDIBLE) -> pd.DataFrame:
    """Time-aware contradictions of the claims of time-modelled items (claims aligned with `fit`)."""
    if len(claims) == 0 or len(timeline) == 0:
        return _empty()
    item = claims["item"].to_numpy().astype(np.int64)
    rel = np.asarray(reliability, dtype=float)[claims["source_id"].to_numpy()]
    w = claims["effective_weight"].to_numpy(dtype=float)
    tau = tau_by_item(change_every, int(item.max()) + 1)[item]
    pub, has_pub = to_ns(claims["published_at"])
    source = _text(claims["source"])  # src_rank: its rank in name order, a cheaper sort key than the string
    dated = fit.explicit & has_pub & (pub - fit.evidence_to > tolerance_ns(tau))
    # text columns kept as Python objects (pandas would convert them to Arrow strings): the frame's rows are
    # filtered and taken many times below, and its strings joined in Python
    c = pd.DataFrame({
        "row": np.arange(len(claims)), "item": item, "cand": claims["cand"].to_numpy().astype(np.int64),
        "source": _objects(source), "src_rank": pd.factorize(source, sort=True)[0],
        "value": _objects(_text(claims["value"])),
        "a": fit.evidence_from, "b": fit.evidence_to, "dated": dated, "support": claim_support,
        "cred_w": w * rel, "credible": (rel >= min_reliability) & ~fit.superseded & (w > 0),
        "tol": tolerance_ns(tau), "tau_ns": tau * 1e9, "superseded": fit.superseded, "explicit": fit.explicit,
        "placed": fit.explicit | ~_hedged(claims),
        "quote": _objects(_said(claims)),
    })
    tl = timeline.reset_index(drop=True).copy()
    tl["row_tl"] = np.arange(len(tl))
    tl["t0"] = tl["valid_from"].dt.as_unit("ns").astype("int64").to_numpy()
    tl["t1"] = tl["valid_to"].dt.as_unit("ns").astype("int64").to_numpy()
    frames = [_conflicts(c, tl), _disagreements(c, tl), _stale(c, tl, fit), _corrections(c, claims, tl, fit)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    if verdicts is not None and len(verdicts):
        pos = _verdict_rows(out, verdicts)
        known = pos >= 0
        out["status"] = np.where(known, verdicts["status"].to_numpy()[np.maximum(pos, 0)], "")
        out.loc[known, "verdict_value"] = verdicts["value"].to_numpy()[pos[known]]
        out.loc[known, "verdict_confidence"] = verdicts["confidence"].to_numpy()[pos[known]]
    else:
        out["status"] = ""
    return sort_contradictions(out.drop(columns="_item"))  # severity (rounded), subject, attribute, kind, source, id


def _verdict_rows(out: pd.DataFrame, verdicts: pd.DataFrame) -> np.ndarray:
    """Per row of `out`: the row of the first verdict of its subject/attribute, -1 when there is none. By item id
    when the verdicts carry theirs (`_item`, as build_verdicts gives them): one subject/attribute is one item, and
    integer lookups spare hashing (subject, attribute) string pairs of every verdict (200,000 at 1M claims)."""
    if "_item" in verdicts:
        v_item = verdicts["_item"].to_numpy().astype(np.int64)
        o_item = out["_item"].to_numpy().astype(np.int64)
        items, first = np.unique(v_item, return_index=True)
        at = np.minimum(np.searchsorted(items, o_item), max(len(items) - 1, 0))
        found: np.ndarray = np.where(items[at] == o_item, first[at], -1)
        return found
    keyed = verdicts.drop_duplicates(["subject", "attribute"])
    index = pd.MultiIndex.from_arrays([keyed["subject"], keyed["attribute"]])
    at = index.get_indexer(pd.MultiIndex.from_arrays([out["subject"], out["attribute"]]))
    rows: np.ndarray = np.where(at >= 0, np.flatnonzero(~verdicts.duplicated(["subject", "attribute"]))[at], -1)
    return rows


def _interval_at(item: np.ndarray, t: np.ndarray, tl: pd.DataFrame) -> np.ndarray:
    """Row of the timeline interval of `item` holding time t: the item's last interval starting at or before t
    (before the first: the first). On a timeline in (item, time) order (the time model's), compiled binary
    searches per query (steps.interval_rows); else a binary search on one integer key per (item, time): the times
    of both sides ranked together, so that the key item x (number of times) + rank sorts as (item, time)."""
    item = np.asarray(item, dtype=np.int64)
    tl_item = tl["_item"].to_numpy().astype(np.int64)
    tl_t0 = tl["t0"].to_numpy().astype(np.int64)
    if len(tl_item) and (np.diff(tl_item) >= 0).all() and (np.diff(tl_t0)[tl_item[1:] == tl_item[:-1]] > 0).all():
        from .steps import interval_rows  # the time model's timeline: in (item, time) order, one search per query

        at: np.ndarray = tl["row_tl"].to_numpy()[interval_rows(tl_item, tl_t0, item, np.asarray(t, dtype=np.int64))]
        return at.astype(np.int64)
    times, rank = np.unique(np.r_[tl["t0"].to_numpy().astype(np.int64), np.asarray(t, dtype=np.int64)],
                            return_inverse=True)
    n_times = max(len(times), 1)
    key = tl_item * n_times + rank[:len(tl_item)]
    order = np.argsort(key, kind="stable")  # the timeline is in (item, time) order already: a cheap pass
    pos = np.searchsorted(key, item * n_times + rank[len(tl_item):], side="right", sorter=order) - 1
    first = np.searchsorted(key, item * n_times, side="left", sorter=order)  # the item's first interval
    found = (pos >= 0) & (tl_item[order[np.maximum(pos, 0)]] == item)
    out: np.ndarray = tl["row_tl"].to_numpy()[order[np.where(found, pos, first)]].astype(np.int64)
    return out


def _row_frame(tl_rows: pd.DataFrame, kind: str, competing: Any, losing: Any, source: Any, severity: ArrayLike,
               discriminator: Any) -> pd.DataFrame:
    out = pd.DataFrame({
        "subject": tl_rows["subject"].to_numpy(), "attribute": tl_rows["attribute"].to_numpy(), "kind": kind,
        "verdict_value": tl_rows["value"].to_numpy(), "verdict_confidence": tl_rows["probability"].to_numpy(),
        "competing_values": competing, "losing_sources": losing, "source": source,
        "severity": np.asarray(severity, dtype=float), "status": "", "_item": tl_rows["_item"].to_numpy(),
    })
    out["id"] = _ids(out["subject"], out["attribute"], np.full(len(out), kind), out["source"], discriminator)
    return out


def _strings(values: Any) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False) if hasattr(values, "to_numpy") else values, dtype=object)


def _join(keys: np.ndarray, strings: object, sep: str) -> pd.Series:
    """Strings joined per key (keys sorted, strings in order), in Arrow: a Series indexed by key."""
    keys = np.asarray(keys)
    uniq, joined = seg_join(keys, strings, sep, limit=len(keys) + 1)
    return pd.Series(_strings(joined), index=uniq)


def _describe(frame: pd.DataFrame, group: str) -> pd.Series:
    """Per group: 'value (support: sources); ...' ordered by support (high first), then value."""
    f = frame.sort_values([group, "value", "source"], kind="stable")
    grouped = f.groupby([group, "value"], sort=True)
    per = grouped["support"].max().rename("p").reset_index()
    once = f.drop_duplicates([group, "value", "source"])  # each source once per value, in name order
    per["sources"] = _join(once.groupby([group, "value"], sort=True).ngroup().to_numpy(), once["source"], ","
                           ).to_numpy()
    per = per.sort_values([group, "p", "value"], ascending=[True, False, True], kind="stable")
    per["desc"] = per["value"] + " (" + per["p"].map("{:.3f}".format) + ": " + per["sources"] + ")"
    return _join(per[group].to_numpy(), per["desc"], "; ")


def _joined(frame: pd.DataFrame, group: str, column: str) -> pd.Series:
    once = frame.sort_values([group, column], kind="stable").drop_duplicates([group, column])
    return _join(once[group].to_numpy(), once[column], ",")


def _hedged(claims: pd.DataFrame) -> np.ndarray:
    """Per claim: it carries a hedge (the `hedges` column of extracted claims; no column: none)."""
    if "hedges" not in claims:
        return np.zeros(len(claims), dtype=bool)
    return np.asarray(claims["hedges"].fillna("").astype(str).str.strip().to_numpy() != "", dtype=bool)


def _said(claims: pd.DataFrame) -> np.ndarray:
    """Per claim: ' — source, speaker: "quote"' (whitespace collapsed), or '' without a quote."""
    if "quote" not in claims:
        return np.full(len(claims), "", dtype=object)
    quote = pd.Series(_text(claims["quote"].fillna("").astype(str))).str.replace(r"\s+", " ", regex=True).str.strip()
    who = pd.Series(_text(claims["source"]))
    if "speaker" in claims:
        speaker = pd.Series(_text(claims["speaker"].fillna("").astype(str)))
        who = who.where(speaker == "", who + ", " + speaker)
    return np.where(quote != "", " — " + who + ': "' + quote + '"', "").astype(object)


def _conflicts(c: pd.DataFrame, tl: pd.DataFrame) -> pd.DataFrame:
    from .overlaps import conflicting_pairs  # imports numba: only when there are time-modelled claims

    # a claim without a valid time is placed at its publication time by default: that dates no event, so it
    # conflicts only with other such claims, and not at all when hedged (it still counts in the timeline and in
    # stale rows)
    row = np.flatnonzero((c["credible"] & c["placed"]).to_numpy())  # c's rows are its positions
    item, a, b = (c[k].to_numpy()[row] for k in ("item", "a", "b"))
    # a moment (a valid time no longer than the tolerance) conflicts with what comes within the tolerance of it;
    # two longer intervals conflict only when they share more than the tolerance: one ending where (within the
    # tolerance) the other begins is a succession of states ("stormed overnight", then "recaptured"), not a conflict
    i, j = conflicting_pairs(item, row, a, b, c["cand"].to_numpy()[row], c["tol"].to_numpy()[row],
                             c["explicit"].to_numpy()[row])  # positions in row, row[i] < row[j]
    if not len(i):
        return _empty()
    lo = np.maximum(a[i], a[j])
    hi = np.minimum(b[i], b[j])
    moment = np.where(lo <= hi, lo, (lo + hi) // 2)
    pairs = pd.DataFrame({"row": row[i], "row_o": row[j], "at": np.minimum(lo, hi),
                          "tl": _interval_at(item[i], moment, tl)})
    members = pd.concat([pairs[["tl", "row"]], pairs[["tl", "row_o"]].rename(columns={"row_o": "row"})])
    members = members.drop_duplicates()
    tl_of, row_of = members["tl"].to_numpy(), members["row"].to_numpy()
    by = np.lexsort((row_of, tl_of))  # (tl, row) pairs are distinct: the order of a stable sort on both
    # c's rows are its positions (c["row"] = 0..n-1): a take, not a merge on "row"
    members = c.iloc[row_of[by]].reset_index(drop=True).assign(tl=tl_of[by])
    members["lose"] = members["cand"].to_numpy() != tl["_cand"].to_numpy()[members["tl"].to_numpy()]
    tls = np.unique(members["tl"].to_numpy())
    rows = tl.iloc[tls]
    competing = _describe(members, "tl").reindex(tls).to_numpy()
    # the first moment of the overlaps (within the interval)
    first = pairs.groupby("tl")["at"].min().reindex(tls).to_numpy()
    at = "at " + _iso(np.maximum(rows["t0"].to_numpy(), first)) + ": "
    losing = _joined(members[members["lose"]], "tl", "source").reindex(tls).fillna("").to_numpy()
    severity = members[members["lose"]].groupby("tl")["cred_w"].sum().reindex(tls).fillna(0.0).to_numpy()
    return _row_frame(rows, "conflict_same_time", at + competing, losing, "", severity, _iso(rows["t0"].to_numpy()))


def _disagreements(c: pd.DataFrame, tl: pd.DataFrame) -> pd.DataFrame:
    runs = tl[tl["change"].to_numpy()]
    if runs.empty:
        return _empty()
    cand_c = c[c["credible"] & c["dated"]]
    m = cand_c.merge(runs[["_item", "_cand", "t0", "row_tl"]], left_on=["item", "cand"], right_on=["_item", "_cand"])
    m = m[((m["a"] - m["t0"]).abs() <= 0.5 * m["tau_ns"]).to_numpy()]
    if m.empty:
        return _empty()
    onset = (m.sort_values(["row_tl", "src_rank", "a", "b", "row"], kind="stable")
             .drop_duplicates(["row_tl", "src_rank"]))
    ref = (onset.sort_values(["row_tl", "cred_w", "a", "source"], ascending=[True, False, True, True], kind="stable")
           .drop_duplicates("row_tl").set_index("row_tl"))
    ra = ref["a"].reindex(onset["row_tl"]).to_numpy()
    rb = ref["b"].reindex(onset["row_tl"]).to_numpy()
    onset = onset.assign(lose=(np.maximum(onset["a"], ra) - np.minimum(onset["b"], rb) > onset["tol"]).to_numpy())
    lost = onset[onset["lose"]]
    if lost.empty:
        return _empty()
    tls = np.unique(lost["row_tl"].to_numpy())
    onset = onset[onset["row_tl"].isin(tls)].sort_values(["row_tl", "a", "b", "source"], kind="stable")
    onset["desc"] = onset["value"] + " " + _span(onset["a"].to_numpy(), onset["b"].to_numpy()) + ": " + onset["source"]
    competing = _join(onset["row_tl"].to_numpy(), onset["desc"], "; ").reindex(tls).to_numpy()
    losing = _joined(lost, "row_tl", "source").reindex(tls).to_numpy()
    severity = lost.groupby("row_tl")["cred_w"].sum().reindex(tls).to_numpy()
    rows = tl.iloc[tls]
    return _row_frame(rows, "time_disagreement", competing, losing, "", severity, _iso(rows["t0"].to_numpy()))


def _last_per_group(key: np.ndarray, b: np.ndarray, a: np.ndarray) -> np.ndarray:
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


def _stale(c: pd.DataFrame, tl: pd.DataFrame, fit: TimelineFit) -> pd.DataFrame:
    # each source's latest word per item: the last live claim in (item, source, b, a, row) order, in numpy (rows
    # are positions in c); only the stale ones become a frame
    item, src, b, a, cand = (c[k].to_numpy() for k in ("item", "src_rank", "b", "a", "cand"))
    live = np.flatnonzero(~c["superseded"].to_numpy())
    latest = live[_last_per_group(item[live] * (int(src.max()) + 1) + src[live], b[live], a[live])]
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
        return _empty()
    # the stale items' live claims (a few rows of c) and the state at as-of of every item
    mine = live[np.isin(item[live], stale["item"].to_numpy())]
    last_tl = pd.DataFrame({"_cand": tl["_cand"].to_numpy()[last_row]}, index=tl_item[last_row])
    words = _superseded_words(c.iloc[mine], stale, last_tl)
    # a value that held: the end of the run it held in (the interval holding the claim, up to the next change);
    # one that did not: when the source said it held
    held = _interval_at(words["item"].to_numpy(), words["b"].to_numpy(), tl)
    words = words.assign(until=tl["t1"].to_numpy()[held], ok=words["support"].to_numpy() >= SUPPORTED)
    items = np.unique(stale["item"].to_numpy())
    words = words.sort_values(["item", "value", "source", "a", "b", "row"], kind="stable")
    grouped = words.groupby(["item", "value"], sort=True)
    per = grouped.agg(until=("until", "max"), ok=("ok", "any"), a=("a", "min"), b=("b", "max")).reset_index()
    # the latest end as a time, formatted once per value: the fixed-width text of times in pandas' range sorts
    # as the times do, so this is the text of the latest end
    per["until"] = _iso(per["until"].to_numpy())
    once = words.drop_duplicates(["item", "value", "source"])
    per["sources"] = _join(once.groupby(["item", "value"], sort=True).ngroup().to_numpy(), once["source"], ","
                           ).to_numpy()
    per["quotes"] = _join(grouped.ngroup().to_numpy(), words["quote"], "").to_numpy()
    when = np.where(per["ok"].to_numpy(), "held until " + per["until"],
                    _span(per["a"].to_numpy(), per["b"].to_numpy()))
    per["desc"] = per["value"] + " (" + when + ": " + per["sources"] + ")" + per["quotes"]
    competing = _join(per["item"].to_numpy(), per["desc"], "; ").reindex(items).to_numpy()
    losing = _joined(stale, "item", "source").reindex(items).to_numpy()
    severity = stale.groupby("item")["sev"].sum().reindex(items).to_numpy()
    rows = tl.iloc[last_of[items]].reset_index(drop=True)
    rows["probability"] = fit.state_prob[rows["_cand"].to_numpy()]
    return _row_frame(rows, "stale", competing, losing, "", severity, np.full(len(rows), "as-of"))


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


def _corrections(c: pd.DataFrame, claims: pd.DataFrame, tl: pd.DataFrame, fit: TimelineFit) -> pd.DataFrame:
    old = np.flatnonzero(fit.superseded)
    if len(old) == 0:
        return _empty()
    new = fit.corrected_by[old]
    pub = claims["published_at"]
    fmt: Callable[[np.ndarray], np.ndarray] = \
        lambda rows: pd.DatetimeIndex(pub.iloc[rows]).strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(dtype=object)
    val = c["value"].to_numpy()
    span = _span(c["a"].to_numpy()[old], c["b"].to_numpy()[old])
    competing = (val[old] + " (published " + fmt(old) + ") -> " + val[new] + " (published " + fmt(new) + "), "
                 + span)
    moment = (c["a"].to_numpy()[old] + c["b"].to_numpy()[old]) // 2
    rows = tl.iloc[_interval_at(c["item"].to_numpy()[old], moment, tl)]
    # the claim's own weight (not the zeroed evidence weight) x reliability
    severity = c["cred_w"].to_numpy()[old]
    return _row_frame(rows, "correction", competing, "", c["source"].to_numpy()[old], severity,
                      val[old] + "|" + fmt(old) + "|" + span)
