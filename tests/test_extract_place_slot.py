"""The place slot: which place a claim is about and its one name (extract/place_names.py, the scorer's Canon).

Two spellings of one place get one key through the gazetteer's own identities; two places the gazetteer tells
apart never do (a city and its province), and a facility is its place plus its kind's one name.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extract_sentences import claims, project_rules
from reconcile.extract.cue_places import demonym_country
from reconcile.extract.geonames import load_geonames
from reconcile.extract.matching import Gazetteer
from reconcile.extract.parsed import ParseStage
from reconcile.extract.place_names import place_key, subject_key


@pytest.fixture(scope="module")
def geo():
    return load_geonames()


@pytest.fixture(scope="module")
def rules():
    return project_rules()


def _key(geo, name, countries):
    return place_key(geo, frozenset(), name, countries)


def test_spellings_of_one_town_share_a_key(geo):
    assert _key(geo, "Ad-Dindar", {"SD"}) == _key(geo, "Ad Dindar", {"SD"})
    assert _key(geo, "Rufa'a", {"SD"}) == _key(geo, "Rufaa", {"SD"})
    assert _key(geo, "Hirnyk", {"UA", "RU"}) == _key(geo, "Girnyk", {"UA", "RU"})


def test_a_village_no_gazetteer_lists_is_compared_by_its_spelling_key(geo):
    # German "w" for Ukrainian "v": one village, written two ways in two reports
    assert _key(geo, "Makariwka", {"UA"}) == _key(geo, "Makarivka", {"UA"})
    assert _key(geo, "Makariwka", {"UA"}) != _key(geo, "Makarove", {"UA"})


def test_a_city_and_its_province_stay_two_places(geo):
    assert _key(geo, "Idlib", {"SY"}) != _key(geo, "Idlib province", {"SY"})
    assert _key(geo, "Hama", {"SY"}) != _key(geo, "Hama province", {"SY"})


def test_spellings_are_only_joined_within_the_articles_countries(geo):
    assert _key(geo, "Rufa'a", set()) != _key(geo, "Rufaa", set())


def test_a_facility_is_its_place_and_its_kinds_one_name(geo, rules):
    facilities = {f.lower() for p in rules.profiles for f in p.facilities}
    kinds = rules.containment.kind_names

    def key(name, countries):
        return subject_key(geo, frozenset(), facilities, kinds, name, countries)

    assert key("Bagram Air Base", {"AF"}) == key("Bagram Airport", {"AF"})
    assert key("Zalingei base", {"SD"}) == key("Zalingei army headquarters", {"SD"})
    assert key("Aleppo International Airport", {"SY"}) == key("Aleppo airport", {"SY"})
    assert key("Zalingei base", {"SD"}) != key("Zalingei airport", {"SD"})
    assert key("Zalingei base", {"SD"}) != key("Nyala base", {"SD"})


SD = datetime(2025, 5, 4, tzinfo=timezone.utc)
AF = datetime(2021, 8, 14, tzinfo=timezone.utc)
SY = datetime(2024, 12, 7, tzinfo=timezone.utc)


def test_a_name_written_with_hyphens_is_named_whole(rules):
    # the parse splits "Dara-e-Suf" and "Um Al-Qura" into words; the claim's place keeps every word of the name
    assert claims("Afghan forces regained control of Dara-e-Suf Bala district in Samangan province.", rules, AF) \
        == [["Dara-e-Suf Bala", "government"]]
    assert claims("Army forces seized control of Um Al-Qura town east of Al-Jazira State.", rules, SD) \
        == [["Um Al-Qura", "army"]]
    # an Arabic article joined by a hyphen is part of the name, never a name starting with "-"
    assert all(not s.startswith("-") for s, _ in claims("The RSF said it had seized al-Malha, a town in North "
                                                        "Darfur.", rules, SD))


def test_the_arabic_words_that_begin_names_are_one_word_in_any_transliteration(geo):
    assert _key(geo, "Jebel Moya", {"SD"}) == _key(geo, "Jabal Moya", {"SD"}) == _key(geo, "Djebel Moya", {"SD"})
    assert _key(geo, "Sheikh Najjar", {"SY"}) == _key(geo, "Shaykh Najjar", {"SY"})
    assert _key(geo, "Tel Abyad", {"SY"}) == _key(geo, "Tall Abyad", {"SY"})  # GeoNames' spelling
    assert _key(geo, "Jebel Moya", {"SD"}) != _key(geo, "Jebel Awliya", {"SD"})


def test_a_country_named_by_the_adjective_its_name_begins_with_places_a_shared_name(rules):
    # "Palestinian" (GeoNames' "Palestinian Territory"): Rafah is Gaza's, not the Egyptian town of that name
    assert demonym_country("palestinian") == "PS"
    gaz = Gazetteer(rules)
    stage = ParseStage(rules, gaz)
    text = "Tanks entered the Palestinian side of Rafah on Tuesday, near the crossing into Egypt."
    ap = stage.places(text, 0, len(text), gaz.mentions(text, 0, len(text)))
    assert [names for _, _, names in ap.spans] == [("Rafah",)]
    text = text.replace("Palestinian", "eastern")
    ap = stage.places(text, 0, len(text), gaz.mentions(text, 0, len(text)))
    assert [names for _, _, names in ap.spans] == [("Rafah (EG-27)",)]  # only Egypt named: Egypt's Rafah


def test_a_facility_claim_names_its_kind_one_way(rules):
    assert claims("The Taliban seized the Bagram Air Base on Sunday.", rules, AF) == [["Bagram airport", "taliban"]]
    got = claims("The RSF said it had captured the army base in Zalingei.", rules, SD)
    assert ["Zalingei headquarters", "rsf"] in got or ["Zalinjay headquarters", "rsf"] in got


def _feed_subjects(tmp_path, rules, texts):
    import json

    from reconcile.extract import extract_feed

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"source": src, "published_at": "2023-06-12", "title": "", "text": t,
                                        "url": f"https://example.org/{i}"}) + "\n"
                            for i, (src, t) in enumerate(texts)), encoding="utf-8")
    df, _ = extract_feed([feed], rules)
    return df[df.via == ""][["source", "subject", "value"]].sort_values(["source", "subject"]).values.tolist()


def test_one_village_spelled_two_ways_in_a_feed_is_one_subject_in_any_row_order(tmp_path, rules):
    texts = [("Wire A", "Ukrainian troops recaptured the village of Makariwka in the Donetsk region, the deputy "
                        "defence minister said on Monday."),
             ("Wire B", "Ukraine's army said it had recaptured the village of Makarivka in Donetsk region."),
             ("Wire C", "Ukrainian forces have retaken the village of Makarivka, a spokesman said.")]
    got = _feed_subjects(tmp_path, rules, texts)
    assert {s for _, s, _ in got} == {"Makarivka"}  # the spelling two of the three reports use
    assert len({src for src, _, _ in got}) == 3
    assert _feed_subjects(tmp_path, rules, texts[::-1]) == got


def test_a_titled_person_in_a_list_with_a_town_is_no_place(rules):
    got = claims("Government troops entered the town of Ruwaydah and Governor Ahmed Jassim Mahdi later visited "
                 "the area.", rules, datetime(2017, 10, 16, tzinfo=timezone.utc))
    assert not any("Governor" in s or "Mahdi" in s for s, _ in got)


def test_the_province_a_named_district_lies_in_is_no_subject(rules):
    assert claims("Government troops retook the Zari district of Afghanistan's Balkh province on Tuesday.",
                  rules, AF) == [["Zari", "government"]]
    got = claims("The Taliban said they had recaptured the Nahrin and Burka districts of the Baghlan province.",
                 rules, AF)
    assert got and not any("province" in s for s, _ in got)
    # a hashtag before the names (a quoted tweet) changes nothing
    assert claims("Security forces and local uprising forces liberated #Karokh district of #Herat province from the "
                  "Taliban.", rules, AF) == [["Karukh", "government"]]
    # a province itself taken stays the subject
    assert claims("The Taliban took control of Kunduz province on Sunday.", rules, AF) == \
        [["Kunduz province", "taliban"]]


def test_a_place_that_only_names_an_officials_office_is_not_what_it_means(rules):
    ua = datetime(2022, 5, 8, tzinfo=timezone.utc)
    assert claims("Ukrainian troops retreated from the town of Rubizhne, the governor of Luhansk region said on "
                  "Sunday, confirming reports that it had been taken by Russian forces.", rules, ua) == \
        [["Rubizhne", "russia"]]


def test_a_named_island_is_a_place_held_and_lost(rules):
    ua = datetime(2022, 6, 30, tzinfo=timezone.utc)
    assert claims("Russian forces captured Zmiinyi Island on the first day of the invasion.", rules, ua) == \
        [["Zmiinyi Island", "russia"]]
    assert claims("Ukrainian forces retook control of Zmiinyi Island.", rules, ua) == [["Zmiinyi Island", "ukraine"]]
    assert claims("Russian forces captured the island on the first day of the invasion.", rules, ua) == []


def test_which_after_a_capital_of_a_province_means_the_capital(rules):
    got = claims("The town lies 40 km from Ed Damazin, the capital of Blue Nile State, which was captured by the "
                 "RSF in June.", rules, datetime(2024, 10, 8, tzinfo=timezone.utc))
    assert len(got) == 1 and got[0][1] == "rsf" and "Damazin" in got[0][0]


def test_the_names_after_the_areas_of_are_places(rules):
    got = claims("The army has reasserted control over the areas of Um Sayala and Abu Gaoud, located south of "
                 "El Obeid.", rules, SD)
    assert sorted(got) == [["Abu Gaoud", "army"], ["Um Sayala", "army"]]
    # a name before "area" is not made a place by this cue
    assert claims("Fighting continued in the Darfur area, residents said.", rules, SD) == []


def test_the_facility_of_a_unit_in_a_town_is_that_towns(rules):
    assert claims("The RSF said it had captured the headquarters of the 16th Infantry Division in Nyala.", rules,
                  SD) == [["Nyala headquarters", "rsf"]]
    assert claims("The RSF seized the base of the army's 22nd Division in Babanusa.", rules, SD) == \
        [["Babanusah headquarters", "rsf"]]
    assert claims("The RSF seized the base of the 22nd Division of the army in Babanusa.", rules, SD) == \
        [["Babanusah headquarters", "rsf"]]


def test_a_base_named_only_by_its_province_is_no_subject(rules):
    assert claims("The RSF overran a military base in North Kordofan State on Tuesday.", rules, SD) == []
    assert claims("The RSF overran a military base in El Obeid on Tuesday.", rules, SD) == \
        [["El Obeid headquarters", "rsf"]]


def test_the_presidential_palace_named_without_a_place_is_the_capitals(rules):
    assert claims("Sudan's army pushed the RSF out of Omdurman. The army retook the presidential palace in a major "
                  "victory on Friday.", rules, SD) == [["Khartoum presidential palace", "army"], ["Omdurman", "army"]]
    assert claims("The Sudanese army recaptured the presidential palace in Kosti from the RSF.", rules, SD) == \
        [["Kosti presidential palace", "army"]]


def test_a_towns_police_headquarters_in_syria_is_a_facility(rules):
    assert claims("Syrian rebel fighters took the Daraa police headquarters on Saturday.", rules, SY) == \
        [["Dar'a police headquarters", "rebels"]]


def test_control_of_a_facility_in_a_town_is_that_towns_facility(rules):
    assert claims("The RSF took control of the airport in El Geneina.", rules, SD) == [["Al-Junaynah airport", "rsf"]]
    assert claims("The RSF took control of the army headquarters in the city of El Geneina.", rules, SD) == \
        [["Al-Junaynah headquarters", "rsf"]]
    assert claims("The RSF took control of the airport in a surprise attack.", rules, SD) == []


def test_the_scorer_uses_the_consonant_skeleton_where_the_extractor_does(geo):
    # a hyphenated or two-word name: the one town of the article's countries with its consonants
    assert _key(geo, "Pul-Hesar", {"AF"}) == _key(geo, "Pul-e Hisar", {"AF"})
    # one word: never (a single capitalised word is too often an English one)
    assert _key(geo, "Hesar", {"AF"}).startswith("~")
