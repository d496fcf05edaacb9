"""CLI conventions a user of Unix tools expects: -o/--out everywhere, -q/-v, defaults in --help, `-` for standard
input, a closed pipe ends quietly, rules found without --rules, `reconcile init`, `check` of alternatives."""
from __future__ import annotations

import subprocess
import sys

import pytest

from engine_helpers import ROOT, cli, write_csv

FEED = [["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z"],
        ["AFP", "Kunduz", "control", "taliban", "2021-07-01T11:00:00Z"],
        ["TOLOnews", "Kunduz", "control", "government", "2021-07-01T12:00:00Z"]]
COLUMNS = ["source", "subject", "attribute", "value", "published_at"]

WRITERS = ["run", "extract", "graph", "synth", "schema"]


@pytest.mark.parametrize("command", WRITERS)
def test_every_writing_command_takes_dash_o(command):
    code, out, _ = cli(command, "--help")
    assert code == 0 and "-o OUT, --out OUT" in out.replace("-o FILE, --out FILE", "-o OUT, --out OUT") \
        or "-o DIR, --out DIR" in out


def test_help_shows_defaults_and_every_argument_has_help():
    import argparse

    from reconcile.cli import _load, build_parser
    from reconcile.commands import COMMANDS

    parser = build_parser({name: _load(name) for name in COMMANDS})
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        for action in p._actions:
            if action.help == argparse.SUPPRESS:
                continue
            assert action.help, f"reconcile {name} {action.option_strings or action.dest}: no help"
    code, out, _ = cli("run", "--help")
    assert "(default: 1)" in out  # --partitions


def test_run_reads_standard_input_and_quiet_prints_nothing(tmp_path):
    feed = write_csv(tmp_path / "feed.csv", FEED, COLUMNS)
    proc = subprocess.run([sys.executable, "-m", "reconcile", "-q", "run", "-", "-o", str(tmp_path / "out")],
                          input=feed.read_bytes(), capture_output=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b"" and proc.stderr == b""
    verdicts = (tmp_path / "out" / "verdicts.csv").read_text()
    assert "Kunduz" in verdicts and "taliban" in verdicts


def test_run_without_rules_uses_the_packaged_defaults_and_says_so(tmp_path, monkeypatch):
    feed = write_csv(tmp_path / "feed.csv", FEED, COLUMNS)
    monkeypatch.chdir(tmp_path)  # no ./rules here
    code, out, err = cli("run", str(feed), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "rules:" in err and "no --rules given" in err
    assert (tmp_path / "out" / "verdicts.csv").is_file()


def test_a_closed_pipe_ends_quietly(tmp_path):
    feed = write_csv(tmp_path / "feed.csv", FEED * 2000, COLUMNS)  # enough output to fill a pipe
    out = tmp_path / "out"
    assert cli("run", str(feed), "-o", str(out))[0] == 0
    proc = subprocess.run(f"{sys.executable} -m reconcile schema | head -1", shell=True, capture_output=True,
                          cwd=ROOT, timeout=120)
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr
    proc = subprocess.run(f"{sys.executable} -m reconcile explain {out} Kunduz | head -c 10", shell=True,
                          capture_output=True, cwd=ROOT, timeout=120)
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


def test_init_writes_a_rules_folder_that_checks_and_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("init", "myrules")
    assert code == 0, err
    assert (tmp_path / "myrules" / "default.yaml").is_file()
    assert (tmp_path / "myrules" / "extract").is_dir()
    code, out, err = cli("check", "myrules")
    assert code == 0 and out.startswith("ok:"), err
    # never overwrites without --force
    (tmp_path / "myrules" / "default.yaml").write_text("version: 1\n")
    code, _, err = cli("init", "myrules")
    assert code == 5 and "--force" in err
    assert (tmp_path / "myrules" / "default.yaml").read_text() == "version: 1\n"
    assert cli("init", "myrules", "--force")[0] == 0
    assert "attributes" in (tmp_path / "myrules" / "default.yaml").read_text()


def test_check_several_paths_checks_each_as_an_alternative():
    examples = sorted(str(p) for p in (ROOT / "rules" / "examples").glob("*.yaml"))
    code, out, err = cli("check", *examples)
    assert code == 0, err
    assert out.count("ok: ") == len(examples)


def test_check_reports_problems_of_every_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsolver: {name: acu}\n")
    worse = tmp_path / "worse.yaml"
    worse.write_text("version: 1\nbogus: 1\n")
    code, out, err = cli("check", str(bad), str(worse))
    assert code == 3
    assert "bad.yaml:2" in err and "worse.yaml:2" in err
