"""Determinism under row order: the same feed with its rows shuffled gives byte-identical outputs.

Compared: every output but timings.json (times), run.json's `inputs` (the shuffled file has another SHA-256)
and the row numbers in rejects.csv (they say where a row was in *this* file); run.json's `outputs` hashes are
compared through the files themselves.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import ROOT, cli, write_rules

DATASETS = ROOT.parent / "shared" / "datasets"
NAMES = ["book", "emergent", "flight", "population", "rumoureval2017"]


def shuffled_copy(src: Path, dst: Path, seed: int) -> Path:
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)  # whole records (values may span lines)
    frame = frame.iloc[np.random.default_rng(seed).permutation(len(frame))]
    frame.to_csv(dst, index=False, lineterminator="\n", compression="gzip")
    return dst


def compare(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name == "timings.json":
            continue
        if name == "run.json":
            ra, rb = (json.loads((d / name).read_text()) for d in (a, b))
            ra.pop("inputs"), rb.pop("inputs")
            ra["outputs"].pop("rejects.csv", None), rb["outputs"].pop("rejects.csv", None)
            assert ra == rb
        elif name == "rejects.csv":
            ja, jb = (pd.read_csv(d / name, dtype=str, keep_default_na=False).drop(columns=["file", "row"])
                      for d in (a, b))
            key = list(ja.columns)
            assert ja.sort_values(key).values.tolist() == jb.sort_values(key).values.tolist()
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("name", NAMES)
def test_shuffled_dataset_gives_byte_identical_outputs(tmp_path, name):
    feed = DATASETS / name / "claims.csv.gz"
    if not feed.exists():
        pytest.skip(f"{feed} not present")
    rules = ROOT / "rules" / "examples" / f"{name}.yaml"
    shuffled = shuffled_copy(feed, tmp_path / "shuffled.csv.gz", seed=7)
    outs = []
    for i, path in enumerate((feed, shuffled)):
        out = tmp_path / f"out{i}"
        code, _, err = cli("run", path, "--rules", rules, "--out", out)
        assert code == 0, err
        outs.append(out)
    compare(*outs)


RULES = "version: 1\nattributes:\n  n: {kind: numeric, equivalence: {relative: 0.1}}\n"
rows = st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3", "s4"]), st.sampled_from(["x", "y"]),
                          st.sampled_from(["c", "n"]), st.sampled_from(["A", "a", "B", "10", "10.5", "11", "9"]),
                          st.sampled_from(["", "2021-07-01T10:00:00Z", "2021-07-02T10:00:00Z"]),
                          st.sampled_from(["", "q1", "q2"])), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, seed=st.integers(0, 2**32 - 1))
def test_any_row_order_gives_identical_outputs(tmp_path_factory, rows, seed):
    tmp = tmp_path_factory.mktemp("order")
    rules = write_rules(tmp / "r.yaml", RULES)
    frame = pd.DataFrame(rows, columns=["source", "subject", "attribute", "value", "published_at", "quote"])
    outs = []
    for i, order in enumerate((np.arange(len(frame)), np.random.default_rng(seed).permutation(len(frame)))):
        path = tmp / f"f{i}.csv"
        frame.iloc[order].to_csv(path, index=False, lineterminator="\n")
        code, _, err = cli("run", path, "--rules", rules, "--out", tmp / f"o{i}")
        if code != 0:
            assert code == 4 and i == 0, err  # nothing accepted (e.g. every value rejected): same both ways
            return
        outs.append(tmp / f"o{i}")
    compare(*outs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2), st.sampled_from([0.5, 1.0, float("nan")]),
                          st.integers(7, 7)), min_size=2, max_size=40))
def test_content_order_from_fewer_keys_is_the_full_lexsort(rows):
    """Validation sorts claims by content with constant keys left out: the order
    must be the one sorting by every key (what makes a shuffled feed give the same outputs)."""
    from reconcile.feed.content_order import fewer_keys as _fewer_keys

    a, b, c, d = (np.array(col) for col in zip(*rows))
    stamps = np.where(a == 0, np.iinfo(np.int64).min, 1_700_000_000_000_000_000 + b)  # missing times rank first
    keys = [a.astype(np.int8), b.astype(np.int64), c.astype(float), d.astype(np.int16), np.zeros(len(a), np.int64),
            stamps, (a * 3 + b).astype(np.int32)]
    assert (np.lexsort(_fewer_keys(keys)) == np.lexsort(keys)).all()
