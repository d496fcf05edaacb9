"""The fit's effective number of wrong values: how concentrated a feed's wrong claims are, measured on the feed
and used by the EM fit itself (accu, `solver.effective_false`), not only by the reported confidence.

The accu model assumes that a wrong source picks one of an item's `n_false` wrong values at random, so one vote
is worth `ln(n_false A / (1 - A))`: with an open domain of 100 values every vote weighs about ln 100 = 4.6
whatever its source's reliability (A = 0.6 gives 5.0, A = 0.95 gives 7.5), and a value wins by the number of
its sources. Real errors concentrate on a few plausible values (the take-off instead of the gate-out time, the
runway instead of the gate arrival, last year's figure): sources that agree on a wrong value then prove less
than a shared random pick would, and several sources that are each right half of the time outvote two that are
always right whenever enough of them make the same mistake at once.

`calibration.py` measures that concentration to report an honest confidence: per attribute, the effective number
of wrong values (the inverse Simpson index of the claims off each item's top value, `collision_stats`). Here the
fit uses the same measurement: after EM has converged under the declared domain, each item's number of wrong
values is lowered to its attribute's effective number where that is smaller, and EM runs again from where it
stopped (`engine.fit`). A vote is then worth about the log-odds of its source's reliability, and a source's
record decides more than the size of the crowd it happens to be in. Attributes with a closed vocabulary keep
their declared domain (the vocabulary is the domain; it is not a guess). On feeds whose errors are spread over
the domain (`reconcile synth`) the effective number is not smaller than the declared one and nothing is refitted.

The measurement is a feed-wide ratio of sums reduced over partitions by the engine (a kernel task below), like
the EM's own statistics: partitions of whole items in, small per-attribute sums out; above 200,000 assertions it
is taken on the hashed sample of whole items that the calibration uses (sample.py).
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .arrays import Partition
from .calibration import collision_stats, effective_false
from .sample import sample, stride

if TYPE_CHECKING:
    from ..engines.base import Engine, Partitions


def collision_statistics(p: Partition, item_offset: int, solver: str, sa_rel: np.ndarray, sa_attribute: np.ndarray,
                         n_attributes: int, k: int = 1) -> np.ndarray:
    """Kernel task: per attribute, [same pairs, all pairs] of the claims off each item's top value, under the
    fitted reliabilities (`calibration.collision_stats`), on the partition's sample of one item in `k`."""
    from .tasks import solver_module

    module = solver_module(solver)
    q = sample(p, item_offset, k)[0]  # kept on p: the calibration's tasks take the same sample
    sums: np.ndarray = collision_stats(q, module.posteriors(q, sa_rel), sa_attribute, n_attributes)
    return sums


def attribute_false(parts: Partitions, solver: str, sa_rel: np.ndarray, sa_attribute: np.ndarray, engine: Engine,
                    open_attributes: np.ndarray | None = None) -> np.ndarray:
    """Per attribute id: the effective number of wrong values (inf: too few identical wrong claims to tell, or
    not an open attribute: `open_attributes`, bool per attribute id, None = all open)."""
    n_attributes = int(sa_attribute.max(initial=0)) + 1
    if open_attributes is not None:
        n_attributes = max(n_attributes, len(open_attributes))
    k = stride(sum(len(p.assert_cand) for _, p in parts.local))  # a ratio of sums: a sample on large feeds
    sums = engine.map_sum(parts, collision_statistics, solver, sa_rel, sa_attribute, n_attributes, k)
    n_false = effective_false(sums)
    if open_attributes is not None:
        n_false[: len(open_attributes)][~open_attributes] = np.inf
    return n_false


def lowered(part: Partition, sa_attribute: np.ndarray, n_false: np.ndarray) -> Partition:
    """`part` with each item's number of wrong values lowered to its attribute's effective number (never raised,
    never below 1); `part` itself when nothing changes."""
    if len(part.assert_cand) == 0 or not np.isfinite(n_false).any():
        return part
    attr = np.zeros(part.n_items, dtype=np.int64)
    attr[part.assert_item] = sa_attribute[part.sa]
    new = np.maximum(np.minimum(part.item_n_false, n_false[attr]), 1.0)
    if np.array_equal(new, part.item_n_false):
        return part
    return replace(part, item_n_false=new)
