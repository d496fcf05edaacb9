"""Calibrate the reported confidence on a labelled sample: one temperature, fitted by Brier score.

The accu model's posterior assumes sources err independently. Where they share errors the copy detector does
not see (outlets repeating a rumour, trackers measuring another moment than the airline), its confidence is
too high, and nothing in unlabelled data can show it. Given gold answers for some subjects, a temperature T
(votes divided by T; the chosen value never changes) is fitted to them; `cross_validate` measures the gain
honestly, fitting T on K-1 folds of subjects and scoring the held-out fold.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .metrics import brier, expected_calibration_error

ProbAt = Callable[[float], np.ndarray]  # temperature -> every candidate's probability

LOG_T_RANGE = (-2.0, 4.0)  # T from about 0.14 to 55


@dataclass
class Calibration:
    temperature: float
    brier_before: float
    brier_after: float
    ece_before: float
    ece_after: float  # in-sample
    cv_ece: float  # K-fold over subjects: fitted on the other folds, scored on each held-out fold
    cv_brier: float
    folds: int
    n: int


def _confidence(prob_at: ProbAt, cand: np.ndarray, temperature: float) -> np.ndarray:
    confidence: np.ndarray = prob_at(temperature)[cand]
    return confidence


def fit_temperature(prob_at: ProbAt, cand: np.ndarray, correct: np.ndarray) -> float:
    """The temperature minimising the Brier score of the verdicts' confidence (golden-section on log T)."""
    if len(cand) == 0:
        return 1.0
    lo, hi = LOG_T_RANGE
    golden = (np.sqrt(5) - 1) / 2
    cache: dict[float, float] = {}

    def loss(log_t: float) -> float:
        if log_t not in cache:
            cache[log_t] = brier(_confidence(prob_at, cand, float(np.exp(log_t))), correct)
        return cache[log_t]

    a, b = lo, hi
    for _ in range(40):
        c, d = b - golden * (b - a), a + golden * (b - a)
        if loss(c) <= loss(d):
            b = d
        else:
            a = c
    return float(np.exp((a + b) / 2))


def _folds(subjects: pd.Series, k: int) -> np.ndarray:
    """Deterministic fold of each subject (a hash of its name): the same subject is always in the same fold."""
    hashed = pd.util.hash_pandas_object(subjects.astype(str), index=False).to_numpy()
    return (hashed % np.uint64(k)).astype(int)


def calibrate(prob_at: ProbAt, cand: np.ndarray, correct: np.ndarray, subjects: pd.Series, folds: int = 5
              ) -> Calibration:
    """`prob_at(T)` gives every candidate's probability at temperature T; `cand` the verdict candidate of each
    gold item, `correct` whether it matches gold."""
    correct = np.asarray(correct, dtype=bool)
    before = _confidence(prob_at, cand, 1.0)
    t = fit_temperature(prob_at, cand, correct)
    after = _confidence(prob_at, cand, t)
    fold = _folds(subjects, folds)
    held_out = np.empty(len(cand))
    for f in range(folds):
        test = fold == f
        if not test.any():
            continue
        t_f = fit_temperature(prob_at, cand[~test], correct[~test])
        held_out[test] = _confidence(prob_at, cand[test], t_f)
    return Calibration(
        temperature=t, brier_before=brier(before, correct), brier_after=brier(after, correct),
        ece_before=expected_calibration_error(before, correct), ece_after=expected_calibration_error(after, correct),
        cv_ece=expected_calibration_error(held_out, correct), cv_brier=brier(held_out, correct), folds=folds,
        n=len(cand))
