"""Wire datelines ("KABUL, Afghanistan (AP) -", "Kabul/Reuters:", "KABUL -", "(CNN) —") are not part of the
first sentence, so its claim is read; a dateline's date is the publication date only when it names a year;
`reconcile run --source` names the outlet; a short clause the small parser misreads as one noun phrase still
gives its claim."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from reconcile.cli import main
from reconcile.extract import extract_text
from extract_sentences import claims, project_rules

ROOT = Path(__file__).resolve().parents[1]
WHEN = datetime(2021, 8, 13, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return project_rules()


@pytest.mark.parametrize("dateline", ["KABUL, Afghanistan (AP) —", "Kabul, 13 August 2021 (Reuters) -",
                                      "HERAT, Afghanistan, Aug. 13 (UPI) --", "KABUL (AFP) -",
                                      "Kabul, August 13, 2021 (Reuters) -", "Kabul/Reuters:", "KABUL -",
                                      "(CNN) —"])
def test_the_first_sentence_after_a_wire_dateline_gives_its_claim(rules, dateline):
    text = f"{dateline} The Taliban captured Herat on Friday, officials said."
    assert claims(text, rules, WHEN) == [["Herat", "taliban"]]


def test_a_dateline_date_with_a_year_is_the_publication_date_and_one_without_is_not_guessed(rules):
    df, _ = extract_text("Kabul, 12 August 2021 (Reuters) - The Taliban captured Herat, officials said.", rules,
                         source_name="Wire")
    assert set(df["published_at"]) == {"2021-08-12T00:00:00Z"}
    df, _ = extract_text("KABUL, Aug 12 (Reuters) - The Taliban captured Herat, officials said.", rules,
                         source_name="Wire", published_at=WHEN)
    assert set(df["published_at"]) == {"2021-08-13T00:00:00Z"}  # the given date: "Aug 12" names no year


def test_run_takes_the_outlet_from_source(tmp_path, capsys, monkeypatch):
    feed = tmp_path / "feed.txt"
    feed.write_text("Taliban take the city of Herat\n\nThe Taliban captured Herat on Friday, officials said.\n",
                    encoding="utf-8")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    code = main(["run", str(feed), "--rules", "rules/", "--out", str(out), "--published-at", "2021-08-13"])
    assert code != 0 and "pass --source NAME" in capsys.readouterr().err
    code = main(["run", str(feed), "--rules", "rules/", "--out", str(out), "--published-at", "2021-08-13",
                 "--source", "Wire"])
    assert code == 0
    verdicts = pd.read_csv(out / "verdicts.csv", dtype=str, keep_default_na=False)
    assert verdicts[["subject", "value", "supporting_sources"]].values.tolist() == [["Herat", "taliban", "Wire"]]


@pytest.mark.parametrize("text", ["The Taliban captured Herat.", "The Taliban captured Herat, officials said."])
def test_a_short_clause_misread_as_one_noun_phrase_still_gives_its_claim(rules, text):
    # the small model reads "captured" as an adjective of "Herat" in both (a finite verb, or a participle with
    # "The Taliban" hung on the place)
    assert claims(text, rules, WHEN) == [["Herat", "taliban"]]


def test_a_participle_describing_a_place_is_no_claim(rules):
    assert claims("Officials toured recaptured Herat on Friday.", rules, WHEN) == []
