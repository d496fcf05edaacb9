"""Evaluation metrics shared by ``reconcile evaluate`` and the benchmark (pure numpy, plus a pandas table).

Conventions:
* ``correct`` is a 0/1 (or bool) array over the answered gold items: did the verdict equal the gold value?
* ``confidence`` is the confidence of the chosen (top) value, in [0, 1]. All calibration metrics are
  *top-label* metrics: they compare the confidence of the chosen value with whether it was right.
* Empty input gives ``nan`` (nothing to average), never an exception; ``calibration_bins`` then has all bins
  with count 0.
* Bins are equal-width on [0, 1]: bin ``i`` is ``[i/n, (i+1)/n)``, except the last, which is closed
  ``[(n-1)/n, 1]`` so a confidence of exactly 1.0 lands in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "accuracy",
    "brier",
    "expected_calibration_error",
    "calibration_bins",
    "coverage",
    "calibration_svg",
]


def _as_correct(correct: ArrayLike) -> np.ndarray:
    arr = np.asarray(correct, dtype=np.float64).reshape(-1)
    if arr.size and not np.all((arr == 0) | (arr == 1)):
        raise ValueError("correct must hold only 0/1 or booleans")
    return arr


def _as_pair(confidence: ArrayLike, correct: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    conf = np.asarray(confidence, dtype=np.float64).reshape(-1)
    corr = _as_correct(correct)
    if conf.shape != corr.shape:
        raise ValueError(f"confidence and correct differ in length: {conf.size} != {corr.size}")
    if conf.size:
        if np.isnan(conf).any():
            raise ValueError("confidence contains NaN")
        if conf.min() < 0.0 or conf.max() > 1.0:
            raise ValueError("confidence must lie in [0, 1]")
    return conf, corr


def accuracy(correct: ArrayLike) -> float:
    """Fraction of answered items whose verdict is right; ``nan`` for no items."""
    corr = _as_correct(correct)
    return float(corr.mean()) if corr.size else float("nan")


def brier(confidence: ArrayLike, correct: ArrayLike) -> float:
    """Top-label Brier score ``mean((confidence - correct)**2)``; lower is better; ``nan`` for no items."""
    conf, corr = _as_pair(confidence, correct)
    return float(np.mean((conf - corr) ** 2)) if conf.size else float("nan")


def _bin_index(conf: np.ndarray, n_bins: int) -> np.ndarray:
    if n_bins < 1:
        raise ValueError("n_bins must be >= 1")
    # floor(c * n), with c == 1.0 (and float round-up just below it) kept in the last bin
    return np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)


def calibration_bins(confidence: ArrayLike, correct: ArrayLike, n_bins: int = 10) -> pd.DataFrame:
    """Reliability table: one row per equal-width bin, in order, including empty bins.

    Columns: ``bin_low``, ``bin_high``, ``count``, ``mean_confidence``, ``accuracy`` (the last two ``nan`` for
    empty bins).
    """
    conf, corr = _as_pair(confidence, correct)
    idx = _bin_index(conf, n_bins)
    count = np.bincount(idx, minlength=n_bins).astype(np.int64)
    sum_conf = np.bincount(idx, weights=conf, minlength=n_bins)
    sum_corr = np.bincount(idx, weights=corr, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.where(count > 0, sum_conf / np.maximum(count, 1), np.nan)
        acc = np.where(count > 0, sum_corr / np.maximum(count, 1), np.nan)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return pd.DataFrame({
        "bin_low": edges[:-1],
        "bin_high": edges[1:],
        "count": count,
        "mean_confidence": mean_conf,
        "accuracy": acc,
    })


def expected_calibration_error(confidence: ArrayLike, correct: ArrayLike, n_bins: int = 10) -> float:
    """Top-label ECE: ``sum_b (n_b / N) * |accuracy_b - mean_confidence_b|`` over equal-width bins.

    ``nan`` for no items.
    """
    bins = calibration_bins(confidence, correct, n_bins)
    total = int(bins["count"].sum())
    if total == 0:
        return float("nan")
    filled = bins[bins["count"] > 0]
    gap = (filled["accuracy"] - filled["mean_confidence"]).abs()
    return float((filled["count"] * gap).sum() / total)


def coverage(n_answered: int, n_gold: int) -> float:
    """Fraction of gold items the method gave an answer for; ``nan`` when there is no gold."""
    n_answered, n_gold = int(n_answered), int(n_gold)
    if n_answered < 0 or n_gold < 0:
        raise ValueError("counts must be non-negative")
    if n_answered > n_gold:
        raise ValueError(f"n_answered ({n_answered}) exceeds n_gold ({n_gold})")
    return n_answered / n_gold if n_gold else float("nan")


def calibration_svg(bins_by_method: dict[str, pd.DataFrame], title: str = "Reliability diagram",
                    width: int = 520, height: int = 440) -> str:
    """A reliability diagram as a standalone SVG document, drawn by altair/vl-convert (evaluation/plots.py).

    ``bins_by_method`` maps a method name to a ``calibration_bins`` table. Each method is a line through
    (mean_confidence, accuracy) of its non-empty bins, with dots sized by the bin's share of items; the
    dashed diagonal is perfect calibration.
    """
    from .plots import calibration_chart

    return calibration_chart(bins_by_method, title, width=max(200, width - 160), height=max(200, height - 80))
