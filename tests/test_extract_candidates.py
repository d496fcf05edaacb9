"""Places no gazetteer knows, read from the slot of a taking predicate (extract/slot_places.py), and the
pre-filter cue that gets their sentences parsed (cue_places.TAKING_CUE).

Hand-made sentences shaped like wire copy (none is a sentence of the development set; the place names are made
up, so neither GeoNames nor the YAML gazetteer knows them):
- a proper noun that is the object of a taking verb, the "of" object of a taking noun or the subject of "fall"
  is a place, alone in its sentence too (the cue gets the sentence parsed);
- names compounded before "districts" / "areas" in such a slot are places, each of a list, and so are the
  names of "the areas of X and Y";
- never a person a title names (in that sentence or anywhere in the article), a unit or organisation, a
  possessive, a facility or feature, nor the words of a headline in title case.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules
from reconcile.extract.cue_places import has_cue

AF = datetime(2021, 8, 14, tzinfo=timezone.utc)
UA = datetime(2024, 2, 1, tzinfo=timezone.utc)
SD = datetime(2025, 5, 4, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


def test_the_object_of_a_taking_verb_is_a_place_no_gazetteer_knows(rules):
    got = claims("The Taliban seized Zarghunkhel on Friday after government troops withdrew, a provincial "
                 "official said.", rules, AF)
    assert got == [["Zarghunkhel", "taliban"]]
    # a list of such names, one of them known
    got = claims("The Taliban took Zarghunkhel and Ghazni on Thursday, officials said.", rules, AF)
    assert got == [["Ghazni", "taliban"], ["Zarghunkhel", "taliban"]]


def test_the_of_object_of_a_taking_noun_and_the_subject_of_fall(rules):
    got = claims("Ukraine's General Staff announced the recapture of Zelenopillivka on Sunday, a spokesman said.",
                 rules, UA)
    assert got == [["Zelenopillivka", "ukraine"]]
    got = claims("Dashtkhel fell to the Taliban on Tuesday evening, a local elder told reporters.", rules, AF)
    assert got == [["Dashtkhel", "taliban"]]


def test_names_before_districts_in_a_taking_slot_are_each_a_place(rules):
    got = claims("Security forces regained control over Dashtkhel and Sarobikhel districts in Ghazni province, "
                 "the defence ministry said.", rules, AF)
    assert ["Dashtkhel", "government"] in got and ["Sarobikhel", "government"] in got


def test_the_names_of_an_areas_of_phrase_in_a_taking_slot_are_places(rules):
    got = claims("The Sudanese army said on Monday it had regained control over the areas of Umm Gereisa and Abu "
                 "Shanab, south of El Obeid.", rules, SD)
    assert ["Umm Gereisa", "army"] in got and ["Abu Shanab", "army"] in got


def test_persons_units_possessives_and_facilities_are_not_places(rules):
    got = claims("Russian troops captured Colonel Ivanenko near Kupiansk on Monday, the ministry said.", rules, UA)
    assert not any("Ivanenko" in s for s, _ in got)
    got = claims("The RSF seized Umm Dabbas Battalion near El Obeid on Monday, witnesses said.", rules, SD)
    assert not any("Dabbas" in s for s, _ in got)
    got = claims("The army retook Hemedti's stronghold near El Obeid on Monday, witnesses said.", rules, SD)
    assert not any("Hemedti" in s for s, _ in got)
    got = claims("Rebels captured Zarghunkhel Prison after a night of fighting, witnesses said.", rules, AF)
    assert not any("Prison" in s for s, _ in got)


def test_a_headline_in_title_case_gives_no_name_from_its_capitals(rules):
    got = claims("Taliban Capture Strategic Zarghunkhel Crossing\n\nThe fighting went on for hours, residents "
                 "said.", rules, AF)
    assert got == []


def test_the_cue_gets_a_sentence_without_a_known_place_parsed():
    assert has_cue("The group had seized control of Zarghunkhel on Friday.")
    assert has_cue("Dashtkhel fell on Tuesday, residents said.")
    assert has_cue("the announcement of the recapture of Zelenopillivka")
    assert not has_cue("The Taliban seized weapons and vehicles on Friday.")


def test_a_name_the_article_gives_a_title_is_a_person_not_a_place(rules):
    text = ("President Ahmed Dorbu fled the country on Saturday, state television said.\n\n"
            "Crowds in Tripoli celebrated the fall of Dorbu after rebels captured Zawiyat Sharqi, witnesses said.")
    got = claims(text, rules, SD)
    assert not any("Dorbu" in s for s, _ in got)
    assert any(s == "Zawiyat Sharqi" for s, _ in got)
