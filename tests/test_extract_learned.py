"""The learned decision stage of extraction (extract.learned; reconcile/extract/learned.py).

Hand-made weights files make the model's decisions known in advance, so each test shows one thing a user of
the switch notices: the rules' claims pass or go, a relaxed candidate the rules never formed becomes a claim."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconcile.errors import RulesError
from reconcile.extract import extract_text, load_extract_rules
from reconcile.extract.learned import TRAIN_SPLITS, WEIGHTS
from reconcile.extract.model import ExtractRules

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2021, 8, 13, tzinfo=timezone.utc)
LIST = "After weeks of fighting, the Taliban seized Ghazni, while Kandahar and Herat saw heavy clashes."
BACKGROUND = "Mosul fell to the Islamic State group in 2014. Taliban fighters captured Ghazni on Thursday."


@pytest.fixture(scope="module")
def rules() -> ExtractRules:
    return load_extract_rules(ROOT / "rules")


def _with(rules: ExtractRules, tmp_path: Path, intercept: float, coef: dict[str, float]) -> ExtractRules:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"intercept": intercept, "coef": coef, "threshold": 0.5}), encoding="utf-8")
    learned = rules.learned.model_copy(update={"enabled": True, "weights": str(path)})
    return rules.model_copy(update={"learned": learned})


def claims(text: str, rules: ExtractRules) -> list[list[str]]:
    df, _ = extract_text(text, rules, source_name="Wire", published_at=DAY)
    return sorted(df[df.via == ""][["subject", "value"]].values.tolist())


def test_off_by_default_and_trained_only_on_the_listed_splits(rules: ExtractRules) -> None:
    assert rules.learned.enabled is False  # cross-validation found no gain over the rules (docs/extraction.md)
    shipped = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert shipped["trained_on"] == list(TRAIN_SPLITS)
    assert 0 < shipped["threshold"] < 1 and shipped["coef"]


def test_a_model_that_trusts_the_rules_keeps_exactly_their_claims(rules: ExtractRules, tmp_path: Path) -> None:
    trusting = _with(rules, tmp_path, 10.0, {"rule_claims=0": -20.0})
    assert claims(LIST, trusting) == claims(LIST, rules) == [["Ghazni", "taliban"]]


def test_a_list_of_towns_under_fighting_is_all_extracted(rules: ExtractRules, tmp_path: Path) -> None:
    # the rules read only "seized Ghazni"; the towns that "saw heavy clashes" are relaxed candidates
    model = _with(rules, tmp_path, -10.0, {"rule_claims=1": 20.0, "pred&v=clash&contested": 12.0})
    df, _ = extract_text(LIST, model, source_name="Wire", published_at=DAY)
    got = sorted(df[df.via == ""][["subject", "value"]].values.tolist())
    assert got == [["Ghazni", "taliban"], ["Herat", "contested"], ["Kandahar", "contested"]]
    added = df[df.subject == "Herat"].iloc[0]
    assert added.trigger == "learned: clashes" and 0.5 <= added.weight < 1 and added.quote == LIST


def test_a_background_sentence_is_not_extracted(rules: ExtractRules, tmp_path: Path) -> None:
    assert "Mosul" in {subject for subject, _ in claims(BACKGROUND, rules)}  # the rules read the 2014 event
    model = _with(rules, tmp_path, 10.0, {"rule_claims=0": -20.0, "year_before": -20.0})
    assert claims(BACKGROUND, model) == [["Ghazni", "taliban"]]


def test_same_input_same_output(rules: ExtractRules) -> None:
    on = rules.model_copy(update={"learned": rules.learned.model_copy(update={"enabled": True})})
    a, _ = extract_text(LIST + "\n\n" + BACKGROUND, on, source_name="Wire", published_at=DAY)
    b, _ = extract_text(LIST + "\n\n" + BACKGROUND, on, source_name="Wire", published_at=DAY)
    assert a.to_csv(index=False) == b.to_csv(index=False)


def test_a_bad_weights_file_is_a_located_error(rules: ExtractRules, tmp_path: Path) -> None:
    bad = tmp_path / "w.json"
    bad.write_text('{"intercept": 0}', encoding="utf-8")
    broken = rules.model_copy(update={"learned": rules.learned.model_copy(update={"enabled": True,
                                                                                   "weights": str(bad)})})
    with pytest.raises(RulesError, match="w.json: extract.learned.weights: not a weights file"):
        extract_text(LIST, broken, source_name="Wire", published_at=DAY)
    missing = rules.model_copy(update={"learned": rules.learned.model_copy(
        update={"enabled": True, "weights": str(tmp_path / "none.json")})})
    with pytest.raises(RulesError, match="none.json: extract.learned.weights: no such file"):
        extract_text(LIST, missing, source_name="Wire", published_at=DAY)
