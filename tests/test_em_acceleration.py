"""SQUAREM (reconcile/solve/accelerate.py): the time model's EM, and the static EM of a large problem, reach the fixed point plain EM converges to, in
fewer iterations, inside the reliability bounds, and the answers a user reads do not move."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reconcile import load_rules
from reconcile.pipeline import load_feeds, solve
from reconcile.solve import accelerate, engine

from engine_helpers import cli

RULES = """\
version: 1
defaults:
  reliability: 0.7
  strength: 2
attributes:
  status:
    kind: categorical
    equivalence: {match: exact}
    domain_size: 10
    change_every: 365d
solver:
  name: accu
  domain_size: 10
  tolerance: TOL
"""


def _plain(step, reliability, sa_rel, max_evaluations, tolerance, bounds, fixed, fixed_sa):
    """Plain EM (every step taken as it comes) in place of SQUAREM: the reference."""
    n, x = len(reliability), np.r_[reliability, sa_rel]
    for evaluations in range(1, max_evaluations + 1):
        updated, updated_sa, aux = step(x[:n], x[n:])
        new = np.r_[updated, updated_sa]
        change = float(np.max(np.abs(new - x)))
        x = new
        if change < tolerance:
            return accelerate.Result(x, aux, evaluations, True, change)
    return accelerate.Result(x, aux, max_evaluations, False, change)


def test_linear_contraction_reaches_its_fixed_point_in_few_steps():
    rates = np.array([0.77, 0.5, 0.3, 0.9])
    target = np.array([0.8, 0.6, 0.55, 0.7])
    step = lambda x: (target + rates * (x - target), None)  # noqa: E731
    res = accelerate.squarem(step, np.full(4, 0.5), 1000, 1e-10, lambda x: np.clip(x, 0.01, 0.99))
    assert res.converged and np.abs(res.theta - target).max() < 1e-9
    plain = int(np.ceil(np.log(1e-10 / 0.3) / np.log(0.9)))  # plain steps for the slowest coordinate
    assert res.evaluations < plain / 4


def test_extrapolation_stays_inside_the_bounds():
    # the fixed point sits on the upper bound: an extrapolated step would leave [0.01, 0.99]
    def step(x):
        return np.minimum(0.99, x + 0.2 * (1.2 - x)), None

    seen = []

    def recorded(x):
        seen.append(x.copy())
        return step(x)

    res = accelerate.squarem(recorded, np.array([0.5, 0.6]), 500, 1e-12, lambda x: np.clip(x, 0.01, 0.99))
    assert res.converged and res.theta == pytest.approx([0.99, 0.99])
    assert all(((x >= 0.01) & (x <= 0.99)).all() for x in seen)


def test_a_worse_extrapolation_falls_back_to_the_plain_path():
    # a map that punishes any point off the plain path: only plain iterates are kept
    plain_path = [np.array([0.5])]
    for _ in range(200):
        plain_path.append(0.7 + 0.8 * (plain_path[-1] - 0.7))

    def step(x):
        on_path = any(np.array_equal(x, p) for p in plain_path)
        return (0.7 + 0.8 * (x - 0.7) if on_path else x + 0.5), None  # off the path: a large residual

    res = accelerate.squarem(step, np.array([0.5]), 300, 1e-9, lambda x: np.clip(x, 0.01, 0.99))
    assert res.converged and res.theta == pytest.approx([0.7], abs=1e-8)


@pytest.fixture(scope="module")
def state_feed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("state")
    code, _, err = cli("synth", "--claims", "6000", "--sources", "40", "--subjects", "800", "--change-rate", "0.5",
                       "--changes", "2", "--seed", "11", "-o", folder)
    assert code == 0, err
    return folder


def _solve(folder: Path, tolerance: str, plain: bool, monkeypatch):
    rules_path = folder / f"rules-{tolerance}.yaml"
    rules_path.write_text(RULES.replace("TOL", tolerance))
    rules = load_rules(rules_path)
    table, _ = load_feeds([folder / "claims.parquet"], rules)
    with monkeypatch.context() as m:
        if plain:
            m.setattr(accelerate, "squarem_pair", _plain)
        return solve(table, rules)


def test_time_model_em_reaches_plain_ems_fixed_point_in_fewer_iterations(state_feed, monkeypatch):
    reference = _solve(state_feed, "1e-12", True, monkeypatch)  # plain EM, run far past the default tolerance
    plain = _solve(state_feed, "1e-6", True, monkeypatch)
    fast = _solve(state_feed, "1e-6", False, monkeypatch)
    assert fast.fit.iterations < plain.fit.iterations
    # the fixed point: SQUAREM stops closer to it than plain EM at the same tolerance
    far_plain = np.abs(plain.fit.reliability - reference.fit.reliability).max()
    far_fast = np.abs(fast.fit.reliability - reference.fit.reliability).max()
    assert far_fast <= far_plain and far_fast < 5e-6
    # what a user reads: the same values chosen, confidences within the documented tolerance
    ref, got = (r.verdicts.set_index(["subject", "attribute"]).sort_index() for r in (reference, fast))
    assert (ref["value"] == got["value"]).all()
    assert np.abs(ref["confidence"].to_numpy() - got["confidence"].to_numpy()).max() < 1e-4
    assert len(fast.timeline) == len(reference.timeline)


STATIC = RULES.replace("    change_every: 365d\n", "")  # no time model: the static EM alone


def _static(folder: Path, tolerance: str, min_assertions: int, monkeypatch, partitions: int = 1):
    """The static fit with SQUAREM on problems of at least `min_assertions` assertions (the real threshold is
    500,000: a unit-test feed is made "large" by lowering it)."""
    rules_path = folder / f"static-{tolerance}.yaml"
    rules_path.write_text(STATIC.replace("TOL", tolerance))
    rules = load_rules(rules_path)
    table, _ = load_feeds([folder / "claims.parquet"], rules)
    with monkeypatch.context() as m:
        m.setattr(engine, "ACCELERATE_MIN_ASSERTIONS", min_assertions)
        return solve(table, rules, partitions=partitions)


def test_static_em_of_a_large_problem_reaches_plain_ems_fixed_point_in_fewer_iterations(state_feed, monkeypatch):
    reference = _static(state_feed, "1e-12", 10**12, monkeypatch)  # plain EM, far past the default tolerance
    plain = _static(state_feed, "1e-6", 10**12, monkeypatch)
    fast = _static(state_feed, "1e-6", 0, monkeypatch)
    assert fast.fit.converged and fast.fit.iterations < plain.fit.iterations
    far_plain = np.abs(plain.fit.reliability - reference.fit.reliability).max()
    far_fast = np.abs(fast.fit.reliability - reference.fit.reliability).max()
    assert far_fast < 5e-6 and far_fast <= 2 * far_plain
    ref, got = (r.verdicts.set_index(["subject", "attribute"]).sort_index() for r in (reference, fast))
    assert (ref["value"] == got["value"]).all()
    assert np.abs(ref["confidence"].to_numpy() - got["confidence"].to_numpy()).max() < 1e-4
    assert fast.counts["dependent_source_pairs"] == reference.counts["dependent_source_pairs"]


def test_small_problems_keep_plain_em_and_the_choice_is_made_on_the_whole_problem(state_feed, monkeypatch):
    plain = _static(state_feed, "1e-6", 10**12, monkeypatch)
    default = _static(state_feed, "1e-6", engine.ACCELERATE_MIN_ASSERTIONS, monkeypatch)
    assert default.fit.iterations == plain.fit.iterations  # a 6,000-claim feed is far below the threshold
    assert default.verdicts.equals(plain.verdicts)
    # a threshold the whole feed reaches and none of its four partitions does: SQUAREM on every partitioning
    n = len(plain.fit.copy_factor)  # the feed's assertions
    one, four = (_static(state_feed, "1e-6", n, monkeypatch, partitions=k) for k in (1, 4))
    assert one.fit.iterations == four.fit.iterations < plain.fit.iterations
    a, b = (r.verdicts.set_index(["subject", "attribute"]).sort_index() for r in (one, four))
    assert (a["value"] == b["value"]).all()
    assert np.abs(a["confidence"].to_numpy() - b["confidence"].to_numpy()).max() < 1e-9
