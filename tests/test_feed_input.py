"""Feed input: formats, mapping, unusable feeds (exit 4), rejected rows, duplicates, --as-of and recency."""
from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine_helpers import FEED_COLUMNS, cli, write_csv, write_rules
from reconcile.errors import FeedError
from reconcile.feed.read import read_table
from reconcile.pipeline import load_feeds, reconcile_frame
from reconcile.rules import load_rules
from reconcile.rules.model import Rules

ROWS = [
    ["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z"],
    ["AFP", "Kunduz", "control", "Taliban", "2021-07-01T11:00:00+01:00"],
    ["TOLOnews", "Kunduz", "control", "government", "2021-07-01T12:00:00Z"],
    ["AP", "Herat", "control", "government", "2021-07-01"],
    ["Pajhwok", "Herat", "control", "government", "2021-07-01T09:30:00Z"],
    ["Khaama", "Herat", "control", "taliban", "2021-07-01T09:40:00Z"],
    ["Reuters", "Herat", "escaped", "1,200", "2021-07-01T09:45:00Z"],
    ["AFP", "Herat", "escaped", "1180", "2021-07-01T09:50:00Z"],
]
RULES = """
version: 1
attributes:
  escaped: {kind: numeric, equivalence: {relative: 0.05}}
"""


@pytest.fixture
def rules(tmp_path):
    return write_rules(tmp_path / "rules.yaml", RULES)


def run(tmp_path, *feeds, rules, out="out", extra=()) -> tuple[int, str, dict]:
    code, _, err = cli("run", *feeds, "--rules", rules, "--out", tmp_path / out, *extra)
    run_json = json.loads((tmp_path / out / "run.json").read_text()) if code == 0 else {}
    return code, err, run_json


def read_out(tmp_path, name, out="out") -> pd.DataFrame:
    return pd.read_csv(tmp_path / out / name, dtype=str, keep_default_na=False)


def test_csv_gz_jsonl_parquet_give_the_same_verdicts(tmp_path, rules):
    csv_path = write_csv(tmp_path / "feed.csv", ROWS)
    with open(csv_path, "rb") as src, gzip.open(tmp_path / "feed.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    with open(tmp_path / "feed.jsonl", "w", encoding="utf-8") as fh:
        for row in ROWS:
            fh.write(json.dumps(dict(zip(FEED_COLUMNS, row))) + "\n")
    pq.write_table(pa.table({c: [r[i] for r in ROWS] for i, c in enumerate(FEED_COLUMNS)}), tmp_path / "feed.parquet")
    verdicts = {}
    for name in ("feed.csv", "feed.csv.gz", "feed.jsonl", "feed.parquet"):
        code, err, run_json = run(tmp_path, tmp_path / name, rules=rules, out=name + ".out")
        assert code == 0, err
        assert run_json["counts"]["rows_read"] == len(ROWS)
        verdicts[name] = (tmp_path / (name + ".out") / "verdicts.csv").read_bytes()
    assert len(set(verdicts.values())) == 1
    v = read_out(tmp_path, "verdicts.csv", "feed.parquet.out")
    assert v[["subject", "attribute", "value"]].values.tolist() == [
        ["Herat", "control", "government"], ["Herat", "escaped", "1,200"], ["Kunduz", "control", "Taliban"]]


def test_parquet_timestamp_columns_are_used_as_times(tmp_path, rules):
    stamps = pd.to_datetime(["2021-07-01T10:00:00Z", "2021-07-02T10:00:00Z"], utc=True)
    pq.write_table(pa.table({"source": ["a", "b"], "subject": ["x", "x"], "attribute": ["control"] * 2,
                             "value": ["A", "A"], "published_at": pa.array(stamps)}), tmp_path / "f.parquet")
    code, err, run_json = run(tmp_path, tmp_path / "f.parquet", rules=rules)
    assert code == 0, err
    assert run_json["as_of"] == "2021-07-02T10:00:00Z"


def test_parquet_naive_timestamps_are_rejected(tmp_path, rules):
    stamps = pd.to_datetime(["2021-07-01T10:00:00", "2021-07-02T10:00:00"])
    pq.write_table(pa.table({"source": ["a", "b"], "subject": ["x", "x"], "attribute": ["control"] * 2,
                             "value": ["A", "A"], "published_at": pa.array(stamps)}), tmp_path / "f.parquet")
    code, err, _ = run(tmp_path, tmp_path / "f.parquet", rules=rules)
    assert code == 4  # every row rejected: nothing to reconcile
    assert "no claim was accepted" in err


def test_every_row_rejected_exits_4_and_says_why(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "control", "A", "yesterday"],
                                          ["b", "x", "control", "B", "last week"]])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 4
    assert err == ("reconcile run: error: no claim was accepted: nothing to reconcile (2 rows read: 2 rejected, "
                   "0 excluded; most common reasons: `published_at`: cannot read as an ISO 8601 date-time "
                   f"(e.g. 2021-07-07T10:00:00Z) (2); first at {feed} row 1)\n")


def test_several_feed_files_are_read_as_one_feed(tmp_path, rules):
    one = write_csv(tmp_path / "one.csv", ROWS)
    a = write_csv(tmp_path / "a.csv", ROWS[:3])
    with open(tmp_path / "b.jsonl", "w") as fh:
        for row in ROWS[3:]:
            fh.write(json.dumps(dict(zip(FEED_COLUMNS, row))) + "\n")
    code, err, single = run(tmp_path, one, rules=rules, out="single")
    assert code == 0, err
    code, err, split = run(tmp_path, a, tmp_path / "b.jsonl", rules=rules, out="split")
    assert code == 0, err
    assert (tmp_path / "single" / "verdicts.csv").read_bytes() == (tmp_path / "split" / "verdicts.csv").read_bytes()
    assert [i["path"] for i in split["inputs"]] == [str(a), str(tmp_path / "b.jsonl")]
    assert split["counts"]["rows_read"] == len(ROWS)


def test_column_mapping_and_constants(tmp_path):
    feed = write_csv(tmp_path / "books.csv", [["store1", "isbn1", "Knuth, Donald", "3"],
                                              ["store2", "isbn1", "Donald Knuth", "1"],
                                              ["store3", "isbn1", "Graham, Ronald", "1"]],
                     columns=["source", "object", "value", "n_listings"])
    rules = write_rules(tmp_path / "r.yaml", """
        version: 1
        columns: {subject: object}
        constants: {attribute: authors}
        attributes:
          authors: {kind: text, equivalence: {match: person_names}}
        """)
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    v = read_out(tmp_path, "verdicts.csv")
    assert v[["subject", "attribute", "n_claims", "supporting_sources"]].values.tolist() == [
        ["isbn1", "authors", "3", "store1;store2"]]
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet")
    assert "n_listings" in claims.columns  # other columns are kept as metadata


def test_constant_does_not_override_a_column_the_feed_has(tmp_path):
    rules = Rules.model_validate({"version": 1, "constants": {"attribute": "colour"}})
    df = pd.DataFrame({"source": ["a"], "subject": ["x"], "attribute": ["size"], "value": ["big"]})
    assert reconcile_frame(df, rules).verdicts["attribute"].tolist() == ["size"]


def test_missing_required_column_names_it_and_the_columns_found(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "v"]], columns=["source", "object", "value"])
    loaded = load_rules(rules).rules
    with pytest.raises(FeedError) as info:
        load_feeds([feed], loaded)
    msg = info.value.message
    assert "missing required columns `subject`, `attribute`" in msg
    assert "columns found: source, object, value" in msg
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o")
    assert code == 4
    assert err.startswith(f"reconcile run: error: {feed}: missing required columns `subject`, `attribute`")


def test_mapped_column_missing_is_named(tmp_path):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "c", "v"]], columns=["source", "subject", "attribute", "value"])
    rules = write_rules(tmp_path / "r.yaml", "version: 1\ncolumns: {subject: object}\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o")
    assert code == 4
    assert "column `object` (mapped to `subject` by the rules' columns:) is missing" in err
    assert "columns found: source, subject, attribute, value" in err


@pytest.mark.parametrize("name, content, message", [
    ("header.csv", b"source,subject,attribute,value\n", "the feed has no rows"),
    ("zero.csv", b"", "the feed is empty"),
    ("bad.csv.gz", b"this is not gzip", "cannot read"),
    ("bad.parquet", b"this is not parquet", "not a readable Parquet file"),
    ("bad.jsonl", b'{"source": "a"\n', "no record could be read (1 bad): line 1: not valid JSON at column 15"),
    ("latin1_header.csv", "s\xf6urce,subject,attribute,value\nS,x,a,v\n".encode("latin-1"), "not UTF-8 text"),
    ("feed.xlsx", b"PK\x03\x04", "unknown feed format .xlsx"),
])
def test_unusable_feed_exits_4_with_a_clear_message(tmp_path, rules, name, content, message):
    (tmp_path / name).write_bytes(content)
    code, out, err = cli("run", tmp_path / name, "--rules", rules, "--out", tmp_path / "o")
    assert code == 4
    assert err.startswith(f"reconcile run: error: {tmp_path / name}")
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "run.json").exists()


def test_missing_feed_file_and_folder(tmp_path, rules):
    code, _, err = cli("run", tmp_path / "nope.csv", "--rules", rules, "--out", tmp_path / "o")
    assert code == 4 and "nope.csv: no such file" in err
    code, _, err = cli("run", tmp_path, "--rules", rules, "--out", tmp_path / "o")
    assert code == 4 and "is a folder" in err


BAD_ROWS = [
    ["good1", "x", "control", "A", "2021-07-01T10:00:00Z", "", "", ""],
    ["good2", "x", "control", "A", "2021-07-01T10:00:00Z", "2021-06-01", "2021-06-30", "0.5"],
    ["s", "x", "control", "", "2021-07-01T10:00:00Z", "", "", ""],  # 3: empty value
    ["s", "x", "control", "B", "yesterday", "", "", ""],  # 4: unparseable published_at
    ["s", "x", "control", "B", "2021-07-01T10:00:00", "", "", ""],  # 5: no time zone
    ["s", "x", "control", "B", "2021-07-01T10:00:00Z", "2021-07-02T00:00:00Z", "2021-07-01T00:00:00Z", ""],  # 6
    ["s", "x", "control", "B", "2021-07-01T10:00:00Z", "", "", "1.5"],  # 7: weight out of range
    ["s", "x", "control", "B", "2021-07-01T10:00:00Z", "", "", "0"],  # 8: weight 0
    ["", "x", "control", "B", "2021-07-01T10:00:00Z", "", "", ""],  # 9: empty source
    ["s", "x", "control", "B", "2021-07-01T10:00:00Z", "", "", "heavy"],  # 10: weight not a number
]
BAD_COLUMNS = FEED_COLUMNS + ["valid_from", "valid_to", "weight"]


def test_bad_rows_go_to_rejects_with_file_row_column_reason(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", BAD_ROWS, columns=BAD_COLUMNS)
    code, err, run_json = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    rejects = read_out(tmp_path, "rejects.csv")
    assert list(rejects.columns) == ["file", "row", "column", "value", "reason", "kind"]
    assert set(rejects["file"]) == {str(feed)} and set(rejects["kind"]) == {"error"}
    got = {int(r.row): (r.column, r.value, r.reason) for r in rejects.itertuples()}
    assert got == {
        3: ("value", "", "empty `value`"),
        4: ("published_at", "yesterday",
            "`published_at`: cannot read as an ISO 8601 date-time (e.g. 2021-07-07T10:00:00Z)"),
        5: ("published_at", "2021-07-01T10:00:00",
            "`published_at`: date-time without a time zone (add Z or +HH:MM; zones are never guessed)"),
        6: ("valid_to", "2021-07-01T00:00:00Z", "interval ends before it starts (valid_to < valid_from)"),
        7: ("weight", "1.5", "`weight` must be a number in (0, 1]"),
        8: ("weight", "0", "`weight` must be a number in (0, 1]"),
        9: ("source", "", "empty `source`"),
        10: ("weight", "heavy", "`weight` must be a number in (0, 1]"),
    }
    c = run_json["counts"]
    assert c["rows_read"] == 10
    assert (c["rows_accepted"], c["rows_rejected"], c["rows_excluded"]) == (2, 8, 0)
    assert c["rows_read"] == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"]
    v = read_out(tmp_path, "verdicts.csv")
    assert v[["value", "n_claims"]].values.tolist() == [["A", "2"]]


def test_rejected_row_numbers_count_data_rows_per_file(tmp_path, rules):
    a = write_csv(tmp_path / "a.csv", [["s1", "x", "control", "A", "2021-07-01T10:00:00Z"]] * 2)
    b = write_csv(tmp_path / "b.csv", [["s2", "x", "control", "A", "2021-07-01T10:00:00Z"],
                                       ["s3", "x", "control", "B", "nope"]])
    code, err, _ = run(tmp_path, a, b, rules=rules)
    assert code == 0, err
    rejects = read_out(tmp_path, "rejects.csv")
    assert rejects[["file", "row", "column"]].values.tolist() == [[str(b), "2", "published_at"]]


def test_identical_claims_count_once_and_keep_copies(tmp_path, rules):
    rows = [["a", "x", "control", "A", "2021-07-01T10:00:00Z"]] * 3 + [["b", "x", "control", "B",
                                                                         "2021-07-01T10:00:00Z"]]
    code, err, run_json = run(tmp_path, write_csv(tmp_path / "f.csv", rows), rules=rules)
    assert code == 0, err
    c = run_json["counts"]
    assert (c["rows_read"], c["rows_accepted"], c["duplicate_rows"], c["claims"]) == (4, 4, 2, 2)
    v = read_out(tmp_path, "verdicts.csv")
    assert v["n_claims"].tolist() == ["2"]
    assert v["status"].tolist() == ["tie"]  # three copies of one claim are one vote, not three
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet").set_index("source")
    assert claims.loc["a", "copies"] == 3 and claims.loc["b", "copies"] == 1
    assert "duplicate rows counted once: 2; distinct claims: 2" in (tmp_path / "out" / "report.md").read_text()


AS_OF_ROWS = [["a", "x", "control", "A", "2021-07-01T10:00:00Z"],
              ["b", "x", "control", "A", "2021-07-01T11:00:00Z"],
              ["c", "x", "control", "B", "2021-07-02T10:00:00Z"],
              ["d", "x", "control", "B", "2021-07-02T11:00:00Z"],
              ["e", "x", "control", "B", "2021-07-02T12:00:00Z"]]


def test_default_as_of_is_the_latest_publication_time(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    code, err, run_json = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    assert run_json["as_of"] == "2021-07-02T12:00:00Z"
    assert run_json["counts"]["rows_excluded"] == 0
    v = read_out(tmp_path, "verdicts.csv")
    assert v[["value", "n_claims", "as_of"]].values.tolist() == [["B", "5", "2021-07-02T12:00:00Z"]]
    assert "As of **2021-07-02T12:00:00Z**" in (tmp_path / "out" / "report.md").read_text()


def test_as_of_after_every_claim_excludes_nothing(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    code, err, run_json = run(tmp_path, feed, rules=rules, extra=("--as-of", "2021-07-03T01:00:00+02:00"))
    assert code == 0, err
    assert run_json["as_of"] == "2021-07-02T23:00:00Z"  # converted to UTC
    assert run_json["counts"]["rows_excluded"] == 0


def test_bad_as_of_is_a_usage_error(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o2", "--as-of", "2021-07-01T13:00:00")
    assert code == 2
    assert "--as-of '2021-07-01T13:00:00': date-time without a time zone" in err


def test_as_of_excludes_later_claims_with_a_reason(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    code, err, run_json = run(tmp_path, feed, rules=rules, extra=("--as-of", "2021-07-01T23:59:59Z"))
    assert code == 0, err
    assert run_json["as_of"] == "2021-07-01T23:59:59Z"
    c = run_json["counts"]
    assert (c["rows_read"], c["rows_accepted"], c["rows_rejected"], c["rows_excluded"]) == (5, 2, 0, 3)
    rejects = read_out(tmp_path, "rejects.csv")
    assert rejects[["row", "column", "reason", "kind"]].values.tolist() == [
        [str(i), "published_at", "published after --as-of", "excluded"] for i in (3, 4, 5)]
    v = read_out(tmp_path, "verdicts.csv")
    assert v[["value", "n_claims", "as_of"]].values.tolist() == [["A", "2", "2021-07-01T23:59:59Z"]]


def test_as_of_excludes_through_the_python_api():
    rules = Rules.model_validate({"version": 1})
    df = pd.DataFrame(AS_OF_ROWS, columns=FEED_COLUMNS)
    result = reconcile_frame(df, rules, as_of="2021-07-01T23:59:59Z")
    assert result.counts["rows_excluded"] == 3
    assert result.verdicts["value"].tolist() == ["A"]


def test_unknown_sources_drop_counts_them_as_excluded(tmp_path):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    rules = write_rules(tmp_path / "r.yaml", """
        version: 1
        defaults: {unknown_sources: drop}
        sources: {priors: {a: {reliability: 0.9}, c: {reliability: 0.9}}}
        """)
    code, err, run_json = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    assert run_json["counts"]["rows_excluded"] == 3
    assert set(read_out(tmp_path, "rejects.csv")["kind"]) == {"excluded"}


def test_unknown_sources_reject_puts_them_in_rejects(tmp_path):
    feed = write_csv(tmp_path / "f.csv", AS_OF_ROWS)
    rules = write_rules(tmp_path / "r.yaml", """
        version: 1
        defaults: {unknown_sources: reject}
        sources: {priors: {a: {reliability: 0.9}, C: {reliability: 0.9}}}
        """)
    code, err, run_json = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    assert run_json["counts"]["rows_rejected"] == 3
    rejects = read_out(tmp_path, "rejects.csv")
    assert rejects["value"].tolist() == ["b", "d", "e"]  # source names match case-insensitively: c == C
    assert set(rejects["reason"]) == {"source not in the rules (defaults.unknown_sources: reject)"}


def test_recency_half_life_makes_a_newer_claim_outweigh_an_older_one(tmp_path):
    rows = [["old", "x", "control", "A", "2021-07-01T00:00:00Z"],
            ["new", "x", "control", "B", "2021-07-03T00:00:00Z"]]
    feed = write_csv(tmp_path / "f.csv", rows)
    plain = write_rules(tmp_path / "plain.yaml", "version: 1\n")
    recent = write_rules(tmp_path / "recent.yaml", "version: 1\nattributes:\n  control: {half_life: 1d}\n")
    code, err, _ = run(tmp_path, feed, rules=plain, out="plain")
    assert code == 0, err
    assert read_out(tmp_path, "verdicts.csv", "plain")["status"].tolist() == ["tie"]
    code, err, _ = run(tmp_path, feed, rules=recent, out="recent")
    assert code == 0, err
    v = read_out(tmp_path, "verdicts.csv", "recent").iloc[0]
    assert (v["value"], v["runner_up"]) == ("B", "A") and v["status"] != "tie"
    claims = pd.read_parquet(tmp_path / "recent" / "claims.parquet").set_index("source")
    assert claims.loc["new", "recency"] == pytest.approx(1.0)
    assert claims.loc["old", "recency"] == pytest.approx(0.25)  # two half-lives old


def test_read_table_keeps_file_and_row(tmp_path):
    feed = write_csv(tmp_path / "f.csv", ROWS[:2])
    frame = read_table(feed)
    assert frame["_row"].tolist() == [1, 2]
    assert set(frame["_file"]) == {str(feed)}
    assert frame["value"].tolist() == ["taliban", "Taliban"]


# ---------------------------------------------------------------- bugs found (missing / null cells)

def test_all_empty_published_at_column_is_not_an_internal_error(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "control", "A", ""], ["b", "x", "control", "A", ""]])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 0, err


def test_all_empty_value_column_rejects_rows(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "control", "", "2021-07-01T10:00:00Z"]])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 4, err
    assert "no claim was accepted" in err


def test_null_value_in_parquet_is_rejected_not_counted_for_another_value(tmp_path, rules):
    pq.write_table(pa.table({"source": ["s1", "s2", "s3"], "subject": ["x"] * 3, "attribute": ["control"] * 3,
                             "value": ["A", None, "B"],
                             "published_at": ["2021-07-01T10:00:00Z"] * 3}), tmp_path / "f.parquet")
    code, err, run_json = run(tmp_path, tmp_path / "f.parquet", rules=rules)
    assert code == 0, err
    assert run_json["counts"]["rows_rejected"] == 1
    assert read_out(tmp_path, "verdicts.csv")["status"].tolist() == ["tie"]


def test_none_value_in_dataframe_is_rejected():
    df = pd.DataFrame({"source": ["s1", "s2", "s3"], "subject": "x", "attribute": "a", "value": ["A", None, "B"]})
    result = reconcile_frame(df, Rules.model_validate({"version": 1}))
    assert result.counts["rows_rejected"] == 1
    assert result.verdicts["supporting_sources"].tolist() == ["s1"]  # tie A/B, A wins; s2 supports nothing


def test_non_utf8_data_cell_is_a_feed_error(tmp_path, rules):
    (tmp_path / "latin1.csv").write_bytes("source,subject,attribute,value\nS\xe9n,x,a,v\n".encode("latin-1"))
    code, _, err = cli("run", tmp_path / "latin1.csv", "--rules", rules, "--out", tmp_path / "o")
    assert code == 4, err
    assert "not UTF-8" in err


def test_null_published_at_in_parquet_stays_empty(tmp_path, rules):
    pq.write_table(pa.table({"source": ["s1", "s2"], "subject": ["x"] * 2, "attribute": ["control"] * 2,
                             "value": ["A", "A"], "published_at": ["2021-07-01T10:00:00Z", None]}),
                   tmp_path / "f.parquet")
    code, err, _ = run(tmp_path, tmp_path / "f.parquet", rules=rules)
    assert code == 0, err
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet").set_index("source")
    assert pd.isna(claims.loc["s2", "published_at"])


def test_csv_cells_are_read_as_text(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "007", "gate", "01", "2021-07-01T10:00:00Z"],
                                          ["b", "7", "gate", "1", "2021-07-01T10:00:00Z"],
                                          ["c", "0023606924", "gate", "1.50", "2021-07-01T10:00:00Z"]])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    v = read_out(tmp_path, "verdicts.csv")
    assert sorted(v["subject"]) == ["0023606924", "007", "7"]
    assert sorted(v["value"]) == ["01", "1", "1.50"]


def test_empty_cell_in_numeric_value_column_is_rejected(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["s1", "x", "escaped", "100", "2021-07-01T10:00:00Z"],
                                          ["s2", "x", "escaped", "", "2021-07-01T10:00:00Z"],
                                          ["s3", "x", "escaped", "250", "2021-07-01T10:00:00Z"]])
    code, err, run_json = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    assert run_json["counts"]["rows_rejected"] == 1
    assert read_out(tmp_path, "rejects.csv")[["row", "reason"]].values.tolist() == [["2", "empty `value`"]]
    assert read_out(tmp_path, "verdicts.csv")["status"].tolist() == ["tie"]


def test_empty_valid_at_cell_stays_empty(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "control", "A", "2021-07-01T10:00:00Z", "2021-06-01"],
                                          ["b", "x", "control", "A", "2021-07-01T10:00:00Z", ""]],
                     columns=FEED_COLUMNS + ["valid_at"])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet").set_index("source")
    assert claims.loc["a", "valid_from"] == pd.Timestamp("2021-06-01", tz="UTC")
    assert pd.isna(claims.loc["b", "valid_from"]) and pd.isna(claims.loc["b", "valid_to"])


def test_valid_at_fills_valid_from_and_valid_to(tmp_path, rules):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "control", "A", "2021-07-01T10:00:00Z", "2021-06-01T00:00:00Z"],
                                          ["b", "x", "control", "A", "2021-07-01T10:00:00Z", "2021-06-02T00:00:00Z"]],
                     columns=FEED_COLUMNS + ["valid_at"])
    code, err, _ = run(tmp_path, feed, rules=rules)
    assert code == 0, err
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet").set_index("source")
    assert claims.loc["b", "valid_from"] == claims.loc["b", "valid_to"] == pd.Timestamp("2021-06-02", tz="UTC")


def test_utf8_bom_and_compact_zone_offsets(tmp_path, rules):
    (tmp_path / "f.csv").write_bytes("\ufeffsource,subject,attribute,value,published_at\n"
                                     "a,x,control,A,2021-07-01T10:00:00+0530\n"
                                     "b,x,control,A,2021-07-01T10:00:00-03:00\n".encode("utf-8"))
    code, err, run_json = run(tmp_path, tmp_path / "f.csv", rules=rules)
    assert code == 0, err
    assert run_json["as_of"] == "2021-07-01T13:00:00Z"
    claims = pd.read_parquet(tmp_path / "out" / "claims.parquet").set_index("source")
    assert claims.loc["a", "published_at"] == pd.Timestamp("2021-07-01T04:30:00Z")


def test_claim_about_a_time_after_as_of_is_excluded_with_a_reason(tmp_path, rules):
    """'within the next few hours they expected to clear the city': a prediction is counted, not used."""
    feed = write_csv(tmp_path / "f.csv", [
        ["a", "x", "control", "government", "2021-07-07T10:00:00Z", "2021-07-07T10:00:00Z"],
        ["b", "x", "control", "taliban", "2021-07-07T10:00:00Z", "2021-07-08T10:00:00Z"],
    ], ["source", "subject", "attribute", "value", "published_at", "valid_at"])
    code, err, run_json = run(tmp_path, feed, rules=rules, extra=("--as-of", "2021-07-07T23:00:00Z"))
    assert code == 0, err
    rejects = read_out(tmp_path, "rejects.csv")
    assert rejects[["row", "column", "kind"]].values.tolist() == [["2", "valid_from", "excluded"]]
    assert "after --as-of" in rejects["reason"].iloc[0]
    counts = run_json["counts"]
    assert (counts["rows_read"], counts["rows_accepted"], counts["rows_excluded"]) == (2, 1, 1)


def test_dictionary_encoded_parquet_gives_what_plain_text_parquet_gives(tmp_path, rules, monkeypatch):
    """Parquet written from pandas categoricals (dictionary columns, as `reconcile synth` writes them), in several
    row groups, with a padded category, an unused one, a null and an over-long cell, is read like the same feed
    in plain text columns: same verdicts, same rejects (row and reason), same counts."""
    import reconcile.feed.parquet_text as parquet_text

    monkeypatch.setattr(parquet_text, "MAX_CELL_CHARS", 30)
    rows = [list(r) for r in ROWS] + [["AP", "Kunduz", "control", None, "2021-07-01T13:00:00Z"],
                                       ["AP", "Kunduz", "control", "x" * 31, "2021-07-01T13:00:00Z"],
                                       [" AP ", "Kunduz", "control", "taliban", "2021-07-01T14:00:00Z"]]
    columns = {c: [r[i] for r in rows] for i, c in enumerate(FEED_COLUMNS)}
    pq.write_table(pa.table(columns), tmp_path / "plain.parquet", row_group_size=4)
    frame = pd.DataFrame(columns)
    for c in ("source", "subject", "attribute", "value"):
        frame[c] = pd.Categorical(frame[c], categories=sorted(set(frame[c].dropna())) + ["never used"])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert pa.types.is_dictionary(table.schema.field("value").type)
    pq.write_table(table, tmp_path / "dict.parquet", row_group_size=4)
    outputs = {}
    for name in ("plain.parquet", "dict.parquet"):
        code, err, run_json = run(tmp_path, tmp_path / name, rules=rules, out=name + ".out")
        assert code == 0, err
        assert run_json["counts"]["rows_read"] == len(rows)
        assert run_json["counts"]["rows_rejected"] == 2
        outputs[name] = [(tmp_path / (name + ".out") / f).read_bytes()
                         for f in ("verdicts.csv", "contradictions.csv", "sources.csv")]
        rejects = read_out(tmp_path, "rejects.csv", name + ".out")
        assert rejects["row"].tolist() == ["9", "10"]
        assert "longer than 30 characters" in rejects["reason"].iloc[1]
    assert outputs["plain.parquet"] == outputs["dict.parquet"]
