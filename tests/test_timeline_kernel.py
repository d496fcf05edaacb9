"""The compiled time-model kernel gives what the former numpy implementation (tests/timeline_reference.py) gave.

Equal to 1e-12: the only differences allowed are in the last bits, because the former code summed an item's
states padded with zeros to the width of its bucket (numpy's pairwise summation groups terms differently
with the padding), so its results depended in the last bit on which other subjects shared the bucket.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reconcile.feed.times import parse_as_of
from reconcile.feed.validate import validate
from reconcile.solve.arrays import build_problem
from reconcile.sources import resolve_priors
from reconcile.synth import SynthConfig, generate
from reconcile.timeline import TimeModel, fit_timelines
from reconcile.rules.model import Rules

import timeline_reference as reference
from test_timeline import FALL_AND_RETAKE, feed, frame, make_rules

AS_OF = "2024-01-04T12:00:00Z"


def _problem(df: pd.DataFrame, rules: Rules, as_of: str | None):
    ts = parse_as_of(as_of) if as_of else None
    table = validate([df], rules, ts)
    priors = resolve_priors(sorted(table.claims["source"].unique()), rules)
    return build_problem(table.claims, rules, table.as_of, priors), table.as_of


def _hand_made() -> pd.DataFrame:
    """Several cities: a fall and retake, corrections, open and closed intervals, and one city with nine values
    (more than eight states: numpy's pairwise summation branch)."""
    rows = list(FALL_AND_RETAKE)
    rows += [("C", "government", "2024-01-03T09:30:00Z", "2024-01-03T09:00:00Z", None),  # "since"
             ("A", "taliban", "2024-01-02T20:00:00Z", None, "2024-01-02T19:00:00Z"),  # "until"
             ("B", "militia", "2024-01-02T09:30:00Z", "2024-01-02T09:00:00Z", "2024-01-02T09:00:00Z")]
    df = frame(rows)
    town = frame([("A", "government", "2024-01-01T08:00:00Z", None, None),
                  ("A", "taliban", "2024-01-01T09:00:00Z", None, None),  # A corrects itself
                  ("B", "taliban", "2024-01-02T08:00:00Z", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"),
                  ("C", "government", "2024-01-03T08:00:00Z", None, None)]).assign(subject="town")
    many = frame([(src, f"party{i}", f"2024-01-0{1 + i % 3}T{10 + i:02d}:00:00Z", None, None)
                  for i, src in enumerate("ABCABCABCAB")]).assign(subject="village")
    return pd.concat([df, town, many], ignore_index=True)


def _compare(claims, problem, rel, change_every, as_of):
    new = fit_timelines(claims, problem.cands, rel, problem.part.item_n_false, change_every, as_of)
    old = reference.fit_timelines(claims, problem.cands, rel, problem.part.item_n_false, change_every, as_of)
    np.testing.assert_allclose(new.claim_support, old.claim_support, rtol=0, atol=1e-12)
    np.testing.assert_allclose(new.state_prob, old.state_prob, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(new.superseded, old.superseded)
    cols = ["subject", "attribute", "valid_from", "valid_to", "value", "change", "_item", "_cand"]
    pd.testing.assert_frame_equal(new.timeline[cols], old.timeline[cols])
    np.testing.assert_allclose(new.timeline["probability"], old.timeline["probability"], rtol=0, atol=1e-12)
    return new


@pytest.mark.parametrize("change_every", ["6h", "2d", "30d"])
def test_hand_made_state_changes_match_the_former_implementation(change_every):
    rules = make_rules(change_every)
    ts = parse_as_of(AS_OF)
    problem, as_of = _problem(feed(_hand_made(), ts), rules, AS_OF)
    model = TimeModel(problem, rules, as_of)
    assert len(model.items) == 3
    for seed in range(3):
        rel = np.random.default_rng(seed).uniform(0.3, 0.97, problem.part.n_sources)
        new = _compare(model.claims, problem, rel, model.change_every, as_of)
    assert new.superseded.any()  # the town's correction is in the case
    assert new.timeline["change"].any()


def test_synthetic_state_changes_match_the_former_implementation():
    synth = generate(SynthConfig(seed=7, n_claims=4000, n_sources=30, n_subjects=300, change_rate=0.6,
                                 changes_per_subject=2, valid_lag_seconds=86_400, stale_prob=0.1, domain_size=12))
    df = synth.claims.astype(str).assign(_file="(synth)", _row=lambda d: np.arange(1, len(d) + 1))
    rules = Rules.model_validate({"version": 1, "attributes": {"status": {"change_every": "120d", "domain_size": 12}},
                                  "solver": {"domain_size": 12}})
    problem, as_of = _problem(df, rules, None)
    model = TimeModel(problem, rules, as_of)
    rel = np.random.default_rng(1).uniform(0.2, 0.95, problem.part.n_sources)
    new = _compare(model.claims, problem, rel, model.change_every, as_of)
    assert new.timeline["change"].sum() > 50


def test_prepared_model_gives_the_same_support_as_a_fresh_fit_at_every_iteration():
    rules = make_rules("2d")
    ts = parse_as_of(AS_OF)
    problem, as_of = _problem(feed(_hand_made(), ts), rules, AS_OF)
    model = TimeModel(problem, rules, as_of)
    for seed in range(3):  # one prepared model, reliabilities changing as in EM
        rel = np.random.default_rng(seed).uniform(0.3, 0.97, problem.part.n_sources)
        fresh = fit_timelines(model.claims, problem.cands, rel, problem.part.item_n_false, model.change_every, as_of)
        np.testing.assert_array_equal(model.model.support(rel), fresh.claim_support)


def test_run_reports_the_time_model_progress_on_stderr_unless_quiet(tmp_path, monkeypatch):
    from engine_helpers import cli

    from reconcile.timeline import integrate

    monkeypatch.setattr(integrate, "LOUD", 1)  # report from the first claim (default: large feeds only)
    ts = parse_as_of(AS_OF)
    path = tmp_path / "feed.csv"
    feed(_hand_made(), ts).drop(columns=["_file", "_row"]).to_csv(path, index=False)
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nattributes:\n  control:\n    change_every: 2d\n")
    code, _, err = cli("run", path, "--rules", rules, "--out", tmp_path / "out", "--as-of", AS_OF)
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if ln.startswith("time model:")]
    assert any("EM iteration 1 " in ln for ln in lines) and any("final fit" in ln for ln in lines)
    code, _, err = cli("run", path, "--rules", rules, "--out", tmp_path / "out2", "--as-of", AS_OF, "--quiet")
    assert code == 0 and "time model:" not in err
    assert (tmp_path / "out" / "timeline.csv").read_bytes() == (tmp_path / "out2" / "timeline.csv").read_bytes()


@pytest.mark.parametrize("n_partitions", [1, 3, 8])
def test_time_model_statistics_over_partitions_match_the_former_implementation(n_partitions):
    """The per-source sums the EM loop gets from the time model, mapped by the engine over partitions of whole
    items (reconcile/timeline/parts.py), equal the sums over the reference implementation's claim supports."""
    from reconcile.engines import LocalEngine

    synth = generate(SynthConfig(seed=3, n_claims=3000, n_sources=25, n_subjects=250, change_rate=0.6,
                                 changes_per_subject=2, valid_lag_seconds=86_400, stale_prob=0.1, domain_size=8))
    df = synth.claims.astype(str).assign(_file="(synth)", _row=lambda d: np.arange(1, len(d) + 1))
    rules = Rules.model_validate({"version": 1, "attributes": {"status": {"change_every": "90d", "domain_size": 8}},
                                  "solver": {"domain_size": 8}})
    problem, as_of = _problem(df, rules, None)
    model = TimeModel(problem, rules, as_of, LocalEngine(), n_partitions)
    rel = np.random.default_rng(2).uniform(0.2, 0.95, problem.part.n_sources)
    right, total = model.source_stats(rel)
    assert len(model.parts) == n_partitions
    old = reference.fit_timelines(model.claims, problem.cands, rel, problem.part.item_n_false, model.change_every,
                                  as_of)
    w, src = model.model.weight, model.claims["source_id"].to_numpy()
    np.testing.assert_allclose(right, np.bincount(src, weights=w * old.claim_support, minlength=len(right)),
                               rtol=1e-12, atol=0)
    np.testing.assert_allclose(total, np.bincount(src, weights=w, minlength=len(total)), rtol=1e-12, atol=0)
    assert right.sum() > 0.5 * total.sum() > 0  # sources mostly right: the supports were computed
