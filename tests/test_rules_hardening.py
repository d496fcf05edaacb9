"""The rules loader against hostile or broken YAML: every problem located, nothing slow, never a RecursionError."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from engine_helpers import cli
from reconcile.errors import RulesError
from reconcile.rules import load_rules
from reconcile.rules.loader import load_yaml_model

LAUGHS = "version: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("text, where, message", [
    (LAUGHS, ":7:8:", "expands to more than 100,000 values"),
    ("version: 1\nsources: &a {x: *a}\n", ":2:17:", "alias *a refers to the node it is inside"),
    ("version: 1\nattributes: &a [*a]\n", ":2:17:", "a cycle"),
    ("version: 1\nx: " + "[" * 3000 + "]" * 3000 + "\n", ":2:35:", "nested deeper than 32 levels"),
    ("version: 1\nx: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", ":2:", "nested deeper than 32 levels"),
    ("version: 1\nsolver:\n  name: ac\x00cu\n", ":3:11:", "control character U+0000"),
    ("version: 1\nsolver: {name: \"\x1b[31m\"}\n", ":2:17:", "control character U+001B"),
    ("version: 1\nsolver: {max_iterations: " + "9" * 5000 + "}\n", ":2:", "solver.max_iterations"),
    ("version: 1\n? [a]\n: 1\n", ":2:3:", "a key must be a plain scalar"),
    ("version: 1\nx: *nope\n", ":2:4:", "undefined alias"),
])
def test_hostile_rules_fail_fast_with_a_located_problem(tmp_path, text, where, message):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    first = caught.value.problems[0]
    assert first.startswith(str(path) + where) and message in first
    code, _, err = cli("check", path)
    assert code == 3 and "Traceback" not in err and "\x1b" not in err and "\x00" not in err


def test_oversized_rules_file_is_refused(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("version: 1\n" + "# padding\n" * 500_000)
    with pytest.raises(RulesError, match="larger than 4,194,304 bytes"):
        load_rules(path)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str
    value: str


class Decisions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    decisions: list[Decision] = []


def test_any_yaml_file_loads_strictly_against_a_model(tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text("version: 1\ndecisions:\n  - {subject: x, value: A}\n  - {subject: y, valu: B}\n")
    with pytest.raises(RulesError) as caught:
        load_yaml_model(path, Decisions)
    problems = "\n".join(caught.value.problems)
    assert f"{path}:4:18: decisions.1.valu: Extra inputs are not permitted" in problems
    assert "hint: did you mean `value`?" in problems
    path.write_text("version: 1\ndecisions:\n  - {subject: x, value: A}\n")
    loaded = load_yaml_model(path, Decisions)
    assert loaded.value.decisions == [Decision(subject="x", value="A")] and loaded.files == [path]
    path.write_text("version: 1\ndecisions: []\ndecisions: []\n")
    with pytest.raises(RulesError, match=r"decisions.yaml:3:1: decisions: duplicate key \(first set at line 2\)"):
        load_yaml_model(path, Decisions)


def test_the_fast_yaml_parser_reads_the_same_rules_and_leaves_the_errors_to_the_reference_one(tmp_path, monkeypatch):
    from reconcile.rules import loader
    from reconcile.rules.packaged import packaged_rules_dir

    if loader.FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    fast = load_rules(packaged_rules_dir())
    monkeypatch.setattr(loader, "FAST_LOADER", None)
    reference = load_rules(packaged_rules_dir())
    assert fast.rules == reference.rules and fast.digest == reference.digest
    bad = tmp_path / "r.yaml"
    bad.write_text("version: 1\nsolver:\n  name: [accu\n", encoding="utf-8")
    with pytest.raises(RulesError) as pure:
        load_rules(bad)
    monkeypatch.setattr(loader, "FAST_LOADER", getattr(__import__("yaml"), "CSafeLoader"))
    with pytest.raises(RulesError) as first_fast:
        load_rules(bad)
    assert first_fast.value.problems == pure.value.problems
