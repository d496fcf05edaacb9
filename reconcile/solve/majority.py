"""Weighted majority vote: a candidate's confidence is its share of the item's claim weight.

Not a probability model; selectable for comparison. Source 'reliability' is reported as the weighted share
of a source's assertions that agree with the verdicts.
"""
from __future__ import annotations

import numpy as np

from .arrays import Partition
from .segments import seg_sum

NAME = "majority"
ITERATIVE = False
PER_ATTRIBUTE = False


def posteriors(part: Partition, reliability: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(`temperature` applies to the accu model's probabilities only; ignored here.)"""
    votes = np.bincount(part.assert_cand, weights=part.assert_w, minlength=part.n_cands)
    total = seg_sum(votes, part.item_start)
    prob: np.ndarray = votes / np.where(total > 0, total, 1.0)[part.cand_item]
    return prob


def source_stats(part: Partition, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from .accu import source_stats as stats

    return stats(part, prob)


def update(right: np.ndarray, total: np.ndarray, a: np.ndarray, b: np.ndarray,
           bounds: tuple[float, float]) -> np.ndarray:
    return np.clip(right / np.where(total > 0, total, 1.0), bounds[0], bounds[1])


stats_probs = posteriors
