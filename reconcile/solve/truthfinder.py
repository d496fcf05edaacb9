"""TruthFinder (Yin, Han & Yu, KDD 2007), without implication between values (equivalent values are
already merged by the matcher).

trust t(s) -> tau(s) = -ln(1 - t(s)); sigma(v) = sum of tau over v's sources (weighted);
confidence s(v) = 1 / (1 + exp(-gamma * sigma(v))); t(s) = weighted mean of s(v) over s's assertions.
The reported confidence is s(v) normalised over the item's candidates (TruthFinder scores are not
probabilities; normalising only makes them comparable across items).
"""
from __future__ import annotations

import numpy as np

from .arrays import Partition
from .segments import seg_sum

NAME = "truthfinder"
ITERATIVE = True
PER_ATTRIBUTE = False  # textbook: one trust per source
GAMMA = 0.3


def raw_confidence(part: Partition, reliability: np.ndarray) -> np.ndarray:
    tau = -np.log(1.0 - reliability)
    sigma = np.bincount(part.assert_cand, weights=part.assert_w * tau[part.sa], minlength=part.n_cands)
    confidence: np.ndarray = 1.0 / (1.0 + np.exp(-GAMMA * sigma))
    return confidence


def posteriors(part: Partition, reliability: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(`temperature` applies to the accu model's probabilities only; ignored here.)"""
    conf = raw_confidence(part, reliability)
    total = seg_sum(conf, part.item_start)
    prob: np.ndarray = conf / np.where(total > 0, total, 1.0)[part.cand_item]
    return prob


def source_stats(part: Partition, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # TruthFinder's trust update uses the unnormalised confidence; the engine passes it via `prob`
    right = np.bincount(part.sa, weights=part.assert_w * prob[part.assert_cand], minlength=part.n_sa)
    return right, part.sa_weight


def update(right: np.ndarray, total: np.ndarray, a: np.ndarray, b: np.ndarray,
           bounds: tuple[float, float]) -> np.ndarray:
    return np.clip(right / np.where(total > 0, total, 1.0), bounds[0], bounds[1])


stats_probs = raw_confidence
