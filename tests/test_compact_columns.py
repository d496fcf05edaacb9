"""Validated claims held compactly (reconcile/compact_columns.py): equal time columns share one array; the values a
reader gets are the same, and writing into one column copies it first (the others keep their values)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.compact_columns import share_equal_times


def _claims() -> pd.DataFrame:
    t = pd.to_datetime(["2021-07-01T00:00:00Z", None, "2021-07-03T10:00:00Z"], utc=True)
    return pd.DataFrame({"published_at": t, "valid_from": t.copy(), "valid_to": t.copy(), "weight": [1.0, 1.0, 1.0]})


def test_equal_time_columns_share_one_array_and_keep_their_values():
    before = _claims()
    claims = share_equal_times(_claims())
    pd.testing.assert_frame_equal(claims, before)
    pub = claims["published_at"].array.asi8
    assert np.shares_memory(claims["valid_to"].array.asi8, pub)
    assert np.shares_memory(claims["valid_from"].array.asi8, pub)
    claims.loc[0, "valid_to"] = pd.Timestamp("2021-07-02T00:00:00Z")  # copy-on-write: only valid_to changes
    assert claims["published_at"].iloc[0] == claims["valid_from"].iloc[0] == pd.Timestamp("2021-07-01T00:00:00Z")
    assert claims["valid_to"].iloc[0] == pd.Timestamp("2021-07-02T00:00:00Z")


def test_a_time_column_that_differs_in_one_row_keeps_its_own_array():
    claims = _claims()
    claims.loc[2, "valid_to"] = pd.Timestamp("2021-07-04T00:00:00Z")
    claims = share_equal_times(claims)
    assert not np.shares_memory(claims["valid_to"].array.asi8, claims["published_at"].array.asi8)
    assert claims["valid_to"].iloc[2] == pd.Timestamp("2021-07-04T00:00:00Z")


def test_value_numbers_go_only_when_no_value_reads_as_a_number():
    from reconcile.compact_columns import without_empty_numbers

    claims = _claims().assign(value_num=np.nan)
    assert "value_num" not in without_empty_numbers(claims)
    claims.loc[1, "value_num"] = 250.0
    assert without_empty_numbers(claims)["value_num"].iloc[1] == 250.0
