"""Event frames from the dependency parse, GeoNames places and conflict profiles (rules/extract/)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from reconcile.cli import main
from reconcile.extract import extract_text, load_extract_rules

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2021, 8, 13, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def claims(text: str, rules, when: datetime = DAY) -> list[list[str]]:
    df, _ = extract_text(text, rules, source_name="Wire", published_at=when)
    df = df[df.via == ""]  # what the text says (not facility -> place evidence)
    return sorted(df[["subject", "value"]].values.tolist())


def test_coordination_and_apposition_are_followed(rules):
    text = ("Taliban fighters captured Herat, a cultural hub in the west, and Kandahar, the country's "
            "second-largest city.")
    assert claims(text, rules) == [["Herat", "taliban"], ["Kandahar", "taliban"]]


def test_far_object_and_transliterations(rules):
    text = "The Taliban also captured the towns of Lashkar Gah in the south and Qal'ah-ye Now in the northwest."
    got = claims(text, rules)
    assert ["Lashkar Gah", "taliban"] in got and ["Qala-e-Naw", "taliban"] in got


def test_capital_of_a_province_is_its_city_and_a_modifying_place_is_not_the_subject(rules):
    text = "Taliban militants have overrun the provincial capital of Afghanistan's northern Kunduz province."
    assert claims(text, rules) == [["Kunduz", "taliban"]]
    assert claims("The Taliban captured Imam Sahib, a town in Kunduz province.", rules) == [["Imam Sahib", "taliban"]]


def test_negation_and_attempts_drop_and_driving_a_side_out_is_contested(rules):
    assert claims("The Taliban did not capture Herat on Thursday.", rules) == []
    assert claims("The Taliban failed to capture Herat.", rules) == []
    # an attempt to take a place says nothing of who holds it (modality.py); trying to drive a side out of it
    # says that side is inside and fought: contested
    assert claims("The Taliban tried to capture Herat.", rules) == []
    assert claims("Government forces tried to drive the Taliban out of Herat.", rules) == [["Herat", "contested"]]


def test_profiles_give_sides_in_other_conflicts(rules):
    kyiv = datetime(2022, 10, 3, tzinfo=timezone.utc)
    assert claims("Russia's Defense Ministry said it had withdrawn its forces from Lyman on Saturday.", rules,
                  kyiv) == [["Lyman", "ukraine"]]
    khartoum = datetime(2023, 10, 27, tzinfo=timezone.utc)
    assert claims("Sudan's paramilitary Rapid Support Forces have taken control of Nyala from the army.", rules,
                  khartoum) == [["Nyala", "rsf"]]
    damascus = datetime(2024, 12, 5, tzinfo=timezone.utc)
    assert claims("Syrian rebel forces took over the city of Hama on Thursday.", rules, damascus) == \
        [["Hamah", "rebels"]]


def test_without_a_profile_the_side_is_the_actors_name(rules):
    bare = rules.model_copy(update={"profiles": []})
    assert claims("The Wagner group captured Soledar in eastern Ukraine.", bare) == [["Soledar", "wagner group"]]


def test_facility_of_a_place_and_the_hierarchy_export(rules, tmp_path, monkeypatch):
    assert claims("Government forces were still in control of Kandahar's airport.", rules) == \
        [["Kandahar airport", "government"]]
    feed = tmp_path / "feed.txt"
    feed.write_text("Government forces were still in control of Kandahar's airport, officials said.\n",
                    encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert main(["extract", str(feed), "--out", str(tmp_path / "c.csv"), "--source", "Wire",
                 "--published-at", "2021-08-13", "--hierarchy", str(tmp_path / "h.csv")]) == 0
    rows = pd.read_csv(tmp_path / "h.csv").values.tolist()
    assert ["Kandahar airport", "Kandahar"] in rows and ["Kandahar", "Kandahar province"] in rows
    assert ["Kandahar province", "Afghanistan"] in rows


def test_event_order_in_a_sentence(rules):
    seed_day = datetime(2021, 7, 7, tzinfo=timezone.utc)
    df, _ = extract_text("Regional officials said on Wednesday they had recaptured government buildings in "
                         "Qala-e-Naw after Taliban fighters stormed it overnight.", rules, source_name="Wire",
                         published_at=seed_day)
    rec = df[df.subject == "Qala-e-Naw government buildings"].iloc[0]
    storm = df[(df.subject == "Qala-e-Naw") & (df.value == "contested")].iloc[0]
    assert storm.valid_to == "2021-07-07T06:00:00Z"
    assert (rec.value, rec.valid_from) == ("government", storm.valid_to)


def test_parser_workers_give_the_same_claims(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    rows = [{"source": "Wire", "published_at": "2021-08-08", "text": "The Taliban captured Kunduz on Sunday."},
            {"source": "Post", "published_at": "2022-10-01", "text": "Russia said it had withdrawn its troops "
             "from Lyman. Ukrainian forces recaptured the town of Lyman."}]
    feed.write_text("".join(__import__("json").dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    outs = []
    for n in ("1", "2"):
        out = tmp_path / f"claims{n}.csv"
        assert main(["extract", str(feed), "--out", str(out), "--workers", n]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and b"Lyman,control,ukraine" in outs[0] and b"Kunduz,control,taliban" in outs[0]


def test_city_not_the_province_that_owns_it(rules):
    assert claims("The Taliban took over Badakhshan's Faizabad city on Wednesday.", rules) == [["Fayzabad", "taliban"]]


UA_DAY = datetime(2022, 11, 11, tzinfo=timezone.utc)
SD_DAY = datetime(2023, 10, 27, tzinfo=timezone.utc)


def test_a_force_named_without_its_side_is_the_side_that_reports_it(rules):
    # the defender entering a town is taking it back; "units" and "its forces" name no side by themselves
    text = "Ukraine's president said Friday that special military units have entered Kherson."
    assert claims(text, rules, UA_DAY) == [["Kherson", "ukraine"]]
    text = "Ukraine said Saturday its forces were entering the key eastern town of Lyman."
    assert claims(text, rules, UA_DAY) == [["Lyman", "ukraine"]]
    # a side named in the clause itself wins over the reporter's
    text = "Ukraine's military said Russian troops had entered Kherson."
    assert claims(text, rules, UA_DAY) == [["Kherson", "contested"]]


def test_a_past_participle_after_a_place_is_done_to_that_place(rules):
    text = "A woman reacts in the village of Blahodatne, retaken by the Ukrainian Armed Forces a day ago."
    assert claims(text, rules, UA_DAY) == [["Blahodatne", "ukraine"]]


def test_a_nouns_phrase_hung_on_the_verb_and_the_actors_own_side(rules):
    # the parser attaches "over Nyala" to "announced"; "semi-military" must not make the RSF the army
    text = ("The semi-military Rapid Support Forces (RSF), opposing the Sudanese army, announced control over "
            "Nyala, Sudan's second largest city, on Thursday.")
    assert claims(text, rules, SD_DAY) == [["Nyala", "rsf"]]


def test_a_side_word_naming_a_facility_is_not_the_actor_a_pronoun_refers_to(rules):
    text = ("RSF stated they seized Nyala's main army headquarters, confiscating all equipment. "
            "They also controlled Zalingei, Central Darfur's capital.")
    got = claims(text, rules, SD_DAY)
    assert ["Zalinjay", "rsf"] in got and ["Zalinjay", "army"] not in got  # GeoNames spelling


def test_future_hypothetical_and_conditional_events_give_no_claim(rules):
    assert claims("If Kherson falls, Russia will control the whole south.", rules, UA_DAY) == []
    assert claims("Russian forces will capture Mykolaiv within days, a Russian official said.", rules, UA_DAY) == []
    # a question is no statement: "whether" opens it like "if"
    text = "There was no immediate comment from the Ukrainian army on whether it has withdrawn from Lyman."
    assert claims(text, rules, UA_DAY) == []
    assert claims("Russian forces may have captured Lyman.", rules, UA_DAY) == [["Lyman", "russia"]]  # hedged
    # a reported event judged by what it would mean is still reported
    text = "The seizure of Herat, if proven true, would mark an acceleration of the Taliban's campaign."
    assert claims(text, rules) == [["Herat", "taliban"]]


def test_a_conflict_without_a_profile_is_not_read_through_one_because_of_a_common_word(rules):
    # "rebels" and "army" are actor words of the Syria and Sudan profiles; the places are all in Mali
    text = ("Tuareg rebels captured the town of Kidal on Friday. The rebels, who are allied with Islamist "
            "groups, also seized Gao and Timbuktu on Sunday.")
    got = claims(text, rules, datetime(2012, 4, 1, tzinfo=timezone.utc))
    # "The rebels" is a common noun: it stands for the actor named before it (tests/test_extract_precision.py)
    assert got == [["Gao", "tuareg rebels"], ["Kidal", "tuareg rebels"], ["Timbuktu", "tuareg rebels"]]


def test_an_attempt_named_by_a_noun_is_contested_and_expelling_is_taking_back(rules):
    text = ("Security forces launched an operation to expel Taliban fighters from the city of Kunduz on Sunday "
            "evening, according to security officials.")
    assert claims(text, rules) == [["Kunduz", "contested"]]
    assert claims("Afghan forces expelled the Taliban from Kunduz on Monday.", rules) == [["Kunduz", "government"]]
    assert claims("Ukraine began a counteroffensive to retake Kherson in August.", rules, UA_DAY) == \
        [["Kherson", "contested"]]


def test_the_other_sides_denial_is_its_own_claim_and_an_own_denial_drops_it(rules):
    when = datetime(2023, 1, 11, tzinfo=timezone.utc)
    assert claims("Kyiv denied that Russians have taken Soledar.", rules, when) == [["Soledar", "ukraine"]]
    assert claims("Moscow denied that its troops had entered Kupiansk.", rules, when) == []


def test_control_and_hands_of_a_side_named_by_its_adjective(rules):
    text = "Russian forces shelled the area. The town of Izium was back in Ukrainian hands on Saturday."
    assert claims(text, rules, UA_DAY) == [["Izyum", "ukraine"]]  # GeoNames spelling
    assert claims("Kherson remained under the control of Russian forces.", rules, UA_DAY) == [["Kherson", "russia"]]
    assert claims("Kherson came under Russian control in March.", rules, UA_DAY) == [["Kherson", "russia"]]


def test_more_newswire_phrasings(rules):
    # headline ellipsis, a flag over a town, "out of", fighting inside, advancing into, an adjective side
    assert claims("“Kupiansk liberated,” the deputy defence minister said on Telegram.", rules, UA_DAY) == \
        [["Kupyansk", "ukraine"]]
    text = "Russian forces shelled the area. The Ukrainian flag is flying over Izium again."
    assert claims(text, rules, UA_DAY) == [["Izyum", "ukraine"]]
    assert claims("Ukrainian troops raised the national flag over Balakliia on Saturday.", rules, UA_DAY) == \
        [["Balakliya", "ukraine"]]
    assert claims("Russian units pulled out of Izium on Saturday.", rules, UA_DAY) == [["Izyum", "ukraine"]]
    assert claims("Russian forces drove Ukrainian troops out of Soledar.", rules, UA_DAY) == [["Soledar", "russia"]]
    assert claims("Russian troops are fighting inside Kupiansk.", rules, UA_DAY) == [["Kupyansk", "contested"]]
    assert claims("Russian forces advanced into Bakhmut on Friday.", rules, UA_DAY) == [["Bakhmut", "contested"]]
    # the noun keeps its own reading where a verb form is the same word
    assert claims("There was fierce fighting in Kherson on Monday.", rules, UA_DAY) == [["Kherson", "contested"]]


def test_we_in_a_quote_is_the_speakers_side_not_the_side_named_before(rules):
    # "we" is whoever speaks, even when the sentence before named the other side last
    text = ("The army still controls Sennar. "
            "\u201cWe have captured Singa,\u201d the RSF announced on X.")
    assert claims(text, rules, datetime(2024, 6, 30, tzinfo=timezone.utc)) == [["Sennar", "army"], ["Singa", "rsf"]]
