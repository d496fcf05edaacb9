"""Generators of odd feeds, rules files and API frames for the fuzz suite (tests/test_fuzz.py) and the long
fuzz run (bench/fuzz.py), and the checks every case must pass. One place, so both fuzz the same things."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from engine_helpers import cli

EXIT_CODES = {0, 2, 3, 4, 5}  # documented; 1 is an internal error (a bug)
CANONICAL = ["source", "subject", "attribute", "value", "published_at", "valid_at", "weight", "quote"]
ODD_TEXT = ["", " ", "0023606924", "007", "null", "#N/A", "NaN", "=1+1", "+cmd", "-3.5", "@x", "\tTab", "a,b",
            'q"uote', "multi\nline", "\r", "ünïcödé", "\ufeffbom", "\x00nul", "\x1b[2J", "a|b", "~", "\\", "1e400",
            "9" * 50, "2021-07-01T10:00:00Z", "2021-07-01", "1600-01-01", "9999-12-31T00:00:00Z", "0000-01-01",
            "2021-07-01T10:00:00", "yesterday", "0.5", "0", "1.5", "-1", "inf", "true"]
cells = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=12))
names = st.one_of(st.sampled_from(CANONICAL), st.sampled_from([" source", "value ", "", "_row", "_file", "x", "7"]),
                  st.text(max_size=6))
FORMATS = ["csv", "tsv", "csv.gz", "jsonl", "parquet"]


@st.composite
def feeds(draw):
    """(file name, bytes) of a feed: a table of odd cells in one format, sometimes with corrupted bytes."""
    fmt = draw(st.sampled_from(FORMATS))
    extra = draw(st.lists(names, max_size=3))
    columns = (["source", "subject", "attribute", "value"] if draw(st.booleans()) else []) + extra
    if not columns:
        columns = ["value"]
    n = draw(st.integers(0, 12))
    rows = [[draw(cells) for _ in columns] for _ in range(n)]
    data = _encode(fmt, columns, rows, draw)
    if data and draw(st.integers(0, 4)) == 0:  # byte-level damage: insert, delete or replace bytes
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.integers(0, len(data)))
            op = draw(st.sampled_from(["insert", "delete", "replace"]))
            byte = draw(st.integers(0, 255))
            if op == "insert":
                data[pos:pos] = bytes([byte])
            elif pos < len(data):
                data[pos:pos + 1] = b"" if op == "delete" else bytes([byte])
        data = bytes(data)
    return f"feed.{fmt}", data


def _safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _encode(fmt: str, columns: list, rows: list, draw) -> bytes:
    import csv
    import io

    if fmt in ("csv", "tsv", "csv.gz"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        writer.writerow([_safe(c) for c in columns])
        writer.writerows([[_safe(c) for c in row] for row in rows])
        data = (("\ufeff" if draw(st.booleans()) else "") + buf.getvalue()).encode("utf-8")
        return gzip.compress(data, mtime=0) if fmt == "csv.gz" else data
    if fmt == "jsonl":
        lines = []
        for row in rows:
            obj = {}
            for c, v in zip(columns, row):
                obj[c] = draw(st.sampled_from([v, v, 7, 1.10, None, True, [v], {"k": v}, 10 ** 30]))
            lines.append(json.dumps(obj, ensure_ascii=draw(st.booleans())))
        lines += draw(st.lists(st.sampled_from(['{"source": "a"', "[1]", '"\\ud800"', '{"value": "\\ud800"}',
                                                "[" * 200, "", "  "]), max_size=2))
        return "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for i, c in enumerate(columns):
        values = [_safe(r[i]) for r in rows]
        kind = draw(st.sampled_from(["string", "binary", "list", "int", "timestamp"]))
        if kind == "binary":
            arrays[c] = pa.array([v.encode() + (b"\xff" if draw(st.booleans()) else b"") for v in values], pa.binary())
        elif kind == "list":
            arrays[c] = pa.array([[v] for v in values], pa.list_(pa.string()))
        elif kind == "int":
            arrays[c] = pa.array([len(v) for v in values], pa.int64())
        elif kind == "timestamp":
            arrays[c] = pa.array([draw(st.integers(-(2 ** 40), 2 ** 40)) for _ in values],
                                 pa.timestamp("s", tz=draw(st.sampled_from([None, "UTC"]))))
        else:
            arrays[c] = pa.array(values, pa.string())
    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays(list(arrays.values()) if arrays else [], names=list(arrays)), buf)
    return buf.getvalue().to_pybytes()


RULES_PARTS = ["version: 1\n", "version: 2\n", "solver: {name: accu}\n", "solver: {name: acu}\n",
               "attributes:\n  n: {kind: numeric, equivalence: {relative: 0.1}}\n", "defaults: {reliability: 2}\n",
               "sources:\n  priors: {a: 0.9}\n", "a: &a [x, *a]\n", "b: &b [1,2,3]\nc: [*b, *b]\n", "x: [[[[[[1]]]]]]\n",
               "\x00", "\x1b", "\ufeff", "\t", ": :\n", "- - -\n", "? [a]\n: b\n", "'unterminated\n", "k: !!binary AA==\n",
               "k: " + "9" * 4400 + "\n", "version: 1\nversion: 1\n", "columns: {subject: object}\n"]


@st.composite
def rules_texts(draw):
    parts = draw(st.lists(st.sampled_from(RULES_PARTS), min_size=0, max_size=6))
    text = "".join(parts)
    if draw(st.booleans()):
        text += draw(st.text(max_size=30))
    if text and draw(st.integers(0, 3)) == 0:
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.text(max_size=5)) + text[pos:]
    return text


api_cells = st.one_of(cells, st.binary(max_size=6), st.integers(), st.floats(), st.none(), st.booleans(),
                      st.lists(st.integers(), max_size=2))
api_names = st.one_of(st.sampled_from(["source", "subject", "attribute", "value", "published_at", " value"]),
                      st.integers(0, 3), st.text(max_size=4))
as_ofs = st.one_of(st.none(), st.sampled_from(["", " ", "2021-07-01T00:00:00Z", "2021-07-01", "1600-01-01", "x",
                                               "2021-07-01T00:00:00"]),
                   st.sampled_from([pd.Timestamp("2021-07-01"), pd.Timestamp("2021-07-01", tz="UTC"), pd.NaT, 5]))


@st.composite
def api_frames(draw):
    base = ["source", "subject", "attribute", "value"] if draw(st.integers(0, 3)) else []
    columns = base + draw(st.lists(api_names, max_size=2 if draw(st.booleans()) else 0))
    n = draw(st.integers(0, 8))
    kind = draw(st.sampled_from([cells, cells, api_cells]))  # mostly text cells, so that frames are accepted too
    data = {i: [draw(kind) for _ in range(n)] for i in range(len(columns))}
    frame = pd.DataFrame(data, index=range(n))
    frame.columns = columns
    return frame


def check_run(tmp: Path, name: str, data: bytes, rules: Path) -> int:
    """Run the CLI on one feed; assert the guarantees; return the exit code."""
    feed = tmp / name
    feed.write_bytes(data)
    out = tmp / "out"
    code, _, err = cli("run", feed, "--rules", rules, "--out", out, "--as-of", "2030-01-01T00:00:00Z")
    assert code in EXIT_CODES, err
    assert "Traceback" not in err
    if code == 0:
        run = json.loads((out / "run.json").read_text())
        c = run["counts"]
        assert c["rows_read"] == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"], c
        claims = pd.read_parquet(out / "claims.parquet")
        assert len(claims) == c["claims"]
        _values_unchanged(feed, claims)
    return code


def _values_unchanged(feed: Path, claims: pd.DataFrame) -> None:
    """Every accepted claim's source/subject/attribute/value is a row of the input (cells trimmed of spaces)."""
    from reconcile.feed.read import read_table

    frame = read_table(feed)
    key = ["source", "subject", "attribute", "value"]
    if not set(key) <= set(frame.columns):
        return
    given = set(map(tuple, frame[key].astype(str).apply(lambda s: s.str.strip()).values.tolist()))
    got = set(map(tuple, claims[key].astype(str).values.tolist()))
    assert got <= given, sorted(got - given)[:3]
