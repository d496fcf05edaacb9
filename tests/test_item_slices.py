"""Verdicts and contradictions are built a slice of whole items at a time (reconcile/solve/slices.py): in any
number of slices they are the same tables, row for row and bit for bit, as built in one."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reconcile.solve.slices as slices
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules


def _feed(seed: int) -> pd.DataFrame:
    """Single- and multi-valued attributes and a value hierarchy; sources that contradict themselves, ties, and
    subjects without any conflict."""
    rng = np.random.default_rng(seed)
    rows = []
    places = ["Los Angeles", "San Diego", "California", "Austin", "Texas", "USA"]
    for i in range(120):
        for s in rng.choice(12, size=int(rng.integers(1, 8)), replace=False):
            rows.append((f"s{s:02d}", f"o{i:03d}", "status", f"v{int(rng.integers(0, 3 if i % 3 else 1))}"))
            if rng.random() < 0.15:  # the same source, another value: a self-contradiction
                rows.append((f"s{s:02d}", f"o{i:03d}", "status", f"v{int(rng.integers(3, 5))}"))
            if i % 2:
                rows.append((f"s{s:02d}", f"o{i:03d}", "tags", f"t{int(rng.integers(0, 4))}"))
            if i % 5 == 0:
                rows.append((f"s{s:02d}", f"o{i:03d}", "place", places[int(rng.integers(0, len(places)))]))
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])


@pytest.fixture
def rules(tmp_path) -> Rules:
    (tmp_path / "places.csv").write_text("child,parent\nLos Angeles,California\nSan Diego,California\n"
                                         "California,USA\nAustin,Texas\nTexas,USA\n")
    return Rules.model_validate({"version": 1, "attributes": {
        "place": {"hierarchy": str(tmp_path / "places.csv")},
        "tags": {"kind": "categorical", "multi_valued": True}}})


@pytest.mark.parametrize("seed", [1, 2])
def test_tables_built_in_slices_are_the_tables_built_whole(rules, monkeypatch, seed):
    feed = _feed(seed)
    whole = reconcile_frame(feed, rules)
    kinds = set(whole.contradictions["kind"])
    assert {"self_contradiction", "value_conflict"} <= kinds  # the feed exercises both builders
    for size in (1, 7, 50):  # assertions per slice: from one item per slice up
        monkeypatch.setattr(slices, "SLICE_ASSERTIONS", size)
        sliced = reconcile_frame(feed, rules)
        pd.testing.assert_frame_equal(sliced.verdicts, whole.verdicts, check_exact=True)
        pd.testing.assert_frame_equal(sliced.contradictions, whole.contradictions, check_exact=True)
        pd.testing.assert_frame_equal(sliced.claims, whole.claims, check_exact=True)


def test_slices_cover_every_item_once_and_keep_items_whole(rules):
    result = reconcile_frame(_feed(3), rules)
    part = result.fit.parts[0][1]
    for size in (1, 5, 40, 10**9):
        cuts = slices.item_slices(part, size)
        assert cuts[0].item_lo == 0 and cuts[-1].item_hi == part.n_items
        assert all(a.item_hi == b.item_lo and a.cand_hi == b.cand_lo for a, b in zip(cuts, cuts[1:]))
        for s in cuts:  # a slice's candidates are its items' candidates, and its assertions theirs
            assert set(part.cand_item[s.cand_lo:s.cand_hi]) == set(range(s.item_lo, s.item_hi))
            a = s.assertions(part)
            assert ((part.cand_item[part.assert_cand[a]] >= s.item_lo)
                    & (part.cand_item[part.assert_cand[a]] < s.item_hi)).all()
        assert sum(len(s.assertions(part)) for s in cuts) == len(part.assert_cand)
    assert len(slices.item_slices(part, 10**9)) == 1
