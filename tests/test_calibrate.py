"""Calibration on a labelled sample: a crowd that errs together is over-confident; the fitted temperature
brings its confidence down to its real accuracy, measured on held-out subjects."""
import numpy as np
import pandas as pd

from engine_helpers import cli


def _correlated_crowd(tmp_path):
    """Five sources that always agree with each other; on 30% of subjects they all repeat the same error."""
    rows, gold = [], []
    rng = np.random.default_rng(7)
    for i in range(200):
        truth = f"v{i % 3}"
        said = f"v{(i + 1) % 3}" if rng.random() < 0.3 else truth
        rows += [(f"s{k}", f"item{i:03d}", "status", said) for k in range(5)]
        gold.append((f"item{i:03d}", "status", truth))
    pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"]).to_csv(tmp_path / "f.csv", index=False)
    pd.DataFrame(gold, columns=["subject", "attribute", "value"]).to_csv(tmp_path / "gold.csv", index=False)
    (tmp_path / "r.yaml").write_text("version: 1\ncopying: {enabled: false}\nattributes:\n"
                                     "  status: {kind: categorical, domain_size: 3}\n")


def test_calibrate_softens_an_over_confident_crowd(tmp_path):
    _correlated_crowd(tmp_path)
    code, out, err = cli("calibrate", tmp_path / "f.csv", "--rules", tmp_path / "r.yaml",
                         "--truth", tmp_path / "gold.csv")
    assert code == 0, err
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("ECE", "gold")))
    assert "temperature" in out
    temperature = float(out.split("temperature ")[1].split()[0])
    assert temperature > 1.5  # five agreeing votes are worth much less than independent ones here
    ece = lines["ECE"].split()
    before, cv = float(ece[1]), float(ece[-1])
    assert before > 0.2 and cv < 0.1  # accuracy is ~0.7; calibrated confidence says about that


def test_temperature_in_the_rules_changes_confidence_not_the_verdict(tmp_path):
    _correlated_crowd(tmp_path)
    assert cli("run", tmp_path / "f.csv", "--rules", tmp_path / "r.yaml", "--out", tmp_path / "a")[0] == 0
    (tmp_path / "t.yaml").write_text((tmp_path / "r.yaml").read_text() + "solver: {temperature: 4}\n")
    assert cli("run", tmp_path / "f.csv", "--rules", tmp_path / "t.yaml", "--out", tmp_path / "b")[0] == 0
    a = pd.read_csv(tmp_path / "a" / "verdicts.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "b" / "verdicts.csv", dtype=str, keep_default_na=False)
    assert (a["value"] == b["value"]).all()
    assert (b["confidence"].astype(float) < a["confidence"].astype(float)).all()
