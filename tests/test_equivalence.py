"""Value matchers: when two raw values are the same value (per attribute rule), end to end and unit by unit."""
from __future__ import annotations

import pandas as pd
import pytest

from engine_helpers import cli, write_csv, write_rules
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import AttributeRule, Rules
from reconcile.values import canonicalise_unique, fold, person_names, token_set

T = "2024-01-01T00:00:00Z"


def rules_for(attribute: dict, **extra) -> Rules:
    return Rules.model_validate({"version": 1, "attributes": {"a": attribute}, **extra})


def frame(values: list[str], subject: str = "x") -> pd.DataFrame:
    return pd.DataFrame({"source": [f"s{i}" for i in range(len(values))], "subject": subject, "attribute": "a",
                         "value": values})


def n_candidates(result, subject: str = "x") -> int:
    c = result.claims
    return c.loc[c["subject"] == subject, "value_key"].nunique()


# ---------------------------------------------------------------- fold / token_set / exact

def test_fold_case_accents_whitespace():
    assert fold("  Qala-e-Náw ") == fold("qala-e-naw") == "qala-e-naw"
    assert fold("KABUL") == fold("kābul") == fold("Kabul\t") == "kabul"
    assert fold("New   York") == "new york"
    assert fold("ＡＢＣ") == "abc"  # compatibility forms
    assert fold("Straße") == fold("STRASSE")  # casefold, not lower


def test_fold_matcher_merges_spellings_into_one_candidate():
    result = reconcile_frame(frame(["Kabul", "KABUL ", "Kābul", "Herat"]), rules_for({"equivalence": {"match": "fold"}}))
    assert n_candidates(result) == 2
    v = result.verdicts.iloc[0]
    assert v["value"] in ("Kabul", "KABUL", "Kābul") and v["runner_up"] == "Herat"
    assert v["supporting_sources"] == "s0;s1;s2"


def test_exact_matcher_keeps_spellings_apart():
    result = reconcile_frame(frame(["Kabul", "KABUL", "kabul"]), rules_for({"equivalence": {"match": "exact"}}))
    assert n_candidates(result) == 3


def test_token_set_ignores_order_and_punctuation():
    assert token_set("Taliban, control of the city") == token_set("the city: control of Taliban")
    assert token_set("a a b") == token_set("b a")
    assert token_set("red car") != token_set("red cars")
    result = reconcile_frame(frame(["New York City", "city, new york", "York"]),
                             rules_for({"kind": "text", "equivalence": {"match": "token_set"}}))
    assert n_candidates(result) == 2
    assert result.verdicts["runner_up"].iloc[0] == "York"


# ---------------------------------------------------------------- person names (author lists)

KNUTH = ["Knuth, Donald E.", "Donald E. Knuth", "KNUTH, DONALD E.", "Donald Ervin Knuth", "knuth, donald e;"]


@pytest.mark.parametrize("spelling", KNUTH)
def test_person_names_single_author_spellings(spelling):
    assert person_names(spelling) == person_names("Knuth, Donald E.") == "knuth"


@pytest.mark.parametrize("spelling", [
    "Knuth, Donald E.; Fuller, John",
    "Donald E. Knuth; John Fuller",
    "Donald Knuth and John Fuller",
    "Donald E. Knuth, John Fuller",
    "Knuth, Donald, Fuller, John",
    "John Fuller & Donald Knuth",
    "KNUTH, DONALD E. AND FULLER, JOHN",
])
def test_person_names_author_list_separators(spelling):
    assert person_names(spelling) == "fuller|knuth"


def test_person_names_differs_for_different_authors():
    assert person_names("Knuth, Donald E.") != person_names("Knuth, Donald E.; Fuller, John")
    assert person_names("Graham, Ronald") != person_names("Knuth, Donald")


def test_person_names_ignores_accents_and_role_words():
    assert person_names("José García (ed.)") == person_names("Jose Garcia") == "garcia"


def test_person_names_end_to_end_one_candidate():
    values = ["Knuth, Donald E.", "Donald E. Knuth", "KNUTH, DONALD E.", "Graham, Ronald L."]
    result = reconcile_frame(frame(values), rules_for({"kind": "text", "equivalence": {"match": "person_names"}}))
    assert n_candidates(result) == 2
    v = result.verdicts.iloc[0]
    assert person_names(v["value"]) == "knuth"
    assert v["n_claims"] == 4 and v["supporting_sources"] == "s0;s1;s2"


def test_value_with_no_name_is_rejected_with_a_reason():
    result = reconcile_frame(frame(["Knuth, Donald", "???"]), rules_for({"kind": "text",
                                                                         "equivalence": {"match": "person_names"}}))
    (r,) = result.rejects.itertuples(index=False)
    assert (r.row, r.column, r.value, r.kind) == (2, "value", "???", "error")
    assert "empty after matching" in r.reason


# ---------------------------------------------------------------- vocabulary

VOCAB = {"values": {"government": ["government forces", "afghan forces"], "taliban": ["the taliban", "insurgents"]}}


def test_synonyms_map_to_the_canonical_value():
    result = reconcile_frame(frame(["Government Forces", "afghan forces", "government", "Insurgents"]),
                             rules_for(VOCAB))
    keys = dict(zip(result.claims["value"], result.claims["value_key"]))
    assert keys == {"Government Forces": "government", "afghan forces": "government", "government": "government",
                    "Insurgents": "taliban"}
    assert n_candidates(result) == 2
    assert result.verdicts["n_sources"].iloc[0] == 4
    assert result.verdicts["supporting_sources"].iloc[0] == "s0;s1;s2"


def test_open_vocabulary_keeps_unknown_values_as_their_own_candidates():
    result = reconcile_frame(frame(["government", "warlords", "Warlords"]), rules_for(VOCAB))
    assert len(result.rejects) == 0
    assert set(result.claims["value_key"]) == {"government", "warlords"}


def test_closed_vocabulary_rejects_unknown_values_into_rejects_csv(tmp_path):
    feed = write_csv(tmp_path / "f.csv", [["s1", "x", "control", "the taliban", T],
                                          ["s2", "x", "control", "banana", T],
                                          ["s3", "x", "control", "insurgents", T]])
    rules = write_rules(tmp_path / "r.yaml", """
        version: 1
        attributes:
          control:
            closed: true
            values: {government: [government forces], taliban: [the taliban, insurgents]}
        """)
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o")
    assert code == 0, err
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv", dtype=str, keep_default_na=False)
    assert rejects.to_dict("records") == [{
        "file": str(feed), "row": "2", "column": "value", "value": "banana",
        "reason": "`value`: value not in the vocabulary of a closed attribute (known: government, taliban)",
        "kind": "error"}]
    verdicts = pd.read_csv(tmp_path / "o" / "verdicts.csv", keep_default_na=False)
    assert verdicts["n_claims"].tolist() == [2]


# ---------------------------------------------------------------- numeric tolerance

def test_numeric_relative_tolerance_groups_close_values_and_shows_the_most_claimed():
    values = ["1000", "1005", "1005", "1,008", "2000"]
    result = reconcile_frame(frame(values), rules_for({"kind": "numeric", "equivalence": {"relative": 0.01}}))
    assert n_candidates(result) == 2
    v = result.verdicts.iloc[0]
    assert v["value"] == "1005"
    assert v["n_claims"] == 5 and v["supporting_sources"] == "s0;s1;s2;s3"
    assert v["runner_up"] == "2000"


def test_numeric_absolute_tolerance():
    values = ["10.0", "10.4", "10.8", "10.4", "11.5"]  # single linkage: gaps 0.4, 0, 0.4 group; 0.7 does not
    result = reconcile_frame(frame(values), rules_for({"kind": "numeric", "equivalence": {"absolute": 0.5}}))
    assert n_candidates(result) == 2
    assert result.verdicts["value"].iloc[0] == "10.4"
    assert result.verdicts["runner_up"].iloc[0] == "11.5"


def test_numeric_without_tolerance_is_exact_but_format_insensitive():
    values = ["1000", "1,000", "1000.0", "1001"]
    result = reconcile_frame(frame(values), rules_for({"kind": "numeric"}))
    assert set(result.claims["value_key"]) == {"1000", "1001"}


def test_numeric_tolerance_does_not_merge_across_subjects():
    f = pd.concat([frame(["100", "100"], "x"), frame(["101", "101"], "y")], ignore_index=True)
    f["source"] = ["a", "b", "a", "b"]
    result = reconcile_frame(f, rules_for({"kind": "numeric", "equivalence": {"absolute": 5}}))
    assert dict(zip(result.verdicts["subject"], result.verdicts["value"])) == {"x": "100", "y": "101"}


def test_not_a_number_is_rejected():
    result = reconcile_frame(frame(["12", "twelve", "n/a"]), rules_for({"kind": "numeric"}))
    assert result.rejects["value"].tolist() == ["n/a"]
    assert result.rejects["reason"].iloc[0].startswith("`value`: not a number in locale en (written like 1,234,567.5)")
    assert n_candidates(result) == 1  # "twelve" is 12 (numbers in words: tests/test_numbers_locale.py)


# ---------------------------------------------------------------- time of day, datetime

def test_time_of_day_tolerance_one_minute():
    values = ["10:00", "10:01", "10:00:30", "10:05", "10:00"]
    result = reconcile_frame(frame(values), rules_for({"kind": "time_of_day", "equivalence": {"tolerance": "1m"}}))
    assert n_candidates(result) == 2
    v = result.verdicts.iloc[0]
    assert v["value"] == "10:00" and v["n_claims"] == 5 and v["runner_up"] == "10:05"


def test_time_of_day_without_tolerance_and_invalid_times():
    result = reconcile_frame(frame(["9:05", "09:05:00", "09:06", "25:00", "noon"]),
                             rules_for({"kind": "time_of_day"}))
    assert set(result.claims["value_key"]) == {"09:05", "09:06"}
    assert sorted(result.rejects["value"]) == ["25:00", "noon"]
    assert set(result.rejects["reason"]) == {"`value`: not a time of day (expected HH:MM or HH:MM:SS)"}


def test_datetime_values_compare_in_utc():
    values = ["2021-07-07T10:00:00Z", "2021-07-07T12:00:00+02:00", "2021-07-07T11:00:00Z"]
    result = reconcile_frame(frame(values), rules_for({"kind": "datetime"}))
    assert set(result.claims["value_key"]) == {"2021-07-07T10:00:00Z", "2021-07-07T11:00:00Z"}


def test_tolerance_on_a_categorical_attribute_is_a_rules_error():
    with pytest.raises(Exception, match="equivalence.tolerance applies to datetime and time_of_day"):
        AttributeRule.model_validate({"kind": "categorical", "equivalence": {"tolerance": "1m"}})


def test_canonicalise_unique_reports_invalid_per_value():
    rule = AttributeRule.model_validate({"kind": "numeric"})
    canon = canonicalise_unique(pd.Series(["1_000", "x", " 7 "]), rule)
    assert canon.key.tolist() == ["1000", "", "7"]
    assert canon.invalid.str.startswith("not a number").tolist() == [False, True, False]
