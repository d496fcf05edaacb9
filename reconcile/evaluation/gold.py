"""Compare verdicts with a gold table using the same value matcher the run used."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FeedError
from ..rules.model import Rules
from ..values import canonicalise_unique
from .metrics import accuracy, brier, coverage, expected_calibration_error


@dataclass
class Scored:
    joined: pd.DataFrame  # one row per gold item: subject, attribute, gold, value, confidence, correct, answered
    summary: dict[str, Any]


def read_gold(path: str, where: list[str] | None = None) -> pd.DataFrame:
    try:
        gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise FeedError(f"{path}: cannot read the gold table: {exc}") from None
    if "subject" not in gold and "object" in gold:
        gold = gold.rename(columns={"object": "subject"})
    missing = [c for c in ("subject", "value") if c not in gold]
    if missing:
        raise FeedError(f"{path}: gold needs columns subject (or object) and value; missing {missing}; "
                        f"found {list(gold.columns)}")
    for condition in where or []:
        column, _, wanted = condition.partition("=")
        if column not in gold:
            raise FeedError(f"{path}: --where {condition!r}: no column {column!r}; found {list(gold.columns)}")
        gold = gold[gold[column] == wanted]
    return gold


def _matches(verdict: pd.Series, gold: pd.Series, attribute: str, rules: Rules) -> np.ndarray:
    rule = rules.attribute_rule(attribute)
    both = pd.concat([verdict, gold], ignore_index=True)
    codes, uniques = pd.factorize(both)
    canon = canonicalise_unique(pd.Series(uniques, dtype=object), rule)
    n = len(verdict)
    if canon.number is not None:
        num = canon.number.to_numpy()[codes]
        a, b = num[:n], num[n:]
        eq = rule.equivalence
        tol = np.maximum(eq.absolute if rule.kind == "numeric" else eq.tolerance, eq.relative * np.abs(b))
        close: np.ndarray = np.abs(a - b) <= tol + 1e-9
        return close
    key = canon.key.to_numpy()[codes]
    same: np.ndarray = (key[:n] == key[n:]) & (key[:n] != "")
    return same


def score(verdicts: pd.DataFrame, gold: pd.DataFrame, rules: Rules) -> Scored:
    verdicts = verdicts.sort_values("confidence", ascending=False, kind="stable")
    verdicts = verdicts.drop_duplicates(["subject", "attribute"])  # multi-valued: the top value
    if "attribute" in gold:
        joined = gold.merge(verdicts, on=["subject", "attribute"], how="left", suffixes=("_gold", ""))
    else:
        per_subject = verdicts.groupby("subject")["attribute"].nunique()
        if (per_subject > 1).any():
            raise FeedError("the gold table has no `attribute` column but some subjects have several attributes")
        joined = gold.merge(verdicts, on="subject", how="left", suffixes=("_gold", ""))
    joined = joined.rename(columns={"value_gold": "gold"})
    answered = joined["value"].notna().to_numpy()
    correct = np.zeros(len(joined), dtype=bool)
    for attribute in joined.loc[answered, "attribute"].unique():
        mask = answered & (joined["attribute"] == attribute).to_numpy()
        correct[mask] = _matches(joined.loc[mask, "value"].astype(str), joined.loc[mask, "gold"].astype(str),
                                 str(attribute), rules)
    joined["correct"] = correct
    joined["answered"] = answered
    conf = pd.to_numeric(joined["confidence"], errors="coerce").to_numpy()
    summary = {
        "gold_items": int(len(joined)),
        "answered": int(answered.sum()),
        "coverage": coverage(int(answered.sum()), len(joined)),
        "accuracy": accuracy(correct[answered]),
        "accuracy_over_all_gold": float(correct.sum() / len(joined)) if len(joined) else float("nan"),
        "brier": brier(conf[answered], correct[answered]),
        "ece": expected_calibration_error(conf[answered], correct[answered]),
    }
    return Scored(joined, summary)
