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

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..contradictions import sort_contradictions
from .evidence import to_ns, tolerance_ns
from .hmm import TimelineFit, tau_by_item
from .kind_rows import (as_objects, as_text, describe, distinct_joined, empty_rows, hedged, interval_at, iso_seconds,
                        join_per_key, row_frame, said, span_text)
from .stale import stale_rows

CREDIBLE = 0.5


def time_contradictions(claims: pd.DataFrame, timeline: pd.DataFrame, claim_support: np.ndarray,
                        fit: TimelineFit, reliability: np.ndarray, change_every: dict[int, float],
                        verdicts: pd.DataFrame | None = None, min_reliability: float = CREDIBLE) -> pd.DataFrame:
    """Time-aware contradictions of the claims of time-modelled items (claims aligned with `fit`)."""
    if len(claims) == 0 or len(timeline) == 0:
        return empty_rows()
    item = claims["item"].to_numpy().astype(np.int64)
    rel = np.asarray(reliability, dtype=float)[claims["source_id"].to_numpy()]
    w = claims["effective_weight"].to_numpy(dtype=float)
    tau = tau_by_item(change_every, int(item.max()) + 1)[item]
    pub, has_pub = to_ns(claims["published_at"])
    source = as_text(claims["source"])  # src_rank: its rank in name order, a cheaper sort key than the string
    src_rank = _name_rank(claims["source"], source)
    dated = fit.explicit & has_pub & (pub - fit.evidence_to > tolerance_ns(tau))
    # text columns kept as Python objects (pandas would convert them to Arrow strings): the frame's rows are
    # filtered and taken many times below, and its strings joined in Python
    c = pd.DataFrame({
        "row": np.arange(len(claims)), "item": item, "cand": claims["cand"].to_numpy().astype(np.int64),
        "source": as_objects(source), "src_rank": src_rank,
        "value": as_objects(as_text(claims["value"])),
        "a": fit.evidence_from, "b": fit.evidence_to, "dated": dated, "support": claim_support,
        "cred_w": w * rel, "credible": (rel >= min_reliability) & ~fit.superseded & (w > 0),
        "tol": tolerance_ns(tau), "tau_ns": tau * 1e9, "superseded": fit.superseded, "explicit": fit.explicit,
        "placed": fit.explicit | ~hedged(claims),
        "quote": as_objects(said(claims)),
    })
    tl = timeline.reset_index(drop=True).copy()
    tl["row_tl"] = np.arange(len(tl))
    tl["t0"] = tl["valid_from"].dt.as_unit("ns").astype("int64").to_numpy()
    tl["t1"] = tl["valid_to"].dt.as_unit("ns").astype("int64").to_numpy()
    frames = [_conflicts(c, tl), _disagreements(c, tl), stale_rows(c, tl, fit), _corrections(c, claims, tl, fit)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_rows()
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


def _name_rank(values: pd.Series, text: np.ndarray) -> np.ndarray:
    """Per row: a rank of its text that sorts and compares as the texts do (`pd.factorize(text, sort=True)`'s
    codes up to gaps): for a categorical, the rank of its category's text among the categories (a sort of the
    sources, not of the claims)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if len(codes) and codes.min() >= 0:
            names = np.asarray(values.cat.categories.astype(str), dtype=object)
            rank = np.empty(len(names), dtype=np.int64)
            rank[np.argsort(names, kind="stable")] = np.arange(len(names))
            out: np.ndarray = rank[codes]
            return out
    codes = pd.factorize(text, sort=True)[0]
    return codes


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
        return empty_rows()
    lo = np.maximum(a[i], a[j])
    hi = np.minimum(b[i], b[j])
    moment = np.where(lo <= hi, lo, (lo + hi) // 2)
    pairs = pd.DataFrame({"row": row[i], "row_o": row[j], "at": np.minimum(lo, hi),
                          "tl": interval_at(item[i], moment, tl)})
    members = pd.concat([pairs[["tl", "row"]], pairs[["tl", "row_o"]].rename(columns={"row_o": "row"})])
    members = members.drop_duplicates()
    tl_of, row_of = members["tl"].to_numpy(), members["row"].to_numpy()
    by = np.lexsort((row_of, tl_of))  # (tl, row) pairs are distinct: the order of a stable sort on both
    # c's rows are its positions (c["row"] = 0..n-1): a take, not a merge on "row"
    members = c.iloc[row_of[by]].reset_index(drop=True).assign(tl=tl_of[by])
    members["lose"] = members["cand"].to_numpy() != tl["_cand"].to_numpy()[members["tl"].to_numpy()]
    tls = np.unique(members["tl"].to_numpy())
    rows = tl.iloc[tls]
    competing = describe(members, "tl").reindex(tls).to_numpy()
    # the first moment of the overlaps (within the interval)
    first = pairs.groupby("tl")["at"].min().reindex(tls).to_numpy()
    at = "at " + iso_seconds(np.maximum(rows["t0"].to_numpy(), first)) + ": "
    losing = distinct_joined(members[members["lose"]], "tl", "source").reindex(tls).fillna("").to_numpy()
    severity = members[members["lose"]].groupby("tl")["cred_w"].sum().reindex(tls).fillna(0.0).to_numpy()
    return row_frame(rows, "conflict_same_time", at + competing, losing, "", severity, iso_seconds(rows["t0"].to_numpy()))


def _disagreements(c: pd.DataFrame, tl: pd.DataFrame) -> pd.DataFrame:
    runs = tl[tl["change"].to_numpy()]
    if runs.empty:
        return empty_rows()
    cand_c = c[c["credible"] & c["dated"]]
    m = cand_c.merge(runs[["_item", "_cand", "t0", "row_tl"]], left_on=["item", "cand"], right_on=["_item", "_cand"])
    m = m[((m["a"] - m["t0"]).abs() <= 0.5 * m["tau_ns"]).to_numpy()]
    if m.empty:
        return empty_rows()
    onset = (m.sort_values(["row_tl", "src_rank", "a", "b", "row"], kind="stable")
             .drop_duplicates(["row_tl", "src_rank"]))
    ref = (onset.sort_values(["row_tl", "cred_w", "a", "source"], ascending=[True, False, True, True], kind="stable")
           .drop_duplicates("row_tl").set_index("row_tl"))
    ra = ref["a"].reindex(onset["row_tl"]).to_numpy()
    rb = ref["b"].reindex(onset["row_tl"]).to_numpy()
    onset = onset.assign(lose=(np.maximum(onset["a"], ra) - np.minimum(onset["b"], rb) > onset["tol"]).to_numpy())
    lost = onset[onset["lose"]]
    if lost.empty:
        return empty_rows()
    tls = np.unique(lost["row_tl"].to_numpy())
    onset = onset[onset["row_tl"].isin(tls)].sort_values(["row_tl", "a", "b", "source"], kind="stable")
    onset["desc"] = onset["value"] + " " + span_text(onset["a"].to_numpy(), onset["b"].to_numpy()) + ": " + onset["source"]
    competing = join_per_key(onset["row_tl"].to_numpy(), onset["desc"], "; ").reindex(tls).to_numpy()
    losing = distinct_joined(lost, "row_tl", "source").reindex(tls).to_numpy()
    severity = lost.groupby("row_tl")["cred_w"].sum().reindex(tls).to_numpy()
    rows = tl.iloc[tls]
    return row_frame(rows, "time_disagreement", competing, losing, "", severity, iso_seconds(rows["t0"].to_numpy()))


def _corrections(c: pd.DataFrame, claims: pd.DataFrame, tl: pd.DataFrame, fit: TimelineFit) -> pd.DataFrame:
    old = np.flatnonzero(fit.superseded)
    if len(old) == 0:
        return empty_rows()
    new = fit.corrected_by[old]
    pub = claims["published_at"]
    fmt: Callable[[np.ndarray], np.ndarray] = \
        lambda rows: pd.DatetimeIndex(pub.iloc[rows]).strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(dtype=object)
    val = c["value"].to_numpy()
    span = span_text(c["a"].to_numpy()[old], c["b"].to_numpy()[old])
    competing = (val[old] + " (published " + fmt(old) + ") -> " + val[new] + " (published " + fmt(new) + "), "
                 + span)
    moment = (c["a"].to_numpy()[old] + c["b"].to_numpy()[old]) // 2
    rows = tl.iloc[interval_at(c["item"].to_numpy()[old], moment, tl)]
    # the claim's own weight (not the zeroed evidence weight) x reliability
    severity = c["cred_w"].to_numpy()[old]
    return row_frame(rows, "correction", competing, "", c["source"].to_numpy()[old], severity,
                      val[old] + "|" + fmt(old) + "|" + span)
