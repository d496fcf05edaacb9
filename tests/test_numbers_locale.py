"""Numbers in the rules' locale: figures (babel), words (text2num), approximate figures, bounds and ranges."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine_helpers import cli, write_csv, write_rules
from reconcile.numbers import read_number, reading_of_key
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import AttributeRule, Rules

T = "2024-01-01T00:00:00Z"


def key(text: str, locale: str = "en") -> str:
    reading = read_number(text, locale)
    return reading if isinstance(reading, str) else reading.key()


@pytest.mark.parametrize("text, locale, expected", [
    ("1.200", "en", "1.2"), ("1,200", "en", "1200"), ("1,200.5", "en", "1200.5"),
    ("1.200", "de", "1200"), ("1.200,5", "de", "1200.5"), ("1,5", "de", "1.5"),
    ("1 200,5", "fr", "1200.5"), ("1\u202f200,5", "fr", "1200.5"), ("1'200", "de-CH", "1200"),
    ("12,34,567", "en-IN", "1234567"), ("-3.5", "en", "-3.5"), ("+7", "en", "7"), ("1e6", "en", "1000000"),
    ("two hundred", "en", "200"), ("fifty-five", "en", "55"), ("zweihundert", "de", "200"),
    ("1.5 million", "en", "1500000"), ("1,5 Millionen", "de", "1500000"), ("two million", "en", "2000000"),
    ("~200", "en", "200"), ("about 1,500", "en", "1500"), ("approx. 30", "en", "30"), ("rund 1.500", "de", "1500"),
    ("more than 200", "en", ">200"), ("over 200", "en", ">200"), ("at least 30", "en", ">=30"),
    ("200+", "en", ">=200"), ("200 or more", "en", ">=200"), ("≥ 30", "en", ">=30"),
    ("fewer than 10", "en", "<10"), ("under 10", "en", "<10"), ("at most 50", "en", "<=50"),
    ("up to 50", "en", "<=50"), ("more than two hundred", "en", ">200"),
    ("mehr als 1.200", "de", ">1200"), ("über 200", "de", ">200"), ("höchstens 50", "de", "<=50"),
    ("200-300", "en", "[200, 300]"), ("200 – 300", "en", "[200, 300]"), ("between 200 and 300", "en", "[200, 300]"),
    ("from 5 to 10", "en", "[5, 10]"), ("zwischen 1.200 und 1.500", "de", "[1200, 1500]"), ("-5-5", "en", "[-5, 5]"),
])
def test_reading_figures_words_and_bounds(text, locale, expected):
    assert key(text, locale) == expected
    reading = reading_of_key(expected)  # the key reads back as the same interval
    assert reading is not None and reading.key() == expected


@pytest.mark.parametrize("text, locale, because", [
    ("1.5", "de", "did you mean 15 or 1,5?"),  # grouping in the wrong place: strict, with babel's suggestions
    ("12,00", "en", "did you mean 1,200 or 12?"),
    ("1.200,5", "en", "not a number in locale en (written like 1,234,567.5"),
    ("n/a", "de", "not a number in locale de (written like 1.234.567,5"),
    ("nan", "en", "not a finite number"), ("inf", "en", "not a finite number"),
    ("1e400", "en", "too large"), ("1" + "0" * 400, "en", "too large"), ("more than 1e400", "en", "too large"),
    ("300-200", "en", "not a number"),
    ("between two hundred and fifty and three hundred", "en", "an ambiguous range: it reads as 200 to 5300 or 250 to 300"),
])
def test_what_is_not_a_number_says_why(text, locale, because):
    reason = read_number(text, locale)
    assert isinstance(reason, str) and because in reason


def _frame(values, subject="x"):
    return pd.DataFrame({"source": [f"s{i}" for i in range(len(values))], "subject": subject, "attribute": "a",
                         "value": values})


def _rules(attribute: dict, **extra) -> Rules:
    return Rules.model_validate({"version": 1, "attributes": {"a": {"kind": "numeric", **attribute}}, **extra})


def _run_cli(tmp_path, rows, rules_text):
    feed = write_csv(tmp_path / "feed.csv", [["s%d" % i, subject, "population", value, T]
                                             for i, (subject, value) in enumerate(rows)])
    rules = write_rules(tmp_path / "rules.yaml", rules_text)
    code, out, err = cli("run", feed, "--rules", rules, "-o", tmp_path / "out")
    assert code == 0, err
    return (pd.read_csv(tmp_path / "out" / "verdicts.csv", dtype=str, keep_default_na=False),
            pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False))


ROWS = [("Bonn", "1.200,5"), ("Bonn", "1200,5"), ("Bonn", "1.200,5"), ("Bonn", "1.5"),
        ("Köln", "1.200"), ("Köln", "1200"), ("Köln", "zwölfhundert")]


def test_a_german_feed_with_locale_de(tmp_path):
    verdicts, rejects = _run_cli(tmp_path, ROWS, """
        version: 1
        defaults: {locale: de}
        attributes:
          population: {kind: numeric}
    """)
    by = dict(zip(verdicts["subject"], verdicts["value"]))
    assert set(by) == {"Bonn", "Köln"} and by["Bonn"] == "1.200,5"
    assert verdicts.set_index("subject").loc["Köln", "n_claims"] == "3"  # 1.200 = 1200 = zwölfhundert
    assert rejects["value"].tolist() == ["1.5"]
    assert "not a number in locale de" in rejects["reason"].iloc[0] and "1,5?" in rejects["reason"].iloc[0]


def test_the_same_figures_read_in_english(tmp_path):
    verdicts, rejects = _run_cli(tmp_path, ROWS, """
        version: 1
        attributes:
          population: {kind: numeric}
    """)
    # in English "1.200" is 1.2, "1.5" is 1.5; "1.200,5", "1200,5" and the German word are not numbers
    assert sorted(rejects["value"]) == ["1.200,5", "1.200,5", "1200,5", "zwölfhundert"]
    koeln = verdicts.set_index("subject").loc["Köln"]
    assert koeln["n_claims"] == "2" and koeln["runner_up"] in ("1.200", "1200")


def test_an_attribute_locale_wins_over_the_default():
    rules = _rules({"locale": "de"}, defaults={"locale": "en"},
                   )
    assert rules.attribute_rule("a").locale == "de"
    assert rules.attribute_rule("unlisted").locale is None  # categorical: numbers are not read
    numeric_default = Rules.model_validate({"version": 1, "defaults": {"locale": "fr", "attribute": {"kind": "numeric"}}})
    assert numeric_default.attribute_rule("b").locale == "fr"
    result = reconcile_frame(_frame(["1.200", "1200", "1,2"]), rules)
    assert result.claims["value_key"].astype(str).tolist() == ["1200", "1200", "1.2"]


def test_unknown_locale_is_a_located_rules_error(tmp_path):
    rules = write_rules(tmp_path / "rules.yaml", """
        version: 1
        defaults:
          locale: de-XX
        attributes:
          n: {kind: numeric, locale: zz}
          c: {kind: categorical, locale: de}
    """)
    code, _, err = cli("check", rules)
    assert code == 3
    assert f"{rules}:3:3: defaults.locale: unknown locale 'de-XX'" in err
    assert f"{rules}:5:22: attributes.n.locale: unknown locale 'zz'" in err
    assert "attributes.c: locale and bounds apply to numeric attributes, not categorical" in err


def test_a_bound_supports_the_figures_inside_it_and_conflicts_with_the_others():
    result = reconcile_frame(_frame(["more than 200", "more than 200", "250", "250", "150"]), _rules({}))
    v = result.verdicts.iloc[0]
    assert v["value"] == "250"  # the most specific value with enough support
    # "more than 200" agrees with 250 (not its runner-up, not a contradiction); 150 conflicts with both
    assert v["runner_up"] == "150"
    conflict = result.contradictions.iloc[0]
    assert len(result.contradictions) == 1 and conflict["kind"] == "value_conflict"  # not a near tie with ">200"
    assert conflict["losing_sources"] == "s4"  # only the source of 150 loses
    alone = reconcile_frame(_frame(["250", "250", "150"]), _rules({}))
    assert v["confidence"] > alone.verdicts.iloc[0]["confidence"]  # the bounds' partial support counts


def test_only_a_bound_is_supported_then_the_verdict_is_the_bound():
    result = reconcile_frame(_frame(["more than 200", "over 200", "150"]), _rules({}))
    v = result.verdicts.iloc[0]
    assert v["value"] in ("more than 200", "over 200") and v["confidence"] > 0.5 and v["runner_up"] == "150"
    assert set(result.claims["value_key"].astype(str)) == {">200", "150"}
    # a narrower bound inside it gets its support: the most specific statement the sources agree on
    nested = reconcile_frame(_frame(["more than 200", "over 200", "at least 300", "150"]), _rules({}))
    assert nested.verdicts.iloc[0]["value"] == "at least 300"
    assert nested.verdicts.iloc[0]["runner_up"] == "150"


def test_bounds_false_rejects_bounds_and_ranges():
    result = reconcile_frame(_frame(["more than 200", "200-300", "~250", "250"]), _rules({"bounds": False}))
    assert sorted(result.rejects["value"]) == ["200-300", "more than 200"]
    assert all("takes figures only" in r for r in result.rejects["reason"])
    assert result.verdicts.iloc[0]["n_claims"] == 2  # "~250" is the figure 250


def test_an_approximate_figure_is_grouped_by_the_tolerance():
    result = reconcile_frame(_frame(["about 1,500", "1,480", "~1,510", "2,000"]),
                             _rules({"equivalence": {"relative": 0.05}}))
    assert result.claims["value_key"].astype(str).value_counts().to_dict() == {"1480": 3, "2000": 1}


def test_a_range_inside_a_bound_and_tolerance_at_the_edge():
    rules = _rules({"equivalence": {"absolute": 5}})
    result = reconcile_frame(_frame(["between 200 and 300", "more than 150", "198", "198", "500"]), rules)
    # 198 is inside [200, 300] within the tolerance of 5; [200, 300] is inside (150, inf)
    v = result.verdicts.iloc[0]
    assert v["value"] == "198" and v["runner_up"] == "500"


def test_bound_claims_do_not_depend_on_row_order():
    values = ["more than 200", "250", "at most 300", "150", "200-260", "250", "~250"]
    subjects = ["x", "x", "x", "x", "y", "y", "y"]
    frame = pd.DataFrame({"source": [f"s{i}" for i in range(7)], "subject": subjects, "attribute": "a",
                          "value": values})
    a = reconcile_frame(frame, _rules({})).verdicts
    b = reconcile_frame(frame.iloc[::-1].reset_index(drop=True), _rules({})).verdicts
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_the_json_schema_describes_locale_and_bounds():
    from jsonschema import Draft202012Validator

    from reconcile.rules.schema import rules_json_schema

    schema = rules_json_schema()
    validator = Draft202012Validator(schema)
    assert not list(validator.iter_errors({"version": 1, "defaults": {"locale": "de-CH"},
                                           "attributes": {"n": {"kind": "numeric", "locale": "fr", "bounds": False}}}))
    assert list(validator.iter_errors({"version": 1, "defaults": {"locale": "not a tag"}}))


def test_attribute_rule_defaults_keep_bounds_on_for_numbers():
    rule = AttributeRule.model_validate({"kind": "numeric"})
    assert rule.bounds is True and rule.locale is None


LOCALES = ["en", "de", "fr", "de-CH", "en-IN", "pt-BR", "es", "hi"]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-10**12, max_value=10**12, places=3, allow_nan=False), st.sampled_from(LOCALES))
def test_a_figure_written_by_cldr_reads_back(x, locale):
    from babel.numbers import format_decimal

    text = format_decimal(x, locale=locale.replace("-", "_"))  # the locale's own grouping (en-IN: 1,00,000)
    reading = read_number(text, locale)
    assert not isinstance(reading, str), (text, reading)
    assert reading.is_point and reading.low == float(x.normalize())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.,-+' ", min_size=1, max_size=12), st.sampled_from(LOCALES))
def test_the_fast_path_reads_as_babel_does(text, locale):
    """Figures in the usual shape are read without babel (speed); they must read exactly as babel reads them."""
    from babel.numbers import NumberFormatError, parse_decimal

    from reconcile.numbers import _usual_shape

    if not _usual_shape(locale).match(text):
        return
    try:
        expected = float(parse_decimal(text, locale.replace("-", "_"), strict=True))
    except NumberFormatError:
        expected = None
    reading = read_number(text, locale)
    assert expected is not None and not isinstance(reading, str) and reading.low == expected


def test_bounds_through_the_command_line_explain_and_partitions(tmp_path):
    rows = [["a", "x", "n", "more than 200", T], ["b", "x", "n", "250", T], ["c", "x", "n", "at most 300", T],
            ["d", "x", "n", "150", T], ["a", "z", "n", "more than 5", T], ["d", "z", "n", "over 5", T]]
    feed = write_csv(tmp_path / "feed.csv", rows)
    rules = write_rules(tmp_path / "rules.yaml", "version: 1\nattributes:\n  n: {kind: numeric}\n")
    assert cli("run", feed, "--rules", rules, "-o", tmp_path / "one", "-q")[0] == 0
    assert cli("run", feed, "--rules", rules, "-o", tmp_path / "three", "--partitions", "3", "-q")[0] == 0
    one = (tmp_path / "one" / "verdicts.csv").read_text()
    assert one == (tmp_path / "three" / "verdicts.csv").read_text()  # the pairs are cut with their items
    verdicts = pd.read_csv(tmp_path / "one" / "verdicts.csv", dtype=str, keep_default_na=False).set_index("subject")
    assert verdicts.loc["x", "value"] == "250" and verdicts.loc["z", "value"] in ("more than 5", "over 5")
    code, out, _ = cli("explain", tmp_path / "one", "x", "n")
    assert code == 0
    assert "value 'more than 200': posterior" in out and "a bound or range: P(the truth lies inside it)" in out
