"""The label-free calibration's feed-wide estimates on a large feed come from a deterministic sample of whole items
(reconcile/solve/sample.py), and the leave-item-out reliabilities group a source's assertions on an item only
where it made several."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules
from reconcile.solve import calibration, sample
from reconcile.solve.arrays import Partition
from reconcile.solve.calibration import Held
from reconcile.solve.tasks import split


def _part(n_items: int = 400, seed: int = 3) -> Partition:
    """Items with 1-3 candidates and 2-5 assertions each; some sources assert two candidates of one item."""
    rng = np.random.default_rng(seed)
    cand_item, src, cand = [], [], []
    for it in range(n_items):
        first = len(cand_item)
        k = int(rng.integers(1, 4))
        cand_item += [it] * k
        for s in rng.choice(30, int(rng.integers(2, 6)), replace=False):
            src.append(int(s))
            cand.append(first + int(rng.integers(k)))
            if k > 1 and rng.random() < 0.2:  # the same source on another candidate of the item
                src.append(int(s))
                cand.append(first + (cand[-1] - first + 1) % k)
    cand_item_a = np.array(cand_item, dtype=np.int64)
    a_src, a_cand = np.array(src, dtype=np.int64), np.array(cand, dtype=np.int64)
    item_start = np.searchsorted(cand_item_a, np.arange(n_items)).astype(np.int64)
    per_item = np.bincount(np.unique(a_src * n_items + cand_item_a[a_cand]) % n_items, minlength=n_items)
    return Partition(a_src, a_cand, rng.uniform(0.5, 1.0, len(a_src)), cand_item_a, item_start,
                     np.full(n_items, 4.0), np.zeros(n_items, dtype=bool), 30, per_item)


def test_the_sample_is_the_same_items_however_the_feed_is_cut():
    part = _part()
    _, whole = sample.sample(part, 0, 4)
    pieces = np.concatenate([sample.sample(p, int(part.cand_item[offset]), 4)[1] for offset, p in split(part, 3)])
    assert 60 < len(whole) < 140  # about one in four
    assert whole.tolist() == pieces.tolist()
    assert sample.sample(part, 0, 1)[0] is part


def test_a_sampled_item_keeps_all_its_candidates_and_assertions():
    part = _part()
    sub, ids = sample.sample(part, 0, 3)
    n_cands = np.diff(np.r_[part.item_start, part.n_cands])
    sub_cands = np.diff(np.r_[sub.item_start, sub.n_cands])
    assert sub_cands.tolist() == n_cands[ids].tolist()
    assert np.bincount(sub.assert_item, minlength=sub.n_items).tolist() == \
        np.bincount(part.assert_item, minlength=part.n_items)[ids].tolist()
    kept = np.isin(part.assert_item, ids)
    assert sorted(zip(sub.assert_source, sub.assert_w)) == sorted(zip(part.assert_source[kept], part.assert_w[kept]))


def test_leave_item_out_removes_all_of_a_sources_assertions_on_the_item():
    part = _part()
    rng = np.random.default_rng(1)
    prob = rng.uniform(0.0, 1.0, part.n_cands)
    held = Held(rng.uniform(0.3, 0.9, 30), rng.uniform(5.0, 50.0, 30), (0.01, 0.99), np.zeros(30, dtype=np.int64),
                np.full(1, np.inf))
    got = calibration.leave_item_out(part, prob, held)
    frame = pd.DataFrame({"s": part.assert_source, "i": part.assert_item, "r": part.assert_w * prob[part.assert_cand],
                          "t": part.assert_w})
    sums = frame.groupby(["s", "i"])[["r", "t"]].transform("sum")
    a, n = held.reliability[part.assert_source], held.strength[part.assert_source]
    expected = np.clip((a * n - sums["r"].to_numpy()) / (n - sums["t"].to_numpy()), 0.01, 0.99)
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
    assert (np.bincount(part.assert_item) > part.item_n_sources).any()  # the case is exercised


def test_a_sampled_large_feed_gives_confidences_close_to_the_whole_feed(monkeypatch):
    rng = np.random.default_rng(5)
    accuracy = rng.beta(4, 2, 30)
    rows = []
    for i in range(3000):
        true = int(rng.integers(10))
        for s in rng.choice(30, int(rng.integers(2, 6)), replace=False):
            value = true if rng.random() < accuracy[s] else (true + 1 + int(rng.integers(9))) % 10
            rows.append((f"s{s:02d}", f"o{i}", "x", f"v{value}"))
    feed = pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])
    rules = Rules.model_validate({"version": 1, "solver": {"domain_size": 10}})
    whole = reconcile_frame(feed, rules).verdicts["confidence"].to_numpy(dtype=float)
    monkeypatch.setattr(sample, "SAMPLE_ASSERTIONS", 4000)  # one item in three
    sampled = reconcile_frame(feed, rules).verdicts["confidence"].to_numpy(dtype=float)
    assert not np.array_equal(whole, sampled)  # the sample was used
    assert np.abs(whole - sampled).mean() < 0.02
