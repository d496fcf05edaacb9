"""A deterministic sample of whole items of a partition, for statistics that are ratios of sums over items.

The label-free calibration (calibration.py) estimates a few feed-wide quantities from the fit: the effective
number of wrong values per attribute, the correlation of votes within an item and the self-consistency map.
Each is a ratio of sums over items; on a large feed a sample of items estimates it as well as all of them, at a
fraction of the cost. The reported confidence of every item is still computed (from those estimates).

The sample is chosen by a hash of the item's global id (items are numbered in the order of their sorted
(subject, attribute) keys, so the id does not depend on the feed's row order nor on how the items are cut into
partitions): the same items on every engine, in every run. A hash rather than every k-th item, because items
are sorted by subject and then attribute, and a stride could keep one attribute only.
"""
from __future__ import annotations

import numpy as np

from .arrays import Partition

#: above this many assertions (a source's claims of one value), the feed-wide statistics are estimated on a
#: sample of whole items with about this many (their cost grows with the assertions, not the items)
SAMPLE_ASSERTIONS = 200_000
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: consecutive ids spread over the whole range
_CACHE = "_item_samples"  # the attribute of a Partition that keeps its samples


def stride(n_assertions: int, budget: int | None = None) -> int:
    """Keep one item in `stride` (1: every item) of a feed of `n_assertions`, to keep about `budget` of them
    (default SAMPLE_ASSERTIONS)."""
    return max(1, -(-n_assertions // (SAMPLE_ASSERTIONS if budget is None else budget)))


def kept(global_ids: np.ndarray, k: int) -> np.ndarray:
    """Whether each item (by global id) is in the sample of one in `k`."""
    if k <= 1:
        return np.ones(len(global_ids), dtype=bool)
    with np.errstate(over="ignore"):  # the multiplication wraps around on purpose
        h = (global_ids.astype(np.uint64) * _GOLDEN) >> np.uint64(33)
    out: np.ndarray = h % np.uint64(k) == 0
    return out


def sample(part: Partition, item_offset: int, k: int) -> tuple[Partition, np.ndarray]:
    """(the partition restricted to its sampled items, their global ids). `k` <= 1: the partition as it is.

    The sample is kept on the partition object (several tasks of one fit use it; an engine that ships
    partitions to workers makes it there again); `forget` drops it."""
    if k <= 1:
        return part, part.global_items(item_offset)
    cache: dict[tuple[int, int], tuple[Partition, np.ndarray]] = part.__dict__.setdefault(_CACHE, {})
    if (item_offset, k) not in cache:
        cache[(item_offset, k)] = _sample(part, item_offset, k)
    return cache[(item_offset, k)]


def forget(part: Partition) -> None:
    """Drop the samples kept on the partition."""
    part.__dict__.pop(_CACHE, None)


def _sample(part: Partition, item_offset: int, k: int) -> tuple[Partition, np.ndarray]:
    gids = part.global_items(item_offset)  # the time model's subset keeps its items' global ids
    keep_item = kept(gids, k)
    keep_cand = keep_item[part.cand_item]
    keep_assert = keep_item[part.assert_item]
    new_item = np.cumsum(keep_item) - 1
    new_cand = np.cumsum(keep_cand) - 1
    imply_desc = imply_anc = imply_support = None
    if part.imply_desc is not None and part.imply_anc is not None:
        pairs = keep_cand[part.imply_desc]  # a descendant and its ancestor are candidates of one item
        imply_desc, imply_anc = new_cand[part.imply_desc[pairs]], new_cand[part.imply_anc[pairs]]
        imply_support = None if part.imply_support is None else part.imply_support[pairs]
    sub = Partition(
        assert_source=part.assert_source[keep_assert], assert_cand=new_cand[part.assert_cand[keep_assert]],
        assert_w=part.assert_w[keep_assert], cand_item=new_item[part.cand_item[keep_cand]],
        item_start=new_cand[part.item_start[keep_item]], item_n_false=part.item_n_false[keep_item],
        item_multi=part.item_multi[keep_item], n_sources=part.n_sources,
        item_n_sources=None if part.item_n_sources is None else part.item_n_sources[keep_item],
        assert_sa=None if part.assert_sa is None else part.assert_sa[keep_assert], sa_source=part.sa_source,
        imply_desc=imply_desc, imply_anc=imply_anc, imply_support=imply_support, item_id=gids[keep_item])
    return sub, gids[keep_item]
