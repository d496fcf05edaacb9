"""Place-valued attributes (`kind: place`): values resolved against the GeoNames gazetteer, whose admin hierarchy
is the attribute's value hierarchy (reconcile/places.py)."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from reconcile.evaluation.gold import score
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules

PLACE = Rules.model_validate({"version": 1, "attributes": {"born": {"kind": "place"}}})


def feed(values: dict[str, list[str]]) -> pd.DataFrame:
    """subject -> claimed values, one source per claim (s0, s1, ...)."""
    return pd.DataFrame([(f"s{i}", subject, "born", v) for subject, vs in values.items() for i, v in enumerate(vs)],
                        columns=["source", "subject", "attribute", "value"])


def verdict(result, subject: str = "p") -> pd.Series:
    return result.verdicts.set_index("subject").loc[subject]


def test_transliterations_of_one_town_are_one_value():
    result = reconcile_frame(feed({"p": ["Qala-e-Naw", "Qala-i-Naw", "Qal'ah-ye Now", "Kabul"]}), PLACE)
    v = verdict(result)
    assert v["value"] == "Qala i Naw" and v["runner_up"] == "Kabul"
    assert result.claims["value_key"].nunique() == 2  # the three spellings share one key


def test_a_city_and_its_state_or_country_are_not_contradictions():
    result = reconcile_frame(feed({"p": ["Los Angeles, CA", "Los Angeles, California, USA", "California",
                                         "United States", "USA"]}), PLACE)
    v = verdict(result)
    assert v["value"] == "Los Angeles" and v["runner_up"] == ""
    assert result.contradictions.empty
    # the same feed as plain text: five rival values
    flat = reconcile_frame(feed({"p": ["Los Angeles, CA", "Los Angeles, California, USA", "California",
                                       "United States", "USA"]}), Rules.model_validate({"version": 1}))
    assert len(flat.contradictions)


@pytest.mark.parametrize("coarse, fine", [("Badghis province", "Qala-e-Naw"), ("Mauritius", "Port Louis District"),
                                          ("California", "Los Angeles"), ("Afghanistan", "Faizabad city (Badakhshan)"),
                                          ("Netherlands", "Amsterdam"), ("Cape Verde", "Praia")])
def test_the_issues_pairs_of_a_place_and_a_place_inside_it_agree(coarse, fine):
    result = reconcile_frame(feed({"p": [coarse, coarse, fine]}), PLACE)
    assert result.contradictions.empty and verdict(result)["runner_up"] == ""


def test_the_verdict_is_at_the_level_the_sources_agree_on_with_its_own_confidence():
    result = reconcile_frame(feed({"coarse": ["California"] * 3 + ["Los Angeles", "San Francisco"],
                                   "fine": ["Los Angeles"] * 3 + ["California"] * 2}), PLACE)
    coarse, fine = verdict(result, "coarse"), verdict(result, "fine")
    assert coarse["value"] == "California" and coarse["confidence"] >= 0.9
    post = result.claims[result.claims["subject"] == "coarse"].groupby("value")["posterior"].first()
    assert post["Los Angeles"] < 0.5 and post["San Francisco"] < 0.5  # no city is made up with high confidence
    assert result.contradictions.empty  # both cities lie in California
    assert fine["value"] == "Los Angeles" and fine["confidence"] >= 0.9


def test_a_place_the_gazetteer_does_not_know_is_kept_as_a_plain_value():
    result = reconcile_frame(feed({"p": ["Xyzzyville", "xyzzyville ", "Paris"]}), PLACE)
    assert result.counts["rows_rejected"] == 0
    v = verdict(result)
    assert v["value"].strip().lower() == "xyzzyville" and v["runner_up"] == "Paris"


def test_an_unknown_town_with_a_known_state_lies_in_that_state():
    result = reconcile_frame(feed({"p": ["Smallville, Kansas", "Smallville, KS, USA", "Kansas"]}), PLACE)
    assert result.contradictions.empty
    assert result.claims["value_key"].nunique() == 2  # both spellings of the town are one value, below Kansas
    assert verdict(result)["value"].lower().startswith("smallville")


def test_an_ambiguous_name_takes_the_reading_the_other_claims_agree_with():
    result = reconcile_frame(feed({"il": ["Springfield", "Springfield", "Illinois"], "alone": ["Springfield"]}),
                             PLACE)
    assert verdict(result, "il")["value"] == "Springfield, Illinois, United States"
    assert result.contradictions.empty
    keys = result.claims.set_index("subject")["value_key"]
    assert keys.loc["alone"] == "Springfield, Missouri, United States"  # no context: the most populous


def test_a_hierarchy_csv_adds_edges_to_the_gazetteer(tmp_path):
    from reconcile.rules import load_rules

    (tmp_path / "extra.csv").write_text("child,parent\nGriffith Observatory,Los Angeles\n")
    (tmp_path / "rules.yaml").write_text("version: 1\nattributes:\n  born: {kind: place, hierarchy: extra.csv}\n")
    rules = load_rules(str(tmp_path / "rules.yaml")).rules
    result = reconcile_frame(feed({"p": ["Griffith Observatory"] * 2 + ["Los Angeles", "California"]}), rules)
    assert verdict(result)["value"] == "Griffith Observatory" and result.contradictions.empty


def test_same_feed_in_any_row_order_gives_the_same_verdicts():
    rows = feed({"a": ["Springfield", "Illinois", "Springfield, MA"], "b": ["Qala-e-Naw", "Badghis province"],
                 "c": ["Los Angeles", "California", "San Francisco"]})
    one = reconcile_frame(rows, PLACE).verdicts.to_csv(index=False)
    two = reconcile_frame(rows.iloc[::-1].reset_index(drop=True), PLACE).verdicts.to_csv(index=False)
    assert one == two


def test_evaluate_counts_a_coarse_but_true_verdict_at_its_own_level():
    verdicts = pd.DataFrame({"subject": ["a", "b", "c"], "attribute": "born",
                             "value": ["California", "Los Angeles", "Texas"], "confidence": [0.95, 0.9, 0.9]})
    gold = pd.DataFrame({"subject": ["a", "b", "c"], "attribute": "born",
                         "value": ["Los Angeles, CA", "Los Angeles", "Los Angeles"]})
    s = score(verdicts, gold, PLACE).summary
    assert s["accuracy"] == pytest.approx(1 / 3)  # scored at the gold's level, only b is right
    assert s["correct_but_coarse"] == 1 and s["accuracy_at_verdict_level"] == pytest.approx(2 / 3)


def test_kind_place_cannot_be_multi_valued_nor_closed():
    with pytest.raises(ValueError, match="single-valued"):
        Rules.model_validate({"version": 1, "attributes": {"born": {"kind": "place", "multi_valued": True}}})
    with pytest.raises(ValueError, match="closed"):
        Rules.model_validate({"version": 1, "attributes": {"born": {"kind": "place", "closed": True,
                                                                    "values": {"Paris": []}}}})


def test_a_vocabulary_names_places_before_the_gazetteer_reads_them():
    rules = Rules.model_validate({"version": 1, "attributes": {"born": {"kind": "place",
                                                                        "values": {"Los Angeles": ["LA"]}}}})
    result = reconcile_frame(feed({"p": ["LA", "Los Angeles, CA", "California"]}), rules)
    assert verdict(result)["value"] == "Los Angeles" and result.claims["value_key"].nunique() == 2


def test_a_run_without_place_attributes_does_not_load_the_gazetteer():
    code = ("import sys, pandas as pd\nfrom reconcile.pipeline import reconcile_frame\n"
            "from reconcile.rules.model import Rules\n"
            "reconcile_frame(pd.DataFrame({'source': ['a', 'b'], 'subject': 'x', 'attribute': 'c', "
            "'value': ['1', '2']}), Rules.model_validate({'version': 1}))\n"
            "geo = sys.modules.get('reconcile.extract.geonames')\n"
            "print('reconcile.places' in sys.modules, geo is not None and geo.load_geonames.cache_info().misses)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False" and out.split()[1] in ("False", "0")  # never loaded
