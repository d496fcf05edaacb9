"""The learned prior of sources without a rule depends on how much a source says (solve/activity_prior.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules
from reconcile.solve.activity_prior import MIN_SOURCES_FOR_TREND, prior_means


def _drive_by_feed() -> pd.DataFrame:
    """Six regulars agree on 50 subjects; 60 one-off accounts each contradict them once; `newbie`, one more one-off
    account, is alone on subject `solo`."""
    rows = [(f"r{k}", f"f{i}", "v", f"right{i}") for i in range(50) for k in range(6) if (i + k) % 2 == 0]
    rows += [(f"d{j}", f"f{j % 50}", "v", f"wrong{j}") for j in range(60)]
    rows += [("newbie", "solo", "v", "anything")]
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])


def test_one_off_accounts_start_from_what_is_typical_of_one_off_accounts():
    result = reconcile_frame(_drive_by_feed(), Rules.model_validate({"version": 1}))
    src = result.sources.set_index("source")
    assert (src["prior_rule"] == "(learned from the feed)").all()
    # the regulars' record says they are right; the one-off accounts in this feed are wrong: a new one-off
    # account's prior (and so its lone claim) is what is typical of accounts like it, not of the regulars
    assert src.loc["newbie", "prior"] < 0.5 < 0.9 < src.loc["r0", "prior"]
    assert src.loc["newbie", "reliability"] < 0.5
    verdicts = result.verdicts.set_index("subject")
    assert all(verdicts.loc[f"f{i}", "value"] == f"right{i}" for i in range(50))


def test_without_enough_sources_or_a_spread_of_activity_every_source_gets_the_feeds_typical_accuracy():
    right = np.array([9.0, 90.0, 0.0, 0.2])
    total = np.array([10.0, 100.0, 1.0, 1.0])
    mean, per_source = prior_means(right, total, 4.0, (0.01, 0.99))
    assert 4 < MIN_SOURCES_FOR_TREND and np.allclose(per_source, mean)  # four sources: no trend
    n = MIN_SOURCES_FOR_TREND + 10
    acc = np.linspace(0.2, 0.9, n)
    mean, per_source = prior_means(acc * 5.0, np.full(n, 5.0), 4.0, (0.01, 0.99))  # all of one size
    assert np.allclose(per_source, mean) and abs(mean - acc.mean()) < 1e-9


def test_the_prior_mean_follows_accuracy_against_activity_and_stays_within_the_bounds():
    n = MIN_SOURCES_FOR_TREND + 10
    total = np.r_[np.ones(n - 10), np.full(10, 200.0)]
    right = np.r_[np.zeros(n - 10), np.full(10, 199.0)]  # one-claim sources always wrong, large ones right
    mean, per_source = prior_means(right, total, 4.0, (0.01, 0.99))
    assert per_source[0] < mean < per_source[-1]
    assert per_source.min() >= 0.01 and per_source.max() <= 0.99
