"""Verdict statuses are defined, never double as values, and lists in the CSVs are complete."""
from __future__ import annotations

import pandas as pd

from reconcile.pipeline import reconcile_frame
from reconcile.rules.loader import load_rules
from reconcile.solve.verdicts import STATUS_DEFINITIONS

from engine_helpers import ROOT


def _rules():
    return load_rules(ROOT / "rules").rules


def _feed(rows):
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])


def test_no_status_name_is_a_value_or_alias_of_the_bundled_rules():
    rules = _rules()
    words = set()
    for rule in rules.attributes.values():
        for canonical, aliases in (rule.values or {}).items():
            words |= {canonical.casefold(), *(a.casefold() for a in aliases)}
    assert words, "the bundled rules have a closed vocabulary"
    assert not set(STATUS_DEFINITIONS) & words


def test_a_well_backed_verdict_without_credible_rival_is_likely_not_insufficient():
    rows = [[f"s{i:02d}", "X", "colour", "red"] for i in range(12)] + [["s12", "X", "colour", "blue"]]
    v = reconcile_frame(_feed(rows), _rules()).verdicts
    row = v.iloc[0]
    assert row["n_sources"] == 13 and row["status"] in {"likely", "settled"}
    assert row["status"] != "insufficient"


def test_one_source_is_insufficient_and_an_exact_tie_is_a_tie():
    rows = [["c", "One", "colour", "red"], ["a", "Two", "colour", "red"], ["b", "Two", "colour", "blue"]]
    v = reconcile_frame(_feed(rows), _rules()).verdicts.set_index("subject")
    assert v.loc["One", "status"] == "insufficient"
    assert v.loc["Two", "status"] == "tie"


def test_losing_and_supporting_source_lists_are_complete():
    rows = ([[f"win{i:02d}", "X", "colour", "red"] for i in range(30)]
            + [[f"lose{i:02d}", "X", "colour", "blue"] for i in range(15)])
    result = reconcile_frame(_feed(rows), _rules())
    c = result.contradictions.iloc[0]
    assert "more)" not in c["losing_sources"]
    assert c["losing_sources"].split(",") == [f"lose{i:02d}" for i in range(15)]
    assert result.verdicts.iloc[0]["supporting_sources"].split(";") == [f"win{i:02d}" for i in range(30)]


def test_values_differing_only_by_floating_point_noise_rank_by_value_key():
    # one item, three values: the two losers equally supported, their probabilities apart by the last bits that
    # the order of sums over partitions leaves; the runner-up must not depend on those bits
    import numpy as np
    from types import SimpleNamespace

    from reconcile.solve.verdicts import rank_candidates

    problem = SimpleNamespace(cands=pd.DataFrame({"item": [0, 0, 0], "key_code": [0, 1, 2]}), cand_depth=None)
    tie = 0.016478123
    for noise in (np.nextafter(tie, 1.0), np.nextafter(tie, 0.0)):
        order = rank_candidates(problem, np.array([tie, 0.9, noise]))
        assert order.tolist() == [1, 0, 2]
    assert rank_candidates(problem, np.array([0.3, 0.6, 0.3 + 1e-9])).tolist() == [1, 2, 0]  # a real difference
