"""The fit measures how concentrated a feed's wrong claims are and uses it (solver.effective_false, effective.py)."""
from __future__ import annotations

import pandas as pd

from engine_helpers import cli
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules


def rules_with(**solver: object) -> Rules:
    return Rules.model_validate({"version": 1, "solver": solver})


def conventions_feed() -> pd.DataFrame:
    """64 flights. An airline and an airport site always give the true arrival time; six trackers each give the
    runway time instead on half of the flights, every combination once (tracker b on flight i when bit b of i is
    set), and all trackers that are wrong on a flight name the same wrong time."""
    rows = []
    for i in range(64):
        rows += [("airline", i, "gate"), ("airport", i, "gate")]
        rows += [(f"tracker{b}", i, "runway" if i >> b & 1 else "gate") for b in range(6)]
    return pd.DataFrame([{"source": s, "subject": f"flight{i}", "attribute": "arrival", "value": f"{v}-{i}"}
                         for s, i, v in rows])


def right(result) -> int:
    return int(result.verdicts["value"].str.startswith("gate").sum())


def test_wrong_claims_that_agree_do_not_outvote_a_consistent_record():
    result = reconcile_frame(conventions_feed(), rules_with())
    assert right(result) == 64
    rel = result.sources.set_index("source")["reliability"]
    assert rel["airline"] > 0.9 and rel["airport"] > 0.9
    assert rel[[f"tracker{b}" for b in range(6)]].between(0.4, 0.6).all()  # right on half of their flights


def test_the_declared_domain_alone_lets_the_shared_wrong_time_win_by_numbers():
    # the same feed fitted as if wrong claims were spread over the domain: every flight where five or six
    # trackers agree on the runway time (and the ties at four) go to it
    result = reconcile_frame(conventions_feed(), rules_with(effective_false=False))
    assert right(result) < 64 - 6


def spread_feed() -> pd.DataFrame:
    """Errors spread out: the wrong sources never name the same wrong value."""
    rows = []
    for i in range(60):
        rows += [("a", i, "v"), ("b", i, "v")]
        rows += [(f"c{k}", i, f"x{k}" if (i + k) % 3 == 0 else "v") for k in range(4)]
    return pd.DataFrame([{"source": s, "subject": f"s{i}", "attribute": "n", "value": f"{v}-{i}"}
                         for s, i, v in rows])


def test_a_feed_whose_errors_are_spread_is_fitted_as_before():
    on = reconcile_frame(spread_feed(), rules_with())
    off = reconcile_frame(spread_feed(), rules_with(effective_false=False))
    pd.testing.assert_frame_equal(on.verdicts, off.verdicts)
    pd.testing.assert_frame_equal(on.sources, off.sources)


def test_a_closed_vocabulary_keeps_its_declared_domain():
    feed = conventions_feed()
    feed["value"] = feed["value"].str.split("-").str[0]
    rules = {"version": 1, "attributes": {"arrival": {"kind": "categorical", "closed": True,
                                                      "values": {"gate": [], "runway": [], "cancelled": []}}}}
    on = reconcile_frame(feed, Rules.model_validate(rules))
    off = reconcile_frame(feed, Rules.model_validate({**rules, "solver": {"effective_false": False}}))
    pd.testing.assert_frame_equal(on.verdicts, off.verdicts)


def test_partitions_and_row_order_give_identical_outputs(tmp_path):
    frame = conventions_feed()
    feeds = {"sorted": frame, "shuffled": frame.sample(frac=1.0, random_state=7)}
    outs = {}
    for name, feed in feeds.items():
        path = tmp_path / f"{name}.csv"
        feed.to_csv(path, index=False)
        for n in (1, 3):
            out = tmp_path / f"{name}-{n}"
            code, _, err = cli("run", path, "--out", out, "--partitions", str(n))
            assert code == 0, err
            outs[name, n] = out
    first = outs["sorted", 1]
    for key, out in outs.items():
        for name in ("verdicts.csv", "sources.csv"):
            assert (out / name).read_bytes() == (first / name).read_bytes(), (key, name)
