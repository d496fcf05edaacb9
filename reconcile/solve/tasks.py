"""What an engine runs on one partition of whole items, and how a problem is cut into such partitions.

The kernel tasks (`em_statistics`, `candidate_posteriors`, `dispersion_statistics`, `copy_statistics`) are
module-level functions taking the solver by name, so a distributed engine (`reconcile.engines.spark`) ships them
by reference and runs them wherever it keeps the partitions; the fit that reduces their sums is in `engine.py`.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from ..errors import UsageError
from . import copying as copy_model
from .arrays import Partition

if TYPE_CHECKING:
    from scipy import sparse  # imported by copying.py where the pair sums are made (scipy is slow to import)

SOLVERS = ("accu", "majority", "truthfinder")


def solver_module(name: str) -> ModuleType:
    if name not in SOLVERS:
        raise UsageError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVERS)}")
    return importlib.import_module(f"reconcile.solve.{name}")


def split(part: Partition, n_parts: int) -> list[tuple[int, Partition]]:
    """Cut a partition into up to n_parts partitions of whole items. Returns (first candidate, partition)."""
    if n_parts <= 1 or part.n_items <= 1:
        return [(0, part)]
    order = np.argsort(part.assert_cand, kind="stable")
    a_cand = part.assert_cand[order]
    a_source = part.assert_source[order]
    a_w = part.assert_w[order]
    a_sa = part.sa[order]
    bounds = np.linspace(0, part.n_items, min(n_parts, part.n_items) + 1).astype(int)
    has_pairs = part.imply_desc is not None and part.imply_anc is not None
    if part.imply_desc is not None and part.imply_anc is not None:
        by_desc = np.argsort(part.imply_desc, kind="stable")
        i_desc, i_anc = part.imply_desc[by_desc], part.imply_anc[by_desc]
        i_sup = None if part.imply_support is None else part.imply_support[by_desc]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        c_lo = int(part.item_start[lo])
        c_hi = int(part.item_start[hi]) if hi < part.n_items else part.n_cands
        a_lo, a_hi = np.searchsorted(a_cand, [c_lo, c_hi])
        if has_pairs:  # a descendant and its ancestor are candidates of one item: in the same partition
            p_lo, p_hi = np.searchsorted(i_desc, [c_lo, c_hi])
        out.append((c_lo, Partition(
            assert_source=a_source[a_lo:a_hi], assert_cand=a_cand[a_lo:a_hi] - c_lo, assert_w=a_w[a_lo:a_hi],
            cand_item=part.cand_item[c_lo:c_hi] - lo, item_start=part.item_start[lo:hi] - c_lo,
            item_n_false=part.item_n_false[lo:hi], item_multi=part.item_multi[lo:hi], n_sources=part.n_sources,
            item_n_sources=None if part.item_n_sources is None else part.item_n_sources[lo:hi],
            assert_sa=a_sa[a_lo:a_hi], sa_source=part.source_of_sa,
            imply_desc=i_desc[p_lo:p_hi] - c_lo if has_pairs else None,
            imply_anc=i_anc[p_lo:p_hi] - c_lo if has_pairs else None,
            imply_support=i_sup[p_lo:p_hi] if has_pairs and i_sup is not None else None,
            item_id=None if part.item_id is None else part.item_id[lo:hi],
        )))
    return out


# Kernel tasks: what an engine runs on one partition (module-level functions, so a distributed engine can ship
# them by reference; the solver is passed by name).

def em_statistics(p: Partition, item_offset: int, solver: str, sa_rel: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """E-step statistics of one partition: per (source, attribute) expected right and total weight."""
    module = solver_module(solver)
    if hasattr(module, "em_sums"):  # the same sums in one call (accu)
        fused: tuple[np.ndarray, np.ndarray] = module.em_sums(p, sa_rel)
        return fused
    stats: tuple[np.ndarray, np.ndarray] = module.source_stats(p, module.stats_probs(p, sa_rel))
    return stats


def candidate_posteriors(p: Partition, item_offset: int, solver: str, reliability: np.ndarray,
                         temperature: float = 1.0, rho: float = 0.0) -> np.ndarray:
    """P(candidate true) for the partition's candidates; with rho > 0 votes are divided by the design effect."""
    module = solver_module(solver)
    t = temperature * module.item_temperature(p, rho) if rho > 0 else temperature
    prob: np.ndarray = module.posteriors(p, reliability, t)
    return prob


def dispersion_statistics(p: Partition, item_offset: int, solver: str, reliability: np.ndarray) -> np.ndarray:
    module = solver_module(solver)
    sums: np.ndarray = module.dispersion_stats(p, module.posteriors(p, reliability), reliability)
    return sums


def copy_statistics(p: Partition, item_offset: int, solver: str, sa_rel: np.ndarray, max_sources_per_item: int,
                    stride: int) -> tuple[sparse.csr_matrix, ...]:
    """Sparse (source, attribute) pair sums of one partition, from its posteriors (`copying.pair_statistics`)."""
    module = solver_module(solver)
    return copy_model.pair_statistics(p, module.posteriors(p, sa_rel), max_sources_per_item, stride, item_offset)

