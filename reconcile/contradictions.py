"""Contradictions a person can review, ranked by the credible weight on the losing side.

Kinds:
- `value_conflict`: credible sources back a value the verdict did not take;
- `near_tie`: the same, with the runner-up within `NEAR_TIE` of the winner (or an exact tie);
- `self_contradiction`: one source asserts several values of a single-valued subject/attribute.
Severity of a conflict = sum over losing assertions of weight x learned reliability of the source; of a
self-contradiction, the source's weight on its values times (1 - the best of their probabilities).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .solve.arrays import Problem
from .solve.segments import seg_join

NEAR_TIE = 0.1
COLUMNS = ["id", "subject", "attribute", "kind", "verdict_value", "verdict_confidence", "competing_values",
           "losing_sources", "source", "severity", "status"]


def _ids(*columns: pd.Series | np.ndarray) -> np.ndarray:
    frame = pd.DataFrame({str(i): np.asarray(c, dtype=object) for i, c in enumerate(columns)})
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return ("C" + pd.Series(hashed).map("{:016x}".format)).to_numpy()


def _fmt(prob: np.ndarray) -> np.ndarray:
    return np.char.mod("%.3f", prob).astype(object)


def find_contradictions(problem: Problem, prob: np.ndarray, reliability: np.ndarray,
                        verdicts: pd.DataFrame, exclude_items: np.ndarray | None = None) -> pd.DataFrame:
    """Static contradictions. Items in `exclude_items` (time-modelled: a past state is not a conflict) are left
    to the time model's own kinds."""
    first = verdicts.drop_duplicates("_item").set_index("_item")
    skip = np.zeros(problem.part.n_items, dtype=bool)
    if exclude_items is not None:
        skip[exclude_items] = True
    frames = [_conflicts(problem, prob, reliability, verdicts, first, skip), _self(problem, prob, first, skip)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return sort_contradictions(pd.concat(frames, ignore_index=True))


def sort_contradictions(frame: pd.DataFrame) -> pd.DataFrame:
    """Most severe first; ties by subject, attribute, kind, source, id (deterministic)."""
    keys = [frame[c].astype(str).to_numpy() for c in ("id", "source", "kind", "attribute", "subject")]
    order = np.lexsort(tuple(keys) + (-frame["severity"].to_numpy(dtype=float),))
    return frame.iloc[order].reset_index(drop=True)[COLUMNS]


def _conflicts(problem, prob, reliability, verdicts, first, skip) -> pd.DataFrame:
    part = problem.part
    winners = np.zeros(part.n_cands, dtype=bool)
    winners[verdicts["_cand"].to_numpy()] = True
    a_item = part.cand_item[part.assert_cand]
    losing = ~winners[part.assert_cand]
    credible = part.assert_w * reliability[part.assert_source]
    severity = np.bincount(a_item[losing], weights=credible[losing], minlength=part.n_items)
    items = np.flatnonzero((severity > 0) & ~skip)
    if len(items) == 0:
        return pd.DataFrame(columns=COLUMNS)
    in_conflict = np.isin(a_item, items)
    names = problem.sources.to_numpy()
    # sources per candidate
    idx = np.flatnonzero(in_conflict)
    idx = idx[np.lexsort((part.assert_source[idx], part.assert_cand[idx]))]  # source ids are in name order
    a = pd.DataFrame({"cand": part.assert_cand[idx], "source_id": part.assert_source[idx],
                      "source": names[part.assert_source[idx]]})
    cand_ids, cand_sources = seg_join(a["cand"].to_numpy(), a["source"].to_numpy(), ",", 10)
    c = pd.DataFrame({"cand": cand_ids, "sources": cand_sources, "item": part.cand_item[cand_ids],
                      "value": problem.cands["value"].to_numpy()[cand_ids], "prob": prob[cand_ids],
                      "winner": winners[cand_ids]})
    c = c.sort_values(["item", "prob", "value"], ascending=[True, False, True], kind="stable")
    c["desc"] = c["value"].astype(object) + " (" + _fmt(c["prob"].to_numpy()) + ": " + c["sources"] + ")"
    _, competing = seg_join(c["item"].to_numpy(), c["desc"].to_numpy(), "; ", 50)
    lose = c[~c["winner"]]
    best_loser = lose.groupby("item", sort=True)["prob"].max().reindex(items).fillna(0.0).to_numpy()
    # losing sources per item, each once, sorted
    la = a.assign(item=part.cand_item[a["cand"].to_numpy()])[~winners[a["cand"].to_numpy()]]
    la = la.drop_duplicates(["item", "source_id"]).sort_values(["item", "source_id"], kind="stable")
    l_items, l_sources = seg_join(la["item"].to_numpy(), la["source"].to_numpy(), ",", 20)
    losing_sources = pd.Series(l_sources, index=l_items).reindex(items).fillna("").to_numpy()
    v = first.loc[items]
    gap = v["confidence"].to_numpy() - best_loser
    out = pd.DataFrame({
        "subject": v["subject"].to_numpy(), "attribute": v["attribute"].to_numpy(),
        "kind": np.where(gap < NEAR_TIE, "near_tie", "value_conflict"), "verdict_value": v["value"].to_numpy(),
        "verdict_confidence": v["confidence"].to_numpy(), "competing_values": competing,
        "losing_sources": losing_sources, "source": "", "severity": severity[items], "status": v["status"].to_numpy(),
    })
    out["id"] = _ids(out["subject"], out["attribute"], np.full(len(out), "conflict"))
    return out


def _self(problem, prob, first, skip) -> pd.DataFrame:
    part = problem.part
    a_item = part.cand_item[part.assert_cand]
    key = problem.pair_of_assert
    several = ~part.item_multi[a_item] & (problem.pair_cands[key] > 1) & ~skip[a_item]
    if not several.any():
        return pd.DataFrame(columns=COLUMNS)
    f = pd.DataFrame({
        "key": key[several], "source": problem.sources.to_numpy()[part.assert_source[several]],
        "item": a_item[several], "value": problem.cands["value"].to_numpy()[part.assert_cand[several]],
        "prob": prob[part.assert_cand[several]], "weight": part.assert_w[several],
    }).sort_values(["item", "source", "prob", "value"], ascending=[True, True, False, True], kind="stable")
    f["desc"] = f["value"].astype(object) + " (" + _fmt(f["prob"].to_numpy()) + ")"
    g = f.groupby(["item", "source"], sort=False)
    keys, competing = seg_join(f["key"].to_numpy(), f["desc"].to_numpy(), "; ", 50)
    summary = g.agg(weight=("weight", "sum"), best=("prob", "max")).reset_index()
    v = first.loc[summary["item"].to_numpy()]
    out = pd.DataFrame({
        "subject": v["subject"].to_numpy(), "attribute": v["attribute"].to_numpy(), "kind": "self_contradiction",
        "verdict_value": v["value"].to_numpy(), "verdict_confidence": v["confidence"].to_numpy(),
        "competing_values": competing, "losing_sources": "", "source": summary["source"].to_numpy(),
        "severity": summary["weight"].to_numpy() * (1 - summary["best"].to_numpy()), "status": v["status"].to_numpy(),
    })
    out["id"] = _ids(out["subject"], out["attribute"], np.full(len(out), "self"), out["source"])
    return out

