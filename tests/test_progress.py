"""Progress bars: drawn on a terminal (a pseudo-terminal here), never in a pipe or log, never with -q."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from engine_helpers import write_csv, write_rules
from reconcile import progress

T = "2024-01-01T00:00:00Z"


@pytest.fixture()
def small_run(tmp_path):
    rows = [[f"s{i % 5}", f"city{i % 7}", "population", str(1000 + (i % 3)), T] for i in range(60)]
    feed = write_csv(tmp_path / "feed.csv", rows)
    rules = write_rules(tmp_path / "rules.yaml", """
        version: 1
        attributes:
          population: {kind: numeric}
    """)
    return ["run", str(feed), "--rules", str(rules), "-o", str(tmp_path / "out")]


def _env():
    return dict(os.environ, TERM="xterm", COLUMNS="120", PYTHONIOENCODING="utf-8")


def _run_on_pty(args: list[str]) -> tuple[int, bytes, bytes]:
    """Standard error on a pseudo-terminal, standard output in a pipe: (exit code, stdout, terminal bytes)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "reconcile", *args], stdout=subprocess.PIPE, stderr=slave,
                            stdin=subprocess.DEVNULL, env=_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = proc.stdout.read()
    proc.stdout.close()
    return proc.wait(), out, b"".join(chunks)


def test_no_bars_when_standard_error_is_not_a_terminal(small_run):
    proc = subprocess.run([sys.executable, "-m", "reconcile", *small_run], capture_output=True, env=_env())
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.decode()
    assert "read 60 rows: 60 accepted" in err  # the log lines, as before
    assert "\x1b[" not in err and "\r" not in err  # no cursor movement, colours or carriage returns
    assert "EM iterations" not in err and "━" not in err


def test_bars_on_a_terminal(small_run):
    code, out, term = _run_on_pty(small_run)
    assert code == 0, term[-2000:]
    assert out == b""  # the bars never go to standard output
    text = term.decode("utf-8", "replace")
    for step in ("reading feeds", "validating claims", "solver: EM iterations", "writing outputs"):
        assert step in text
    assert "\x1b[" in text and "━" in text  # drawn and redrawn in place
    assert "read 60 rows: 60 accepted" in text  # log lines print above the bars


def test_quiet_means_no_bars_even_on_a_terminal(small_run):
    code, _, term = _run_on_pty(["-q", *small_run])
    assert code == 0
    assert b"EM iterations" not in term and b"\x1b[" not in term


def test_library_calls_draw_nothing():
    # outside the command line the functions do nothing, whatever the terminal
    assert list(progress.track(range(3), "steps")) == [0, 1, 2]
    with progress.phase("a phase", total=2) as bar:
        bar.advance()
    progress.begin("writing outputs")
    progress.tick("solver: EM iterations", info="change 1e-3")


def test_progress_option_draws_bars_in_a_pipe_without_touching_outputs(small_run, tmp_path):
    plain = subprocess.run([sys.executable, "-m", "reconcile", *small_run], capture_output=True, env=_env())
    forced_args = [*small_run[:-1], str(tmp_path / "forced"), "--progress"]
    forced = subprocess.run([sys.executable, "-m", "reconcile", *forced_args], capture_output=True, env=_env())
    assert plain.returncode == forced.returncode == 0, forced.stderr
    err = forced.stderr.decode("utf-8", "replace")
    assert "solver: EM iterations" in err and "━" in err  # the bars, on standard error
    assert forced.stdout == plain.stdout == b""
    out, other = tmp_path / "out", tmp_path / "forced"
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv"):
        assert (out / name).read_bytes() == (other / name).read_bytes()
    quiet = subprocess.run([sys.executable, "-m", "reconcile", "-q", *forced_args], capture_output=True, env=_env())
    assert quiet.returncode == 0 and b"EM iterations" not in quiet.stderr  # -q still wins
