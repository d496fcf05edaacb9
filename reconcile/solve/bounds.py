"""Bounds and ranges of numeric attributes ("more than 200", "at most 50", "200-300") in reconciliation.

A bound is a coarse claim: a source that says "more than 200" is right when the truth is 250, only less
specific, and wrong when it is 150. It takes part through the value-hierarchy machinery
(reconcile/solve/hierarchy.py), as an ancestor of the figures inside it:

- every figure of the item that lies inside the bound (within the attribute's tolerance) is its descendant: the
  figure's score gets the bound's votes in full (`BOUND_SUPPORT`; the source is right if the truth is that
  figure, as in the Accu likelihood), and the two never contradict each other;
- the bound's own candidate stands for "some other figure inside it": it keeps its own votes, so the figures
  the sources name win over it when they are supported, and it wins when only the bound is;
- a narrower bound or range inside a wider one ("more than 300" inside "more than 200") is its descendant too;
- a figure outside the bound competes with it like any other value (a contradiction when both are claimed);
- the confidence of a bound is P(the truth lies inside it), and the verdict is the most specific candidate whose
  probability reaches `hierarchy.MIN_SUPPORT`: the figure when the figures agree, else the bound ("more than
  200") when only that much is supported.

(A coarse value in a hierarchy supports its descendants by half, TDH's choice for a region that only names
where a place is; a bound's support is full because it is a plain statement about the figure.)

An approximate figure ("~200", "about 200") is the figure itself (reconcile/numbers.py): the attribute's
`equivalence` tolerance decides which figures are the same. Bounds apply to single-valued numeric attributes
(`bounds: true`, the default) without a time model; in a multi-valued or time-modelled (`change_every`)
attribute a bound is a value of its own (the time model follows one value at a time and knows no intervals). The pairs are computed
once, on the distinct candidates of the items that have a bound, from the candidates' canonical keys.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..numbers import reading_of_key
from .hierarchy import ANCESTOR_SUPPORT
from ..rules.model import Rules

BOUND_SUPPORT = 1.0  # share of a bound's votes that each figure inside it gets


def _intervals(keys: np.ndarray) -> tuple[np.ndarray, ...]:
    """low, high, low_open, high_open, is_bound per key (NaN ends for keys that are not numeric)."""
    readings = [reading_of_key(str(k)) for k in keys]
    low = np.array([r.low if r else np.nan for r in readings])
    high = np.array([r.high if r else np.nan for r in readings])
    low_open = np.array([bool(r and r.low_open) for r in readings])
    high_open = np.array([bool(r and r.high_open) for r in readings])
    return low, high, low_open, high_open, np.array([bool(r and not r.is_point) for r in readings])


def bound_pairs(cands: pd.DataFrame, item_attr: np.ndarray, attributes: Iterable[object], rules: Rules
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """(descendant, ancestor) candidate pairs: figures and narrower bounds inside each bound of their item."""
    eligible, tol_abs, tol_rel = [], [], []
    for name in map(str, attributes):
        rule = rules.attribute_rule(name)
        eligible.append(rule.kind == "numeric" and rule.bounds and not rule.multi_valued and not rule.change_every)
        tol_abs.append(rule.equivalence.absolute)
        tol_rel.append(rule.equivalence.relative)
    cand_item = cands["item"].to_numpy()
    cand_attr = item_attr[cand_item]
    rows = np.flatnonzero(np.asarray(eligible, dtype=bool)[cand_attr]) if len(cand_attr) else np.zeros(0, int)
    if not len(rows):
        return None
    keys = cands["value_key"].to_numpy(dtype=object)
    low, high, low_open, high_open, is_bound = (np.zeros(len(cands)), np.zeros(len(cands)),
                                                np.zeros(len(cands), bool), np.zeros(len(cands), bool),
                                                np.zeros(len(cands), bool))
    low[rows], high[rows], low_open[rows], high_open[rows], is_bound[rows] = _intervals(keys[rows])
    bounds = np.flatnonzero(is_bound)
    if not len(bounds):
        return None
    # every (candidate, bound) pair of the same item: the candidates of an item are contiguous
    start = np.searchsorted(cand_item, cand_item[bounds], side="left")
    end = np.searchsorted(cand_item, cand_item[bounds], side="right")
    counts = end - start
    anc = np.repeat(bounds, counts)
    desc = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts - start, counts)
    keep = desc != anc
    desc, anc = desc[keep], anc[keep]
    # a figure lies inside a bound within the attribute's tolerance; a bound inside a bound exactly
    point = ~is_bound[desc]
    attr = cand_attr[desc]
    tol = np.where(point, np.maximum(np.asarray(tol_abs)[attr], np.asarray(tol_rel)[attr] * np.abs(np.where(point, low[desc], 0.0))), 0.0)
    lo_b, hi_b = low[anc], high[anc]
    lo_d, hi_d = low[desc] + tol, high[desc] - tol  # a figure's interval, widened: x+t above the low end, ...
    above = np.where(low_open[anc], (lo_d > lo_b) | ((lo_d == lo_b) & ~point & low_open[desc]), lo_d >= lo_b)
    below = np.where(high_open[anc], (hi_d < hi_b) | ((hi_d == hi_b) & ~point & high_open[desc]), hi_d <= hi_b)
    inside = above & below
    return desc[inside].astype(np.int64), anc[inside].astype(np.int64)


Pairs = tuple[Any, Any, Any]  # (descendant, ancestor, depth) arrays, or three None: no value hierarchy


def with_bound_pairs(hierarchy: Pairs, cands: pd.DataFrame, item_attr: np.ndarray, attributes: Iterable[object],
                     rules: Rules) -> tuple[Any, Any, Any, Any]:
    """The value hierarchy's (descendant, ancestor, depth) with the bounds' pairs added (depth: the number of
    ancestors), and the support per pair (None when there are no bounds: the hierarchy's default)."""
    pairs = bound_pairs(cands, item_attr, attributes, rules)
    if pairs is None:
        return (*hierarchy, None)
    desc, anc = pairs
    depth = np.bincount(desc, minlength=len(cands)).astype(np.int64)
    support = np.full(len(desc), BOUND_SUPPORT)
    h_desc, h_anc, h_depth = hierarchy
    if h_desc is not None:
        support = np.r_[np.full(len(h_desc), ANCESTOR_SUPPORT), support]
        desc, anc, depth = np.r_[h_desc, desc], np.r_[h_anc, anc], h_depth + depth
    return desc, anc, depth, support
