"""Recall on real reporting: places and actors a sentence reaches by reference, not by name in the frame.

Each test is a hand-made sentence shaped like wire copy (none is a sentence of the development set): "it" after
a verb of control is the place named before, a second object hung on the verb after an adverbial, a place
described as held ("a Russian-occupied hub", "the rebel-held city", "an RSF stronghold"), the denial of a claim
stated as a state ("denied claims that X is under Russian control"), a facility named without its place ("and
the airport"), a named airport the gazetteer lacks, an actor known by its acronym, an Arabic name in another
transliteration ("Boukamal" = Abu Kamal), and "the district of X".
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules

UA = datetime(2023, 9, 10, tzinfo=timezone.utc)
SD = datetime(2024, 3, 2, tzinfo=timezone.utc)
SY = datetime(2024, 12, 9, tzinfo=timezone.utc)
CD = datetime(2025, 2, 20, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


def test_it_after_a_verb_of_control_is_the_place_named_before(rules):
    text = ("Shelling hit Kupiansk again on Friday. Russian troops seized it in the first days of the invasion "
            "and Ukrainian forces took it back that September.")
    got = claims(text, rules, UA)
    assert ["Kupyansk", "russia"] in got and ["Kupyansk", "ukraine"] in got
    # "it" as the subject of a passive: the place of the same sentence
    text = "The army said Babanusa had been calm for months until it was seized by the RSF on Monday."
    assert claims(text, rules, SD) == [["Babanusah", "rsf"]]


def test_a_second_object_after_a_time_phrase_is_taken_too(rules):
    text = "Syrian rebels took the city of Aleppo on Saturday and the city of Hama four days later."
    assert claims(text, rules, SY) == [["Aleppo", "rebels"], ["Hamah", "rebels"]]


def test_a_place_described_as_held_by_a_side(rules):
    text = "Ukrainian units are advancing towards Melitopol, a Russian-occupied city in the south, officials said."
    assert claims(text, rules, UA) == [["Melitopol", "russia"]]
    text = "Government jets struck targets in the rebel-held city of Idlib, a monitor said."
    assert claims(text, rules, SY) == [["Idlib", "rebels"]]
    text = "The army shelled Nyala, which residents say has become an RSF stronghold, for a third day."
    assert claims(text, rules, SD) == [["Nyala", "rsf"]]
    # a stronghold whose side the sentence does not name says nothing
    assert claims("The army shelled Nyala, the last stronghold in the area, for a third day.", rules, SD) == []


def test_denying_a_claimed_state_is_the_deniers_claim(rules):
    text = ("A Ukrainian army spokesman on Monday denied Russian claims that the town of Avdiivka "
            "was under Russian control.")
    assert claims(text, rules, UA) == [["Avdiyivka", "ukraine"]]


def test_a_facility_named_without_its_place_is_the_place_named_before(rules):
    text = "The M23 seized Bukavu on Sunday and took over the airport hours later, residents said."
    got = claims(text, rules, CD)
    assert ["Bukavu", "m23"] in got and ["Bukavu airport", "m23"] in got
    # a facility with an owner of its own is not the town's ("Russia's defence ministry", "its headquarters in X")
    text = "The M23 seized Bukavu on Sunday and took over its headquarters in Kabare hours later."
    assert ["Bukavu headquarters", "m23"] not in claims(text, rules, CD)


def test_a_named_airport_and_the_actor_of_a_reported_it(rules):
    # no profile for DR Congo: the side is the actor's name; "it" is the subject of the reporting verb
    text = "On Saturday the M23 said that it had captured Kavumu Airport, north of Bukavu."
    assert claims(text, rules, CD) == [["Kavumu Airport", "m23"]]


def test_an_actor_introduced_with_its_acronym_is_named_by_it(rules):
    text = "The March 23 Movement (M23) rebels have extended their control over Goma, residents said."
    # the acronym alone: the group has one name, also where the text says "the M23 said" (actors.group_name)
    assert claims(text, rules, CD) == [["Goma", "m23"]]


def test_an_arabic_name_in_a_french_transliteration(rules):
    text = "Syrian rebels said on Sunday that the border town of Boukamal had fallen to their forces."
    assert claims(text, rules, SY) == [["Albu Kamal", "rebels"]]


def test_a_district_named_by_its_cue(rules):
    text = ("The army said on Saturday it had regained the district of Shambat in Khartoum North, "
            "which had been under RSF control for a year.")
    got = claims(text, rules, SD)
    assert ["Shambat", "army"] in got


def test_the_citys_districts_are_the_city_named_before(rules):
    text = ("Syrian rebels launched an offensive on Aleppo on Wednesday. By Friday they had entered the city's "
            "western neighbourhoods, a war monitor said.")
    assert claims(text, rules, SY) == [["Aleppo", "contested"]]
