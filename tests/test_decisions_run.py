"""A run honours each kind of analyst decision, and shows it in verdicts.csv, contradictions.csv, report and explain."""
from __future__ import annotations

import pandas as pd
import pytest

from engine_helpers import cli, write_csv, write_rules

RULES = """
version: 1
solver: {reliability_bounds: [0.05, 0.99]}
"""


def _feed(path):
    rows = []
    for i in range(30):  # y repeats x, right on even subjects and wrong on odd ones; a, b, c are independent
        for s in ("a", "b", "c"):
            wrong = (i + "abc".index(s)) % 5 == 0
            rows.append([s, f"s{i}", "colour", f"other{s}{i}" if wrong else "red", "2024-01-01T00:00:00Z"])
        for s in ("x", "y"):
            rows.append([s, f"s{i}", "colour", "red" if i % 2 == 0 else f"wrong{i}", "2024-01-01T00:00:00Z"])
    rows.append(["a", "lone", "colour", "red", "2024-01-01T00:00:00Z"])
    rows.append(["b", "lone", "colour", "blue", "2024-01-01T00:00:00Z"])
    return write_csv(path, rows)


def _run(tmp_path, decisions=None, name="out", as_of="2024-01-02T00:00:00Z"):
    feed = _feed(tmp_path / "feed.csv")
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    args = ["run", feed, "--rules", rules, "--out", tmp_path / name, "--as-of", as_of]
    code, _, err = cli(*args, *(["--decisions", decisions] if decisions else []))
    assert code == 0, err
    read = lambda f: pd.read_csv(tmp_path / name / f, dtype=str, keep_default_na=False)  # noqa: E731
    return read("verdicts.csv"), read("contradictions.csv"), read("sources.csv"), read("copies.csv"), err


def _decide(tmp_path, *args):
    code, _, err = cli("decide", *args, "--note", "checked on the ground", "--by", "jdoe",
                       "--decisions", tmp_path / "decisions.yaml")
    assert code == 0, err


def test_override_wins_against_unanimous_evidence_and_warns(tmp_path):
    _decide(tmp_path, "override", "s4", "colour", "green")
    verdicts, contradictions, _, _, err = _run(tmp_path, tmp_path / "decisions.yaml")
    row = verdicts[verdicts["subject"] == "s4"].iloc[0]
    assert (row["value"], row["status"], row["decided_by"], row["decision_note"]) == \
        ("green", "decided", "jdoe", "checked on the ground")
    assert row["evidence_value"] == "red" and "evidence disagrees" in row["warning"]
    assert "evidence disagrees" in err
    assert (verdicts[verdicts["subject"] != "s4"]["status"] != "decided").all()
    assert "## Analyst decisions" in (tmp_path / "out" / "report.md").read_text()
    code, out, _ = cli("explain", tmp_path / "out", "s4", "colour")
    assert code == 0 and "status decided" in out and "decided by jdoe: checked on the ground" in out


def test_override_on_a_subject_nobody_claimed_adds_a_decided_verdict(tmp_path):
    _decide(tmp_path, "override", "new place", "colour", "green")
    verdicts, _, _, _, err = _run(tmp_path, tmp_path / "decisions.yaml")
    row = verdicts[verdicts["subject"] == "new place"].iloc[0]
    assert (row["value"], row["status"], row["n_claims"]) == ("green", "decided", "0")
    assert "no claim about it" in err
    code, out, _ = cli("explain", tmp_path / "out", "new place")
    assert code == 0 and "decided by jdoe" in out


def test_expired_override_no_longer_applies(tmp_path):
    _decide(tmp_path, "override", "s4", "colour", "green", "--until", "2024-01-01T12:00:00Z",
            "--at", "2023-12-31T00:00:00Z")
    verdicts, _, _, _, err = _run(tmp_path, tmp_path / "decisions.yaml")
    assert verdicts.set_index("subject").loc["s4", "value"] == "red"
    assert "expired" in err


def test_resolve_and_dismiss_mark_contradictions(tmp_path):
    _, contradictions, _, _, _ = _run(tmp_path, name="before")
    assert len(contradictions) >= 2
    first, second = contradictions["id"].iloc[0], contradictions["id"].iloc[1]
    _decide(tmp_path, "resolve", first)
    _decide(tmp_path, "dismiss", second)
    _decide(tmp_path, "resolve", "C000000")  # not in this run: warned, the run goes on
    _, marked, _, _, err = _run(tmp_path, tmp_path / "decisions.yaml")
    by_id = marked.set_index("id")
    assert by_id.loc[first, "status"] == "resolved" and by_id.loc[second, "status"] == "dismissed"
    assert by_id.loc[first, "decided_by"] == "jdoe"
    assert set(marked["id"]) == set(contradictions["id"])
    assert "C000000" in err


def test_pin_is_exact_and_not_clamped_by_the_bounds(tmp_path):
    _decide(tmp_path, "pin", "x", "0.999")
    _decide(tmp_path, "pin", "a", "0.2", "--attribute", "colour")
    _, _, sources, _, _ = _run(tmp_path, tmp_path / "decisions.yaml")
    rel = sources.set_index("source")["reliability"].astype(float)
    assert rel["x"] == pytest.approx(0.999)  # above the rules' upper bound 0.99
    assert sources.set_index("source").loc["x", "prior_rule"] == "pinned"
    # a per-attribute pin fixes that (source, attribute) reliability only; the source's own stays learned
    assert sources.set_index("source").loc["a", "prior_rule"] != "pinned"
    assert rel["a"] != pytest.approx(0.2, abs=0.05)
    per = pd.read_csv(tmp_path / "out" / "source_attributes.csv", dtype=str, keep_default_na=False)
    per = per.set_index(["source", "attribute"])
    assert float(per.loc[("a", "colour"), "reliability"]) == pytest.approx(0.2)
    assert float(per.loc[("x", "colour"), "reliability"]) == pytest.approx(0.999)  # a source pin covers its pairs
    assert per.loc[[("a", "colour"), ("x", "colour")], "prior_rule"].tolist() == ["pinned", "pinned"]
    assert per.loc[("b", "colour"), "prior_rule"] != "pinned"


def test_copy_confirm_and_reject(tmp_path):
    _, _, _, copies, _ = _run(tmp_path, name="plain")
    pairs = set(zip(copies["source_a"], copies["source_b"]))
    assert ("x", "y") in pairs  # found from their shared wrong values
    _decide(tmp_path, "copy", "x", "y", "reject")
    _decide(tmp_path, "copy", "a", "c", "confirm")
    _, _, _, copies, _ = _run(tmp_path, tmp_path / "decisions.yaml")
    pairs = dict(zip(zip(copies["source_a"], copies["source_b"]), copies["evidence"]))
    assert ("x", "y") not in pairs
    assert pairs[("a", "c")].startswith("confirmed by jdoe")


def test_bad_decisions_file_stops_with_a_located_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndecisions:\n  - kind: pin\n    source: x\n    reliability: 2\n    by: a\n    note: b\n")
    feed = _feed(tmp_path / "feed.csv")
    code, _, err = cli("run", feed, "--rules", write_rules(tmp_path / "r.yaml", RULES), "--out", tmp_path / "o",
                       "--decisions", bad)
    assert code == 3 and f"{bad}:5:5: decisions.0.reliability" in err


def test_a_pin_on_a_source_without_claims_is_reported(tmp_path):
    _decide(tmp_path, "pin", "nobody", "0.9")
    _, _, sources, _, err = _run(tmp_path, tmp_path / "decisions.yaml")
    assert "no claim from nobody in this run" in err
    assert "nobody" not in set(sources["source"])


def test_same_feed_in_another_row_order_gives_byte_identical_outputs_with_decisions_and_state(tmp_path):
    feed = _feed(tmp_path / "feed.csv")
    lines = feed.read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0]] + sorted(lines[1:], reverse=True)) + "\n")
    _decide(tmp_path, "override", "s4", "colour", "green")
    _decide(tmp_path, "pin", "a", "0.2", "--attribute", "colour")
    _decide(tmp_path, "copy", "a", "c", "confirm")
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    outs = []
    for name, path in (("one", feed), ("two", shuffled)):
        code, _, err = cli("run", path, "--rules", rules, "--out", tmp_path / name, "--as-of", "2024-01-02T00:00:00Z",
                           "--decisions", tmp_path / "decisions.yaml", "--state", tmp_path / f"{name}.duckdb")
        assert code == 0, err
        outs.append(tmp_path / name)
    for table in ("verdicts.csv", "contradictions.csv", "sources.csv", "copies.csv"):
        assert (outs[0] / table).read_bytes() == (outs[1] / table).read_bytes(), table
    reports = [(out / "report.md").read_text().replace(f"{out.name}.duckdb", "STATE") for out in outs]
    assert reports[0] == reports[1]
