"""Contradictions a person can review, ranked by the credible weight on the losing side.

Kinds:
- `value_conflict`: credible sources back a value the verdict did not take;
- `near_tie`: the same, with the runner-up within `NEAR_TIE` of the winner (or an exact tie);
- `self_contradiction`: one source asserts several values of a single-valued subject/attribute.
Severity of a conflict = sum over losing assertions of weight x learned reliability of the source; of a
self-contradiction, the source's weight on its values times (1 - the best of their probabilities).
Time-modelled subjects get their own kinds (reconcile/timeline/kinds.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .solve.arrays import Problem
from .solve.segments import fmt3, seg_join

NEAR_TIE = 0.1
COLUMNS = ["id", "subject", "attribute", "kind", "verdict_value", "verdict_confidence", "competing_values",
           "losing_sources", "source", "severity", "status"]
LISTED_SOURCES = 10


def _ids(*columns) -> np.ndarray:
    """Stable ids from content: 'C' + a 64-bit hash of the columns, in decimal (Arrow's cast, no Python loop)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    frame = pd.DataFrame({str(i): np.asarray(c, dtype=object) for i, c in enumerate(columns)})
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    text = pc.binary_join_element_wise("C", pc.cast(pa.array(hashed), pa.string()), "")
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)


def find_contradictions(problem: Problem, prob: np.ndarray, reliability: np.ndarray,
                        verdicts: pd.DataFrame, exclude_items: np.ndarray | None = None) -> pd.DataFrame:
    """Static contradictions. Items in `exclude_items` (time-modelled: a past state is not a conflict) are left
    to the time model's own kinds."""
    first = verdicts.drop_duplicates("_item").set_index("_item")
    skip = np.zeros(problem.part.n_items, dtype=bool)
    if exclude_items is not None:
        skip[exclude_items] = True
    frames = [f for f in (_conflicts(problem, prob, reliability, verdicts, first, skip),
                          _self(problem, prob, first, skip)) if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return sort_contradictions(pd.concat(frames, ignore_index=True))


def sort_contradictions(frame: pd.DataFrame) -> pd.DataFrame:
    """Most severe first; ties by subject/attribute (item order), kind, source, id: deterministic.

    Rows from the solver carry integer `_item`/`_source` keys (item and source ids follow name order); rows
    without them (the time model's) are ranked by their strings.
    """
    if "_item" not in frame or frame["_item"].isna().any():
        keys = [frame[c].astype(str).to_numpy() for c in ("id", "source", "kind", "attribute", "subject")]
    else:
        keys = [frame["id"].to_numpy(), frame["_source"].to_numpy(), frame["kind"].to_numpy(),
                frame["_item"].to_numpy()]
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
    involved = np.zeros(part.n_items, dtype=bool)
    involved[items] = True
    # candidates of conflicting items, best first: "value (probability, n sources)"
    cands = np.flatnonzero(involved[part.cand_item])
    n_src = np.bincount(part.assert_cand, minlength=part.n_cands)[cands]
    cands_order = np.lexsort((problem.cands["key_code"].to_numpy()[cands], -prob[cands], part.cand_item[cands]))
    cands, n_src = cands[cands_order], n_src[cands_order]
    desc = (problem.cands["value"].to_numpy(dtype=object)[cands] + " (" + fmt3(prob[cands]) + ", "
            + n_src.astype(str).astype(object) + np.where(n_src == 1, " source)", " sources)").astype(object))
    _, competing = seg_join(part.cand_item[cands], desc, "; ", 50)
    best_loser = np.zeros(part.n_items)
    lose_c = cands[~winners[cands]]
    np.maximum.at(best_loser, part.cand_item[lose_c], prob[lose_c])
    # losing sources per item, each once, in name order (source ids follow names)
    la = np.flatnonzero(losing & involved[a_item])
    pair = np.unique(a_item[la] * part.n_sources + part.assert_source[la])
    l_items, l_sources = seg_join(pair // part.n_sources, problem.sources.to_numpy()[pair % part.n_sources], ",",
                                  LISTED_SOURCES)
    losing_sources = np.full(part.n_items, "", dtype=object)
    losing_sources[l_items] = l_sources
    v = first.loc[items]
    gap = v["confidence"].to_numpy() - best_loser[items]
    out = pd.DataFrame({
        "subject": v["subject"].to_numpy(), "attribute": v["attribute"].to_numpy(),
        "kind": np.where(gap < NEAR_TIE, "near_tie", "value_conflict"), "verdict_value": v["value"].to_numpy(),
        "verdict_confidence": v["confidence"].to_numpy(), "competing_values": competing,
        "losing_sources": losing_sources[items], "source": "", "severity": severity[items],
        "status": v["status"].to_numpy(), "_item": items, "_source": -1,
    })
    out["id"] = _ids(out["subject"], out["attribute"], np.full(len(out), "conflict"))
    return out


def _self(problem, prob, first, skip) -> pd.DataFrame:
    part = problem.part
    a_item = part.cand_item[part.assert_cand]
    several = ~part.item_multi[a_item] & (problem.pair_cands[problem.pair_of_assert] > 1) & ~skip[a_item]
    if not several.any():
        return pd.DataFrame(columns=COLUMNS)
    idx = np.flatnonzero(several)
    idx = idx[np.lexsort((problem.cands["key_code"].to_numpy()[part.assert_cand[idx]], -prob[part.assert_cand[idx]],
                          part.assert_source[idx], a_item[idx]))]
    pair = problem.pair_of_assert[idx]
    desc = problem.cands["value"].to_numpy(dtype=object)[part.assert_cand[idx]] + " (" + \
        fmt3(prob[part.assert_cand[idx]]) + ")"
    pairs, competing = seg_join(pair, desc, "; ", 50)
    weight = np.bincount(pair, weights=part.assert_w[idx], minlength=len(problem.pair_cands))[pairs]
    best = np.zeros(len(problem.pair_cands))
    np.maximum.at(best, pair, prob[part.assert_cand[idx]])
    items = problem.pair_item[pairs]
    sources = problem.pair_source[pairs]
    v = first.loc[items]
    out = pd.DataFrame({
        "subject": v["subject"].to_numpy(), "attribute": v["attribute"].to_numpy(), "kind": "self_contradiction",
        "verdict_value": v["value"].to_numpy(), "verdict_confidence": v["confidence"].to_numpy(),
        "competing_values": competing, "losing_sources": "", "source": problem.sources.to_numpy()[sources],
        "severity": weight * (1 - best[pairs]), "status": v["status"].to_numpy(), "_item": items, "_source": sources,
    })
    out["id"] = _ids(out["subject"], out["attribute"], np.full(len(out), "self"), out["source"])
    return out
