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
    assert len(qala) and "Khaama Press" in qala["competing_values"].iloc[0]
    assert "Reuters" in qala["competing_values"].iloc[0]
    # Khaama Press credits Reuters ("told Reuters news agency") and repeats its passage: a dependent pair
    copies = pd.read_csv(out / "copies.csv", dtype=str, keep_default_na=False)
    assert set(zip(copies["source_a"], copies["source_b"])) == {("Khaama Press", "Reuters")}
    assert any(e.startswith("attribution: told Reuters") for e in copies["evidence"])
    report = (out / "report.md").read_text()
    assert "falls to Taliban" in report and "recaptured" in report
    assert "Sources that copy each other (1 pair)" in report
    assert (out / "timeline.csv").exists()
