"""Whole items in slices: the output tables (verdicts, contradictions) are built a slice of items at a time.

Their temporaries (sorts of the candidates, the supporting and losing sources' names per assertion, the
descriptions of the competing values) grow with the claims: at 10M claims, built for every item at once, they
took more memory than the problem itself. Every row of those tables depends on its own item alone, so built slice
by slice and put together in item order, the tables are the same.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from . import text
from .arrays import Partition

SLICE_ASSERTIONS = 1 << 20  # assertions per slice (about; whole items): 1M claims are built in one slice


@dataclass(frozen=True)
class ItemSlice:
    """Items [item_lo, item_hi) and their candidates [cand_lo, cand_hi) (candidates are stored item by item)."""

    item_lo: int
    item_hi: int
    cand_lo: int
    cand_hi: int

    @property
    def n_items(self) -> int:
        return self.item_hi - self.item_lo

    def assertions(self, part: Partition) -> np.ndarray:
        """The slice's assertions, in assertion order (a sum over them adds its terms in the whole table's order)."""
        cand = part.assert_cand
        return np.flatnonzero((cand >= self.cand_lo) & (cand < self.cand_hi))


def item_slices(part: Partition, size: int | None = None) -> list[ItemSlice]:
    """Consecutive slices of whole items with about `size` assertions each (default `SLICE_ASSERTIONS`; one slice
    when all fit)."""
    size = SLICE_ASSERTIONS if size is None else max(int(size), 1)
    n_items, n_cands = part.n_items, part.n_cands
    if len(part.assert_cand) <= size or n_items <= 1:
        return [ItemSlice(0, n_items, 0, n_cands)]
    per_cand = np.bincount(part.assert_cand, minlength=n_cands)
    cand_end = np.r_[part.item_start[1:], n_cands]  # every item has a candidate
    upto = np.cumsum(per_cand)[cand_end - 1]  # assertions of items 0..i
    del per_cand
    cuts = np.searchsorted(upto, np.arange(size, int(upto[-1]), size), side="left") + 1
    bounds = np.unique(np.r_[0, cuts[(cuts > 0) & (cuts < n_items)], n_items])
    starts = np.r_[part.item_start, n_cands]
    return [ItemSlice(int(lo), int(hi), int(starts[lo]), int(starts[hi])) for lo, hi in zip(bounds[:-1], bounds[1:])]


def release_unused() -> None:
    """Freed memory handed back to the system between slices: Arrow's pool keeps the pages of freed buffers and
    glibc's heap those of numpy's freed temporaries, and the slices' tables would otherwise grow on top of them."""
    import ctypes
    import sys

    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl): no malloc_trim
            pass


def concat_rows(pieces: list[pd.DataFrame], order: np.ndarray | None = None) -> pd.DataFrame:
    """The slices' frames as one (rows in slice order, then taken in `order` when given), built column by column
    and each column dropped from the slices once copied: about one table in memory, not two. Text columns are
    put in one Arrow buffer, as a table built whole has them."""
    if len(pieces) == 1 and order is None:
        return pieces[0]
    columns: dict[str, pd.Series] = {}
    for name in list(pieces[0].columns):
        first = pieces[0][name]
        if isinstance(first.dtype, pd.StringDtype) and first.dtype.storage == "pyarrow" \
                and all(p[name].dtype == first.dtype for p in pieces):
            # Arrow text: the slices' buffers taken from directly (no concatenated copy before the take)
            chunks = [c for p in pieces for c in p[name].array.__arrow_array__().chunks]
            arrow = pa.chunked_array(chunks, type=chunks[0].type)
            del chunks, first
            for p in pieces:
                del p[name]
            column = pd.Series(text.column(arrow.take(order) if order is not None else arrow), name=name)
            del arrow
        else:
            del first
            column = pd.concat([p[name] for p in pieces], ignore_index=True)
            for p in pieces:
                del p[name]
            if order is not None:
                column = column.take(order).reset_index(drop=True)
        columns[name] = column
    return pd.DataFrame(columns, copy=False)
