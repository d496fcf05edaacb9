"""The time model's evidence points come in (item, time) order with ties in point order, as numpy's lexsort puts
them, whatever the items' sizes; the contradictions' time text is numpy's ISO text with a Z, seconds floored."""
from __future__ import annotations

import numpy as np
import pytest

from reconcile.timeline.kind_rows import iso_seconds
from reconcile.timeline.steps import SHORT, item_time_order


@pytest.mark.parametrize("seed", range(8))
def test_points_sorted_by_item_then_time_ties_in_point_order(seed):
    rng = np.random.default_rng(seed)
    n_items = int(rng.integers(1, 40))
    # some items far longer than the insertion-sort run (SHORT), few distinct times: many ties
    item = np.r_[rng.integers(0, n_items, 300), np.zeros(5 * SHORT, dtype=np.int64)]
    rng.shuffle(item)
    time = rng.integers(0, 12, len(item)) * 3_600 * 10**9
    order = item_time_order(item.astype(np.int64), time.astype(np.int64), n_items)
    assert np.array_equal(order, np.lexsort((time, item)))


def test_no_points_and_items_without_points():
    none = np.zeros(0, dtype=np.int64)
    assert len(item_time_order(none, none, 3)) == 0
    order = item_time_order(np.array([2, 0, 2], dtype=np.int64), np.array([5, 9, 1], dtype=np.int64), 4)
    assert order.tolist() == [1, 2, 0]


def test_time_text_is_numpys_iso_text_with_a_zone():
    rng = np.random.default_rng(3)
    ns = np.r_[rng.integers(np.iinfo(np.int64).min + 1, np.iinfo(np.int64).max, 2000),
               [np.iinfo(np.int64).min, -1, 0, -10**9, -10**9 - 1, 10**9 - 1]].astype(np.int64)
    expected = [t + "Z" for t in np.datetime_as_string(ns.astype("datetime64[ns]"), unit="s")]
    assert iso_seconds(ns).tolist() == expected  # NaT included ('NaTZ'), times before 1970 floored to the second
    assert iso_seconds(np.array([1_625_652_000 * 10**9]))[0] == "2021-07-07T10:00:00Z"


@pytest.mark.parametrize("seed", range(5))
def test_interval_search_finds_the_interval_the_ranked_search_finds(seed):
    import pandas as pd

    from reconcile.timeline.kind_rows import interval_at

    rng = np.random.default_rng(seed)
    starts = {i: np.sort(rng.choice(50, int(rng.integers(1, 6)), replace=False)) for i in range(0, 12, 2)}
    items = np.concatenate([np.full(len(v), i) for i, v in starts.items()])
    tl = pd.DataFrame({"_item": items, "t0": np.concatenate(list(starts.values())) * 10**9,
                       "row_tl": np.arange(len(items))})
    q_item = rng.choice(list(starts), 200)
    q_t = rng.integers(-5, 60, 200) * 10**9
    expected = [int(np.flatnonzero(items == i)[max(int((starts[i] * 10**9 <= t).sum()) - 1, 0)])
                for i, t in zip(q_item, q_t)]
    assert interval_at(q_item, q_t, tl).tolist() == expected  # sorted timeline: the compiled search
    shuffled = tl.sample(frac=1, random_state=seed).reset_index(drop=True)  # another order: the ranked search
    assert interval_at(q_item, q_t, shuffled).tolist() == expected


@pytest.mark.parametrize("unit,zone", [("ns", "UTC"), ("us", "UTC"), ("s", "America/New_York"), ("ms", "Asia/Kolkata")])
def test_timeline_csv_times_read_as_every_tables_times(unit, zone):
    """timeline.csv formats its times in Arrow: the same text as the other tables' (the wall clock in the
    column's zone, floored to the second; NaT: empty), whatever the column's unit."""
    import pandas as pd

    from reconcile.outputs.tables import _arrow_iso_seconds, _iso_seconds

    rng = np.random.default_rng(7)
    seconds = rng.integers(-6 * 10**9, 9 * 10**9, 500)  # 1780 to 2255
    stamps = pd.Series(pd.to_datetime(seconds * 10**9 + rng.integers(0, 10**9, 500), utc=True))
    stamps = stamps.dt.as_unit(unit).dt.tz_convert(zone)
    stamps.iloc[[3, 10]] = pd.NaT
    text = _arrow_iso_seconds(stamps).tolist()
    assert text == _iso_seconds(stamps).tolist()
    assert text[3] == "" and text[0].endswith("Z") and len(text[0]) == 20


@pytest.mark.parametrize("seed", range(6))
def test_self_corrections_are_the_earliest_later_overlapping_claim_of_another_value(seed):
    """evidence.superseded against the definition, claim by claim: the correcting claim is the earliest
    later-published claim of the same source and item with another value whose valid time overlaps (within the
    claim's tolerance; ties: the lower row); claims without a publication time neither correct nor are corrected."""
    import pandas as pd

    from reconcile.timeline.evidence import superseded

    rng = np.random.default_rng(seed)
    n = 300
    hour = 3_600 * 10**9
    item, src, cand = rng.integers(0, 6, n), rng.integers(0, 4, n), rng.integers(0, 3, n)
    start = rng.integers(0, 40, n) * hour // 2
    end = start + rng.integers(0, 3, n) * hour
    pub_ns = rng.integers(0, 12, n) * hour
    published = pd.Series(pd.to_datetime(pub_ns, utc=True))
    published.iloc[rng.integers(0, n, 30)] = pd.NaT
    tol = rng.integers(1, 3, n) * float(hour)
    has = published.notna().to_numpy()
    expected = np.full(n, -1)
    for r in range(n):
        later = [q for q in range(n) if has[r] and has[q] and item[q] == item[r] and src[q] == src[r]
                 and cand[q] != cand[r] and pub_ns[q] > pub_ns[r]
                 and max(start[r], start[q]) - min(end[r], end[q]) <= tol[r]]
        if later:
            expected[r] = min(later, key=lambda q: (pub_ns[q], q))
    out, by = superseded(item, src, cand, start, end, published, tol)
    assert (expected >= 0).sum() > 5  # the random claims do correct each other
    assert by.tolist() == expected.tolist()
    assert out.tolist() == (expected >= 0).tolist()
