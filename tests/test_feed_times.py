"""Strict time parsing (reconcile.feed.times): the Arrow fast path and pandas' general path agree, whatever the
column's storage (Arrow strings as read from CSV, Categoricals, plain objects)."""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from reconcile.feed.read import read_table
from reconcile.feed.times import parse_utc

NAIVE = "`t`: date-time without a time zone (add Z or +HH:MM; zones are never guessed)"
UNREADABLE = "`t`: cannot read as an ISO 8601 date-time (e.g. 2021-07-07T10:00:00Z)"
CASES = [  # text, expected UTC time or None, expected reason
    ("2024-01-01T00:01:18Z", "2024-01-01T00:01:18Z", ""),
    (" 2024-01-01T00:01:18Z ", "2024-01-01T00:01:18Z", ""),
    ("2024-02-29T10:00:00Z", "2024-02-29T10:00:00Z", ""),
    ("2024-12-31T23:59:59Z", "2024-12-31T23:59:59Z", ""),
    ("2024-01-01", "2024-01-01T00:00:00Z", ""),  # a bare date is midnight UTC
    ("2024-01-01T10:00:00+05:30", "2024-01-01T04:30:00Z", ""),
    ("2024-01-01T10:00:00.250Z", "2024-01-01T10:00:00.250Z", ""),
    ("2024-01-01 10:00:00Z", "2024-01-01T10:00:00Z", ""),
    ("", None, ""),
    ("2024-02-30T00:00:00Z", None, UNREADABLE),  # no such day (Arrow alone would roll it over to March 1)
    ("2023-02-29", None, UNREADABLE),
    ("2024-04-31T00:00:00Z", None, UNREADABLE),
    ("2024-01-01T23:59:60Z", None, UNREADABLE),
    ("2024-01-01T24:00:00Z", None, UNREADABLE),
    ("2024-13-01", None, UNREADABLE),
    ("yesterday", None, UNREADABLE),
    ("2024-01-01T10:00:00", None, NAIVE),  # never guessed
    ("2024-01-01 10:00:00", None, NAIVE),
]


@pytest.mark.parametrize("storage", ["object", "category", "arrow"])
def test_times_are_parsed_strictly_in_every_storage(storage):
    text = [c[0] for c in CASES]
    if storage == "arrow":
        values = pd.Series(pd.array(text, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))
    else:
        values = pd.Series(text, dtype=storage)
    stamps, reasons = parse_utc(values, "t")
    assert str(stamps.dtype) == "datetime64[ns, UTC]"
    for (raw, want, why), got, reason in zip(CASES, stamps, reasons):
        assert reason == why, raw
        assert (pd.isna(got) if want is None else got == pd.Timestamp(want)), raw


def test_a_csv_feed_with_time_columns_reads_and_rejects_bad_times(tmp_path):
    from reconcile.feed.validate import validate
    from reconcile.rules.model import Rules

    path = tmp_path / "feed.csv.gz"
    rows = ["source,subject,attribute,value,published_at,valid_at"]
    rows += [f"s{i % 3},c{i},control,v{i % 2},2024-01-{1 + i % 28:02d}T10:00:00Z,2024-01-{1 + i % 28:02d}" for i in range(50)]
    rows += ["s1,c1,control,v1,2024-02-30T10:00:00Z,", "s1,c2,control,v1,2024-01-03T10:00:00,"]
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(rows) + "\n")
    frame = read_table(path)
    table = validate([frame], Rules.model_validate({"version": 1}), None)
    assert table.counts["rows_rejected"] == 2
    assert sorted(table.rejects["row"]) == [51, 52]
    assert set(table.rejects["column"]) == {"published_at"}
    claims = table.claims.set_index(table.claims["subject"].astype(str))  # accepted claims are sorted by content
    assert claims.loc["c0", "valid_from"] == pd.Timestamp("2024-01-01T00:00:00Z")
    assert claims.loc["c1", "published_at"] == pd.Timestamp("2024-01-02T10:00:00Z")
