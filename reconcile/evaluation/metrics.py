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

import html
import math

import numpy as np
import pandas as pd

__all__ = [
    "accuracy",
    "brier",
    "expected_calibration_error",
    "calibration_bins",
    "coverage",
    "calibration_svg",
]


def _as_correct(correct) -> np.ndarray:
    arr = np.asarray(correct, dtype=np.float64).reshape(-1)
    if arr.size and not np.all((arr == 0) | (arr == 1)):
        raise ValueError("correct must hold only 0/1 or booleans")
    return arr


def _as_pair(confidence, correct) -> tuple[np.ndarray, np.ndarray]:
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


def accuracy(correct) -> float:
    """Fraction of answered items whose verdict is right; ``nan`` for no items."""
    corr = _as_correct(correct)
    return float(corr.mean()) if corr.size else float("nan")


def brier(confidence, correct) -> float:
    """Top-label Brier score ``mean((confidence - correct)**2)``; lower is better; ``nan`` for no items."""
    conf, corr = _as_pair(confidence, correct)
    return float(np.mean((conf - corr) ** 2)) if conf.size else float("nan")


def _bin_index(conf: np.ndarray, n_bins: int) -> np.ndarray:
    if n_bins < 1:
        raise ValueError("n_bins must be >= 1")
    # floor(c * n), with c == 1.0 (and float round-up just below it) kept in the last bin
    return np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)


def calibration_bins(confidence, correct, n_bins: int = 10) -> pd.DataFrame:
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


def expected_calibration_error(confidence, correct, n_bins: int = 10) -> float:
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


def coverage(n_answered, n_gold) -> float:
    """Fraction of gold items the method gave an answer for; ``nan`` when there is no gold."""
    n_answered, n_gold = int(n_answered), int(n_gold)
    if n_answered < 0 or n_gold < 0:
        raise ValueError("counts must be non-negative")
    if n_answered > n_gold:
        raise ValueError(f"n_answered ({n_answered}) exceeds n_gold ({n_gold})")
    return n_answered / n_gold if n_gold else float("nan")


_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf"]


def calibration_svg(bins_by_method: dict[str, pd.DataFrame], title: str = "Reliability diagram",
                    width: int = 520, height: int = 440) -> str:
    """A reliability diagram as a standalone SVG document (no plotting library).

    ``bins_by_method`` maps a method name to a ``calibration_bins`` table. Each method is a polyline through
    (mean_confidence, accuracy) of its non-empty bins, with dots sized by the bin's share of items; the
    diagonal is perfect calibration.
    """
    longest = max((len(str(name)) for name in bins_by_method), default=0)
    left, top, bottom = 56, 36, 48
    right = max(150, 40 + 7 * longest)  # room for the legend
    width = max(width, left + right + 200)
    pw, ph = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return left + v * pw

    def y(v: float) -> float:
        return top + (1.0 - v) * ph

    def f(v: float) -> str:
        return f"{v:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        f'<text x="{f(left + pw / 2)}" y="20" text-anchor="middle" font-size="14">{html.escape(title)}</text>',
    ]
    for i in range(11):  # grid and ticks
        v = i / 10
        parts.append(f'<line x1="{f(x(v))}" y1="{f(y(0))}" x2="{f(x(v))}" y2="{f(y(1))}" stroke="#eee"/>')
        parts.append(f'<line x1="{f(x(0))}" y1="{f(y(v))}" x2="{f(x(1))}" y2="{f(y(v))}" stroke="#eee"/>')
        if i % 2 == 0:
            parts.append(f'<text x="{f(x(v))}" y="{f(y(0) + 16)}" text-anchor="middle">{v:.1f}</text>')
            parts.append(f'<text x="{f(x(0) - 6)}" y="{f(y(v) + 4)}" text-anchor="end">{v:.1f}</text>')
    parts += [
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>',
        f'<line x1="{f(x(0))}" y1="{f(y(0))}" x2="{f(x(1))}" y2="{f(y(1))}" stroke="#999" '
        'stroke-dasharray="4 4"/>',
        f'<text x="{f(left + pw / 2)}" y="{height - 10}" text-anchor="middle">confidence of the chosen value</text>',
        f'<text transform="translate(16 {f(top + ph / 2)}) rotate(-90)" text-anchor="middle">'
        'accuracy</text>',
    ]
    for k, (name, bins) in enumerate(bins_by_method.items()):
        color = _PALETTE[k % len(_PALETTE)]
        filled = bins[bins["count"] > 0]
        total = float(bins["count"].sum()) or 1.0
        pts = [(float(c), float(a), float(n)) for c, a, n in
               zip(filled["mean_confidence"], filled["accuracy"], filled["count"])]
        if len(pts) > 1:
            path = " ".join(f"{f(x(c))},{f(y(a))}" for c, a, _ in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for c, a, n in pts:
            r = 2.5 + 6.0 * math.sqrt(n / total)
            parts.append(f'<circle cx="{f(x(c))}" cy="{f(y(a))}" r="{r:.1f}" fill="{color}" '
                         f'fill-opacity="0.7"><title>{html.escape(str(name))}: n={int(n)}, '
                         f'confidence={c:.3f}, accuracy={a:.3f}</title></circle>')
        ly = top + 10 + 18 * k
        parts.append(f'<rect x="{width - right + 12}" y="{ly - 9}" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{width - right + 30}" y="{ly + 1}">{html.escape(str(name))}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
