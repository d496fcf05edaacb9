"""Rules files: every problem reported at once, as `file:line:col: dotted.path: message`, the line and a caret."""
from __future__ import annotations

import json
import re

import pytest

from engine_helpers import RULES_DIR, cli, write_rules
from reconcile.errors import EXIT_RULES, RulesError
from reconcile.rules import load_rules

PROBLEM_HEAD = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<path>[\w.()]+): (?P<msg>.+)$")

SEVERAL_MISTAKES = """
version: 1
sources:
  priors:
    Reuters: {reliability: 1.5}
defaults:
  unknown_sources: ignore
attributes:
  control:
    kind: categorical
    half_life: 12 hours
    kind: text
solver:
  nmae: accu
"""

GOLDEN = """\
reconcile check: error: 5 problems in the rules:
bad.yaml:4:15: sources.priors.Reuters.reliability: Input should be less than 1
        Reuters: {reliability: 1.5}
                  ^
bad.yaml:6:3: defaults.unknown_sources: Input should be 'use', 'reject' or 'drop'
      unknown_sources: ignore
      ^
bad.yaml:10:5: attributes.control.half_life: expected a duration such as '12h', '30m', '7d' or a number of seconds
        half_life: 12 hours
        ^
bad.yaml:11:5: attributes.control.kind: duplicate key (first set at line 9)
        kind: text
        ^
bad.yaml:13:3: solver.nmae: Extra inputs are not permitted
      nmae: accu
      ^
    hint: did you mean `name`?
"""


def _blocks(stderr: str) -> list[str]:
    """Split `reconcile check` stderr into one block per problem (head line + indented lines)."""
    lines = stderr.splitlines()[1:]
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("    ") and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return ["\n".join(b) for b in blocks]


def _assert_caret_points_at(block: str, expected_token: str) -> None:
    head, text, caret = block.splitlines()[:3]
    col = int(PROBLEM_HEAD.match(head).group("col"))
    assert caret == "    " + " " * (col - 1) + "^"
    assert text[4 + col - 1:].startswith(expected_token), (text, col)


def test_several_mistakes_reported_at_once_golden(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "bad.yaml", SEVERAL_MISTAKES)
    code, out, err = cli("check", "bad.yaml")
    assert code == EXIT_RULES == 3
    assert out == ""
    assert err == GOLDEN


def test_every_problem_has_location_line_and_caret(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "bad.yaml", SEVERAL_MISTAKES)
    with pytest.raises(RulesError) as info:
        load_rules("bad.yaml")
    problems = info.value.problems
    assert len(problems) == 5
    for problem in problems:
        head = PROBLEM_HEAD.match(problem.splitlines()[0])
        assert head and head.group("file") == "bad.yaml", problem
        assert problem.splitlines()[2].strip() == "^"
    tokens = ["reliability", "unknown_sources", "half_life", "kind", "nmae"]
    for problem, token in zip(problems, tokens):
        _assert_caret_points_at(problem, token)


def test_unknown_key_close_match_hint(tmp_path):
    path = write_rules(tmp_path / "r.yaml", """
        version: 1
        attributes:
          control:
            kind: categorical
            multi_valud: true
        """)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    (problem,) = info.value.problems
    assert f"{path}:5:5: attributes.control.multi_valud: Extra inputs are not permitted" in problem
    assert problem.endswith("hint: did you mean `multi_valued`?")


def test_unknown_key_without_close_match_lists_allowed_keys(tmp_path):
    path = write_rules(tmp_path / "r.yaml", "version: 1\nsolver:\n  zzzzzz: 1\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert "hint: allowed keys here: name, max_iterations" in info.value.problems[0]


def test_bad_literal_with_close_match_suggests_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "lit.yaml", "version: 1\nsolver:\n  name: acu\n")
    code, _, err = cli("check", "lit.yaml")
    assert code == 3
    assert err.splitlines()[1:] == [
        "lit.yaml:3:3: solver.name: Input should be 'accu', 'majority' or 'truthfinder'",
        "      name: acu",
        "      ^",
        "    hint: did you mean `accu`?",
    ]


def test_same_key_in_two_files_of_a_folder_names_both_places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    write_rules(tmp_path / "rules" / "a.yaml", "version: 1\nsolver:\n  name: accu\n")
    write_rules(tmp_path / "rules" / "b.yaml", "version: 1\nsolver:\n  name: majority\n  max_iterations: 5\n")
    code, _, err = cli("check", "rules")
    assert code == 3
    assert err.splitlines()[1:] == [
        "rules/b.yaml:3:3: solver.name: set again (first set at rules/a.yaml:3)",
        "      name: majority",
        "      ^",
    ]


def test_two_files_may_fill_different_keys_of_one_section(tmp_path):
    write_rules(tmp_path / "a.yaml", "version: 1\nsolver:\n  name: majority\n")
    write_rules(tmp_path / "b.yaml", "version: 1\nsolver:\n  max_iterations: 7\n")
    loaded = load_rules(tmp_path)
    assert loaded.rules.solver.name == "majority"
    assert loaded.rules.solver.max_iterations == 7
    assert [p.name for p in loaded.files] == ["a.yaml", "b.yaml"]


def test_yaml_syntax_error_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "syntax.yaml", "version: 1\nsolver:\n  name: [accu\nattributes: {}\n")
    code, _, err = cli("check", "syntax.yaml")
    assert code == 3
    head = PROBLEM_HEAD.match(err.splitlines()[1])
    assert head, err
    assert head.group("file") == "syntax.yaml"
    assert head.group("path") == "(top)"
    assert head.group("msg").startswith("YAML syntax: ")


def test_folder_reports_problems_of_every_file_at_once(tmp_path, monkeypatch):
    """A YAML syntax error in one file does not hide the schema problems of the others."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r").mkdir()
    write_rules(tmp_path / "r" / "a_syntax.yaml", "version: 1\nsolver: [accu\n")
    write_rules(tmp_path / "r" / "b_schema.yaml", "version: 1\ndefaults:\n  reliability: 2\n")
    write_rules(tmp_path / "r" / "c_other.yaml", "version: 1\nattributes:\n  x: {kind: numbr}\n")
    code, _, err = cli("check", "r")
    assert code == 3
    assert err.splitlines()[0] == "reconcile check: error: 3 problems in the rules:"
    heads = [b.splitlines()[0] for b in _blocks(err)]
    assert [h.split(":")[0] for h in heads] == ["r/a_syntax.yaml", "r/b_schema.yaml", "r/c_other.yaml"]
    assert "defaults.reliability: Input should be less than 1" in heads[1]
    assert "attributes.x.kind: Input should be" in heads[2]


def test_missing_version_is_reported_with_the_other_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "nov.yaml", "columns: {subject: object}\nsolver:\n  name: acu\n")
    code, _, err = cli("check", "nov.yaml")
    assert code == 3
    assert ("nov.yaml:1:1: version: missing\n    columns: {subject: object}\n    ^\n"
            "    hint: add `version: 1` at the top of the file") in err
    assert "nov.yaml:3:3: solver.name: Input should be 'accu', 'majority' or 'truthfinder'" in err


def test_missing_version_is_reported_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_rules(tmp_path / "nov.yaml", "columns: {subject: object}\n")
    code, _, err = cli("check", "nov.yaml")
    assert code == 3
    assert err.splitlines()[0] == "reconcile check: error: 1 problem in the rules:"
    assert err.count(": version: missing") == 1
    assert "Field required" not in err


def test_wrong_version_is_an_error(tmp_path):
    path = write_rules(tmp_path / "v2.yaml", "version: 2\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert info.value.problems[0].startswith(f"{path}:1:1: version: Input should be 1")


def test_cross_field_rule_is_located_at_the_attribute(tmp_path):
    path = write_rules(tmp_path / "r.yaml", """
        version: 1
        attributes:
          control:
            kind: categorical
            closed: true
        """)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:3:3: attributes.control: closed: true needs a `values` vocabulary")


def test_check_ok_prints_a_summary(tmp_path):
    path = write_rules(tmp_path / "ok.yaml", "version: 1\nattributes:\n  a: {kind: numeric}\n")
    code, out, err = cli("check", path)
    assert (code, err) == (0, "")
    assert out == "ok: 1 file(s), 1 attribute(s), 0 source prior(s), solver accu\n"


def test_default_rules_load():
    rules = load_rules(RULES_DIR / "default.yaml").rules
    assert rules.attributes["control"].closed
    assert rules.attributes["control"].change_every == 2 * 86400  # "2d": the time model follows control
    assert rules.sources.priors["Reuters"].reliability == 0.85


@pytest.mark.parametrize("path", sorted((RULES_DIR / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_loads(path):
    code, out, err = cli("check", path)
    assert code == 0, err
    assert out.startswith("ok: 1 file(s)")


def test_examples_folder_is_not_empty():
    assert len(list((RULES_DIR / "examples").glob("*.yaml"))) >= 5


def test_check_repo_rules_folder_passes():
    code, out, err = cli("check", RULES_DIR)
    assert code == 0, err
    assert out.startswith("ok: ")


def test_check_folder_of_core_rules_passes(tmp_path):
    """The core part of rules/ (default.yaml, without the extraction lexicon) passes as a folder."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "default.yaml").write_bytes((RULES_DIR / "default.yaml").read_bytes())
    ex = tmp_path / "rules" / "examples"
    ex.mkdir()
    (ex / "book.yaml").write_bytes((RULES_DIR / "examples" / "book.yaml").read_bytes())  # ignored in a folder
    code, out, err = cli("check", tmp_path / "rules")
    assert code == 0, err
    assert out.startswith("ok: 1 file(s), ")  # examples/ is not loaded as part of a folder


def test_schema_lists_attribute_kinds_and_forbids_unknown_keys():
    code, out, err = cli("schema")
    assert code == 0, err
    schema = json.loads(out)
    attr = schema["$defs"]["AttributeRule"]
    assert set(attr["properties"]["kind"]["enum"]) == {"categorical", "text", "numeric", "datetime", "time_of_day",
                                                         "place"}
    assert attr["additionalProperties"] is False
    assert schema["additionalProperties"] is False
    assert "version" in schema["required"]
    matches = schema["$defs"]["Equivalence"]["properties"]["match"]["enum"]
    assert set(matches) == {"exact", "fold", "token_set", "person_names"}


def test_schema_out_file(tmp_path):
    code, out, _ = cli("schema", "--out", tmp_path / "s.json")
    assert code == 0 and out == ""
    assert "time_of_day" in (tmp_path / "s.json").read_text()


def test_committed_json_schema_matches_the_model():
    """docs/rules.schema.json is generated from the model (`reconcile schema --out docs/rules.schema.json`),
    never edited by hand: it must not drift from the code."""
    import json

    from reconcile.rules.schema import rules_json_schema

    committed = json.loads((RULES_DIR.parent / "docs" / "rules.schema.json").read_text())
    assert committed == json.loads(json.dumps(rules_json_schema(), sort_keys=True))
