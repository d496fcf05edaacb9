"""Evaluation of verdicts against gold: accuracy, top-label calibration (Brier, ECE, reliability bins), coverage."""

from reconcile.evaluation.metrics import (
    accuracy,
    brier,
    calibration_bins,
    calibration_svg,
    coverage,
    expected_calibration_error,
)

__all__ = [
    "accuracy",
    "brier",
    "calibration_bins",
    "calibration_svg",
    "coverage",
    "expected_calibration_error",
]
