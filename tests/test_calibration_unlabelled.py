"""Confidences calibrated without labels (solver.calibration: held_out; reconcile/solve/calibration.py and
consistency.py): honest where sources share their errors, unchanged in meaning where they do not, and never a
different verdict."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.evaluation.metrics import expected_calibration_error
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules
from reconcile.solve.consistency import apply_map, fit_map, N_BINS, N_STRATA, ConfidenceMap


def rules(calibration: str = "held_out") -> Rules:
    return Rules.model_validate({"version": 1, "solver": {"domain_size": 10, "calibration": calibration}})


def independent_feed(seed: int = 7, subjects: int = 3000, sources: int = 40) -> tuple[pd.DataFrame, dict[str, str]]:
    """The model's own world: each source right with its accuracy, wrong values spread evenly over 9."""
    rng = np.random.default_rng(seed)
    accuracy = rng.beta(4, 2, sources)
    rows, truth = [], {}
    for i in range(subjects):
        true = int(rng.integers(10))
        truth[f"o{i}"] = f"v{true}"
        for s in rng.choice(sources, int(rng.integers(2, 7)), replace=False):
            wrong = (true + 1 + int(rng.integers(9))) % 10
            rows.append((f"s{s:02d}", f"o{i}", "x", f"v{true if rng.random() < accuracy[s] else wrong}"))
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"]), truth


def stale_feed(seed: int = 11, subjects: int = 900) -> tuple[pd.DataFrame, dict[str, str]]:
    """Three of eight good sources on each subject; on a quarter of the subjects an outdated figure circulates
    and two of the three repeat it (a shared error, as a copied census estimate)."""
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    for i in range(subjects):
        truth[f"o{i}"] = "v0"
        speakers = rng.choice(8, 3, replace=False)
        stale = rng.random() < 0.25
        for k, s in enumerate(speakers):
            if stale and k < 2:
                value = "v1"
            else:
                value = "v0" if rng.random() < 0.9 else f"v{2 + int(rng.integers(8))}"
            rows.append((f"s{s}", f"o{i}", "x", value))
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"]), truth


def scored(result, truth: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    v = result.verdicts
    correct = (v["value"] == v["subject"].map(truth)).to_numpy()
    return v["confidence"].to_numpy(dtype=float), correct


def test_a_feed_that_follows_the_model_stays_calibrated():
    feed, truth = independent_feed()
    held = reconcile_frame(feed, rules())
    raw = reconcile_frame(feed, rules("none"))
    conf, correct = scored(held, truth)
    raw_conf, _ = scored(raw, truth)
    assert held.verdicts["value"].tolist() == raw.verdicts["value"].tolist()
    assert expected_calibration_error(conf, correct) <= 0.03
    assert expected_calibration_error(conf, correct) <= expected_calibration_error(raw_conf, correct) + 0.01
    assert held.fit.rho < 0.02  # no correlation where there is none


def test_an_outdated_figure_repeated_by_two_sources_is_not_certainty():
    feed, truth = stale_feed()
    held = reconcile_frame(feed, rules())
    raw = reconcile_frame(feed, rules("none"))
    conf, correct = scored(held, truth)
    raw_conf, _ = scored(raw, truth)
    assert held.verdicts["value"].tolist() == raw.verdicts["value"].tolist()  # the same verdicts
    two_against_one = (held.verdicts["runner_up"] != "").to_numpy() & (held.verdicts["n_sources"] == 3).to_numpy()
    # two sources against one: the model alone is nearly sure; they are right far less often than that. The
    # held-out checks see it (a source left out disagrees with a confident pair too often) and lower it; a
    # confidence is a function of its value and of how many sources it rests on, so 2-against-1 items cannot be
    # told from 2-against-0 ones at the same value and the gap closes only in part
    assert raw_conf[two_against_one].mean() > 0.9
    assert correct[two_against_one].mean() < 0.5
    assert conf[two_against_one].mean() < raw_conf[two_against_one].mean() - 0.03
    assert expected_calibration_error(conf, correct) < expected_calibration_error(raw_conf, correct) - 0.01


def test_none_reports_the_fit_posterior_and_held_out_every_output_alike():
    feed, _ = stale_feed(subjects=300)
    raw = reconcile_frame(feed, rules("none"))
    assert raw.fit.confidence is None
    assert np.array_equal(raw.verdicts["confidence"].to_numpy(), raw.fit.cand_prob[raw.verdict_cands])
    held = reconcile_frame(feed, rules())
    # claims.csv shows the same probabilities as verdicts.csv
    post = held.claims.merge(held.verdicts[["subject", "value", "confidence"]], on=["subject", "value"])
    assert np.allclose(post["posterior"], post["confidence"])
    assert held.fit.fit_prob is not None and not np.allclose(held.fit.fit_prob, held.fit.cand_prob)


def test_row_order_does_not_change_the_calibrated_confidences():
    feed, _ = stale_feed(subjects=300)
    a = reconcile_frame(feed, rules()).verdicts
    b = reconcile_frame(feed.sample(frac=1.0, random_state=3).reset_index(drop=True), rules()).verdicts
    cols = ["subject", "value", "confidence", "runner_up", "runner_up_confidence", "status"]
    pd.testing.assert_frame_equal(a[cols].sort_values("subject").reset_index(drop=True),
                                  b[cols].sort_values("subject").reset_index(drop=True), check_exact=True)


def test_the_map_is_monotone_and_keeps_an_item_a_distribution():
    rng = np.random.default_rng(1)
    sums = np.zeros((2, 4, N_STRATA, N_BINS))
    for fold in range(2):  # checks where the held-out source agrees less than q says: true rate ~ 0.7 q
        bins = rng.integers(20, 60, 40)
        w = rng.uniform(1, 5, 40)
        q = 1 / (1 + np.exp(-(-6 + 0.25 * bins)))
        y = 0.7 * q
        for k in range(N_STRATA):
            np.add.at(sums[fold, 0, k], bins, w)
            np.add.at(sums[fold, 1, k], bins, w * y)
            np.add.at(sums[fold, 2, k], bins, w * q)
            np.add.at(sums[fold, 3, k], bins, w * y * y)
    cmap, _ = fit_map(sums)
    assert isinstance(cmap, ConfidenceMap)
    grid = np.linspace(0, 1, 101)
    for k in range(N_STRATA):
        g = cmap(grid, np.full(len(grid), k))
        assert (np.diff(g) >= -1e-12).all() and g.max() <= 0.75
    assert fit_map(np.zeros((2, 4, N_STRATA, N_BINS)))[0] is None  # no checks: no map


def test_the_increasing_fit_gives_scipys_isotonic_regression_to_the_bit():
    # the map's knots come from a pool-adjacent-violators loop of our own (importing scipy.optimize cost 0.6 s a
    # run): on random bins, ties, decreasing runs and whole-number weights it gives scipy's numbers exactly
    from scipy.optimize import isotonic_regression

    from reconcile.solve.consistency import increasing_fit

    rng = np.random.default_rng(5)
    for trial in range(2000):
        n = int(rng.integers(1, N_BINS + 1))
        y = [rng.random(n), rng.integers(0, 4, n) / 3.0, np.sort(rng.random(n)) + rng.normal(0, 0.05, n),
             np.sort(rng.random(n))[::-1]][trial % 4]
        w = rng.uniform(0.01, 1000.0, n) if trial % 3 else rng.integers(1, 5, n).astype(float)
        got = increasing_fit(y, w)
        assert np.array_equal(got, isotonic_regression(y, weights=w, increasing=True).x), trial
        assert (np.diff(got) >= 0).all()
    assert np.array_equal(increasing_fit(np.array([0.9, 0.1, 0.5]), np.array([1.0, 1.0, 2.0])),
                          np.full(3, (0.9 + 0.1 + 2 * 0.5) / 4))
