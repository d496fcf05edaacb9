"""The report's charts drawn by the helper process of `reconcile run` (reconcile/report/drawing.py): the same SVG
as drawn in process, every chart even when the helper dies, and a caller's script run once."""
from __future__ import annotations

import base64
import re
import subprocess
import sys

import pandas as pd

from engine_helpers import ROOT, cli, write_csv, write_rules
from reconcile.report import charts
from reconcile.report.drawing import IN_PROCESS, ChartProcess, chart_process

FEED = [["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z"],
        ["AFP", "Kunduz", "control", "government", "2021-07-01T11:00:00Z"],
        ["AP", "Herat", "control", "government", "2021-07-01T09:30:00Z"]]
COLUMNS = ["source", "subject", "attribute", "value", "published_at"]
RULES = "version: 1\ndefaults: {reliability: 0.7, strength: 4}\n"


def _jobs() -> list[charts.ChartJob]:
    verdicts = pd.DataFrame({"confidence": [0.91, 0.4, float("nan")], "status": ["settled", "tie", "insufficient"]})
    sources = pd.DataFrame({"source": ["AP", "<b>AFP</b>", "Reuters"], "prior": [0.8, 0.7, 0.85],
                            "reliability": [0.75, 0.6, 0.9], "claims": [3, 1, 2]})
    timeline = pd.DataFrame({"valid_from": pd.to_datetime(["2021-07-01T00:00:00Z", "2021-07-03T00:00:00Z"]),
                             "valid_to": [pd.Timestamp("2021-07-03T00:00:00Z"), pd.NaT],
                             "value": ["taliban", "government"], "probability": [0.8, 0.6]})
    return [charts.status_job([{"name": "settled", "verdicts": 2}, {"name": "tie", "verdicts": 1}]),
            charts.kinds_job([{"name": "value_conflict", "count": 4}]), charts.confidence_job(verdicts),
            charts.reliability_job(sources), charts.timeline_job(timeline, "Kunduz / control")]


def test_the_helper_draws_what_the_run_would_draw_itself():
    jobs = _jobs()
    with chart_process() as drawer:
        pending = [drawer.submit(job) for job in jobs]
        drawn = [get() for get in pending]
    for job, svg in zip(jobs, drawn):
        assert svg.startswith("<svg") and svg == IN_PROCESS.submit(job)()


def test_every_chart_is_drawn_when_the_helper_dies():
    drawer = ChartProcess()
    first = drawer.submit(_jobs()[0])()  # the helper is up and drawing
    assert drawer._proc is not None
    drawer._proc.kill()
    drawer._proc.wait()
    later = [drawer.submit(job)() for job in _jobs()]  # drawn in this process
    drawer.close()
    assert first.startswith("<svg") and all(svg.startswith("<svg") for svg in later)
    assert later[0] == first


def test_a_run_report_has_its_charts(tmp_path):
    feed = write_csv(tmp_path / "f.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "r.yaml", RULES)
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "out")
    assert code == 0, err
    html = (tmp_path / "out" / "report.html").read_text()
    images = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    assert len(images) >= 4
    assert all(base64.b64decode(i).decode().startswith("<svg") for i in images)


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    """A helper started by multiprocessing would re-run the caller's main script; the chart helper never does."""
    feed = write_csv(tmp_path / "f.csv", FEED, columns=COLUMNS)
    rules = write_rules(tmp_path / "r.yaml", RULES)
    count = tmp_path / "runs.txt"
    script = tmp_path / "script.py"
    script.write_text("from reconcile.cli import main\n"
                      f"open({str(count)!r}, 'a').write('run\\n')\n"
                      f"main(['run', {str(feed)!r}, '--rules', {str(rules)!r}, '--out', {str(tmp_path / 'out')!r},"
                      " '-q'])\n")
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert count.read_text() == "run\n"
    assert (tmp_path / "out" / "report.html").exists()
