"""Issue 10 (session 7): who an actor is, where a place is, what "it" means, on hand-made sentences shaped like wire
copy (none is a sentence of the development set):
- an actor against a side ("anti-regime forces", "regime opponents", "opponents of the regime") is the other
  side of the profile, or without a profile a name of its own, never the side it opposes;
- a place name several countries share resolves in the article's countries, and "the capital of <province>"
  of another country's province is no guess;
- a "CITY/AGENCY:" dateline is neither an actor nor a place of the event;
- "it" after a facility ("recaptured Khartoum airport ..., fully securing it") is the facility, not its city.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules

AF = datetime(2021, 8, 14, tzinfo=timezone.utc)
SY = datetime(2024, 12, 6, tzinfo=timezone.utc)
MM = datetime(2024, 4, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


@pytest.mark.parametrize("text", [
    "Anti-regime groups in Syria have seized the town of Rastan in Homs province.",
    "On Thursday anti-regime forces took the town of Rastan in Syria's Homs province from regime control.",
    "Regime opponents seized the town of Rastan in Syria's Homs province on Thursday.",
    "Opponents of the regime seized the town of Rastan in Syria's Homs province on Thursday.",
])
def test_an_actor_against_a_side_is_the_other_side(rules, text):
    assert claims(text, rules, SY) == [["Ar Rastan", "rebels"]]


def test_the_side_itself_is_still_that_side(rules):
    assert claims("Regime forces seized the town of Rastan in Syria's Homs province on Thursday.", rules, SY) == \
        [["Ar Rastan", "government"]]
    assert claims("Anti-Taliban forces retook the city of Kunduz in northern Afghanistan.", rules, AF) == \
        [["Kunduz", "government"]]


def test_without_a_profile_an_anti_actor_is_its_own_name(rules):
    assert claims("Anti-junta forces captured the town of Lashio in Myanmar's Shan state.", rules, MM) == \
        [["Lashio", "anti-junta forces"]]


@pytest.mark.parametrize("dateline", ["Sanaa/Xinhua:", "SANAA -", "Sanaa/Xinhua —"])
def test_a_dateline_is_no_actor(rules, dateline):
    # without a profile the actor is its own name: a dateline read as part of the subject would name it
    text = f"{dateline} Yemen's Houthi rebels on Sunday seized control of the town of al-Hazm, officials said."
    assert claims(text, rules, MM) == [["Al Hazm", "houthi rebels"]]


YE = datetime(2020, 3, 2, tzinfo=timezone.utc)


def test_a_province_several_countries_share_is_the_articles_countrys(rules):
    # "Al Jawf" is a Yemeni governorate and a Saudi region (capital Sakakah, the bigger town)
    assert claims("Yemen's Houthi rebels on Sunday seized the capital of al-Jawf province. The rebels entered the "
                  "city from seven directions.", rules, YE) == [["Al Hazm", "contested"], ["Al Hazm", "houthi rebels"]]
    assert claims("Rebels on Sunday seized the capital of al-Jawf province in Saudi Arabia.", rules, YE) == \
        [["Sakakah", "rebels"]]


def test_the_capital_of_a_province_is_no_guess_when_the_articles_countries_do_not_tell(rules):
    # both countries named, both have an Al Jawf: which capital is meant is not said
    assert claims("Houthi forces in Yemen seized the capital of al-Jawf province near the border with Saudi Arabia.",
                  rules, YE) == []


SD = datetime(2025, 3, 27, tzinfo=timezone.utc)


@pytest.mark.parametrize("facility", ["Khartoum airport", "Khartoum's airport"])
def test_it_after_a_facility_is_the_facility_not_its_city(rules, facility):
    text = f"The Sudanese army on Wednesday recaptured {facility} from the paramilitary Rapid Support Forces, " \
           "'fully securing it,' a military source said."
    assert claims(text, rules, SD) == [["Khartoum airport", "army"]]


def test_it_after_a_town_named_after_a_facility_is_still_the_town(rules):
    ua = datetime(2022, 10, 2, tzinfo=timezone.utc)
    assert claims("Russian forces captured the airport and then the town of Lyman in May, and Ukrainian troops took "
                  "it back in October.", rules, ua) == [["Lyman", "russia"], ["Lyman", "ukraine"]]
