"""Which conflict profile reads an article: the side a claim gets depends on it.

Each test is a hand-made short article shaped like wire copy (none is text of the development set). Words every
profile lists ("insurgents", "the group") do not choose a profile; places outside every profile's countries
(a country's name, a big city, a town the article calls one) outweighing the best profile's give the generic
fallback, where the side is the actor's own name; words that are small towns somewhere ("Thursday", "Dawn")
are no places; the Kursk region is part of the Russia-Ukraine war.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules

WHEN = datetime(2024, 9, 20, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


def test_generic_actor_words_and_one_mention_of_syria_do_not_make_iraq_afghanistan(rules):
    # "insurgents", "troops", "the group" are Afghanistan's words too, and Syria is named once: the article's
    # places are Iraq's, which no profile covers, so the side is the actor's own name
    text = ("Islamic State insurgents captured the Iraqi city of Tikrit on Thursday after troops withdrew. "
            "The group, which also holds land in Syria, now controls the city, officials in Iraq said.")
    got = claims(text, rules, WHEN)
    assert got and {side for _, side in got} == {"islamic state insurgents"}
    assert {place for place, _ in got} == {"Tikrit"}


def test_a_name_that_is_also_a_town_in_a_profile_country_does_not_place_somalia_there(rules):
    # "Farah" is a person here (and a town in Afghanistan); Baidoa and Somalia lie outside every profile
    text = ("Al-Shabaab fighters captured Baidoa, Somalia, on Monday, said Abdi Farah, a spokesman for the "
            "military.")
    assert claims(text, rules, WHEN) == [["Baidoa", "al-shabaab fighters"]]  # the name as written


def test_words_that_are_small_towns_somewhere_do_not_undo_a_profile(rules):
    # GeoNames does not know the village; "Dawn" (Singapore), "Freedom" (United States) and "Thursday"
    # (Australia) are no places, so HTS is Syria's actor and its side is the Syria profile's
    text = ("HTS fighters seized the village of Kafr Nabudah on Thursday in an offensive they called Dawn of "
            "Freedom, the rebel coalition said.")
    assert claims(text, rules, WHEN) == [["Kafr Nabudah", "rebels"]]


def test_the_kursk_region_is_part_of_the_russia_ukraine_war(rules):
    text = "Russian forces recaptured the town of Sudzha in the Kursk region, Russia's defence ministry said."
    assert claims(text, rules, WHEN) == [["Sudzha", "russia"]]
