"""The analyst's decisions file: strict model, YAML and CSV, located errors, appending keeps the analyst's text."""
from __future__ import annotations

import re
import textwrap

import pandas as pd
import pytest

from reconcile.decisions import (OverrideDecision, PinDecision, ResolveDecision, append_decision,
                                 load_decisions)
from reconcile.decisions.loader import DecisionsError

AGREED = """\
version: 1
decisions:
  - kind: override            # force a verdict
    subject: Qala-e-Naw
    attribute: control
    value: government
    by: jdoe
    note: "Confirmed by our stringer"
    at: 2021-07-08T09:00:00Z
    until: 2021-07-31T00:00:00Z
  - kind: resolve
    contradiction: C5891b20483
    by: jdoe
    note: "Reuters is later and more specific"
  - kind: dismiss
    contradiction: Cf4b9264165
    by: jdoe
    note: "Same place, two spellings"
  - kind: pin
    source: reuters
    attribute: control
    reliability: 0.95
    by: jdoe
    note: "Wire service, on the ground"
  - kind: copy
    source: outlet_a
    other: outlet_b
    copying: confirm
    by: jdoe
    note: "Syndication agreement"
"""


def test_the_agreed_example_loads_with_every_kind(tmp_path):
    path = tmp_path / "decisions.yaml"
    path.write_text(AGREED)
    loaded = load_decisions(path)
    assert [d.kind for d in loaded.decisions] == ["override", "resolve", "dismiss", "pin", "copy"]
    override = loaded.decisions[0]
    assert override.value == "government" and override.by == "jdoe"
    assert override.active(pd.Timestamp("2021-07-30T00:00:00Z"))
    assert not override.active(pd.Timestamp("2021-07-31T00:00:00Z"))  # expired once --as-of reaches `until`
    assert loaded.decisions[3].attribute == "control" and loaded.decisions[3].reliability == 0.95


def test_every_problem_is_located_with_a_hint(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        decisions:
          - kind: overide
            subject: x
            by: a
            note: b
          - kind: pin
            source: reuters
            reliabilty: 0.95
            by: jdoe
            note: ""
        """))
    with pytest.raises(DecisionsError) as err:
        load_decisions(path)
    text = err.value.message
    assert f"{path}:3:5: decisions.0.kind:" in text and "did you mean `override`?" in text
    assert f"{path}:9:5: decisions.1.reliabilty: Extra inputs are not permitted" in text
    assert "did you mean `reliability`?" in text
    assert f"{path}:11:5: decisions.1.note: must not be blank" in text
    assert err.value.exit_code == 3


def test_csv_same_fields_located_by_row_and_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("kind,subject,attribute,value,contradiction,source,other,reliability,copying,by,note,at,until\n"
                    'override,AA-1,gate,B12,,,,,,jdoe,"checked, twice",,\n'
                    "pin,,,,,aa,,1.5,,jdoe,x,,\n")
    with pytest.raises(DecisionsError) as err:
        load_decisions(path)
    assert re.search(rf"{re.escape(str(path))}:3:13: decisions.1.reliability: Input should be less than 1",
                     err.value.message)
    path.write_text(path.read_text().replace("1.5", "0.5"))
    loaded = load_decisions(path)
    assert loaded.decisions[0].note == "checked, twice" and loaded.decisions[1].reliability == 0.5
    assert loaded.decisions[1].attribute is None  # empty cell = not given


def test_append_keeps_comments_and_validates(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(AGREED)
    append_decision(path, ResolveDecision(kind="resolve", contradiction="C1", by="me", note="checked"))
    text = path.read_text()
    assert text.startswith(AGREED) and "# force a verdict" in text
    assert [d.kind for d in load_decisions(path).decisions][-1] == "resolve"
    fresh = tmp_path / "new.yaml"
    append_decision(fresh, OverrideDecision(kind="override", subject="s", attribute="a", value="12:30", by="me",
                                            note="n: with colon"))
    append_decision(fresh, PinDecision(kind="pin", source="x", reliability=0.9, by="me", note="n"))
    loaded = load_decisions(fresh)
    assert loaded.decisions[0].value == "12:30" and loaded.decisions[0].note == "n: with colon"
    assert loaded.decisions[1].reliability == 0.9


def test_append_to_csv_and_refuse_an_invalid_file(tmp_path):
    path = tmp_path / "d.csv"
    append_decision(path, PinDecision(kind="pin", source="x", attribute="gate", reliability=0.9, by="me", note="n"))
    append_decision(path, ResolveDecision(kind="resolve", contradiction="C1", by="me", note="n"))
    assert [d.kind for d in load_decisions(path).decisions] == ["pin", "resolve"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndecisions:\n  - kind: pin\n")
    before = bad.read_text()
    with pytest.raises(DecisionsError):
        append_decision(bad, ResolveDecision(kind="resolve", contradiction="C1", by="me", note="n"))
    assert bad.read_text() == before


def test_committed_decisions_schema_matches_the_model():
    """docs/decisions.schema.json is generated (`reconcile schema --decisions --out ...`), never edited by hand."""
    import json
    from pathlib import Path

    from reconcile.decisions.model import DecisionsFile

    committed = json.loads((Path(__file__).resolve().parents[1] / "docs" / "decisions.schema.json").read_text())
    assert committed == json.loads(json.dumps(DecisionsFile.model_json_schema(), sort_keys=True))


def test_a_decisions_file_gets_the_rules_loaders_hardening(tmp_path):
    """Alias bombs and control characters in a decisions file are located problems, as in a rules file."""
    from reconcile.decisions import load_decisions
    from reconcile.errors import RulesError

    bomb = tmp_path / "bomb.yaml"
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    bomb.write_text("version: 1\n" + "\n".join(levels) + "\ndecisions: []\n")
    with pytest.raises(RulesError) as err:
        load_decisions(bomb)
    assert str(bomb) in err.value.message
    ctrl = tmp_path / "ctrl.yaml"
    ctrl.write_text("version: 1\ndecisions: []\n# \x07\n")
    with pytest.raises(RulesError) as err:
        load_decisions(ctrl)
    assert f"{ctrl}:3:" in err.value.message
