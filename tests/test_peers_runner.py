"""Tests of bench/peers/runner.py (the out-of-process peer harness).

Most tests run fake child scripts with this interpreter, so they need no peer library. The ones that need the
real peers venv (bench/.peers-venv, built by bench/peers/setup_venv.sh) skip when it is missing, as in CI.
"""

import importlib.util
import os
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / "bench" / "peers"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


runner = _load("_peers_runner_under_test", PEERS / "runner.py")
run_peer_script = _load("_run_peer_under_test", PEERS / "run_peer.py")

CLAIMS = pd.DataFrame({
    "source": ["s1", "s2", "s3", "s1", "s2", "s3", "s1", "s1"],
    "item": ["i1", "i1", "i1", "i2", "i2", "i3", "i3", "i3"],
    "value": ["x", "x", "y", "b", "a", "k", "k", "z"],
})


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "fake_child.py"
    path.write_text(textwrap.dedent(body))
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); treat it as dead
    try:
        with open(f"/proc/{pid}/status") as fh:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return False


# --- harness behaviour with fake children ----------------------------------------------------------------

def test_methods_list_matches_run_peer():
    assert runner.available_methods() == run_peer_script.METHODS
    assert set(runner.PROBABILISTIC_METHODS) == run_peer_script.PROBABILISTIC
    assert all(m.startswith("crowdkit.") for m in runner.PROBABILISTIC_METHODS)


def test_ok_child_predictions_and_timings(tmp_path):
    script = _script(tmp_path, """
        import argparse, json
        ap = argparse.ArgumentParser()
        ap.add_argument("--method"); ap.add_argument("--input"); ap.add_argument("--output")
        a = ap.parse_args()
        rows = open(a.input).read().splitlines()
        assert rows[0] == "source,item,value", rows[0]
        blob = bytearray(120 * 2**20)  # touch ~120 MiB so the peak RSS is visible
        for i in range(0, len(blob), 4096):
            blob[i] = 1
        with open(a.output, "w") as fh:
            fh.write("item,value,score,is_probability\\ni1,x,0.75,true\\ni2,007,0.5,true\\n")
        print("some library chatter")
        print(json.dumps({"status": "ok", "solve_seconds": 0.25, "load_seconds": 0.01, "build_seconds": 0.02,
                          "n_claims_in": len(rows) - 1}))
    """)
    res = runner.run_peer("crowd-kit.MajorityVote", CLAIMS, tmp_path / "w", timeout_s=60,
                          mem_limit_bytes=2 * 2**30, python=sys.executable, script=script)
    assert res.status == "ok", res.message
    assert res.method == "crowdkit.MajorityVote"  # alias normalised
    assert res.solve_seconds == 0.25 and res.load_seconds == 0.01 and res.build_seconds == 0.02
    assert res.info["n_claims_in"] == len(CLAIMS)
    assert res.wall_seconds > 0
    assert res.peak_rss_bytes is not None and res.peak_rss_bytes >= 120 * 2**20
    pred = res.predictions
    assert list(pred.columns) == ["item", "value", "score", "is_probability"]
    assert pred["value"].tolist() == ["x", "007"]  # keys stay strings
    assert pred["is_probability"].tolist() == [True, True]
    assert res.is_probability


def test_time_limit_kills_whole_group(tmp_path):
    pidfile = tmp_path / "pids.txt"
    script = _script(tmp_path, f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pidfile)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
        time.sleep(120)
    """)
    t0 = time.monotonic()
    res = runner.run_peer("truthdiscovery.Sums", CLAIMS, tmp_path / "w", timeout_s=1.5,
                          mem_limit_bytes=None, python=sys.executable, script=script)
    elapsed = time.monotonic() - t0
    assert res.status == "dnf-time", res
    assert res.predictions is None and res.solve_seconds is None
    assert 1.4 <= res.wall_seconds < 10 and elapsed < 15
    assert "1.5" in res.message
    pids = [int(p) for p in pidfile.read_text().split()]
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids), "child or grandchild survived the timeout"


def test_memory_limit_reports_dnf_memory(tmp_path):
    script = _script(tmp_path, """
        blob = bytearray(3 * 2**30)  # 3 GiB > the 512 MiB address-space limit
        print("unreachable")
    """)
    res = runner.run_peer("crowdkit.DawidSkene", CLAIMS, tmp_path / "w", timeout_s=60,
                          mem_limit_bytes=512 * 2**20, python=sys.executable, script=script)
    assert res.status == "dnf-memory", res
    assert res.predictions is None
    assert "MemoryError" in res.message
    # (no bound on res.peak_rss_bytes here: a child's ru_maxrss keeps the pre-exec high-water mark of the
    # forking pytest process, which other tests' imports make larger than the 512 MiB limit)


def test_memory_exit_code_from_run_peer_protocol(tmp_path):
    script = _script(tmp_path, """
        import json, sys
        print(json.dumps({"status": "dnf-memory", "message": "MemoryError: dense task x label matrix"}))
        sys.exit(3)
    """)
    res = runner.run_peer("crowdkit.GLAD", CLAIMS, tmp_path / "w", timeout_s=30, mem_limit_bytes=2**30,
                          python=sys.executable, script=script)
    assert res.status == "dnf-memory"
    assert "dense task x label" in res.message


def test_error_child_reports_error(tmp_path):
    script = _script(tmp_path, """
        raise ValueError("library exploded")
    """)
    res = runner.run_peer("truthdiscovery.CRH", CLAIMS, tmp_path / "w", timeout_s=30, mem_limit_bytes=2**30,
                          python=sys.executable, script=script)
    assert res.status == "error"
    assert "library exploded" in res.message
    assert res.returncode == 1


def test_ok_status_without_output_file_is_error(tmp_path):
    script = _script(tmp_path, """
        print('{"status": "ok", "solve_seconds": 1.0}')
    """)
    res = runner.run_peer("truthdiscovery.Sums", CLAIMS, tmp_path / "w", timeout_s=30, mem_limit_bytes=2**30,
                          python=sys.executable, script=script)
    assert res.status == "error"
    assert "unreadable" in res.message


def test_missing_interpreter_is_error(tmp_path):
    res = runner.run_peer("truthdiscovery.Sums", CLAIMS, tmp_path / "w", python=tmp_path / "no-python")
    assert res.status == "error" and "setup_venv.sh" in res.message


def test_claims_validation(tmp_path):
    with pytest.raises(ValueError):
        runner.run_peer("truthdiscovery.Sums", pd.DataFrame({"source": ["a"], "value": ["b"]}), tmp_path,
                        python=sys.executable, script=__file__)


# --- run_peer.py's deterministic selection (pure numpy, runs anywhere) ------------------------------------

def test_pick_highest_score_ties_to_smallest_value_code():
    item = [0, 0, 0, 1, 1, 2, 2]
    value = [5, 2, 3, 7, 4, 1, 0]
    score = [0.2, 0.9, 0.9, 0.1, float("nan"), float("nan"), float("nan")]
    items, values, scores, n_tied, n_nan = run_peer_script.pick(item, value, score)
    assert items.tolist() == [0, 1, 2]
    assert values.tolist() == [2, 7, 0]  # tie 2 vs 3 -> 2; NaN ranks below 0.1; all-NaN -> smallest code
    assert scores[0] == 0.9 and scores[1] == 0.1 and scores[2] != scores[2]
    assert n_tied == 2  # item 0 (0.9 = 0.9) and item 2 (NaN = NaN)
    assert n_nan == 1


def test_load_claims_keeps_first_claim_per_source_item(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("source,item,value\ns1,i1,b\ns1,i1,a\ns2,i1,a\ns2,i2,NA\n")
    codes, labels, stats = run_peer_script.load_claims(str(path))
    assert stats["n_claims_in"] == 4 and stats["n_claims_used"] == 3 and stats["n_dropped_same_source_item"] == 1
    assert labels["value"].tolist() == ["NA", "a", "b"]  # lexicographic codes, "NA" is not parsed as missing
    assert labels["value"][codes["value"]].tolist() == ["b", "a", "NA"]


# --- with the real peers venv --------------------------------------------------------------------------------

needs_peers = pytest.mark.skipif(not runner.peers_ready(), reason="bench/.peers-venv not built "
                                 "(bash bench/peers/setup_venv.sh)")


@needs_peers
@pytest.mark.parametrize("method", ["truthdiscovery.MajorityVoting", "truthdiscovery.Sums",
                                    "crowdkit.MajorityVote", "crowdkit.DawidSkene"])
def test_real_peer_tiny(tmp_path, method):
    res = runner.run_peer(method, CLAIMS, tmp_path, timeout_s=120, mem_limit_bytes=4 * 2**30)
    assert res.status == "ok", res.message
    pred = res.predictions.set_index("item")
    assert set(pred.index) == {"i1", "i2", "i3"}
    assert pred.loc["i1", "value"] == "x" and pred.loc["i3", "value"] == "k"
    if method in ("truthdiscovery.MajorityVoting", "crowdkit.MajorityVote"):
        assert pred.loc["i2", "value"] == "a"  # one vote each for "b" and "a": tie -> smallest key
    assert pred["is_probability"].all() == (method in runner.PROBABILISTIC_METHODS)
    assert res.solve_seconds is not None and res.solve_seconds >= 0
    # s1 claimed i3 twice ("k", then "z"): only its first claim is used
    assert res.info["n_claims_in"] == 8 and res.info["n_claims_used"] == 7


@needs_peers
def test_real_peer_unknown_method_is_error(tmp_path):
    res = runner.run_peer("crowdkit.NoSuchMethod", CLAIMS, tmp_path, timeout_s=60, mem_limit_bytes=2**30)
    assert res.status == "error" and "unknown method" in res.message
