"""Recall on real reporting: states a side reports in quotes, and actors named around the verb.

Hand-made sentences shaped like wire copy (none is a sentence of the development set): "X is under our
control," said by a side's spokesman; a town a side calls its fortress; "fighters of <group>" without a profile;
the passive subject of a clause as the actor of "after seizing X".
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules

UA = datetime(2024, 2, 17, tzinfo=timezone.utc)
SY = datetime(2024, 12, 7, tzinfo=timezone.utc)
MM = datetime(2023, 11, 10, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


def test_under_our_control_in_a_quote_is_the_speakers_side(rules):
    text = '"Avdiivka is under our control," a Ukrainian army spokesman said on Friday.'
    assert claims(text, rules, UA) == [["Avdiyivka", "ukraine"]]


def test_a_town_that_remains_a_sides_fortress(rules):
    text = "Despite heavy losses, Kupiansk has remained Ukraine's main fortress in the Kharkiv region."
    assert claims(text, rules, UA) == [["Kupyansk", "ukraine"]]


def test_fighters_of_a_named_group_without_a_profile(rules):
    text = "Fighters of the Ta'ang National Liberation Army took over Lashio on Sunday, residents in Myanmar said."
    assert claims(text, rules, MM) == [["Lashio", "ta'ang national liberation army"]]


def test_the_passive_subject_is_who_acted_after_seizing(rules):
    text = ("SDF fighters were filmed guarding the main square of Raqqa on Saturday, a day after seizing "
            "the northern Syrian city.")
    got = claims(text, rules, SY)
    assert ["Ar Raqqah", "sdf"] in got and ["Ar Raqqah", "rebels"] not in got


def test_a_liberation_without_its_actor_is_the_reporters_claim(rules):
    # the attacker's ministry calls its capture a liberation; without an actor the defender's was assumed
    text = "Russia's defence minister said on Monday the town of Marinka had been liberated."
    assert claims(text, rules, UA) == [["Mar'yinka", "russia"]]
    assert claims("Marinka was liberated on Monday, Ukraine's army said.", rules, UA) == [["Mar'yinka", "ukraine"]]


def test_the_town_is_not_the_capital_that_speaks(rules):
    # "Kyiv" is the side speaking, not the town "the town" stands for
    text = ("Wagner fighters have taken control of Soledar, their founder said. Kyiv insisted the town remained "
            "in Ukrainian hands.")
    got = claims(text, rules, UA)
    assert ["Soledar", "ukraine"] in got and ["Kyiv", "ukraine"] not in got


ET = datetime(2021, 11, 2, tzinfo=timezone.utc)


def test_its_fighters_are_the_reporting_groups_without_a_profile(rules):
    # no profile for Ethiopia: "its" is the group that reports, known by its acronym
    text = "The Tigray People's Liberation Front (TPLF) said its fighters had taken control of Kombolcha."
    assert claims(text, rules, ET) == [["Kombolcha", "tplf"]]


def test_armed_men_from_a_named_militia_are_that_militia(rules):
    text = "Armed men from the Fano militia have taken over the town of Lalibela, residents in Ethiopia said."
    assert claims(text, rules, ET) == [["Lalibela", "fano militia"]]
