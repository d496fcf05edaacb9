"""The state store: carry-over between days, kill -9 at any moment, two runs at once, migration, backup."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from engine_helpers import ROOT, cli, write_csv, write_rules
from reconcile.errors import EXIT_STATE, StateError
from reconcile.state import store as store_module
from reconcile.state.store import StateStore

RULES = """
version: 1
defaults: {reliability: 0.7, strength: 4}
state: {forget: 0.5}
"""


def _day(path, day: int, good=("a", "b", "c"), bad=("d",), subjects=20):
    rows = []
    for i in range(subjects):
        for s in good:
            rows.append([s, f"s{i}", "colour", "red" if (i + day) % 7 else f"odd{day}", f"2024-01-0{day}T10:00:00Z"])
        for s in bad:
            rows.append([s, f"s{i}", "colour", f"wrong{i % 3}", f"2024-01-0{day}T11:00:00Z"])
    return write_csv(path, rows)


def _run(tmp_path, day, state, name=None, rules=RULES, extra=()):
    feed = _day(tmp_path / f"day{day}.csv", day)
    rules_path = write_rules(tmp_path / "rules.yaml", rules)
    out = tmp_path / (name or f"out{day}")
    code, _, err = cli("run", feed, "--rules", rules_path, "--out", out, "--state", state,
                       "--as-of", f"2024-01-0{day}T23:59:59Z", *extra)
    assert code == 0, err
    return pd.read_csv(out / "sources.csv", keep_default_na=False).set_index("source"), err


def test_day_two_starts_from_what_day_one_learned(tmp_path):
    state = tmp_path / "state.duckdb"
    day1, err = _run(tmp_path, 1, state)
    assert "recorded as run 1" in err
    assert (day1["prior"] == 0.7).all()
    with StateStore.open(state) as store:
        ev = store.evidence(1).set_index(["source", "attribute"])
    day2, _ = _run(tmp_path, 2, state)
    # prior = rules Beta(2.8, 1.2) + half of day 1's evidence
    right, total = ev.loc[("d", ""), "right"], ev.loc[("d", ""), "total"]
    assert day2.loc["d", "prior"] == pytest.approx((2.8 + 0.5 * right) / (4 + 0.5 * total), abs=1e-6)
    assert day2.loc["d", "prior"] < 0.3 and day2.loc["a", "prior"] > 0.9
    assert "+state" in day2.loc["d", "prior_rule"]
    # re-running day 2 (rules tuned) replaces that run and again starts from day 1
    again, _ = _run(tmp_path, 2, state, name="out2b")
    assert again.loc["d", "prior"] == pytest.approx(day2.loc["d", "prior"])
    with StateStore.open(state) as store:
        assert list(store.runs()["run_id"]) == [1, 2]
        timeline = store.timeline("s5")
    assert list(timeline["as_of"]) == ["2024-01-01T23:59:59Z", "2024-01-02T23:59:59Z"]
    assert list(timeline["changed"]) == [False, True]  # odd1 -> red: a change between days, not a contradiction
    code, out, _ = cli("state", "show", state)
    assert code == 0 and "2 run(s)" in out


def test_forget_zero_starts_fresh(tmp_path):
    state = tmp_path / "state.duckdb"
    rules = RULES.replace("forget: 0.5", "forget: 0")
    _run(tmp_path, 1, state, rules=rules)
    day2, _ = _run(tmp_path, 2, state, rules=rules)
    assert (day2["prior"] == 0.7).all()


def _holder(state, seconds):
    """Another process holding the state (as a running `reconcile run --state` does)."""
    code = (f"from reconcile.state.store import StateStore\nimport time\n"
            f"with StateStore.open({str(state)!r}) as s:\n    print('locked', flush=True)\n    time.sleep({seconds})\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_stops_with_a_clear_message_or_waits(tmp_path):
    state = tmp_path / "state.duckdb"
    _run(tmp_path, 1, state)
    holder = _holder(state, 4)
    try:
        feed = _day(tmp_path / "d2.csv", 2)
        rules = tmp_path / "rules.yaml"
        code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o", "--state", state,
                           "--as-of", "2024-01-02T23:59:59Z", "--state-wait", "0")
        assert code == EXIT_STATE and "in use by another run" in err and "--state-wait" in err
        assert not (tmp_path / "o" / "run.json").exists()
        code, _, err = cli("run", feed, "--rules", rules, "--out", tmp_path / "o", "--state", state,
                           "--as-of", "2024-01-02T23:59:59Z", "--state-wait", "60")
        assert code == 0 and "waiting" in err and "recorded as run 2" in err
    finally:
        holder.wait(timeout=60)


def _consistent(state) -> int:
    """Open the state (read-write, as the next run does) and check every run is complete; return the run count."""
    with StateStore.open(state) as store:
        runs = store.runs()
        for row in runs.itertuples():
            verdicts = store.verdicts(row.run_id)
            assert len(verdicts) == json.loads(row.counts)["verdicts"]
            assert len(store.evidence(row.run_id)) > 0
        orphans = store.con.execute("SELECT count(*) FROM verdict_history WHERE run_id NOT IN "
                                    "(SELECT run_id FROM runs)").fetchone()[0]
        assert orphans == 0
    return len(runs)


def _synth_run_starter(tmp_path, seed: int):
    """A 40,000-claim synthetic feed and its rules in tmp_path; returns (start, state): start(day, *options) runs
    `reconcile run` on it with --state in a child process, as of 2030-01-<day>."""
    from reconcile.synth import SynthConfig, generate, write

    feed_dir = tmp_path / "feed"
    write(generate(SynthConfig(n_claims=40_000, n_sources=30, n_subjects=8_000, seed=seed)), feed_dir, "parquet")
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    state = tmp_path / "state.duckdb"
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def start(day: int, *options: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "reconcile", "run", str(feed_dir / "claims.parquet"),
                                 "--rules", str(rules), "--out", str(tmp_path / f"o{day}"), "--state", str(state),
                                 "--as-of", f"2030-01-{day:02d}T00:00:00Z", *options], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    return start, state


def test_kill_9_at_any_moment_leaves_the_previous_state(tmp_path):
    start, state = _synth_run_starter(tmp_path, seed=3)

    proc = start(1)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    complete = _consistent(state)
    killed = 0
    for day, delay in enumerate([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0], start=2):
        proc = start(day)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=300)
        runs = _consistent(state)
        assert runs in (complete, complete + 1)  # the killed run is all there or not at all
        complete = runs
    assert killed >= 3
    proc = start(20)  # and the next run goes on from there
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert _consistent(state) == complete + 1


def test_newer_schema_is_refused_and_older_is_migrated(tmp_path, monkeypatch):
    state = tmp_path / "state.duckdb"
    _run(tmp_path, 1, state)
    migrations = store_module.MIGRATIONS + [(2, ["ALTER TABLE runs ADD COLUMN operator VARCHAR DEFAULT ''"])]
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    with StateStore.open(state) as store:
        assert store.version() == 2 and len(store.runs()) == 1
        assert "operator" in store.con.execute("SELECT * FROM runs").df().columns
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations[:1])
    with pytest.raises(StateError, match="newer reconcile"):
        with StateStore.open(state):
            pass


def test_export_import_round_trip_carries_on(tmp_path):
    state = tmp_path / "state.duckdb"
    _run(tmp_path, 1, state)
    code, _, err = cli("state", "export", state, tmp_path / "backup")
    assert code == 0, err
    assert (tmp_path / "backup" / "verdict_history.parquet").exists()
    code, _, err = cli("state", "import", tmp_path / "backup", tmp_path / "restored.duckdb")
    assert code == 0, err
    day2, _ = _run(tmp_path, 2, tmp_path / "restored.duckdb")
    assert "+state" in day2.loc["d", "prior_rule"]
    code, _, err = cli("state", "import", tmp_path / "backup", tmp_path / "restored.duckdb")
    assert code == EXIT_STATE and "already exists" in err


def test_two_runs_started_together_take_turns(tmp_path):
    start, state = _synth_run_starter(tmp_path, seed=4)
    procs = [start(day, "--state-wait", "120") for day in (1, 2)]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    # (whether the second found the state held depends on timing; the wait itself is tested deterministically
    # with a holder process above)
    assert _consistent(state) == 2


def test_forgetting_is_per_day_of_as_of(tmp_path):
    state = tmp_path / "state.duckdb"
    _run(tmp_path, 1, state)
    with StateStore.open(state) as store:
        ev = store.evidence(1).set_index(["source", "attribute"])
    later, err = _run(tmp_path, 3, state)  # two days later: 0.5 ** 2 of day 1's evidence
    right, total = ev.loc[("d", ""), "right"], ev.loc[("d", ""), "total"]
    assert later.loc["d", "prior"] == pytest.approx((2.8 + 0.25 * right) / (4 + 0.25 * total), abs=1e-6)
    per_run, _ = _run(tmp_path, 3, tmp_path / "s2.duckdb", rules=RULES.replace("forget: 0.5", "forget: 0.5, per: run"))
    assert per_run.loc["d", "prior"] == 0.7  # a new state file: nothing carried yet
