"""A crowd of sources without a record, on a closed vocabulary, cannot make a verdict certain
(reconcile/solve/record.py): the reported confidence moves toward "every value alike" by the share of the
item's votes whose sources have no claims elsewhere; open vocabularies, vouched-for sources and the chosen
values stay as they were."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules
from reconcile.solve.arrays import Partition
from reconcile.solve.record import mix_uninformed, record_share

VOCAB = {"true": [], "false": [], "unknown": []}


def rules(closed: bool = True, calibration: str = "held_out", sources: dict | None = None) -> Rules:
    attribute: dict = {"kind": "categorical", "values": VOCAB, "closed": True} if closed else {"kind": "categorical"}
    data: dict = {"version": 1, "attributes": {"veracity": attribute}, "solver": {"calibration": calibration}}
    if sources:
        data["sources"] = {"priors": sources}
    return Rules.model_validate(data)


def rumour_feed() -> pd.DataFrame:
    """Forty rumours; on each, five one-off accounts say "true" and one says "false"; two regular outlets that
    cover every rumour and mostly agree with the crowd."""
    rows = []
    for i in range(40):
        rows += [(f"u{i}-{k}", f"r{i}", "veracity", "true") for k in range(5)]
        rows.append((f"u{i}-x", f"r{i}", "veracity", "false"))
        rows.append(("wire", f"r{i}", "veracity", "true" if i % 4 else "false"))
        rows.append(("daily", f"r{i}", "veracity", "true" if i % 5 else "unknown"))
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])


def verdicts(feed: pd.DataFrame, r: Rules) -> pd.DataFrame:
    return reconcile_frame(feed, r).verdicts.set_index("subject").sort_index()


def test_a_crowd_of_one_off_accounts_is_not_certainty_on_a_closed_vocabulary():
    feed = rumour_feed()
    closed, open_ = verdicts(feed, rules()), verdicts(feed, rules(closed=False))
    assert (closed["value"] == open_["value"]).all()  # the same chosen values
    # six of eight votes come from accounts seen once: the confidence sits well below the open vocabulary's
    assert closed["confidence"].max() < 0.75
    assert (closed["confidence"] < open_["confidence"] - 0.15).all()
    # but never below "every value alike"
    assert (closed["confidence"] >= 1 / 3 - 1e-12).all()


def test_an_item_distribution_still_adds_up_and_keeps_its_order():
    result = reconcile_frame(rumour_feed(), rules())
    v = result.verdicts
    assert (v["confidence"] >= v["runner_up_confidence"]).all()
    assert (v["confidence"] + v["runner_up_confidence"] <= 1 + 1e-9).all()


def test_sources_the_rules_vouch_for_carry_their_confidence():
    feed = rumour_feed()
    known = {f"u{i}-{k}": {"reliability": 0.8} for i in range(40) for k in range(5)}
    known.update({f"u{i}-x": {"reliability": 0.8} for i in range(40)})
    vouched, crowd = verdicts(feed, rules(sources=known)), verdicts(feed, rules())
    assert (vouched["confidence"] > crowd["confidence"] + 0.15).all()


def test_calibration_none_reports_the_fit_posterior_unmixed():
    feed = rumour_feed()
    raw = verdicts(feed, rules(calibration="none"))
    assert raw["confidence"].min() > 0.9  # the model's own posterior: five to six agreeing votes


def test_row_order_does_not_change_the_mixed_confidences():
    feed = rumour_feed()
    a = verdicts(feed, rules())
    b = verdicts(feed.sample(frac=1.0, random_state=3).reset_index(drop=True), rules())
    assert a["confidence"].to_numpy().tobytes() == b["confidence"].to_numpy().tobytes()


def _partition() -> Partition:
    """Two items of a 3-value vocabulary: item 0 voted by sources 0 (one claim in all) and 1 (three claims);
    item 1 by source 1 twice over (two candidates) and source 2 (pinned)."""
    source = np.array([0, 1, 1, 1, 2])
    cand = np.array([0, 0, 2, 3, 2])
    w = np.ones(5)
    cand_item = np.array([0, 0, 1, 1])
    return Partition(source, cand, w, cand_item, np.array([0, 2]), np.array([2.0, 2.0]), np.zeros(2, dtype=bool),
                     3, np.array([2, 2]), source.copy(), np.arange(3))


def test_record_share_counts_each_source_by_its_claims_elsewhere():
    p = _partition()
    strength = np.full(3, 4.0)
    share = record_share(p, strength, np.array([False, False, True]))
    # item 0: source 0 has nothing elsewhere (0), source 1 has 2 claims elsewhere: 2 / (2 + 4)
    assert np.isclose(share[0], (0.0 + 2 / 6) / 2)
    # item 1: source 1 leaves with both its assertions (1 claim elsewhere: 1 / 5, on weight 2); source 2 pinned
    assert np.isclose(share[1], (2 * (1 / 5) + 1.0) / 3)


def test_mix_uninformed_moves_toward_every_value_alike_only_where_it_applies():
    p = _partition()
    prob = np.array([0.9, 0.05, 0.6, 0.3])
    out = mix_uninformed(p, prob, np.array([0.5, 0.0]), np.array([True, False]))
    assert np.allclose(out[:2], 0.5 * prob[:2] + 0.5 / 3)
    assert np.array_equal(out[2:], prob[2:])


def test_labelled_calibration_recomputes_the_reported_confidences():
    """`reconcile calibrate` fits its temperature on Fit.posteriors: at temperature 1 it must give what the run
    reported, mixture included."""
    result = reconcile_frame(rumour_feed(), rules())
    again = result.fit.posteriors(1.0)
    assert np.allclose(again[result.verdict_cands], result.verdicts["confidence"].to_numpy())
    assert again[result.verdict_cands].max() < 0.75


def test_sources_with_long_records_keep_their_confidence_on_a_closed_vocabulary():
    """The model's own world (independent sources, each with hundreds of claims), once with an open and once
    with a closed vocabulary of the same ten values: the mixture barely moves a confidence."""
    rng = np.random.default_rng(5)
    accuracy = rng.beta(4, 2, 20)
    rows = []
    for i in range(600):
        true = int(rng.integers(10))
        for s in rng.choice(20, 4, replace=False):
            value = true if rng.random() < accuracy[s] else (true + 1 + int(rng.integers(9))) % 10
            rows.append((f"s{s:02d}", f"o{i}", "x", f"v{value}"))
    feed = pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])
    values = {f"v{k}": [] for k in range(10)}
    closed = Rules.model_validate({"version": 1, "attributes": {"x": {"kind": "categorical", "closed": True,
                                                                      "values": values}}})
    open_ = Rules.model_validate({"version": 1, "attributes": {"x": {"kind": "categorical", "domain_size": 10}}})
    a, b = verdicts(feed, closed), verdicts(feed, open_)
    assert (a["value"] == b["value"]).all()
    # each source has about 120 claims: share 119 / (119 + 4) of the way from 1 / 10, a move of at most ~0.03
    assert np.abs(a["confidence"] - b["confidence"]).max() < 0.04
    assert (a["confidence"] <= b["confidence"] + 1e-12).all()
