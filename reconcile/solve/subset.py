"""A partition restricted to some of its items: the static solver's share of a problem whose other items another
model solves (the time model's items, reconcile/timeline).

Those items' assertions carry weight 0 in the static statistics, so every sum the kernel returns (E-step
statistics, dispersion, collisions, held-out agreement, copy statistics) is the same without them: sums run in
assertion order and adding 0.0 changes nothing. Leaving them out saves the kernel a pass over their assertions
and candidates in every EM iteration. Items keep their global ids (`Partition.item_id`), on which copy detection
samples items and the calibration's cross-validation splits them into folds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import Partition


@dataclass
class Subset:
    """`part`: the kept items' partition; `assertions` / `cands`: their positions in the whole partition."""

    part: Partition
    assertions: np.ndarray
    cands: np.ndarray
    n_cands: int  # candidates of the whole partition

    def expand(self, prob: np.ndarray, fill: np.ndarray) -> np.ndarray:
        """Per-candidate values of the kept items placed among `fill` (whole partition)."""
        out = fill.copy()
        out[self.cands] = prob
        return out


def item_subset(part: Partition, keep_item: np.ndarray) -> Subset:
    """The items with `keep_item` (bool per item) of `part` (a whole problem's partition: items 0..n-1)."""
    items = np.flatnonzero(keep_item)
    new_item = np.full(part.n_items, -1, dtype=np.int64)
    new_item[items] = np.arange(len(items))
    cands = np.flatnonzero(keep_item[part.cand_item])
    new_cand = np.full(part.n_cands, -1, dtype=np.int64)
    new_cand[cands] = np.arange(len(cands))
    assertions = np.flatnonzero(keep_item[part.assert_item])
    cand_item = new_item[part.cand_item[cands]]
    desc = anc = support = None
    if part.imply_desc is not None and part.imply_anc is not None:  # pairs lie within one item
        pairs = np.flatnonzero(keep_item[part.cand_item[part.imply_desc]])
        desc, anc = new_cand[part.imply_desc[pairs]], new_cand[part.imply_anc[pairs]]
        support = None if part.imply_support is None else part.imply_support[pairs]
    sub = Partition(
        assert_source=part.assert_source[assertions], assert_cand=new_cand[part.assert_cand[assertions]],
        assert_w=part.assert_w[assertions], cand_item=cand_item,
        item_start=np.searchsorted(cand_item, np.arange(len(items))).astype(np.int64),
        item_n_false=part.item_n_false[items], item_multi=part.item_multi[items], n_sources=part.n_sources,
        item_n_sources=None if part.item_n_sources is None else part.item_n_sources[items],
        assert_sa=None if part.assert_sa is None else part.assert_sa[assertions], sa_source=part.source_of_sa,
        imply_desc=desc, imply_anc=anc, imply_support=support,
        item_id=items if part.item_id is None else part.item_id[items])
    return Subset(sub, assertions, cands, part.n_cands)
