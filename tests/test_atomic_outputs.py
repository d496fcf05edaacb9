"""Atomic output folders: kill -9 at any moment leaves the previous complete result or the new one."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine_helpers import ROOT, cli, write_csv, write_rules
from reconcile.outputs.atomic import result_dir

ROWS = [[f"s{i % 7}", f"city{i % 40}", "control", ["taliban", "government"][(i * 3 + i // 7) % 2],
         f"2021-07-0{1 + i % 5}T10:00:00Z"] for i in range(600)]
RULES = "version: 1\nattributes:\n  control: {kind: categorical}\n"


def complete(out: Path) -> dict:
    """The run.json of the complete result a reader finds for OUT; fails if there is none."""
    where = result_dir(out)
    run = json.loads((where / "run.json").read_text())
    for name, digest in run["outputs"].items():
        assert hashlib.sha256((where / name).read_bytes()).hexdigest() == digest, name
    return run


@pytest.fixture
def setup(tmp_path):
    feed_old = write_csv(tmp_path / "old.csv", ROWS[:300])
    feed_new = write_csv(tmp_path / "new.csv", ROWS)
    rules = write_rules(tmp_path / "r.yaml", RULES)
    out = tmp_path / "out"
    assert cli("run", feed_old, "--rules", rules, "--out", out)[0] == 0
    return tmp_path, feed_old, feed_new, rules, out


def _staging(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith(out.name + ".staging-")]


def test_kill_9_during_the_write_phase_never_leaves_no_result(setup):
    tmp_path, feed_old, feed_new, rules, out = setup
    old = complete(out)
    cmd = [sys.executable, "-m", "reconcile", "run", str(feed_new), "--rules", str(rules), "--out", str(out)]
    seen = set()
    for delay in (0.0, 0.003, 0.01, 0.03, 0.06, 0.1, 0.2):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not _staging(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        found = complete(out)  # the folder (or OUT.previous, mid-swap) holds a complete result
        assert found["counts"]["rows_read"] in (300, 600)
        seen.add(found["counts"]["rows_read"])
        if found["counts"]["rows_read"] == 600:  # the new one landed: start again from the old
            assert cli("run", feed_old, "--rules", rules, "--out", out)[0] == 0
            assert complete(out) == old
    assert 300 in seen  # at least one kill landed before the swap
    assert cli("run", feed_new, "--rules", rules, "--out", out)[0] == 0
    assert complete(out)["counts"]["rows_read"] == 600
    assert _staging(out) == [] and not out.with_name("out.previous").exists()


def test_killed_between_the_two_renames_the_previous_result_is_found_and_restored(setup):
    tmp_path, feed_old, feed_new, rules, out = setup
    old = complete(out)
    os.rename(out, out.with_name("out.previous"))  # the state a kill between the renames leaves
    assert complete(out) == old  # readers find it
    code, _, err = cli("explain", out, "city1")
    assert code == 0, err
    assert cli("run", feed_new, "--rules", rules, "--out", out)[0] == 0
    assert complete(out)["counts"]["rows_read"] == 600
    assert not out.with_name("out.previous").exists()


def test_killed_after_the_swap_the_stale_previous_is_removed(setup):
    tmp_path, feed_old, feed_new, rules, out = setup
    (tmp_path / "out.previous").mkdir()
    (tmp_path / "out.previous" / "run.json").write_text("{}")
    assert complete(out)["counts"]["rows_read"] == 300
    assert cli("run", feed_new, "--rules", rules, "--out", out)[0] == 0
    assert not (tmp_path / "out.previous").exists()


def test_stale_staging_folders_are_cleaned_and_live_ones_kept(setup):
    tmp_path, feed_old, feed_new, rules, out = setup
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"out.staging-{dead.pid}-abcd"
    stale.mkdir()
    (stale / "verdicts.csv").write_text("half")
    live = tmp_path / f"out.staging-{os.getppid()}-beef"  # a running process: another run's staging
    live.mkdir()
    assert cli("run", feed_new, "--rules", rules, "--out", out)[0] == 0
    assert not stale.exists() and live.exists()


def test_no_file_of_an_older_run_survives(tmp_path):
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nattributes:\n  control: {change_every: 7d}\n")
    feed = write_csv(tmp_path / "f.csv", ROWS[:50])
    out = tmp_path / "out"
    assert cli("run", feed, "--rules", rules, "--out", out)[0] == 0
    assert (out / "timeline.csv").exists()
    plain = write_rules(tmp_path / "plain.yaml", RULES)
    assert cli("run", feed, "--rules", plain, "--out", out)[0] == 0
    assert not (out / "timeline.csv").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([*complete(out)["outputs"], "run.json", "timings.json"])


def test_a_folder_with_other_files_is_never_replaced(tmp_path):
    feed = write_csv(tmp_path / "f.csv", ROWS[:50])
    rules = write_rules(tmp_path / "r.yaml", RULES)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "docs")
    assert code == 5 and "not reconcile outputs (thesis.tex)" in err
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize("out", ["", "  "])
def test_empty_out_is_a_usage_error(tmp_path, out):
    feed = write_csv(tmp_path / "f.csv", ROWS[:50])
    rules = write_rules(tmp_path / "r.yaml", RULES)
    code, _, err = cli("run", feed, "--rules", rules, "--out", out)
    assert code == 2 and "--out is empty" in err
