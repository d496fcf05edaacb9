"""`reconcile run` end to end: output files and columns, run.json hashes, report, contradictions, explain,
evaluate, atomic output folders, CLI errors."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from engine_helpers import ROOT, cli, write_csv, write_rules

COLUMNS = ["source", "subject", "attribute", "value", "published_at", "quote", "speaker"]
FEED = [
    ["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z", "The Taliban took Kunduz", ""],
    ["AFP", "Kunduz", "control", "the taliban", "2021-07-01T11:00:00Z", "Taliban fighters hold the city", ""],
    ["TOLOnews", "Kunduz", "control", "government", "2021-07-01T12:00:00Z", "Government forces retook Kunduz",
     "spokesman"],
    ["TOLOnews", "Kunduz", "control", "contested", "2021-07-01T12:30:00Z", "Fighting continues", ""],
    ["Pajhwok", "Herat", "control", "government", "2021-07-01T09:00:00Z", "Herat is calm", ""],
    ["AP", "Herat", "control", "government", "2021-07-01T09:30:00Z", "", ""],
    ["Khaama", "Herat", "control", "taliban", "2021-07-01T09:40:00Z", "Taliban claims Herat", ""],
    ["Khaama", "Herat", "control", "banana", "2021-07-01T09:40:00Z", "", ""],
    ["AP", "Mazar", "control", "government", "2021-07-01T08:00:00Z", "", ""],
    ["Reuters", "Mazar", "control", "government", "2021-07-01T08:10:00Z", "", ""],
]
RULES = """
version: 1
sources:
  priors:
    Reuters: {reliability: 0.85, strength: 10}
    AFP: {reliability: 0.8, strength: 8}
    AP: {reliability: 0.8, strength: 8}
defaults: {reliability: 0.65, strength: 4}
attributes:
  control:
    closed: true
    values:
      government: [government forces]
      taliban: [the taliban, insurgents]
      contested: [fighting]
"""
OUTPUTS = ["verdicts.csv", "verdicts.parquet", "contradictions.csv", "sources.csv", "rejects.csv", "claims.parquet",
           "report.md", "run.json", "timings.json"]
VERDICT_COLUMNS = ["subject", "attribute", "value", "confidence", "status", "runner_up", "runner_up_confidence",
                   "n_claims", "n_sources", "supporting_sources", "as_of"]
CONTRADICTION_COLUMNS = ["id", "subject", "attribute", "kind", "verdict_value", "verdict_confidence",
                         "competing_values", "losing_sources", "source", "severity", "status"]
SOURCE_COLUMNS = ["source", "prior", "prior_strength", "prior_rule", "reliability", "claims", "subjects", "agreement"]
REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "kind"]
CLAIM_COLUMNS = ["claim_id", "source", "subject", "attribute", "value", "value_key", "published_at", "valid_from",
                 "valid_to", "speaker", "speaker_role", "speaker_affiliation", "quote", "url", "derived_from",
                 "weight", "recency", "copies", "reliability", "vote", "posterior", "chosen"]


@pytest.fixture
def done(tmp_path):
    """A finished run on the small feed: (tmp_path, feed, rules, out)."""
    feed = write_csv(tmp_path / "feed.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    out = tmp_path / "out"
    code, stdout, err = cli("run", feed, "--rules", rules, "--out", out)
    assert code == 0, err
    assert stdout == ""
    assert err.startswith("read 10 rows: 9 accepted, 1 rejected, 0 excluded; 9 distinct claims; 3 verdicts")
    return tmp_path, feed, rules, out


def read(out, name) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_output_file_with_documented_columns(done):
    _, _, _, out = done
    names = os.listdir(out)
    assert set(OUTPUTS) <= set(names)
    assert [n for n in names if n.startswith(".")] == []  # no staging folder or temp file left behind
    assert list(read(out, "verdicts.csv").columns) == VERDICT_COLUMNS
    assert list(pd.read_parquet(out / "verdicts.parquet").columns) == VERDICT_COLUMNS
    assert list(read(out, "contradictions.csv").columns) == CONTRADICTION_COLUMNS
    assert list(read(out, "sources.csv").columns) == SOURCE_COLUMNS
    assert list(read(out, "rejects.csv").columns) == REJECT_COLUMNS
    claim_columns = list(pd.read_parquet(out / "claims.parquet").columns)
    assert set(CLAIM_COLUMNS) <= set(claim_columns)
    assert claim_columns[:6] == CLAIM_COLUMNS[:6]
    timings = json.loads((out / "timings.json").read_text())
    assert {"read_validate_s", "solve_s", "write_s"} <= set(timings)


def test_verdicts_content(done):
    _, _, _, out = done
    v = read(out, "verdicts.csv").set_index("subject")
    assert v.loc["Kunduz", "value"] in ("taliban", "the taliban")
    assert v.loc["Kunduz", "supporting_sources"] == "AFP;Reuters"
    assert v.loc["Herat", "value"] == "government" and v.loc["Herat", "runner_up"] == "taliban"
    assert v.loc["Mazar", "runner_up"] == "" and v.loc["Mazar", "n_sources"] == "2"
    assert set(v["as_of"]) == {"2021-07-01T12:30:00Z"}
    parquet = pd.read_parquet(out / "verdicts.parquet").set_index("subject")
    assert parquet.loc["Herat", "confidence"] == pytest.approx(float(v.loc["Herat", "confidence"]), abs=1e-6)
    sources = read(out, "sources.csv").set_index("source")
    assert sources.loc["Reuters", "prior_rule"] == "Reuters" and sources.loc["Khaama", "prior_rule"] == ""
    assert sources.loc["TOLOnews", "claims"] == "2"
    assert float(sources.loc["Reuters", "reliability"]) > float(sources.loc["TOLOnews", "reliability"])


def test_run_json_inputs_rules_counts_and_output_hashes(done):
    _, feed, rules, out = done
    run = json.loads((out / "run.json").read_text())
    assert run["inputs"] == [{"path": str(feed), "sha256": sha256(feed)}]
    assert run["rules"] == {"files": [str(rules)], "sha256": sha256(rules)}
    assert run["counts"]["rows_read"] == 10 and run["counts"]["rows_rejected"] == 1
    assert run["counts"]["verdicts"] == 3 and run["counts"]["subjects"] == 3
    assert run["as_of"] == "2021-07-01T12:30:00Z"
    assert run["engine"] == "pandas" and run["solver"]["name"] == "accu" and run["solver"]["converged"]
    assert set(OUTPUTS) - {"run.json", "timings.json"} <= set(run["outputs"])
    assert "timings.json" not in run["outputs"]  # timings vary; run.json must not
    for name, digest in run["outputs"].items():
        assert sha256(out / name) == digest, name


def test_report_names_the_most_severe_contradiction_with_sources_and_quotes(done):
    _, _, _, out = done
    report = (out / "report.md").read_text()
    c = read(out, "contradictions.csv")
    top = c.iloc[0]
    assert (top["subject"], top["kind"], top["source"]) == ("Kunduz", "self_contradiction", "TOLOnews")
    assert "## Contradictions (3, most doubtful first)" in report
    sections = report.split("## Contradictions", 1)[1].split("## Sources")[0].split("### ")[1:]
    # most doubtful first: Herat's verdict has the smaller margin over its runner-up
    assert [s.splitlines()[0] for s in sections] == [
        "Herat / control: value conflict", "Kunduz / control: self contradiction by TOLOnews",
        "Kunduz / control: value conflict"]
    section = sections[1]
    assert '"Government forces retook Kunduz"' in section and '"Fighting continues"' in section
    assert "TOLOnews, spokesman" in section
    assert '"The Taliban took Kunduz"' in section  # the winning side's evidence too
    assert "rows read 10: accepted 9, rejected 1, excluded 0" in report


def test_contradictions_kinds_and_ranking(done):
    _, _, _, out = done
    c = read(out, "contradictions.csv")
    severity = c["severity"].astype(float).tolist()
    assert severity == sorted(severity, reverse=True)
    kinds = {(r.subject, r.kind) for r in c.itertuples()}
    assert kinds == {("Kunduz", "self_contradiction"), ("Kunduz", "value_conflict"), ("Herat", "value_conflict")}
    self_row = c[c["kind"] == "self_contradiction"].iloc[0]
    assert sorted(v.split(" (")[0] for v in self_row["competing_values"].split("; ")) == ["contested", "government"]
    assert self_row["losing_sources"] == "" and self_row["verdict_value"] in ("taliban", "the taliban")
    herat = c[c["subject"] == "Herat"].iloc[0]
    assert herat["losing_sources"] == "Khaama"
    assert herat["competing_values"].startswith("government (") and "taliban (" in herat["competing_values"]
    assert c["id"].is_unique and all(i.startswith("C") for i in c["id"])


def test_near_tie_contradiction(tmp_path):
    feed = write_csv(tmp_path / "f.csv", [["a", "x", "k", "A", "2021-01-01T00:00:00Z"],
                                          ["b", "x", "k", "B", "2021-01-01T00:00:00Z"]])
    rules = write_rules(tmp_path / "r.yaml", "version: 1\n")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o")
    assert code == 0, err
    c = read(tmp_path / "o", "contradictions.csv")
    assert c[["kind", "verdict_value", "losing_sources", "status"]].values.tolist() == [["near_tie", "A", "b", "tie"]]


def test_explain_prints_each_claim_source_vote_and_quote(done):
    _, _, _, out = done
    code, text, err = cli("explain", out, "Kunduz")
    assert code == 0, err
    claims = pd.read_parquet(out / "claims.parquet")
    kunduz = claims[claims["subject"] == "Kunduz"]
    assert "## Kunduz / control" in text
    assert "verdict: taliban  confidence" in text or "verdict: the taliban  confidence" in text
    for c in kunduz.itertuples():
        line = f"{c.vote:+.3f}  {c.source}"
        assert line in text, line
        assert f'"{c.quote}"' in text
    assert "TOLOnews via spokesman" in text
    # the chosen value comes first
    assert text.index("(chosen)") < text.index("(not chosen)")


def test_explain_with_attribute_and_unknown_subject(done):
    _, _, _, out = done
    code, text, _ = cli("explain", out, "Herat", "control")
    assert code == 0 and "Khaama" in text and "Pajhwok" in text and "Kunduz" not in text
    code, _, err = cli("explain", out, "kunduz city")
    assert code == 2 and "no claims about subject 'kunduz city'" in err
    code, _, err = cli("explain", out, "kund")
    assert code == 2 and "did you mean: Kunduz" in err


def test_evaluate_hand_case(tmp_path):
    t = "2021-01-01T00:00:00Z"
    rows = [["s1", "x", "k", "A", t], ["s2", "x", "k", "A", t], ["s3", "x", "k", "B", t],
            ["s1", "y", "k", "C", t], ["s2", "y", "k", "C", t], ["s3", "y", "k", "C", t], ["s4", "y", "k", "C", t],
            ["s1", "z", "k", "D", t], ["s2", "z", "k", "E", t], ["s3", "z", "k", "E", t], ["s4", "z", "k", "E", t]]
    feed = write_csv(tmp_path / "f.csv", rows)
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nsolver: {name: majority}\n")
    out = tmp_path / "o"
    assert cli("run", feed, "--rules", rules, "--out", out)[0] == 0
    # gold: x right (2/3), y right in another case (fold matcher: 'c' == 'C'; confidence 1), z wrong (0.75);
    # w is not in the run (coverage 3/4)
    write_csv(tmp_path / "gold.csv", [["x", "A"], ["y", " c"], ["z", "D"], ["w", "Q"]], columns=["object", "value"])
    code, text, err = cli("evaluate", out, "--truth", tmp_path / "gold.csv", "--errors", tmp_path / "wrong.csv")
    assert code == 0, err
    conf = [0.666667, 1.0, 0.75]
    correct = [1, 1, 0]
    brier = sum((c - k) ** 2 for c, k in zip(conf, correct)) / 3
    ece = (abs(1 - conf[0]) + abs(1 - conf[1]) + abs(0 - conf[2])) / 3  # one item per bin
    assert text.splitlines()[:2] == [
        "gold items 4, answered 3 (coverage 0.750)",
        f"accuracy {2 / 3:.4f}  Brier {brier:.4f}  ECE {ece:.4f}",
    ]
    assert "calibration added to " in err  # a message: on standard error
    assert text.splitlines()[1] == "accuracy 0.6667  Brier 0.2245  ECE 0.3611"
    wrong = pd.read_csv(tmp_path / "wrong.csv", dtype=str, keep_default_na=False)
    assert wrong["subject"].tolist() == ["z", "w"]


def test_evaluate_needs_a_finished_run(tmp_path):
    write_csv(tmp_path / "gold.csv", [["x", "A"]], columns=["subject", "value"])
    code, _, err = cli("evaluate", tmp_path, "--truth", tmp_path / "gold.csv")
    assert code == 5 and "not a finished run (no run.json)" in err


def test_failed_write_keeps_the_previous_result_complete(done, monkeypatch):
    tmp_path, feed, rules, out = done
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while rendering the report")

    monkeypatch.setattr("reconcile.outputs.tables.write_reports", broken)
    code, _, err = cli("run", feed, "--rules", rules, "--out", out)
    assert code == 1 and "Traceback" not in err
    assert err.startswith("reconcile run: internal error (RuntimeError: disk full while rendering the report)")
    log = out / "reconcile-error.log"
    assert f"traceback written to {log}" in err and "Traceback" in log.read_text()
    log.unlink()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous result, untouched
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or p.name.endswith(".previous")] == []
    code, _, err = cli("explain", out, "Kunduz")
    assert code == 0, err


def test_failed_write_into_a_new_folder(tmp_path, monkeypatch):
    feed = write_csv(tmp_path / "f.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "r.yaml", RULES)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reconcile.outputs.tables.write_reports", broken)
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "new")
    assert code == 5 and "No space left on device" in err
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name] == []


def test_output_folder_that_is_a_file_exits_5(tmp_path):
    feed = write_csv(tmp_path / "f.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "r.yaml", RULES)
    (tmp_path / "taken").write_text("x")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "taken")
    assert code == 5 and "exists and is not a folder" in err


def test_unknown_engine_is_a_usage_error(tmp_path):
    feed = write_csv(tmp_path / "f.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "r.yaml", RULES)
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o", "--engine", "dask")
    assert code == 2
    assert err == "reconcile run: error: unknown engine 'dask'; available: pandas, spark\n"
    assert not (tmp_path / "o").exists()


def test_invalid_rules_exit_3_before_reading_feeds(tmp_path):
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nsolver: {name: acu}\n")
    code, _, err = cli("run", tmp_path / "missing.csv", "--rules", rules, "--out", tmp_path / "o")
    assert code == 3 and "solver.name" in err


def test_cli_usage_errors_exit_2():
    assert cli()[0] == 2
    assert cli("run")[0] == 2  # missing FEED / --rules / --out
    assert cli("frobnicate")[0] == 2
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("reconcile ")


def test_python_dash_m_reconcile_subprocess(tmp_path):
    write_csv(tmp_path / "feed.csv", FEED, columns=COLUMNS)
    write_rules(tmp_path / "rules.yaml", RULES)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", "feed.csv", "--rules", "rules.yaml",
                           "--out", "out"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "3 verdicts" in proc.stderr and "-> out" in proc.stderr
    assert set(OUTPUTS) <= set(os.listdir(tmp_path / "out"))
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", "feed.csv", "--rules", "rules.yaml",
                           "--out", "out2", "--engine", "dask"], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 2 and "unknown engine 'dask'" in proc.stderr
