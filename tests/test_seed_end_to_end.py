"""The main job: the raw seed articles reconciled end to end (what `make run` does)."""
import json
from pathlib import Path

import pandas as pd

from engine_helpers import cli

ROOT = Path(__file__).resolve().parents[1]


def test_seed_articles_end_to_end(tmp_path):
    out = tmp_path / "seed"
    code, _, err = cli("run", ROOT / "data" / "seed_articles.txt", "--rules", ROOT / "rules", "--out", out,
                       "--as-of", "2021-07-07T23:59:59Z", "--published-at", "2021-07-07")
    assert code == 0, err
    run = json.loads((out / "run.json").read_text())
    # the feed repeats the Reuters lead and a truncated Khaama teaser: 4 articles read, 2 unique
    assert (run["extraction"]["articles_read"], run["extraction"]["articles_unique"]) == (4, 2)
    verdicts = pd.read_csv(out / "verdicts.csv", dtype=str, keep_default_na=False).set_index("subject")
    assert verdicts.loc["Badghis districts", "value"] == "taliban"
    # both outlets' versions of Qala-e-Naw are on the record, with their sources
    contradictions = pd.read_csv(out / "contradictions.csv", dtype=str, keep_default_na=False)
    qala = contradictions[contradictions["subject"] == "Qala-e-Naw"]
    on_record = " ".join(qala["competing_values"])
    assert len(qala) and "Khaama Press" in on_record and "Reuters" in on_record
    # Khaama Press credits Reuters ("told Reuters news agency") and repeats its passage: a dependent pair
    copies = pd.read_csv(out / "copies.csv", dtype=str, keep_default_na=False)
    assert set(zip(copies["source_a"], copies["source_b"])) == {("Khaama Press", "Reuters")}
    assert any(e.startswith("attribution: told Reuters") for e in copies["evidence"])
    report = (out / "report.md").read_text()
    assert "falls to Taliban" in report and "recaptured" in report
    assert "Sources that copy each other (1 pair)" in report
    assert (out / "timeline.csv").exists()


def test_seed_verdict_is_the_recapture_after_the_fighting(tmp_path):
    """As a careful analyst reads the seed: Taliban fighters entered and briefly took parts of the city on 6-7 July,
    government forces recaptured it on 7 July. As of the end of 7 July the city is `government`, the timeline
    shows the contested interval before it, and Khaama's earlier report is a superseded (stale) state, not a
    same-time conflict with the recapture."""
    out = tmp_path / "seed"
    code, _, err = cli("run", ROOT / "data" / "seed_articles.txt", "--rules", ROOT / "rules", "--out", out,
                       "--as-of", "2021-07-07T23:59:59Z", "--published-at", "2021-07-07")
    assert code == 0, err
    verdicts = pd.read_csv(out / "verdicts.csv", keep_default_na=False).set_index("subject")
    assert verdicts.loc["Qala-e-Naw", "value"] == "government"
    assert verdicts.loc["Qala-e-Naw", "confidence"] > 0.5
    timeline = pd.read_csv(out / "timeline.csv", keep_default_na=False)
    qala = timeline[timeline["subject"] == "Qala-e-Naw"].sort_values("valid_from")
    assert qala["value"].iloc[-1] == "government" and qala["change"].iloc[-1]
    assert set(qala["value"].iloc[:-1]) & {"contested", "taliban"}
    contradictions = pd.read_csv(out / "contradictions.csv", dtype=str, keep_default_na=False)
    stale = contradictions[(contradictions["subject"] == "Qala-e-Naw") & (contradictions["kind"] == "stale")]
    assert "Khaama Press" in set(stale["losing_sources"])
    # Khaama's superseded states are named with their quotes: the MP's "falls to Taliban" (6 July, noon) and the
    # Taliban spokesman's "entered", in the CSV row and in the report's review section
    said = stale["competing_values"].iloc[0]
    assert "taliban (" in said and "contested (" in said
    mp = "Qala-e-naw falls to Taliban fighters Tuesday noon"
    spokesman = "its fighters have entered into Qala-e-naw city"
    assert mp in said and spokesman in said
    review = (out / "report.md").read_text().split("### Qala-e-Naw / control: stale")[1].split("###")[0]
    competing = next(line for line in review.splitlines() if "Competing:" in line)
    assert mp in competing and spokesman in competing
    # no same-time conflict between the 6 July events (Khaama's fall, the undated "entered" / "briefly
    # collapsed") and the 7 July recapture: what conflicts at one time was said about that time
    same_time = contradictions[(contradictions["subject"] == "Qala-e-Naw")
                               & (contradictions["kind"] == "conflict_same_time")]
    for row in same_time.itertuples():
        assert not row.competing_values.startswith("at 2021-07-06"), row.competing_values
        assert "Khaama Press" not in row.competing_values and "taliban" not in row.competing_values
