"""Strict time parsing (reconcile.feed.times): the Arrow fast path and pandas' general path agree, whatever the
column's storage (Arrow strings as read from CSV, Categoricals, plain objects)."""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


EDGES = [c[0] for c in CASES] + [
    "1677-12-31T23:59:59Z", "1678-01-01T00:00:00Z", "2261-12-31", "2262-01-01", "0000-01-01", "9999-12-31T00:00:00Z",
    "2100-02-29", "2000-02-29T00:00:00Z", "2024-01-01T10:00:00z", "2024-01-01t10:00:00Z", "2024-01-01T10:00:00Z\n",
    "+2024-01-01", "٢٠٢٤-01-01", "2024-1-01", "2024-01-01T10:00Z", "2024-00-10", "2024-01-00", "2024-01-32",
    "2024-01-01T10:00:00+01", None]


def _both_paths(values: pd.Series, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """read_time_column with the by-position pass on every column, and with the general paths alone."""
    from reconcile.feed import times

    results = []
    for exact_from in (0, 10**12):
        monkeypatch.setattr(times, "EXACT_FROM", exact_from)
        outside, stamps, reasons = times.read_time_column(values, "t")
        results.append((outside.tolist(), stamps.tolist(), list(reasons)))
    return results


@pytest.mark.parametrize("storage", ["object", "category", "arrow"])
def test_the_by_position_pass_reads_the_common_shapes_as_the_general_paths_do(storage, monkeypatch):
    values = pd.Series(EDGES, dtype=pd.StringDtype("pyarrow", na_value=np.nan) if storage == "arrow" else storage)
    by_position, general = _both_paths(values, monkeypatch)
    assert by_position == general
    outside, stamps, reasons = by_position
    assert outside[EDGES.index("1677-12-31T23:59:59Z")] and outside[EDGES.index("2262-01-01")]
    assert stamps[EDGES.index("2100-02-29")] is pd.NaT and reasons[EDGES.index("2100-02-29")] == UNREADABLE
    assert stamps[EDGES.index("2000-02-29T00:00:00Z")] == pd.Timestamp("2000-02-29T00:00:00Z")


@given(st.lists(st.builds(
    lambda y, mo, d, h, mi, s, shape, junk: (
        [f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z", f"{y:04d}-{mo:02d}-{d:02d}",
         f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}", f" {y:04d}-{mo:02d}-{d:02d}"][shape] + junk),
    st.sampled_from([0, 1, 1677, 1678, 1970, 2024, 2100, 2261, 2262, 9999]), st.integers(0, 13), st.integers(0, 32),
    st.integers(0, 25), st.integers(0, 61), st.integers(0, 61), st.integers(0, 3),
    st.sampled_from(["", "", "", "Z", " ", "+01:00", ".5"])), min_size=1, max_size=60))
@settings(max_examples=60, deadline=None)
def test_the_by_position_pass_agrees_with_the_general_paths_on_generated_times(texts):
    with pytest.MonkeyPatch.context() as monkeypatch:
        values = pd.Series(texts, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        by_position, general = _both_paths(values, monkeypatch)
    assert by_position == general


def test_a_two_digit_offset_next_to_a_time_without_zone_is_rejected_not_a_crash(tmp_path):
    """pandas raised "Mixed timezones" on these two together and the run stopped with an internal error."""
    from reconcile.feed.validate import validate
    from reconcile.rules.model import Rules

    path = tmp_path / "feed.csv"
    path.write_text("source,subject,attribute,value,published_at\na,s,x,1,2021-07-07T10:00:00+01\n"
                    "b,s,x,1,2021-07-07T10:00:00\nc,s,x,2,2021-07-07T10:00:00Z\n")
    table = validate([read_table(path)], Rules.model_validate({"version": 1}), None)
    assert table.counts["rows_rejected"] == 2 and table.counts["rows_accepted"] == 1
    assert list(table.rejects["reason"]) == ["`published_at`: date-time without a time zone (add Z or +HH:MM; "
                                             "zones are never guessed)"] * 2
