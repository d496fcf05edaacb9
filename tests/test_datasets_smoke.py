"""Real-data smoke test: the book example rules on the AbeBooks author lists beat majority vote on gold.

A behaviour check, not a tuned number: the EM solver learns which bookstores are careful and must do better than
counting votes with the same matcher. Skipped when ../shared/datasets is not present.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from engine_helpers import RULES_DIR, cli
from reconcile.evaluation.gold import read_gold, score
from reconcile.rules import load_rules
from reconcile.values import person_names

BOOK = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "book"
CLAIMS, TRUTH = BOOK / "claims.csv.gz", BOOK / "truth.csv"

pytestmark = pytest.mark.skipif(not (CLAIMS.exists() and TRUTH.exists()), reason=f"{BOOK} not present")


def _majority_accuracy(claims: pd.DataFrame, gold: pd.DataFrame) -> float:
    """One vote per (store, book, author set), same person_names matcher; ties go to the smaller key."""
    claims = claims.assign(key=claims["value"].map(person_names))
    claims = claims[claims["key"] != ""].drop_duplicates(["source", "object", "key"])
    votes = claims.groupby(["object", "key"]).size().reset_index(name="n")
    winner = (votes.sort_values(["object", "n", "key"], ascending=[True, False, True])
              .drop_duplicates("object").set_index("object")["key"])
    truth = gold.set_index("subject")["value"].map(person_names)
    return float((winner.reindex(truth.index) == truth).mean())


def test_book_accuracy_beats_majority_vote(tmp_path):
    rules_path = RULES_DIR / "examples" / "book.yaml"
    out = tmp_path / "book"
    code, _, err = cli("run", CLAIMS, "--rules", rules_path, "--out", out)
    assert code == 0, err
    verdicts = pd.read_csv(out / "verdicts.csv", dtype={"subject": str, "attribute": str, "value": str},
                           keep_default_na=False)
    assert verdicts["subject"].nunique() == 1263  # one verdict per book (single-valued author list)
    gold = read_gold(str(TRUTH))
    scored = score(verdicts, gold, load_rules(rules_path).rules)
    s = scored.summary
    assert s["gold_items"] == 100 and s["coverage"] == 1.0
    claims = pd.read_csv(CLAIMS, dtype=str, keep_default_na=False)
    majority = _majority_accuracy(claims, gold)
    assert 0.3 < majority < 0.95  # sanity: the matcher works and the data are genuinely conflicting
    assert s["accuracy"] > majority, (s, majority)
    assert 0.0 <= s["brier"] < 0.25
    # the CLI reports the same numbers
    code, text, err = cli("evaluate", out, "--truth", TRUTH)
    assert code == 0, err
    assert f"accuracy {s['accuracy']:.4f}" in text
