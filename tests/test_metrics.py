"""Hand-computed cases for reconcile.evaluation.metrics."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from reconcile.evaluation import (
    accuracy,
    brier,
    calibration_bins,
    calibration_svg,
    coverage,
    expected_calibration_error,
)


# --- accuracy -------------------------------------------------------------------------------------------

def test_accuracy_hand_computed():
    assert accuracy([1, 0, 1, 1]) == 0.75
    assert accuracy([True, False]) == 0.5
    assert accuracy(np.array([0, 0, 0])) == 0.0


def test_accuracy_empty_is_nan():
    assert math.isnan(accuracy([]))


def test_accuracy_rejects_non_binary():
    with pytest.raises(ValueError):
        accuracy([0.5, 1])


# --- brier ------------------------------------------------------------------------------------------------

def test_brier_hand_computed():
    # (0.9-1)^2 + (0.6-0)^2 + (1.0-1)^2 + (0.3-0)^2 = 0.01 + 0.36 + 0 + 0.09 = 0.46 ; / 4 = 0.115
    assert brier([0.9, 0.6, 1.0, 0.3], [1, 0, 1, 0]) == pytest.approx(0.115)


def test_brier_perfect_and_worst():
    assert brier([1.0, 0.0], [1, 0]) == 0.0
    assert brier([1.0, 0.0], [0, 1]) == 1.0


def test_brier_empty_is_nan():
    assert math.isnan(brier([], []))


def test_brier_validates_input():
    with pytest.raises(ValueError):
        brier([0.5], [1, 0])          # length mismatch
    with pytest.raises(ValueError):
        brier([1.2], [1])             # outside [0, 1]
    with pytest.raises(ValueError):
        brier([float("nan")], [1])


# --- calibration bins and ECE ------------------------------------------------------------------------------

def test_calibration_bins_hand_computed():
    conf = [0.05, 0.15, 0.15, 0.55, 0.95, 1.0]
    corr = [0, 1, 0, 1, 1, 1]
    bins = calibration_bins(conf, corr, n_bins=10)
    assert list(bins.columns) == ["bin_low", "bin_high", "count", "mean_confidence", "accuracy"]
    assert len(bins) == 10
    assert bins["bin_low"].tolist() == pytest.approx([i / 10 for i in range(10)])
    assert bins["bin_high"].tolist() == pytest.approx([(i + 1) / 10 for i in range(10)])
    assert bins["count"].tolist() == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins.loc[0, "mean_confidence"] == pytest.approx(0.05)
    assert bins.loc[0, "accuracy"] == 0.0
    assert bins.loc[1, "mean_confidence"] == pytest.approx(0.15)
    assert bins.loc[1, "accuracy"] == 0.5
    # confidence exactly 1.0 belongs to the last bin, together with 0.95
    assert bins.loc[9, "mean_confidence"] == pytest.approx(0.975)
    assert bins.loc[9, "accuracy"] == 1.0
    # empty bins: count 0 and NaN means
    assert math.isnan(bins.loc[2, "mean_confidence"]) and math.isnan(bins.loc[2, "accuracy"])


def test_ece_hand_computed():
    conf = [0.05, 0.15, 0.15, 0.55, 0.95, 1.0]
    corr = [0, 1, 0, 1, 1, 1]
    # bin 0: n=1 |0 - 0.05| = 0.05 ; bin 1: n=2 |0.5 - 0.15| = 0.35 ; bin 5: n=1 |1 - 0.55| = 0.45 ;
    # bin 9: n=2 |1 - 0.975| = 0.025  ->  (0.05 + 0.70 + 0.45 + 0.05) / 6 = 1.25 / 6
    assert expected_calibration_error(conf, corr, n_bins=10) == pytest.approx(1.25 / 6)


def test_ece_two_bins():
    # bins [0, .5) and [.5, 1]: {0.2: wrong, 0.4: right} and {0.5: right, 1.0: right}
    # bin 0: mean conf 0.3, acc 0.5 -> 0.2 ; bin 1: mean conf 0.75, acc 1.0 -> 0.25 ; (2*0.2 + 2*0.25)/4
    assert expected_calibration_error([0.2, 0.4, 0.5, 1.0], [0, 1, 1, 1], n_bins=2) == pytest.approx(0.225)
    bins = calibration_bins([0.2, 0.4, 0.5, 1.0], [0, 1, 1, 1], n_bins=2)
    assert bins["count"].tolist() == [2, 2]    # 0.5 opens the upper bin, 1.0 closes it


def test_ece_perfectly_calibrated_is_zero():
    conf = [1.0] * 4 + [0.5] * 4
    corr = [1, 1, 1, 1, 1, 0, 1, 0]
    assert expected_calibration_error(conf, corr) == pytest.approx(0.0)


def test_ece_single_bin_is_gap_of_means():
    conf = np.array([0.9, 0.8, 0.7])
    corr = np.array([1, 0, 0])
    assert expected_calibration_error(conf, corr, n_bins=1) == pytest.approx(abs(0.8 - 1 / 3))


def test_all_confidences_one_land_in_last_bin():
    bins = calibration_bins([1.0, 1.0, 1.0], [1, 0, 1], n_bins=5)
    assert bins["count"].tolist() == [0, 0, 0, 0, 3]
    assert expected_calibration_error([1.0, 1.0, 1.0], [1, 0, 1], n_bins=5) == pytest.approx(1 / 3)


def test_calibration_empty_input():
    bins = calibration_bins([], [], n_bins=4)
    assert len(bins) == 4 and bins["count"].sum() == 0
    assert bins["mean_confidence"].isna().all()
    assert math.isnan(expected_calibration_error([], []))


def test_bins_validation():
    with pytest.raises(ValueError):
        calibration_bins([0.5], [1], n_bins=0)


# --- coverage ------------------------------------------------------------------------------------------------

def test_coverage_hand_computed():
    assert coverage(3, 4) == 0.75
    assert coverage(0, 5) == 0.0
    assert coverage(5, 5) == 1.0
    assert math.isnan(coverage(0, 0))
    with pytest.raises(ValueError):
        coverage(6, 5)
    with pytest.raises(ValueError):
        coverage(-1, 5)


# --- SVG -------------------------------------------------------------------------------------------------------

def test_calibration_svg_is_wellformed_and_labelled():
    a = calibration_bins([0.1, 0.35, 0.8, 0.95, 1.0], [0, 1, 1, 1, 0], n_bins=5)
    b = calibration_bins([], [], n_bins=5)  # a method with no answers must not break the drawing
    svg = calibration_svg({"ours & co": a, "peer<x>": b}, title="Flight")
    root = ET.fromstring(svg)  # well-formed XML (names are escaped)
    assert root.tag.endswith("svg")
    texts = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert "ours & co" in texts and "peer<x>" in texts and "Flight" in texts
    marks = {g.get("class", ""): list(g) for g in root.iter() if "role-mark" in (g.get("class") or "")}
    dots = [m for cls, m in marks.items() if cls.startswith("mark-symbol")]
    assert len(dots) == 1 and len(dots[0]) == int((a["count"] > 0).sum())  # one dot per non-empty bin
    assert sum(cls.startswith("mark-line") for cls in marks) == 2  # the method's line and the diagonal


def test_calibration_svg_empty_mapping():
    root = ET.fromstring(calibration_svg({}))
    assert root.tag.endswith("svg")


def test_bins_dataframe_roundtrip_types():
    bins = calibration_bins(pd.Series([0.25, 0.75]), pd.Series([True, False]), n_bins=2)
    assert bins["count"].dtype.kind == "i"
    assert bins["accuracy"].tolist() == [1.0, 0.0]
