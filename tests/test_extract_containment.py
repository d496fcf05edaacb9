"""A facility's control claim as evidence about the place containing it; times of repeated and undated claims."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconcile.errors import RulesError
from reconcile.extract import extract_text, load_extract_rules
from reconcile.extract.containment import Containment
from reconcile.extract.events import SentenceClaim
from reconcile.extract.matching import Gazetteer

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2021, 8, 13, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def rows(text: str, rules, when: datetime = DAY):
    df, _ = extract_text(text, rules, source_name="Wire", published_at=when)
    return df


def test_defender_holding_a_facility_holds_the_town(rules):
    df = rows("Government forces were still in control of Kandahar's airport.", rules)
    derived = df[df.via != ""]
    assert derived[["subject", "value", "via"]].values.tolist() == [["Kandahar", "government", "Kandahar airport"]]
    airport = df[df.subject == "Kandahar airport"].weight.iloc[0]
    factor = rules.containment.weights["airport"]
    assert derived.weight.iloc[0] == pytest.approx(airport * factor)
    assert derived.quote.iloc[0] == df.quote.iloc[0]  # same sentence, same speaker


def test_attacker_taking_a_facility_makes_the_town_contested_not_fallen(rules):
    df = rows("Taliban fighters captured Kandahar's airport.", rules)
    assert df[["subject", "value", "via"]].values.tolist() == [["Kandahar airport", "taliban", ""],
                                                               ["Kandahar", "contested", "Kandahar airport"]]


def test_weights_are_per_facility_kind_and_zero_turns_a_kind_off(rules):
    off = rules.containment.model_copy(update={"weights": {**rules.containment.weights, "airport": 0.0}})
    df = rows("Taliban fighters captured Kandahar's airport.", rules.model_copy(update={"containment": off}))
    assert (df.via == "").all()
    none = rows("Taliban fighters captured Kandahar's airport.", rules.model_copy(update={"containment": None}))
    assert (none.via == "").all() and len(none) == 1


def test_a_statement_about_the_town_itself_is_not_doubled(rules):
    contain = Containment(rules, Gazetteer(rules).entity)
    profile = rules.profiles[0]
    town = SentenceClaim("Kandahar", "control", "contested", 1.0, "stormed")
    airport = SentenceClaim("Kandahar airport", "control", "taliban", 0.8, "seized")
    assert contain.derive([town, airport], profile) == []  # the sentence already says: contested
    held = SentenceClaim("Kandahar airport", "control", "government", 0.8, "held")
    got = contain.derive([town, airport, held], profile)
    assert [(c.subject, c.value, c.via) for c in got] == [("Kandahar", "government", "Kandahar airport")]


def test_containment_weights_are_validated(tmp_path):
    for f in (ROOT / "rules").rglob("*.yaml"):
        dest = tmp_path / f.relative_to(ROOT / "rules")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "extract" / "containment.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("airport: 0.4", "airport: 1.5"), encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_extract_rules(tmp_path)
    assert "containment.yaml" in str(err.value)


def test_order_within_a_sentence_gives_distinct_valid_times(rules):
    when = datetime(2021, 7, 7, tzinfo=timezone.utc)
    df = rows("Regional officials said on Wednesday they had recaptured government buildings in Qala-e-Naw "
              "after Taliban fighters stormed it overnight.", rules, when)
    got = {(r.subject, r.value, r.via != ""): (r.valid_from, r.valid_to) for r in df.itertuples()}
    assert got[("Qala-e-Naw", "contested", False)] == ("2021-07-06T18:00:00Z", "2021-07-07T06:00:00Z")
    # the recapture holds from the end of the storming on, for the buildings and (as evidence) for the city
    assert got[("Qala-e-Naw government buildings", "government", False)] == \
        ("2021-07-07T06:00:00Z", "2021-07-07T23:59:59Z")
    assert got[("Qala-e-Naw", "government", True)] == ("2021-07-07T06:00:00Z", "2021-07-07T23:59:59Z")


def test_a_repeated_event_takes_the_time_of_its_dated_mention(rules):
    when = datetime(2021, 7, 7, tzinfo=timezone.utc)
    text = ("Qala-e-Naw falls to Taliban\n\nThe city of Qala-e-Naw fell to the Taliban on Tuesday. "
            "Officials in Kabul said Qala-e-Naw fell to the Taliban.\n")
    df = rows(text, rules, when)
    fell = df[(df.subject == "Qala-e-Naw") & (df.value == "taliban")]
    assert len(fell) >= 2 and set(fell.valid_from) == {"2021-07-06T00:00:00Z"}


def test_undated_claims_of_a_day_dated_article_are_as_of_its_writing(rules):
    when = datetime(2021, 7, 7, tzinfo=timezone.utc)
    text = ("Government forces control Qala-e-Naw, officials said. Air strikes began during the afternoon.\n")
    df = rows(text, rules, when)
    assert df[["subject", "valid_from", "valid_to"]].values.tolist() == \
        [["Qala-e-Naw", "2021-07-07T12:00:00Z", "2021-07-07T23:59:59Z"]]  # some time after, that day
    # a past, short-lived state ("briefly") is not the state as of writing
    brief = rows("The city of Qala-e-Naw briefly fell to the Taliban. Air strikes began during the afternoon.\n",
                 rules, when)
    assert brief[brief.subject == "Qala-e-Naw"].valid_from.tolist() == [""]
    # an article with a time of day is not moved; nor by a forecast ("within the next few hours")
    timed = rows(text, rules, datetime(2021, 7, 7, 9, 30, tzinfo=timezone.utc))
    assert timed.valid_from.tolist() == [""]
    ahead = rows("Government forces control Qala-e-Naw, officials said. They expect to clear the area within "
                 "the next few hours.\n", rules, when)
    assert ahead[ahead.quote.str.startswith("Government forces")].valid_from.tolist() == [""]
