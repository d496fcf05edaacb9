"""Extraction behaviour on small texts: time, hedges, negation, attribution, bad input, bad rules."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from reconcile.errors import FeedError, RulesError
from reconcile.extract import ExtractRules, extract_feed, extract_text, load_extract_rules, looks_like_article_feed
from reconcile.extract.model import Timex
from reconcile.extract.timex import find_times, iso

ROOT = Path(__file__).resolve().parents[1]
JULY7 = datetime(2021, 7, 7, tzinfo=timezone.utc)  # a Wednesday
HEAD = "Fighting reported in western Afghan province\n\n"


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def claims_of(text, rules, **kw):
    kw.setdefault("source_name", "Test Wire")
    kw.setdefault("published_at", JULY7)
    df, stats = extract_text(HEAD + text, rules, **kw)
    return df[~df.headline & (df.via == "")], stats  # what the text says (not facility -> place evidence)


@pytest.mark.parametrize("phrase, start, end", [
    ("stormed it overnight", "2021-07-06T18:00:00Z", "2021-07-07T06:00:00Z"),
    ("attacked in the morning", "2021-07-07T06:00:00Z", "2021-07-07T12:00:00Z"),
    ("fell Tuesday noon", "2021-07-06T12:00:00Z", "2021-07-06T12:00:00Z"),
    ("pulled out on Friday", "2021-07-02T00:00:00Z", "2021-07-02T23:59:59Z"),
    ("said on Wednesday", "2021-07-07T00:00:00Z", "2021-07-07T23:59:59Z"),
    ("Last month, the group", "2021-06-01T00:00:00Z", "2021-06-30T23:59:59Z"),
    ("Since mid-April, the Taliban", "2021-04-15T00:00:00Z", "2021-07-07T00:00:00Z"),
    ("within the next few hours", "2021-07-07T00:00:00Z", "2021-07-07T06:00:00Z"),
    ("toppled districts yesterday", "2021-07-06T00:00:00Z", "2021-07-06T23:59:59Z"),
    ("Earlier this week, the Taliban", "2021-07-05T00:00:00Z", "2021-07-07T00:00:00Z"),
    ("since December", "2020-12-01T00:00:00Z", "2021-07-07T00:00:00Z"),
])
def test_relative_time_resolves_against_publication_date(phrase, start, end):
    found = find_times(phrase, 0, len(phrase), JULY7, Timex())
    assert [(iso(t.valid_from), iso(t.valid_to)) for t in found] == [(start, end)]


def test_time_of_day_uses_the_rules_timezone():
    found = find_times("in the morning", 0, 14, JULY7, Timex(timezone="Asia/Kabul"))
    assert (iso(found[0].valid_from), iso(found[0].valid_to)) == ("2021-07-07T01:30:00Z", "2021-07-07T07:30:00Z")


def test_vague_time_words_give_no_interval():
    text = "Earlier, in recent days, the fighters were seen now"
    assert find_times(text, 0, len(text), JULY7, Timex()) == []


def test_claim_takes_the_time_of_its_own_clause(rules):
    df, _ = claims_of("The militants seized Qala-e-Naw on Tuesday after they stormed the NDS office overnight.", rules)
    got = {(r.subject, r.value): (r.valid_from, r.valid_to) for r in df.itertuples()}
    assert got == {("Qala-e-Naw", "taliban"): ("2021-07-06T00:00:00Z", "2021-07-06T23:59:59Z"),
                   ("Qala-e-Naw NDS office", "contested"): ("2021-07-06T18:00:00Z", "2021-07-07T06:00:00Z")}


def test_plain_claim_has_full_weight(rules):
    df, _ = claims_of("Qala-e-Naw fell to the Taliban.", rules)
    assert df[["subject", "attribute", "value", "weight", "partial"]].values.tolist() == \
        [["Qala-e-Naw", "control", "taliban", 1.0, False]]


@pytest.mark.parametrize("sentence, value, weight, partial", [
    ("The Taliban briefly took control of Qala-e-Naw.", "taliban", 0.5, False),
    ("Taliban fighters entered some parts of Qala-e-Naw.", "contested", 0.6, True),
    ("The Taliban were attempting to take over Qala-e-Naw.", "contested", 0.5, False),
    ("Officials expected to recapture Qala-e-Naw.", "government", 0.3, False),
])
def test_hedges_lower_weight_or_make_partial(rules, sentence, value, weight, partial):
    df, _ = claims_of(sentence, rules)
    assert df[["value", "weight", "partial"]].values.tolist() == [[value, weight, partial]]


def test_negation_drops_the_claim(rules):
    df, stats = claims_of("Qala-e-Naw did not fall to the Taliban.", rules)
    assert df.empty
    assert stats["claims_dropped_negated"] == 1
    assert stats["skipped"][0]["reason"] == "every claim found was negated"


def test_negation_flips_when_the_event_says_so(rules):
    flipped = rules.model_copy(deep=True)
    next(e for e in flipped.events if e.name == "fall").negated_value = "government"
    df, _ = claims_of("Qala-e-Naw did not fall to the Taliban.", flipped)
    assert df[["subject", "value"]].values.tolist() == [["Qala-e-Naw", "government"]]


def test_actor_decides_the_value_of_take_control(rules):
    df, _ = claims_of("Government forces seized Qala-e-Naw. The Taliban captured the Badghis central prison.", rules)
    assert sorted(df[["subject", "value"]].values.tolist()) == [["Badghis central prison", "taliban"],
                                                                ["Qala-e-Naw", "government"]]


def test_attribution_roles_and_derived_source(rules):
    text = ("Taliban spokesman Zabiullah Mujahid said its fighters had entered Qala-e-Naw. "
            "A defence ministry official, speaking on condition of anonymity, said the NDS office was under attack. "
            "\"Qala-e-Naw was in a state of disarray,\" Badghis provincial council chief Abdul Aziz Bek told "
            "Reuters news agency.")
    df, _ = claims_of(text, rules, source_name="Ariana News")
    got = df[["speaker", "speaker_role", "speaker_affiliation", "derived_from", "source"]].values.tolist()
    assert got == [["Zabiullah Mujahid", "Taliban spokesman", "taliban", "", "Ariana News"],
                   ["anonymous defence ministry official", "defence ministry official", "government", "", "Ariana News"],
                   ["Abdul Aziz Bek", "provincial council head", "government", "Reuters", "Ariana News"]]


def test_spelling_variants_map_to_one_subject(rules):
    df, _ = claims_of("Qala i Naw fell to the Taliban. Taliban fighters stormed Qala-e-naw. "
                      "Government forces recaptured Qala-i-Naw.", rules)
    assert set(df.subject) == {"Qala-e-Naw"} and len(df) == 3


def test_non_utf8_file_names_file_and_byte_offset(tmp_path, rules):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(HEAD.encode() + "Qala-e-Naw fell, said the caf\xe9 owner.".encode("latin-1"))
    offset = len(HEAD.encode()) + len("Qala-e-Naw fell, said the caf")
    with pytest.raises(FeedError, match=rf"latin1.txt: not UTF-8.*0xe9 at byte offset {offset}\b"):
        extract_feed([bad], rules, published_at=JULY7)


@pytest.mark.parametrize("content", ["", "  \n\n \n"])
def test_empty_file_is_a_feed_error(tmp_path, rules, content):
    empty = tmp_path / "empty.txt"
    empty.write_text(content, encoding="utf-8")
    with pytest.raises(FeedError, match="empty.txt: the file is empty"):
        extract_feed([empty], rules, published_at=JULY7)


def test_article_without_known_entity_is_counted_as_skipped(tmp_path, rules):
    feed = tmp_path / "two.txt"
    feed.write_text("Taliban fighters seize Qala-e-Naw in western Afghanistan\n\nQala-e-Naw fell to the Taliban.\n"
                    "Weather stays warm across the region this week\n\nIt was sunny and people went outside.\n",
                    encoding="utf-8")
    df, stats = extract_feed([feed], rules, published_at=JULY7, source="Test Wire")
    assert (stats["articles_unique"], stats["articles_with_claims"], stats["articles_without_claims"]) == (2, 1, 1)
    assert stats["skipped"] == [{"file": str(feed), "article": "two.txt#2",
                                 "reason": "no known entity (gazetteer) in the article"}]
    assert set(df.article_id) == {"two.txt#1"}


def test_unresolvable_date_and_outlet_are_clear_errors(rules):
    with pytest.raises(FeedError, match="no publication date.*--published-at"):
        extract_text(HEAD + "Qala-e-Naw fell to the Taliban.", rules, source_name="Test Wire")
    with pytest.raises(FeedError, match="no outlet.*--source"):
        extract_text(HEAD + "Qala-e-Naw fell to the Taliban.", rules, published_at=JULY7)


def test_record_feeds_take_fields_and_offsets_index_the_text_field(tmp_path, rules):
    rec = {"source": "Pajhwok", "published_at": "2021-07-06T09:00:00+04:30", "title": "Badghis capital falls",
           "text": "Officials said Qala-e-Naw fell to the Taliban on Tuesday.", "url": "https://example.org/a"}
    jl = tmp_path / "feed.jsonl"
    jl.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", encoding="utf-8")
    df, stats = extract_feed([jl], rules)
    assert (stats["articles_read"], stats["articles_unique"]) == (2, 1)
    row = df[df.offset_in == "text"].iloc[0]  # the title's claim (capital falls) has offsets into the title
    assert (row.source, row.source_origin, row.published_at, row.published_at_source, row.url, row.offset_in) == \
        ("Pajhwok", "field", "2021-07-06T04:30:00Z", "field", "https://example.org/a", "text")
    assert rec["text"][row.char_start:row.char_end] == row.quote
    assert row.copies == 2
    csv_feed = tmp_path / "feed.csv"
    csv_feed.write_text("source,title,text\nPajhwok,Badghis,Qala-e-Naw fell to the Taliban.\n", encoding="utf-8")
    assert looks_like_article_feed(csv_feed) and looks_like_article_feed(jl)
    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text("source,subject,attribute,value,text\nA,B,C,D,E\n", encoding="utf-8")
    assert not looks_like_article_feed(claims_csv)


def test_malformed_lexicon_entry_names_the_key(rules):
    data = rules.model_dump()
    data["events"][2].pop("phrases")
    with pytest.raises(ValidationError, match=r"events\.2\.phrases"):
        ExtractRules.model_validate(data)
    data = rules.model_dump()
    data["hedges"][0]["wieght"] = 0.4
    with pytest.raises(ValidationError, match=r"hedges\.0\.wieght"):
        ExtractRules.model_validate(data)


def test_rules_folder_errors_name_file_line_and_column(tmp_path):
    folder = tmp_path / "extract"
    shutil.copytree(ROOT / "rules" / "extract", folder)
    lex = yaml.safe_load((folder / "lexicon.yaml").read_text(encoding="utf-8"))
    lex["extract"]["events"][0]["phrases"] = ["re:recaptur(ed"]
    (folder / "lexicon.yaml").write_text(yaml.safe_dump(lex), encoding="utf-8")
    with pytest.raises(RulesError, match=r"lexicon.yaml:\d+:\d+: extract.events.0.phrases: .*bad regular expression"):
        load_extract_rules(tmp_path)
    lex["extract"]["events"][0]["phrases"] = ["recaptured"]
    (folder / "lexicon.yaml").write_text(yaml.safe_dump(lex), encoding="utf-8")
    (folder / "more.yaml").write_text("version: 1\nextract:\n  hedges: []\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"more.yaml:3:3: extract.hedges: set again \(first set at .*lexicon.yaml"):
        load_extract_rules(tmp_path)


def test_duplicate_key_in_extraction_rules_is_located(tmp_path):
    folder = tmp_path / "extract"
    shutil.copytree(ROOT / "rules" / "extract", folder)
    (folder / "more.yaml").write_text("version: 1\nextract:\n  negation:\n    window_words: 3\n"
                                      "    window_words: 4\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"more.yaml:5:5: .*duplicate"):
        load_extract_rules(tmp_path)


def test_possessive_place_is_not_the_subject(rules):
    df, _ = claims_of("Badghis province’s central city Qala-e-Naw fell to the Taliban.", rules)
    assert df[["subject", "value"]].values.tolist() == [["Qala-e-Naw", "taliban"]]


def test_place_modifying_a_facility_is_not_the_subject(rules):
    df, _ = claims_of("Taliban fighters captured the Badghis police headquarters in Qala-e-Naw.", rules)
    assert df[["subject", "value"]].values.tolist() == [["Qala-e-Naw police headquarters", "taliban"]]


def test_according_to_frame_keeps_the_claim(rules):
    df, _ = claims_of("About 400 inmates fled the Badghis central prison, according to a local official.", rules)
    assert df[["subject", "attribute", "value", "bound", "speaker"]].values.tolist() == \
        [["Badghis central prison", "prisoners_escaped", "400", "~", "local official"]]


def test_time_of_another_clause_is_not_borrowed(rules):
    df, _ = claims_of("Officials said on Thursday that troops recaptured Qala-e-Naw, a day after the Taliban "
                      "overran the NDS office.", rules)
    got = {r.subject: (r.value, r.valid_from) for r in df.itertuples()}
    assert got == {"Qala-e-Naw": ("government", "2021-07-01T00:00:00Z"), "Qala-e-Naw NDS office": ("taliban", "")}
