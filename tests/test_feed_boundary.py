"""The feed boundary: everything that used to crash a run is a located error or a counted rejection."""
from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine_helpers import cli, write_rules
from reconcile.errors import FeedError, UsageError
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules

HEADER = "source,subject,attribute,value,published_at\n"
GOOD = ["a,x,control,A,2021-07-01T10:00:00Z\n", "b,x,control,A,2021-07-01T11:00:00Z\n",
        "c,y,control,B,2021-07-01T12:00:00Z\n"]


@pytest.fixture
def rules(tmp_path):
    return write_rules(tmp_path / "rules.yaml", "version: 1\n")


def run(tmp_path, feed, rules, *extra):
    out = tmp_path / "out"
    code, _, err = cli("run", feed, "--rules", rules, "--out", out, *extra)
    assert "Traceback" not in err
    run_json = json.loads((out / "run.json").read_text()) if code == 0 else {}
    rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False) if code == 0 else None
    if code == 0:
        c = run_json["counts"]
        assert c["rows_read"] == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"]
    return code, err, run_json, rejects


def claims(tmp_path) -> pd.DataFrame:
    return pd.read_parquet(tmp_path / "out" / "claims.parquet")


@pytest.mark.parametrize("header, message", [
    ("source,subject,attribute,value,value\n", "columns 4 and 5 have the same name `value`"),
    ("source,subject,attribute,value, value \n", "the same after trimming spaces name `value`"),
])
def test_duplicate_column_names_are_a_located_error(tmp_path, rules, header, message):
    (tmp_path / "f.csv").write_text(header + "a,x,c,A,B\n")
    code, err, _, _ = run(tmp_path, tmp_path / "f.csv", rules)
    assert code == 4 and f"{tmp_path / 'f.csv'}:1: " in err and message in err


def test_ragged_rows_and_undecodable_bytes_go_to_rejects_and_the_run_goes_on(tmp_path, rules):
    body = (HEADER + GOOD[0] + "d,x,control,A,2021-07-01T10:00:00Z,extra\n" + GOOD[1]
            + "e,x,control,A\n").encode() + b"f,x,control,\xff\xfe,2021-07-01T10:00:00Z\n" + GOOD[2].encode()
    (tmp_path / "f.csv").write_bytes(body)
    code, err, run_json, rejects = run(tmp_path, tmp_path / "f.csv", rules)
    assert code == 0, err
    got = rejects[["row", "reason"]].values.tolist()
    assert got == [["2", "line 3: expected 5 fields (as in the header), found 6"],
                   ["4", "line 5: expected 5 fields (as in the header), found 4"],
                   ["5", "line 6: not UTF-8 text"]]
    assert rejects["value"].tolist()[0] == "d,x,control,A,2021-07-01T10:00:00Z,extra"
    assert rejects["value"].tolist()[2] == "f,x,control,\\xff\\xfe,2021-07-01T10:00:00Z"
    assert run_json["counts"]["rows_read"] == 6 and run_json["counts"]["rows_rejected"] == 3


def test_malformed_json_lines_are_rejected_with_their_line(tmp_path, rules):
    deep = '{"source": "s", "subject": "x", "attribute": "c", "value": ' + "[" * 5000 + "]" * 5000 + "}"
    lines = ['{"source": "a", "subject": "x", "attribute": "c", "value": "A"}',
             '{"source": "b", "subject": "x"',  # truncated
             '', '["not", "an", "object"]',
             '{"source": "c", "subject": "x", "attribute": "c", "value": "\\ud800"}',  # lone surrogate
             deep,
             '{"source": "d", "subject": "x", "attribute": "c", "value": ' + "9" * 5000 + "}",
             '{"source": "e", "subject": "x", "attribute": "c", "value": 1.10, "source ": "f"}']
    (tmp_path / "f.jsonl").write_text("\n".join(lines) + "\n")
    code, err, run_json, rejects = run(tmp_path, tmp_path / "f.jsonl", rules)
    assert code == 0, err
    reasons = dict(zip(rejects["row"].astype(int), rejects["reason"]))
    assert reasons[2].startswith("line 2: not valid JSON at column 31")
    assert reasons[4] == "line 4: expected a JSON object per line, got list"
    assert "lone surrogate" in reasons[5]
    assert "nested deeper than" in reasons[6]
    assert "twice" in reasons[8]
    assert set(reasons) == {2, 4, 5, 6, 8}
    values = dict(zip(claims(tmp_path)["source"], claims(tmp_path)["value"]))
    assert values == {"a": "A", "d": "9" * 5000}  # a huge integer is kept as written, digit for digit


def test_bom_is_dropped_and_values_stay_text(tmp_path, rules):
    for name, sep in (("f.csv", ","), ("f.tsv", "\t")):
        text = ("\ufeff" + sep.join(["subject", "source", "attribute", "value", "published_at"]) + "\n"
                + sep.join(["0023606924", "a", "isbn", "null", "2021-07-01T10:00:00Z"]) + "\n"
                + sep.join(["007", "b", "isbn", "#N/A", "2021-07-01T10:00:00Z"]) + "\n")
        (tmp_path / name).write_text(text, encoding="utf-8")
        code, err, _, _ = run(tmp_path, tmp_path / name, rules)
        assert code == 0, err
        c = claims(tmp_path)
        assert sorted(c["subject"]) == ["0023606924", "007"]
        assert sorted(c["value"]) == ["#N/A", "null"]
    (tmp_path / "f.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"source": "a", "subject": "007", "attribute": "c", "value": "null"}).encode() + b"\n")
    code, err, _, _ = run(tmp_path, tmp_path / "f.jsonl", rules)
    assert code == 0, err
    assert claims(tmp_path)[["subject", "value"]].values.tolist() == [["007", "null"]]


@pytest.mark.parametrize("content", [b"", b"\x1f\x8b\x08\x00garbage", "cut"])
def test_truncated_or_corrupt_gzip_is_a_clear_error(tmp_path, rules, content):
    if content == "cut":
        content = gzip.compress((HEADER + "".join(GOOD) * 200).encode())[:-40]
    (tmp_path / "f.csv.gz").write_bytes(content)
    code, err, _, _ = run(tmp_path, tmp_path / "f.csv.gz", rules)
    assert code == 4 and err.startswith(f"reconcile run: error: {tmp_path / 'f.csv.gz'}")


def test_oversized_cell_rejects_its_row_only(tmp_path, rules):
    big = "x" * (16 * 1024 * 1024 + 10)
    (tmp_path / "f.csv").write_text(HEADER + GOOD[0] + f"z,x,control,{big},2021-07-01T10:00:00Z\n" + GOOD[1])
    code, err, run_json, rejects = run(tmp_path, tmp_path / "f.csv", rules)
    assert code == 0, err
    assert rejects["reason"].tolist() == ["line 3: a cell is longer than 16,777,216 characters"]
    assert len(rejects["value"].iloc[0]) <= 200
    assert run_json["counts"]["rows_accepted"] == 2


@pytest.mark.parametrize("stamp", ["1600-01-01", "9999-12-31T00:00:00Z", "0000-01-01", "-0001-01-01T00:00:00Z"])
def test_dates_outside_the_supported_years_are_rejected_not_crashing(tmp_path, rules, stamp):
    (tmp_path / "f.csv").write_text(HEADER + GOOD[0] + f"z,x,control,B,{stamp}\n")
    code, err, _, rejects = run(tmp_path, tmp_path / "f.csv", rules)
    assert code == 0, err
    assert rejects[["row", "reason"]].values.tolist() == [
        ["2", "`published_at`: the year is outside the supported range 1678-2261"]]


@pytest.mark.parametrize("as_of, message", [("", "--as-of is empty"), ("1600-01-01", "outside the supported"),
                                            ("  ", "--as-of is empty")])
def test_bad_as_of_is_a_usage_error(tmp_path, rules, as_of, message):
    (tmp_path / "f.csv").write_text(HEADER + "".join(GOOD))
    code, err, _, _ = run(tmp_path, tmp_path / "f.csv", rules, "--as-of", as_of)
    assert code == 2 and message in err


def test_parquet_nested_binary_and_out_of_range_columns(tmp_path, rules):
    table = pa.table({
        "source": ["a", "b", "c"], "subject": ["x", "x", "x"], "attribute": ["c"] * 3,
        "value": pa.array([b"A", b"\xff", b"A"], pa.binary()),
        "tags": pa.array([[1, 2], [], None], pa.list_(pa.int64())),
        "meta": pa.array([{"k": "v"}, {"k": None}, None], pa.struct([("k", pa.string())])),
        "published_at": pa.array([0, 10**6, -(10**10)], pa.timestamp("s", tz="UTC")),
    })
    pq.write_table(table, tmp_path / "f.parquet")
    code, err, run_json, rejects = run(tmp_path, tmp_path / "f.parquet", rules)
    assert code == 0, err
    assert rejects[["row", "reason"]].values.tolist() == [
        ["2", "row 2: `value`: not UTF-8 text"],
        ["3", "`published_at`: the year is outside the supported range 1678-2261"]]
    c = claims(tmp_path)
    assert c[["source", "value", "tags", "meta"]].values.tolist() == [["a", "A", "[1, 2]", '{"k": "v"}']]


def test_parquet_duplicate_columns_are_a_located_error(tmp_path, rules):
    pq.write_table(pa.Table.from_arrays([pa.array(["a"])] * 5, names=["source", "subject", "attribute", "value",
                                                                       "source"]), tmp_path / "f.parquet")
    code, err, _, _ = run(tmp_path, tmp_path / "f.parquet", rules)
    assert code == 4 and "columns 1 and 5 have the same name `source`" in err


def test_nothing_readable_is_refused_with_the_reasons(tmp_path, rules):
    (tmp_path / "f.jsonl").write_text("not json\n{broken\n")
    code, err, _, _ = run(tmp_path, tmp_path / "f.jsonl", rules)
    assert code == 4 and "no record could be read (2 bad): line 1: not valid JSON" in err


def frame(**extra) -> pd.DataFrame:
    data = {"source": ["s1", "s2", "s3"], "subject": ["x"] * 3, "attribute": ["a"] * 3, "value": ["A", "A", "B"]}
    data.update(extra)
    return pd.DataFrame(data)


def test_api_duplicate_and_non_string_column_names():
    df = frame()
    df.columns = ["source", "subject", "attribute", "source"]
    with pytest.raises(FeedError, match="columns 1 and 4 have the same name `source`"):
        reconcile_frame(df, Rules.model_validate({"version": 1}))
    df = frame()
    df[7] = ["p", "q", "r"]
    result = reconcile_frame(df, Rules.model_validate({"version": 1}))
    assert result.claims["7"].tolist() == ["p", "q", "r"]


def test_api_bytes_cells_are_decoded_or_rejected():
    df = frame(value=[b"A", "A", b"\xff"])
    result = reconcile_frame(df, Rules.model_validate({"version": 1}))
    assert result.counts["rows_rejected"] == 1
    assert result.rejects["reason"].tolist() == ["row 3: `value`: not UTF-8 text"]
    assert result.verdicts["value"].tolist() == ["A"]


@pytest.mark.parametrize("as_of, error", [("", "is empty"), (pd.Timestamp("2021-07-01"), "no time zone"),
                                          (pd.NaT, "NaT"), (3, "must be an ISO 8601")])
def test_api_bad_as_of_is_a_usage_error(as_of, error):
    with pytest.raises(UsageError, match=error):
        reconcile_frame(frame(), Rules.model_validate({"version": 1}), as_of=as_of)


def test_api_aware_timestamp_as_of_works():
    df = frame(published_at=["2021-07-01T00:00:00Z", "2021-07-03T00:00:00Z", "2021-07-01T00:00:00Z"])
    result = reconcile_frame(df, Rules.model_validate({"version": 1}), as_of=pd.Timestamp("2021-07-02", tz="UTC"))
    assert result.counts["rows_excluded"] == 1


def test_api_numbers_and_missing_cells():
    df = frame(value=[1, 1, np.nan])
    result = reconcile_frame(df, Rules.model_validate({"version": 1}))
    assert result.counts["rows_rejected"] == 1 and result.verdicts["value"].tolist() == ["1.0"]


def test_trailing_nul_characters_are_kept(tmp_path, rules):
    """Found by bench/fuzz.py: numpy fixed-width strings dropped a trailing NUL from values."""
    (tmp_path / "f.jsonl").write_text(json.dumps({"source": "a\x00", "subject": "x", "attribute": "c",
                                                  "value": "0\x00"}) + "\n")
    code, err, _, _ = run(tmp_path, tmp_path / "f.jsonl", rules)
    assert code == 0, err
    assert claims(tmp_path)[["source", "value"]].values.tolist() == [["a\x00", "0\x00"]]
