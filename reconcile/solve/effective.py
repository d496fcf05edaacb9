"""The fit's effective model: how concentrated the feed's errors are and how correlated its votes are, measured on
the feed and used by the EM fit itself (accu), not only by the reported confidence.

The accu model assumes that a wrong source picks one of an item's `n_false` wrong values at random and that
sources err independently. Under those assumptions one vote is worth `ln(n_false A / (1 - A))`: with an open
domain (100 possible values) every vote weighs about ln 100 = 4.6 whatever its source's reliability, and a
posterior backed by 14 sources against 11 is certain. Real feeds break both assumptions in the same direction:

- errors concentrate on a few plausible values (the take-off instead of the gate-out time, last year's figure),
  so two sources that agree on a value prove less than a shared random pick would;
- sources' votes on one subject are correlated beyond the copying the detector finds (a shared data provider,
  the same rumour repeated), so n votes carry the evidence of n / (1 + (n - 1) rho) independent ones.

`calibration.py` measures both on the fitted model to report an honest confidence: the effective number of wrong
values per attribute (the inverse Simpson index of the claims off each item's top value, `collision_stats`) and
the correlation of votes rho (the over-dispersion of agreement, `accu.dispersion_stats`). Here the fit uses the
same two measurements: after EM has converged under the declared model, each item's number of wrong values is
lowered to its attribute's effective number and the E-step's posteriors are tempered by the design effect, and
EM is run again (`engine.fit`, `solver.effective_model`). A reliability is then learned from how clearly a source
sides with the values the feed supports, not from whether it sits in a correlated majority: a source that is
with a narrow majority on one attribute and with a clear one on others keeps the trust its clear record earns.
On feeds that follow the model (independent sources, errors spread over the domain) neither measurement moves:
there are too few identical wrong claims to lower `n_false` and no over-dispersion, and the fit is unchanged.

Both are feed-wide ratios of sums reduced over partitions by the engine (kernel tasks below), like the EM's own
statistics: partitions of whole items in, small per-attribute sums out.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .arrays import Partition
from .calibration import collision_stats, effective_false

if TYPE_CHECKING:
    from ..engines.base import Engine, Partitions


def collision_statistics(p: Partition, item_offset: int, solver: str, sa_rel: np.ndarray, sa_attribute: np.ndarray,
                         n_attributes: int) -> np.ndarray:
    """Kernel task: per attribute, [same pairs, all pairs] of the claims off each item's top value, under the
    fitted reliabilities (`calibration.collision_stats`)."""
    from .engine import solver_module

    module = solver_module(solver)
    sums: np.ndarray = collision_stats(p, module.posteriors(p, sa_rel), sa_attribute, n_attributes)
    return sums


def attribute_false(parts: Partitions, solver: str, sa_rel: np.ndarray, sa_attribute: np.ndarray, engine: Engine,
                    open_attributes: np.ndarray | None = None) -> np.ndarray:
    """Per attribute id: the effective number of wrong values (inf: too few identical wrong claims to tell, or
    not an open attribute: `open_attributes`, bool per attribute id, None = all open)."""
    n_attributes = int(sa_attribute.max(initial=0)) + 1
    if open_attributes is not None:
        n_attributes = max(n_attributes, len(open_attributes))
    sums = engine.map_sum(parts, collision_statistics, solver, sa_rel, sa_attribute, n_attributes)
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
