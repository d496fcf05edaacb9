"""`reconcile run --no-claims / --no-report` (a faster run on a big feed): the files left out are absent, every
other file is the one a full run writes, and the commands that need the left-out files say so. And what a run
on a structured feed loads: no extraction pipeline, no spaCy, no chart libraries in the run's own process, no
numba without the time model, no jinja2 without a report."""
from __future__ import annotations

import json
import subprocess
import sys

from engine_helpers import ROOT, cli, write_csv, write_rules

COLUMNS = ["source", "subject", "attribute", "value", "published_at"]
FEED = [
    ["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z"],
    ["AFP", "Kunduz", "control", "taliban", "2021-07-01T11:00:00Z"],
    ["TOLOnews", "Kunduz", "control", "government", "2021-07-01T12:00:00Z"],
    ["Pajhwok", "Herat", "control", "government", "2021-07-01T09:00:00Z"],
    ["AP", "Herat", "control", "government", "2021-07-01T09:30:00Z"],
    ["Khaama", "Herat", "control", "taliban", "2021-07-01T09:40:00Z"],
]
RULES = """
version: 1
defaults: {reliability: 0.7, strength: 4}
attributes:
  control:
    closed: true
    values:
      government: [government forces]
      taliban: [the taliban]
"""


def _runs(tmp_path, *options):
    feed = write_csv(tmp_path / "feed.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    full, lean = tmp_path / "full", tmp_path / "lean"
    assert cli("run", feed, "--rules", rules, "--out", full)[0] == 0
    code, _, err = cli("run", feed, "--rules", rules, "--out", lean, *options)
    assert code == 0, err
    return full, lean


def test_no_claims_and_no_report_leave_those_files_out_and_the_rest_the_same(tmp_path):
    full, lean = _runs(tmp_path, "--no-claims", "--no-report")
    left_out = {"claims.parquet", "report.md", "report.html"}
    assert left_out <= {p.name for p in full.iterdir()}
    assert {p.name for p in lean.iterdir()} == {p.name for p in full.iterdir()} - left_out
    for path in lean.iterdir():
        if path.name not in ("run.json", "timings.json"):
            assert path.read_bytes() == (full / path.name).read_bytes(), path.name
    run_full, run_lean = (json.loads((d / "run.json").read_text()) for d in (full, lean))
    assert set(run_lean["outputs"]) == {p.name for p in lean.iterdir()} - {"run.json", "timings.json"}
    assert run_lean["outputs"] == {k: v for k, v in run_full["outputs"].items() if k not in left_out}


def test_no_claims_keeps_the_report_whole(tmp_path):
    full, lean = _runs(tmp_path, "--no-claims")
    assert not (lean / "claims.parquet").exists()
    for name in ("report.md", "report.html"):  # the report explains verdicts from the run's claims in memory
        assert (lean / name).read_bytes() == (full / name).read_bytes()


def test_explain_and_graph_say_the_per_claim_table_was_not_written(tmp_path):
    full, lean = _runs(tmp_path, "--no-claims")
    for command in (("explain", lean, "Kunduz"), ("graph", lean, "-o", tmp_path / "g.json")):
        code, _, err = cli(*command)
        assert code == 5
        assert "this run has no claims.parquet" in err and "--no-claims" in err
    assert not (tmp_path / "g.json").exists()
    code, out, err = cli("explain", full, "Kunduz")
    assert code == 0 and "Reuters" in out
    code, _, err = cli("diff", full, lean)  # diff reads the verdicts only: it compares such a run too
    assert code == 0, err


def _modules_after_run(tmp_path, *options) -> set[str]:
    feed = write_csv(tmp_path / "feed.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    script = ("import sys, json\nfrom reconcile.cli import main\n"
              f"code = main(['run', {str(feed)!r}, '--rules', {str(rules)!r}, '--out', {str(tmp_path / 'o')!r}, "
              f"'--quiet', *{list(options)!r}])\n"
              "print(json.dumps([code, sorted(sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0
    return set(modules)


def test_a_structured_feed_run_loads_no_extraction_and_no_chart_library(tmp_path):
    modules = _modules_after_run(tmp_path)
    assert (tmp_path / "o" / "report.html").exists()  # the report's charts are drawn by the helper process
    unwanted = {"spacy", "reconcile.extract.pipeline", "reconcile.extract.nlp", "reconcile.extract.geonames",
                "altair", "vl_convert", "pyspark", "numba",  # numba: only the time model's kernels use it
                "scipy.optimize"}  # the confidence map's increasing fit is our own (consistency.increasing_fit)
    assert unwanted & modules == set()


def test_a_run_without_report_loads_no_template_engine(tmp_path):
    modules = _modules_after_run(tmp_path, "--no-report")
    assert not (tmp_path / "o" / "report.html").exists()
    assert {"jinja2", "altair", "vl_convert", "reconcile.report.build"} & modules == set()
