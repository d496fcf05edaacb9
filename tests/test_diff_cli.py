"""reconcile diff: changes between two runs for people and scripts; exit 0 when nothing changed, 1 otherwise."""
from __future__ import annotations

import io
import json

import pandas as pd

from engine_helpers import cli, write_csv, write_rules

RULES = "version: 1\n"


def _feed(tmp_path):
    rows = []
    for i in range(10):
        for s in ("a", "b", "c"):
            rows.append([s, f"s{i}", "colour", "red" if s != "c" or i % 2 else "blue", "2024-01-01T00:00:00Z"])
    return write_csv(tmp_path / "feed.csv", rows)


def _run(tmp_path, name, *extra):
    code, _, err = cli("run", _feed(tmp_path), "--rules", write_rules(tmp_path / "r.yaml", RULES), "--out",
                       tmp_path / name, "--as-of", "2024-01-02T00:00:00Z", *extra)
    assert code == 0, err
    return tmp_path / name


def test_same_run_twice_exits_0(tmp_path):
    a, b = _run(tmp_path, "a"), _run(tmp_path, "b")
    code, out, _ = cli("diff", a, b)
    assert code == 0 and "nothing changed" in out
    code, out, _ = cli("diff", a, b, "--json")
    assert code == 0 and json.loads(out)["summary"]["changed"] is False


def test_a_decision_shows_as_a_changed_value_and_review(tmp_path):
    a = _run(tmp_path, "a")
    contradiction = pd.read_csv(a / "contradictions.csv")["id"].iloc[0]
    for args in (["override", "s2", "colour", "green"], ["resolve", contradiction]):
        assert cli("decide", *args, "--note", "n", "--by", "me", "--decisions", tmp_path / "d.yaml")[0] == 0
    b = _run(tmp_path, "b", "--decisions", tmp_path / "d.yaml")
    code, out, _ = cli("diff", a, b)
    assert code == 1 and "1 value(s) changed" in out
    code, out, _ = cli("diff", a, b, "--csv")
    changes = pd.read_csv(io.StringIO(out), keep_default_na=False)
    row = changes[changes["change"] == "verdict_value"].iloc[0]
    assert (row["subject"], row["before"], row["after"]) == ("s2", "red", "green")
    assert "contradiction_review" in set(changes["change"])
    data = json.loads(cli("diff", a, b, "--json")[1])
    assert data["summary"]["value_changed"] == 1 and data["summary"]["contradictions_reviewed"] == 1


def test_rules_change_on_the_same_feed(tmp_path):
    feed = _feed(tmp_path)
    loose = write_rules(tmp_path / "a.yaml", RULES)
    strict = write_rules(tmp_path / "b.yaml", "version: 1\nsolver:\n  thresholds: {settled: 0.999999}\n")
    code, out, _ = cli("diff", "--rules", loose, "--rules", strict, feed, "--as-of", "2024-01-02T00:00:00Z", "--csv")
    changes = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert code == 1 and (changes["change"] == "verdict_status").sum() > 0
    assert set(changes.loc[changes["change"] == "verdict_status", "after"]) <= {"insufficient", "likely", "challenged"}
    code, _, _ = cli("diff", "--rules", loose, "--rules", loose, feed, "--as-of", "2024-01-02T00:00:00Z")
    assert code == 0


def test_since_a_run_in_the_state(tmp_path):
    state = tmp_path / "s.duckdb"
    a = _run(tmp_path, "a", "--state", state)
    code, out, _ = cli("diff", "--state", state, "--since", "1", a)
    assert code == 0, out
    assert cli("decide", "override", "s4", "colour", "green", "--note", "n", "--by", "me",
               "--decisions", tmp_path / "d.yaml")[0] == 0
    b = _run(tmp_path, "b", "--decisions", tmp_path / "d.yaml")
    code, out, _ = cli("diff", "--state", state, "--since", "1", b, "--json")
    assert code == 1 and json.loads(out)["changes"][0]["subject"] == "s4"
    code, _, err = cli("diff", "--state", state, "--since", "7")
    assert code == 2 and "no run 7" in err
