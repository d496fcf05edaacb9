"""The package as a user installs it: the wheel carries the rules, `reconcile init` + `run` work outside the
checkout, py.typed is there, and the JSON Schema accepts every shipped rules file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for p in (ROOT / "rules").rglob("*.yaml"))


def _schema() -> dict:
    from reconcile.rules.schema import rules_json_schema

    return rules_json_schema()


def test_the_schema_is_a_valid_json_schema_without_pydantic_only_keywords():
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    text = json.dumps(schema)
    for keyword in ('"ge":', '"gt":', '"le":', '"lt":'):
        assert keyword not in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rules_file_validates_against_the_schema(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(data))
    assert not errors, [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_schema_refuses_what_the_loader_refuses():
    validator = jsonschema.Draft202012Validator(_schema())
    assert not validator.is_valid({"version": 1, "attributes": {"a": {"half_life": "2 fortnights"}}})
    assert not validator.is_valid({"version": 1, "bogus": 1})
    assert validator.is_valid({"version": 1, "attributes": {"a": {"half_life": "12h", "change_every": 3600}}})


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail("building the wheel failed:\n" + proc.stdout + proc.stderr)
    return next(out.glob("reconcile-*.whl"))


def test_the_wheel_carries_rules_lexicon_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reconcile/py.typed" in names
    assert "reconcile/_rules/default.yaml" in names
    assert any(n.startswith("reconcile/_rules/extract/") for n in names)
    assert "reconcile/_rules/extract/learned.yaml" in names
    assert "reconcile/extract/learned_weights.json" in names  # extract.learned's default weights
    assert any(n.startswith("reconcile/_rules/examples/") for n in names)


def test_installed_wheel_inits_and_runs_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "data.csv").write_text("source,subject,attribute,value\nA,x,colour,red\nB,x,colour,red\n"
                                   "C,x,colour,blue\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import sys, reconcile; assert reconcile.__file__.startswith(sys.argv[1]), reconcile.__file__; "
            "from reconcile.cli import main; sys.exit(main(sys.argv[2:]))")
    for args in (["init", "rules"], ["run", "data.csv", "--rules", "rules", "-o", "out"]):
        proc = subprocess.run([sys.executable, "-c", code, str(site), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert "red" in (work / "out" / "verdicts.csv").read_text()
