"""Values that change at a pace of their own (`change_every_by_value`): a passing state such as `contested`
does not outlast the claims of what came after it, while control by one side keeps `change_every`."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from reconcile.rules.model import Rules
from test_timeline import STRONG, as_of_state, run

# fighting in the morning (five sources), one report of government control in the evening
FIGHTING_THEN_HELD = [
    *[(s, "contested", f"2024-01-01T{7 + i:02d}:00:00Z", f"2024-01-01T{6 + i:02d}:00:00Z",
       f"2024-01-01T{6 + i:02d}:00:00Z") for i, s in enumerate("ABDEF")],
    ("C", "government", "2024-01-01T21:00:00Z", "2024-01-01T20:00:00Z", "2024-01-01T20:00:00Z"),
]
AS_OF = "2024-01-01T23:00:00Z"


def rules(**pace: str) -> Rules:
    rule = {"change_every": "2d", "values": {"government": [], "taliban": [], "contested": []}}
    if pace:
        rule["change_every_by_value"] = pace
    return Rules.model_validate({
        "version": 1, "attributes": {"control": rule},
        "sources": {"priors": {s: {"reliability": 0.8, "strength": STRONG} for s in "ABCDEF"}},
    })


def test_one_pace_for_every_value_keeps_the_earlier_majority():
    problem, solved, _ = run(FIGHTING_THEN_HELD, AS_OF, rules())
    assert as_of_state(problem, solved)[0] == "contested"


def test_a_passing_state_gives_way_to_the_later_report():
    problem, solved, _ = run(FIGHTING_THEN_HELD, AS_OF, rules(contested="6h"))
    value, confidence = as_of_state(problem, solved)
    assert value == "government" and confidence > 0.5
    timeline = solved.timeline.timeline
    assert timeline["value"].tolist() == ["contested", "government"]


def test_a_pace_equal_to_change_every_changes_nothing():
    _, same, _ = run(FIGHTING_THEN_HELD, AS_OF, rules(contested="2d"))
    _, base, _ = run(FIGHTING_THEN_HELD, AS_OF, rules())
    np.testing.assert_allclose(same.cand_prob, base.cand_prob, rtol=0, atol=1e-12)
    np.testing.assert_allclose(same.timeline.claim_support, base.timeline.claim_support, rtol=0, atol=1e-12)


def test_a_sticky_side_holds_longer_than_fighting():
    """Government control reported once in the morning outlasts a passing 'contested' report at noon."""
    rows = [("A", "government", "2024-01-01T07:00:00Z", "2024-01-01T06:00:00Z", "2024-01-01T06:00:00Z"),
            ("B", "contested", "2024-01-01T13:00:00Z", "2024-01-01T12:00:00Z", "2024-01-01T12:00:00Z")]
    problem, solved, _ = run(rows, "2024-01-03T12:00:00Z", rules(contested="3h"))
    assert as_of_state(problem, solved)[0] == "government"


@pytest.mark.parametrize("rule, message", [
    ({"values": {"contested": []}, "change_every_by_value": {"contested": "6h"}}, "needs change_every"),
    ({"change_every": "2d", "values": {"contested": []}, "change_every_by_value": {"fighting": "6h"}},
     "not in the vocabulary"),
    ({"change_every": "2d", "change_every_by_value": {"contested": "0s"}}, "positive|greater"),
])
def test_bad_paces_are_rejected(rule, message):
    with pytest.raises(ValidationError, match=message):
        Rules.model_validate({"version": 1, "attributes": {"control": rule}})
