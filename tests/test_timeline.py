"""The time model (reconcile.timeline): timelines, the state at --as-of, and the time-aware contradiction kinds.

Hand-made feeds; the functions are called directly on a Problem built as the pipeline builds it.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reconcile.feed.times import parse_as_of
from reconcile.feed.validate import validate
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules
from reconcile.solve.accu import posteriors
from reconcile.solve.arrays import build_problem
from reconcile.sources import resolve_priors
from reconcile.timeline import TimeModel, fit_timelines, fit_with_time, time_contradictions
from reconcile.timeline.hmm import TIMELINE_COLUMNS

STRONG = 1e6
KINDS = ("conflict_same_time", "time_disagreement", "stale", "correction")


def make_rules(change_every: str | None = "2d", **reliability: float) -> Rules:
    rule = {"change_every": change_every} if change_every else {}
    rel = {"A": 0.85, "B": 0.85, "C": 0.8, **reliability}
    return Rules.model_validate({
        "version": 1, "attributes": {"control": rule},
        "sources": {"priors": {s: {"reliability": r, "strength": STRONG} for s, r in rel.items()}},
    })


def frame(rows: list[tuple]) -> pd.DataFrame:
    """rows of (source, value, published_at, valid_from, valid_to) about the control of `city`."""
    df = pd.DataFrame(rows, columns=["source", "value", "published_at", "valid_from", "valid_to"])
    df.insert(1, "subject", "city")
    df.insert(2, "attribute", "control")
    return df


def feed(df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """As a feed file reads: text cells, '' when empty. Rows published after as-of are left out here: validation
    excludes them too ('what did we know at as-of')."""
    df = df.astype(object).where(df.notna(), "").astype(str)
    df = df[pd.to_datetime(df["published_at"], utc=True) <= as_of].reset_index(drop=True)
    df["_file"], df["_row"] = "(test)", np.arange(1, len(df) + 1)
    return df


def run(rows: list[tuple], as_of: str, rules: Rules | None = None):
    """Validate, build the problem, fit with the time model; return (model, solve, contradictions)."""
    rules = rules or make_rules()
    ts = parse_as_of(as_of)
    df = feed(frame(rows), ts)
    table = validate([df], rules, ts)
    priors = resolve_priors(sorted(table.claims["source"].unique()), rules)
    problem = build_problem(table.claims, rules, ts, priors)
    solved = fit_with_time(problem, priors["a"].to_numpy(), priors["b"].to_numpy(), rules, ts)
    model = TimeModel(problem, rules, ts)
    tf = solved.timeline
    if tf is None:  # no time-modelled attribute
        return problem, solved, None
    found = time_contradictions(model.claims, tf.timeline, tf.claim_support, tf, solved.reliability,
                                model.change_every)
    return problem, solved, found


def as_of_state(problem, solved) -> tuple[str, float]:
    prob = solved.cand_prob
    best = int(np.lexsort((problem.cands["value_key"].to_numpy(), -prob))[0])
    return problem.cands["value"].iloc[best], float(prob[best])


# the city falls on day 1 and is retaken on day 3; as-of is day 3 evening
FALL_AND_RETAKE = [
    ("A", "government", "2024-01-01T08:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
    ("B", "government", "2024-01-01T09:00:00Z", "2024-01-01T07:00:00Z", "2024-01-01T07:00:00Z"),
    ("A", "taliban", "2024-01-02T10:00:00Z", "2024-01-02T08:00:00Z", "2024-01-02T08:00:00Z"),
    ("B", "taliban", "2024-01-02T11:00:00Z", "2024-01-02T09:00:00Z", "2024-01-02T09:00:00Z"),
    ("C", "taliban", "2024-01-02T12:00:00Z", "2024-01-02T10:00:00Z", "2024-01-02T10:00:00Z"),
    ("A", "government", "2024-01-03T10:00:00Z", "2024-01-03T08:00:00Z", "2024-01-03T08:00:00Z"),
    ("B", "government", "2024-01-03T11:00:00Z", "2024-01-03T09:00:00Z", "2024-01-03T09:00:00Z"),
]


def test_fall_and_retake_gives_a_timeline_with_two_changes_and_no_conflict():
    problem, solved, found = run(FALL_AND_RETAKE, "2024-01-03T12:00:00Z")
    tl = solved.timeline.timeline
    assert list(tl.columns[:7]) == TIMELINE_COLUMNS
    assert tl["value"].tolist() == ["government", "taliban", "government"]
    assert tl["change"].tolist() == [False, True, True]
    assert tl["valid_from"].iloc[1] == pd.Timestamp("2024-01-02T08:00:00Z")
    assert tl["valid_to"].iloc[-1] == pd.Timestamp("2024-01-03T12:00:00Z")  # the last interval ends at as-of
    assert (tl["probability"] > 0.9).all()
    value, confidence = as_of_state(problem, solved)
    assert value == "government" and confidence > 0.9
    # every claim's value held at its own time
    assert (solved.timeline.claim_support > 0.95).all()
    # no conflict for claims from different days; C's last word (taliban) is stale
    assert "conflict_same_time" not in set(found["kind"])
    assert set(found["kind"]) == {"stale"}
    stale = found.iloc[0]
    assert stale["losing_sources"] == "C" and stale["verdict_value"] == "government"
    assert stale["competing_values"] == "taliban (held until 2024-01-03T08:00:00Z: C)"


def test_same_claims_without_change_every_are_a_value_conflict():
    result = reconcile_frame(frame(FALL_AND_RETAKE), make_rules(change_every=None), as_of="2024-01-03T12:00:00Z")
    assert set(result.contradictions["kind"]) & {"value_conflict", "near_tie"}
    # and the static model has no timeline: the model covers nothing
    _, solved, _ = run(FALL_AND_RETAKE, "2024-01-03T12:00:00Z", make_rules(change_every=None))
    assert solved.timeline is None


def test_as_of_between_the_events_gives_the_earlier_state():
    # claims published after as-of are excluded by validation: what did we believe on day 2 at noon?
    problem, solved, found = run(FALL_AND_RETAKE, "2024-01-02T12:00:00Z")
    value, confidence = as_of_state(problem, solved)
    assert value == "taliban" and confidence > 0.9
    assert solved.timeline.timeline["value"].tolist() == ["government", "taliban"]
    value, _ = as_of_state(*run(FALL_AND_RETAKE, "2024-01-01T12:00:00Z")[:2])
    assert value == "government"


def test_confidence_at_as_of_decays_with_time_since_the_last_evidence():
    conf = [as_of_state(*run(FALL_AND_RETAKE, f"2024-01-{d:02d}T12:00:00Z")[:2])[1] for d in (3, 4, 8)]
    assert conf[0] > conf[1] > conf[2] > 0.0
    # far beyond change_every nothing is known: back to the uniform 1 / (domain size)
    far = as_of_state(*run(FALL_AND_RETAKE, "2025-01-01T00:00:00Z")[:2])[1]
    assert far == pytest.approx(1 / 10, abs=1e-3)


def test_slow_change_equals_the_static_accu_posterior():
    rules = make_rules(change_every="100000w")
    rows = [("A", "government", "2024-01-01T08:00:00Z", None, None),
            ("C", "taliban", "2024-01-02T08:00:00Z", None, None)]
    problem, solved, _ = run(rows, "2024-01-03T00:00:00Z", rules)
    static = posteriors(problem.part, solved.reliability)
    np.testing.assert_allclose(solved.cand_prob, static, rtol=1e-5)


def test_two_credible_claims_about_the_same_moment_conflict():
    rows = [("A", "government", "2024-01-01T08:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
            ("B", "government", "2024-01-01T09:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
            ("C", "taliban", "2024-01-01T09:30:00Z", "2024-01-01T06:20:00Z", "2024-01-01T06:20:00Z")]
    _, solved, found = run(rows, "2024-01-01T12:00:00Z")
    conflict = found[found["kind"] == "conflict_same_time"]
    assert len(conflict) == 1
    row = conflict.iloc[0]
    assert row["verdict_value"] == "government" and row["losing_sources"] == "C"
    assert row["competing_values"].startswith("at 2024-01-01T06:00:00Z: government (")
    assert "taliban (" in row["competing_values"]
    assert row["severity"] == pytest.approx(0.8)
    assert solved.timeline.timeline["value"].tolist() == ["government"]


def test_a_source_correcting_itself_is_a_correction_and_the_later_statement_wins():
    rows = [("A", "taliban", "2024-01-01T08:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
            ("A", "government", "2024-01-01T10:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z")]
    problem, solved, found = run(rows, "2024-01-01T12:00:00Z")
    tf = solved.timeline
    # claims are in content order (government before taliban), whatever the feed order
    assert dict(zip(problem.claims["value"].astype(str), tf.superseded.tolist())) == {"taliban": True,
                                                                                     "government": False}
    assert as_of_state(problem, solved)[0] == "government"
    assert list(found["kind"]) == ["correction"]
    row = found.iloc[0]
    assert row["source"] == "A" and row["verdict_value"] == "government"
    assert row["competing_values"] == ("taliban (published 2024-01-01T08:00:00Z) -> government "
                                       "(published 2024-01-01T10:00:00Z), at 2024-01-01T06:00:00Z")
    # an update about a later time is not a correction
    rows[1] = ("A", "government", "2024-01-03T10:00:00Z", "2024-01-03T06:00:00Z", "2024-01-03T06:00:00Z")
    _, solved, found = run(rows, "2024-01-03T12:00:00Z")
    assert not solved.timeline.superseded.any()
    assert "correction" not in set(found["kind"])


def test_stale_claims_are_stale_not_conflicts():
    rows = FALL_AND_RETAKE[:5] + [
        ("A", "government", "2024-01-04T10:00:00Z", "2024-01-04T08:00:00Z", "2024-01-04T08:00:00Z"),
        ("B", "government", "2024-01-04T11:00:00Z", "2024-01-04T09:00:00Z", "2024-01-04T09:00:00Z"),
        ("D", "taliban", "2024-01-02T13:00:00Z", "2024-01-02T11:00:00Z", "2024-01-02T11:00:00Z"),
    ]
    _, _, found = run(rows, "2024-01-04T12:00:00Z", make_rules(D=0.75))
    assert not set(found["kind"]) & {"conflict_same_time", "correction"}
    stale = found[found["kind"] == "stale"]
    assert len(stale) == 1
    assert stale.iloc[0]["losing_sources"] == "C,D"
    assert stale.iloc[0]["verdict_value"] == "government"
    assert stale.iloc[0]["competing_values"] == "taliban (held until 2024-01-04T08:00:00Z: C,D)"


def test_sources_disagreeing_on_when_it_happened_give_time_disagreement():
    # government holds the city; A: it fell 'Tuesday noon'; B: it fell 'overnight' (Mon 22:00 - Tue 06:00)
    rows = [("A", "government", "2024-01-01T08:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
            ("B", "government", "2024-01-01T09:00:00Z", "2024-01-01T07:00:00Z", "2024-01-01T07:00:00Z"),
            ("A", "taliban", "2024-01-02T14:00:00Z", "2024-01-02T12:00:00Z", "2024-01-02T12:00:00Z"),
            ("B", "taliban", "2024-01-02T09:00:00Z", "2024-01-01T22:00:00Z", "2024-01-02T06:00:00Z")]
    _, solved, found = run(rows, "2024-01-02T18:00:00Z", make_rules(B=0.9))
    assert solved.timeline.timeline["value"].tolist() == ["government", "taliban"]
    kinds = found.set_index("kind")
    assert "time_disagreement" in kinds.index and "conflict_same_time" not in kinds.index
    row = kinds.loc["time_disagreement"]
    assert row["losing_sources"] == "A"  # B, the more credible source, is the reference
    assert row["competing_values"] == ("taliban 2024-01-01T22:00:00Z..2024-01-02T06:00:00Z: B; "
                                       "taliban at 2024-01-02T12:00:00Z: A")
    # agreeing within the tolerance (1 hour here) is no disagreement
    rows[2] = ("A", "taliban", "2024-01-02T14:00:00Z", "2024-01-02T06:30:00Z", "2024-01-02T06:30:00Z")
    _, _, found = run(rows, "2024-01-02T18:00:00Z", make_rules(B=0.9))
    assert "time_disagreement" not in set(found["kind"])
    # status reports ('X holds the city', valid when published) date nothing: reported at different hours, no row
    rows[2] = ("A", "taliban", "2024-01-02T12:00:00Z", "2024-01-02T12:00:00Z", "2024-01-02T12:00:00Z")
    rows[3] = ("B", "taliban", "2024-01-02T06:00:00Z", "2024-01-02T06:00:00Z", "2024-01-02T06:00:00Z")
    _, _, found = run(rows, "2024-01-02T18:00:00Z", make_rules(B=0.9))
    assert "time_disagreement" not in set(found["kind"])


def test_outputs_are_deterministic_and_independent_of_row_order():
    rows = FALL_AND_RETAKE + [("C", "government", "2024-01-03T09:30:00Z", "2024-01-03T09:00:00Z", None)]
    p1, s1, f1 = run(rows, "2024-01-03T12:00:00Z")
    p2, s2, f2 = run(rows[::-1], "2024-01-03T12:00:00Z")
    pd.testing.assert_frame_equal(s1.timeline.timeline, s2.timeline.timeline)
    pd.testing.assert_frame_equal(f1, f2)
    np.testing.assert_allclose(s1.cand_prob, s2.cand_prob)


def test_several_items_in_one_fit_match_separate_fits():
    rows = frame(FALL_AND_RETAKE)
    other = rows.assign(subject="town").iloc[:3]
    rules, ts = make_rules(), parse_as_of("2024-01-03T12:00:00Z")
    df = feed(pd.concat([rows, other], ignore_index=True), ts)
    table = validate([df], rules, ts)
    priors = resolve_priors(sorted(table.claims["source"].unique()), rules)
    problem = build_problem(table.claims, rules, ts, priors)
    rel = priors["prior"].to_numpy()
    model = TimeModel(problem, rules, ts)
    both = fit_timelines(model.claims, problem.cands, rel, problem.part.item_n_false, model.change_every, ts)
    for item in (0, 1):
        mask = (model.claims["item"] == item).to_numpy()
        one = fit_timelines(model.claims[mask].reset_index(drop=True), problem.cands, rel,
                            problem.part.item_n_false, {item: model.change_every[item]}, ts)
        np.testing.assert_allclose(one.claim_support, both.claim_support[mask])
        cands = one.cand_ids
        np.testing.assert_allclose(one.state_prob[cands], both.state_prob[cands])
    assert both.timeline["subject"].tolist() == ["city", "city", "city", "town", "town"]


def test_interval_claims_count_once_and_open_intervals_run_to_publication():
    rows = [("A", "taliban", "2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z", None)]
    _, solved, _ = run(rows, "2024-01-02T00:00:00Z")
    tf = solved.timeline
    assert tf.evidence_to[0] - tf.evidence_from[0] == 86400 * 10**9  # "since day 1", said on day 2
    # one interval claim weighs as much as one instant claim at the same time (both ends, half weight each)
    inst = run([("A", "taliban", "2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z")],
               "2024-01-02T00:00:00Z")[1]
    assert solved.cand_prob[0] < inst.cand_prob[0]  # half of the weight is a day older
    assert math.isclose(solved.cand_prob[0], inst.cand_prob[0], rel_tol=0.2)


def test_interval_running_past_as_of_is_clipped_to_as_of():
    """'controls it since Monday' said on Monday, as of Tuesday: evidence up to as-of, not beyond."""
    rows = [("A", "taliban", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z")]
    _, solved, _ = run(rows, "2024-01-02T00:00:00Z")
    assert solved.timeline.evidence_to[0] == pd.Timestamp("2024-01-02T00:00:00Z").value


def test_claim_wholly_after_as_of_is_excluded_not_clipped():
    """A prediction ('will fall by Friday') is not evidence of the state at as-of: validation excludes it."""
    rows = [("A", "taliban", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z", "2024-01-05T00:00:00Z"),
            ("B", "government", "2024-01-01T00:00:00Z", "", "")]
    ts = parse_as_of("2024-01-02T00:00:00Z")
    table = validate([feed(frame(rows), ts)], make_rules(), ts)
    assert table.counts["rows_excluded"] == 1
    assert "after --as-of" in table.rejects["reason"].iloc[0]


def test_a_state_ending_where_the_next_begins_is_a_succession_not_a_conflict():
    # B: stormed overnight (Mon 22:00 - Tue 06:00); A and C: recaptured after it (Tue 06:00 - 12:00)
    rows = [("B", "taliban", "2024-01-02T13:00:00Z", "2024-01-01T22:00:00Z", "2024-01-02T06:00:00Z"),
            ("A", "government", "2024-01-02T13:00:00Z", "2024-01-02T06:00:00Z", "2024-01-02T12:00:00Z"),
            ("C", "government", "2024-01-02T13:00:00Z", "2024-01-02T06:30:00Z", "2024-01-02T12:00:00Z")]
    _, _, found = run(rows, "2024-01-02T18:00:00Z")
    assert "conflict_same_time" not in set(found["kind"])
    # sharing more than the tolerance (1 hour here) is a conflict: the overnight report now runs to 09:00
    rows[0] = ("B", "taliban", "2024-01-02T13:00:00Z", "2024-01-01T22:00:00Z", "2024-01-02T09:00:00Z")
    _, _, found = run(rows, "2024-01-02T18:00:00Z")
    conflict = found[found["kind"] == "conflict_same_time"]
    assert len(conflict) == 1 and conflict.iloc[0]["competing_values"].startswith("at 2024-01-02T06:00:00Z: ")


def test_claims_without_a_valid_time_conflict_with_each_other_but_not_with_a_dated_event():
    # a daily feed: two sources' undated reports of one morning disagree, a reviewer must see it
    rows = [("A", "government", "2024-01-01T08:00:00Z", None, None),
            ("C", "taliban", "2024-01-01T08:00:00Z", None, None)]
    _, _, found = run(rows, "2024-01-01T12:00:00Z")
    assert "conflict_same_time" in set(found["kind"])
    # an undated claim is placed at its publication time, which dates no event: a dated event at that moment
    # is no same-time conflict with it
    rows[1] = ("C", "taliban", "2024-01-01T09:00:00Z", "2024-01-01T08:00:00Z", "2024-01-01T08:00:00Z")
    _, _, found = run(rows, "2024-01-01T12:00:00Z")
    assert "conflict_same_time" not in set(found["kind"])
    # two dated claims at that moment do conflict
    rows.append(("B", "government", "2024-01-01T09:00:00Z", "2024-01-01T08:00:00Z", "2024-01-01T08:00:00Z"))
    _, _, found = run(rows, "2024-01-01T12:00:00Z")
    assert "conflict_same_time" in set(found["kind"])


def test_a_stale_row_lists_every_superseded_state_of_the_source():
    # C reported the fight (contested) then the fall (taliban) and never the retake: both are superseded
    rows = FALL_AND_RETAKE + [("C", "contested", "2024-01-02T09:00:00Z", "2024-01-02T07:00:00Z",
                               "2024-01-02T07:00:00Z")]
    _, _, found = run(rows, "2024-01-03T12:00:00Z")
    stale = found[found["kind"] == "stale"]
    assert len(stale) == 1 and stale.iloc[0]["losing_sources"] == "C"
    said = stale.iloc[0]["competing_values"]
    assert "taliban (held until 2024-01-03T08:00:00Z: C)" in said
    assert "contested (" in said and ": C)" in said.split("contested (")[1]
