"""Small hand-checked solver cases through the public Python API (and the CLI where the brief says so)."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from engine_helpers import cli, write_csv, write_rules
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules

STRONG = 1e6


def rules_with(**sections) -> Rules:
    return Rules.model_validate({"version": 1, **sections})


def claims(rows: list[tuple[str, str, str]], attribute: str = "a") -> pd.DataFrame:
    """rows of (source, subject, value)."""
    return pd.DataFrame([{"source": s, "subject": subj, "attribute": attribute, "value": v} for s, subj, v in rows])


def priors(**reliability: float) -> dict:
    return {"priors": {name: {"reliability": r, "strength": STRONG} for name, r in reliability.items()}}


def accu_posteriors(groups: list[list[float]], n_false: float) -> list[float]:
    """The accu.py docstring formula: P(v) = exp(score_v) / (sum_observed exp(score_u) + (n_false + 1 - k)),
    score_v = sum over v's assertions of ln(n_false * A / (1 - A)); groups[i] = accuracies asserting value i."""
    scores = [sum(math.log(n_false * a / (1 - a)) for a in g) for g in groups]
    z = sum(math.exp(s) for s in scores) + (n_false + 1 - len(groups))
    return [math.exp(s) / z for s in scores]


@pytest.mark.parametrize("r", [0.55, 0.7, 0.9, 0.97])
def test_single_claim_confidence_is_the_prior_reliability(r):
    result = reconcile_frame(claims([("s1", "x", "v")]), rules_with(sources=priors(s1=r)))
    (row,) = result.verdicts.itertuples(index=False)
    assert row.value == "v"
    assert row.confidence == pytest.approx(r, abs=1e-6)  # not 1: the unclaimed values keep 1 - r
    assert row.runner_up == "" and row.runner_up_confidence == 0.0


def test_single_claim_never_gets_full_confidence():
    # with a weak prior the source's learned reliability moves, but a lone claim still never reaches 1
    result = reconcile_frame(claims([("s1", "x", "v")]), rules_with())
    assert 0.5 < result.verdicts["confidence"].iloc[0] < 1.0


def test_two_agreeing_sources_beat_one_dissenting():
    frame = claims([("a", "x", "Paris"), ("b", "x", "paris "), ("c", "x", "Lyon")])
    result = reconcile_frame(frame, rules_with())
    v = result.verdicts.iloc[0]
    assert v["value"] in ("Paris", "paris ")
    assert v["runner_up"] == "Lyon"
    assert v["confidence"] > v["runner_up_confidence"]
    assert v["n_claims"] == 3 and v["n_sources"] == 3
    assert v["supporting_sources"] == "a;b"


def test_reliable_source_beats_two_unreliable_ones_by_the_formula():
    frame = claims([("good", "x", "A"), ("bad1", "x", "B"), ("bad2", "x", "B")])
    # the model's own posterior (no label-free recalibration: solver.calibration none), to check the formula
    rules = rules_with(sources=priors(good=0.95, bad1=0.3, bad2=0.3), solver={"domain_size": 10,
                                                                             "calibration": "none"})
    result = reconcile_frame(frame, rules)
    v = result.verdicts.iloc[0]
    p_a, p_b = accu_posteriors([[0.95], [0.3, 0.3]], n_false=9)
    assert p_a > p_b  # the formula says the single reliable source wins here
    assert v["value"] == "A"
    assert v["confidence"] == pytest.approx(p_a, abs=1e-6)
    assert v["runner_up"] == "B"
    assert v["runner_up_confidence"] == pytest.approx(p_b, abs=1e-6)
    # and exactly, with the reliabilities the EM ended on
    rel = result.source_attributes.set_index("source")["reliability"]  # the claims' (source, attribute) level
    exact = accu_posteriors([[rel["good"]], [rel["bad1"], rel["bad2"]]], n_false=9)
    assert v["confidence"] == pytest.approx(exact[0], abs=1e-12)


def test_two_unreliable_sources_win_when_the_formula_says_so():
    # 0.6 vs two 0.55 with n_false = 9: ln(13.5) = 2.60 < 2 ln(11) = 4.80, so the pair wins
    frame = claims([("good", "x", "A"), ("ok1", "x", "B"), ("ok2", "x", "B")])
    result = reconcile_frame(frame, rules_with(sources=priors(good=0.6, ok1=0.55, ok2=0.55)))
    p_a, p_b = accu_posteriors([[0.6], [0.55, 0.55]], n_false=9)
    v = result.verdicts.iloc[0]
    assert (v["value"], v["runner_up"]) == ("B", "A")
    assert v["confidence"] == pytest.approx(p_b, abs=1e-6)


def test_closed_vocabulary_sets_the_domain_size():
    rules = rules_with(sources=priors(s=0.8), attributes={"a": {"closed": True, "values": {"yes": [], "no": []}}})
    result = reconcile_frame(claims([("s", "x", "yes")]), rules)
    # two possible values: P(yes) = 4 / (4 + 1) with odds n_false * A / (1 - A) = 1 * 0.8 / 0.2
    assert result.verdicts["confidence"].iloc[0] == pytest.approx(0.8, abs=1e-6)
    rules = rules_with(sources=priors(s=0.8, t=0.8),
                       attributes={"a": {"closed": True, "values": {"yes": [], "no": [], "maybe": []}}})
    result = reconcile_frame(claims([("s", "x", "yes"), ("t", "x", "no")]), rules)
    expected = accu_posteriors([[0.8], [0.8]], n_false=2)
    assert result.verdicts["confidence"].iloc[0] == pytest.approx(expected[0], abs=1e-6)


@pytest.mark.parametrize("order", [0, 1])
def test_exact_tie_is_reported_and_the_smaller_value_wins(order):
    rows = [("p", "x", "Bravo"), ("q", "x", "Alpha")]
    frame = claims(rows if order == 0 else rows[::-1])
    result = reconcile_frame(frame, rules_with(sources=priors(p=0.8, q=0.8)))
    v = result.verdicts.iloc[0]
    assert v["status"] == "tie"
    assert (v["value"], v["runner_up"]) == ("Alpha", "Bravo")
    assert v["confidence"] == v["runner_up_confidence"]
    (c,) = result.contradictions.itertuples(index=False)
    assert c.kind == "near_tie" and c.status == "tie"


def test_self_contradicting_source_gets_one_vote_in_all():
    # s says A and B; t says B. B should win: s's weight is split, t is undivided
    frame = claims([("s", "x", "A"), ("s", "x", "B"), ("t", "x", "B")])
    result = reconcile_frame(frame, rules_with(sources=priors(s=0.8, t=0.8)))
    assert result.verdicts["value"].iloc[0] == "B"
    kinds = set(result.contradictions["kind"])
    assert "self_contradiction" in kinds


@pytest.mark.parametrize("solver", ["majority", "truthfinder", "accu"])
def test_solvers_give_the_majority_answer_on_a_clear_case(solver):
    rows = [(s, "x", "A") for s in ("s1", "s2", "s3", "s4")] + [("s5", "x", "B")]
    rows += [(s, "y", "C") for s in ("s1", "s2", "s5")] + [("s3", "y", "D")]
    result = reconcile_frame(claims(rows), rules_with(), solver=solver)
    assert result.solver == solver
    assert dict(zip(result.verdicts["subject"], result.verdicts["value"])) == {"x": "A", "y": "C"}
    assert result.verdicts["confidence"].between(0, 1).all()


def test_majority_confidence_is_the_vote_share():
    rows = [("s1", "x", "A"), ("s2", "x", "A"), ("s3", "x", "A"), ("s4", "x", "B")]
    result = reconcile_frame(claims(rows), rules_with(solver={"name": "majority"}))
    assert result.solver == "majority"
    v = result.verdicts.iloc[0]
    assert v["confidence"] == pytest.approx(0.75)
    assert v["runner_up_confidence"] == pytest.approx(0.25)


def test_solver_selected_in_rules_and_on_the_command_line(tmp_path):
    t = "2024-01-01T00:00:00Z"
    feed = write_csv(tmp_path / "f.csv", [["s1", "x", "a", "A", t], ["s2", "x", "a", "A", t], ["s3", "x", "a", "B", t]])
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nsolver: {name: truthfinder}\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o1")
    assert code == 0, err
    assert json.loads((tmp_path / "o1" / "run.json").read_text())["solver"]["name"] == "truthfinder"
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o2", "--solver", "majority")
    assert code == 0, err
    run = json.loads((tmp_path / "o2" / "run.json").read_text())
    assert run["solver"]["name"] == "majority"
    assert run["solver"]["iterations"] == 1


def test_unknown_solver_is_a_usage_error(tmp_path):
    feed = write_csv(tmp_path / "f.csv", [["s1", "x", "a", "A", "2024-01-01T00:00:00Z"]])
    rules = write_rules(tmp_path / "r.yaml", "version: 1\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o", "--solver", "bogus")
    assert code == 2
    assert "unknown solver 'bogus'; choose one of: accu, majority, truthfinder" in err
    assert not (tmp_path / "o" / "run.json").exists()


def _many_subjects(n_subjects: int = 60, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    accuracy = {f"src{i}": a for i, a in enumerate([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])}
    rows = []
    for k in range(n_subjects):
        truth = f"v{k % 4}"
        for source, acc in accuracy.items():
            if rng.random() < 0.6:
                value = truth if rng.random() < acc else f"v{rng.integers(0, 6)}"
                rows.append((source, f"subj{k:03d}", value))
    return claims(rows)


def test_em_reports_iterations_and_converges():
    result = reconcile_frame(_many_subjects(), rules_with())
    fit = result.fit
    assert fit.converged
    assert 1 < fit.iterations < 100
    assert fit.max_change < 1e-6
    rel = result.sources.set_index("source")["reliability"]
    assert rel["src0"] > rel["src7"]  # it learned who is reliable


def test_em_stopped_early_says_not_converged(tmp_path):
    frame = _many_subjects()
    frame["published_at"] = "2024-01-01T00:00:00Z"
    feed = tmp_path / "f.csv"
    frame.to_csv(feed, index=False)
    # one EM run (no refit with the effective number of wrong values, which would run EM a second time)
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nsolver: {max_iterations: 2, effective_false: false}\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o")
    assert code == 0, err
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["solver"]["iterations"] == 2 and run["solver"]["converged"] is False
    assert run["solver"]["max_reliability_change"] > 1e-6
    assert "(2 iteration(s), NOT converged)" in (tmp_path / "o" / "report.md").read_text()


@pytest.mark.parametrize("solver", ["accu", "truthfinder"])
def test_partitions_give_identical_verdicts(tmp_path, solver):
    frame = _many_subjects(n_subjects=80, seed=3)
    frame["published_at"] = "2024-01-01T00:00:00Z"
    feed = tmp_path / "f.csv"
    frame.to_csv(feed, index=False)
    rules = write_rules(tmp_path / "r.yaml", f"version: 1\nsolver: {{name: {solver}}}\n")
    outs = {}
    for n in (1, 3):
        out = tmp_path / f"p{n}"
        code, _, err = cli("run", feed, "--rules", rules, "--out", out, "--partitions", str(n))
        assert code == 0, err
        outs[n] = out
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv"):
        assert (outs[1] / name).read_bytes() == (outs[3] / name).read_bytes(), name
    c1 = pd.read_parquet(outs[1] / "claims.parquet")
    c3 = pd.read_parquet(outs[3] / "claims.parquet")
    np.testing.assert_allclose(c1["posterior"], c3["posterior"], rtol=0, atol=1e-12)


def test_partitions_must_be_positive(tmp_path):
    feed = write_csv(tmp_path / "f.csv", [["s1", "x", "a", "A", "2024-01-01T00:00:00Z"]])
    rules = write_rules(tmp_path / "r.yaml", "version: 1\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o", "--partitions", "0")
    assert code == 2 and "--partitions must be at least 1" in err


def test_multi_valued_attribute_keeps_every_likely_value():
    rules = rules_with(attributes={"authors": {"kind": "text", "multi_valued": True}},
                       sources=priors(s1=0.9, s2=0.9, s3=0.9))
    frame = claims([("s1", "b", "Knuth"), ("s1", "b", "Graham"), ("s2", "b", "Knuth"), ("s2", "b", "Graham"),
                    ("s3", "b", "Knuth")], attribute="authors")
    result = reconcile_frame(frame, rules)
    values = set(result.verdicts["value"])
    assert values == {"Knuth", "Graham"}
    # a multi-valued item is not a self-contradiction
    assert "self_contradiction" not in set(result.contradictions["kind"])
