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

from typing import Any, Callable

import numpy as np
import pandas as pd

from .solve.arrays import Problem
from .solve import text
from .solve.hierarchy import related
from .solve.segments import seg_join

NEAR_TIE = 0.1
COLUMNS = ["id", "subject", "attribute", "kind", "verdict_value", "verdict_confidence", "competing_values",
           "losing_sources", "source", "severity", "status"]


def _ids(frame: pd.DataFrame, *columns: str) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """Stable ids from content: a 64-bit hash of the columns, and its text form 'C<decimal>'."""
    hashed = pd.util.hash_pandas_object(frame[list(columns)], index=False).to_numpy()
    return hashed, text.column(text.concat("C", text.number(hashed)))


def find_contradictions(problem: Problem, prob: np.ndarray, reliability: np.ndarray,
                        verdicts: pd.DataFrame, exclude_items: np.ndarray | None = None) -> pd.DataFrame:
    """Static contradictions. Items in `exclude_items` (time-modelled: a past state is not a conflict) are left
    to the time model's own kinds."""
    first = _FirstVerdict(verdicts, problem.part.n_items)
    skip = np.zeros(problem.part.n_items, dtype=bool)
    if exclude_items is not None:
        skip[exclude_items] = True
    frames = [f for f in (_conflicts(problem, prob, reliability, verdicts, first, skip),
                          _self(problem, prob, first, skip)) if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    del frames  # (10M claims: each copy of the rows is hundreds of MB)
    return sort_contradictions(frame)


class _FirstVerdict:
    """The columns a contradiction row takes from its item's first verdict, for the conflicting items only: the
    verdict rows are found by position (a copy of every verdict's columns indexed by item cost more memory than
    the contradictions themselves: 2M verdicts at 10M claims)."""

    def __init__(self, verdicts: pd.DataFrame, n_items: int):
        self.verdicts = verdicts
        items, rows = np.unique(verdicts["_item"].to_numpy(), return_index=True)  # each item's first verdict
        self.row = np.full(n_items, -1, dtype=np.int64)
        self.row[items] = rows

    def columns(self, items: np.ndarray) -> dict[str, Any]:
        rows = self.row[items]
        v = self.verdicts
        return {"subject": v["subject"].array.take(rows), "attribute": v["attribute"].array.take(rows),
                "verdict_value": v["value"].array.take(rows),
                "verdict_confidence": v["confidence"].to_numpy()[rows], "status": v["status"].to_numpy()[rows]}


SEVERITY_DIGITS = 10  # significant digits a severity is rounded to, for ranking and in the output


def significant(values: np.ndarray, digits: int = SEVERITY_DIGITS) -> np.ndarray:
    """Values rounded to `digits` significant digits (0, NaN and infinities unchanged).

    A severity is a sum of weight x reliability whose last bits depend on the order of the additions (the number
    of partitions, the engine); rounded, equal severities compare equal and their rows are ranked by their keys.
    (Two sums that differ in the last bits can still round apart when they sit on a rounding boundary: about one
    value in 10^5 at 10 digits.)"""
    x = np.asarray(values, dtype=float)
    out = x.copy()
    nz = np.flatnonzero(np.isfinite(x) & (x != 0))
    if len(nz):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(x[nz]))))
        out[nz] = np.round(x[nz] * scale) / scale
    return out


def _string_rank(column: pd.Series) -> np.ndarray:
    """Dense rank of a column's text (as `astype(str)`), in Arrow's sort: UTF-8 byte order, which is the order
    of Python's string comparison (code points)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = column.astype(str)  # missing values stay missing: ranked first, as pandas' factorize (-1) does
    values = pa.array(text.array) if hasattr(text.array, "__arrow_array__") else \
        pa.array(np.asarray(text, dtype=object))
    rank: np.ndarray = pc.rank(values, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)
    rank[pc.is_null(values).to_numpy(zero_copy_only=False)] = 0
    return rank


def sort_contradictions(frame: pd.DataFrame) -> pd.DataFrame:
    """Most severe first (severities rounded to `SEVERITY_DIGITS` significant digits); ties by subject/attribute
    (item order), kind, source, id: deterministic, and the same order whatever the partitions or the engine.

    Rows from the solver carry integer `_item`/`_source` keys (item and source ids follow name order); rows
    without them (the time model's) are ranked by their strings.
    """
    severity = significant(frame["severity"].to_numpy(dtype=float))
    if "_item" not in frame or frame["_item"].isna().any():  # ranks of the strings (one sort each, not lexsort's)
        keys = [_string_rank(frame[c]) for c in ("id", "source", "kind", "attribute", "subject")]
    else:
        # the kind by its rank among the sorted kinds: the order of the strings without sorting Python strings
        keys = [frame["_id"].to_numpy(), frame["_source"].to_numpy(),
                pd.factorize(frame["kind"].to_numpy(dtype=object), sort=True)[0], frame["_item"].to_numpy()]
    order = np.lexsort(tuple(keys) + (-severity,))
    out = frame[COLUMNS].iloc[order].reset_index(drop=True)  # only the shown columns are copied
    out["severity"] = severity[order]
    return out


def _release_arrow() -> None:
    """Arrow's allocator keeps freed buffers for reuse: handed back here, the next temporaries of a large feed
    do not come on top of the last ones."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _conflicts(problem: Problem, prob: np.ndarray, reliability: np.ndarray, verdicts: pd.DataFrame,
               first: _FirstVerdict, skip: np.ndarray) -> pd.DataFrame:
    part = problem.part
    winners = np.zeros(part.n_cands, dtype=bool)
    winners[verdicts["_cand"].to_numpy()] = True
    a_item = part.cand_item[part.assert_cand]
    losing = ~winners[part.assert_cand]
    # (candidate ids) -> whether each is an ancestor or descendant of its item's verdict
    agrees: Callable[[np.ndarray], np.ndarray] | None = None
    # an ancestor or descendant of the verdict agrees
    if part.imply_desc is not None and part.imply_anc is not None and len(part.imply_desc):
        top = np.full(part.n_items, -1)
        top[verdicts["_item"].to_numpy()] = verdicts["_cand"].to_numpy()
        test = related(part.imply_desc, part.imply_anc, part.n_cands)
        agrees = lambda c: test(top[part.cand_item[c]], c)  # noqa: E731
        losing &= ~agrees(part.assert_cand)
    credible = part.assert_w * reliability[part.sa]  # per (source, attribute)
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
    desc = text.concat(text.take(problem.cands["value"], cands), " (", text.number(prob[cands], 3), ", ",
                       text.number(n_src), np.where(n_src == 1, " source)", " sources)"))
    _, competing = seg_join(part.cand_item[cands], desc, "; ", len(cands))  # complete: the CSV is the record
    del desc, n_src, cands_order
    _release_arrow()  # the descriptions' pieces (10M claims: hundreds of MB), before the losing sources' own
    best_loser = np.zeros(part.n_items)
    lose_c = cands[~winners[cands]]
    if agrees is not None:  # a coarser value that contains the verdict ("more than 200" for 250) is no rival
        lose_c = lose_c[~agrees(lose_c)]
    np.maximum.at(best_loser, part.cand_item[lose_c], prob[lose_c])
    # losing sources per item, each once, in name order (source ids follow names)
    la = np.flatnonzero(losing & involved[a_item])
    pair = np.unique(a_item[la].astype(np.int64) * part.n_sources + part.assert_source[la])  # int64: ids are int32
    l_items, l_sources = seg_join(pair // part.n_sources, text.take(problem.sources, pair % part.n_sources), ",",
                                  len(pair))  # every losing source: the CSV is the complete record
    del la, pair, credible, losing, a_item
    has_losers = np.zeros(part.n_items, dtype=bool)
    has_losers[l_items] = True
    where = np.zeros(part.n_items, dtype=np.int64)
    where[l_items] = np.arange(len(l_items))
    v = first.columns(items)
    gap = v["verdict_confidence"] - best_loser[items]
    out = pd.DataFrame({
        "subject": v["subject"], "attribute": v["attribute"],
        "kind": np.where(gap < NEAR_TIE, "near_tie", "value_conflict"), "verdict_value": v["verdict_value"],
        "verdict_confidence": v["verdict_confidence"], "competing_values": text.column(competing),
        "losing_sources": text.column(text.take(l_sources, where[items], has_losers[items])), "source": "",
        "severity": severity[items], "status": v["status"], "_item": items, "_source": -1,
    })
    out["_kind"] = "conflict"
    out["_id"], out["id"] = _ids(out, "subject", "attribute", "_kind")
    return out


def _self(problem: Problem, prob: np.ndarray, first: _FirstVerdict, skip: np.ndarray) -> pd.DataFrame:
    part = problem.part
    a_item = part.cand_item[part.assert_cand]
    several = ~part.item_multi[a_item] & (problem.pair_cands[problem.pair_of_assert] > 1) & ~skip[a_item]
    if not several.any():
        return pd.DataFrame(columns=COLUMNS)
    idx = np.flatnonzero(several)
    idx = idx[np.lexsort((problem.cands["key_code"].to_numpy()[part.assert_cand[idx]], -prob[part.assert_cand[idx]],
                          part.assert_source[idx], a_item[idx]))]
    pair = problem.pair_of_assert[idx]
    desc = text.concat(text.take(problem.cands["value"], part.assert_cand[idx]), " (",
                       text.number(prob[part.assert_cand[idx]], 3), ")")
    pairs, competing = seg_join(pair, desc, "; ", len(pair))
    weight = np.bincount(pair, weights=part.assert_w[idx], minlength=len(problem.pair_cands))[pairs]
    best = np.zeros(len(problem.pair_cands))
    np.maximum.at(best, pair, prob[part.assert_cand[idx]])
    items = problem.pair_item[pairs]
    sources = problem.pair_source[pairs]
    v = first.columns(items)
    out = pd.DataFrame({
        "subject": v["subject"], "attribute": v["attribute"], "kind": "self_contradiction",
        "verdict_value": v["verdict_value"], "verdict_confidence": v["verdict_confidence"],
        "competing_values": text.column(competing), "losing_sources": "",
        "source": text.column(text.take(problem.sources, sources)),
        "severity": weight * (1 - best[pairs]), "status": v["status"], "_item": items, "_source": sources,
    })
    out["_kind"] = "self"
    out["_id"], out["id"] = _ids(out, "subject", "attribute", "_kind", "source")
    return out
