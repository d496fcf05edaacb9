"""Compare verdicts with a gold table using the same value matcher the run used."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FeedError
from ..rules.model import AttributeRule, Rules
from ..values import canonicalise_unique, place_names
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


def _matches(verdict: pd.Series, gold: pd.Series, attribute: str, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """(the verdict is the gold value, the verdict is a coarser value above the gold in the attribute's value
    hierarchy: correct but coarse, e.g. "California" where the gold says "Los Angeles")."""
    rule = rules.attribute_rule(attribute)
    both = pd.concat([verdict, gold], ignore_index=True)
    codes, uniques = pd.factorize(both)
    n = len(verdict)
    if rule.kind == "place":  # an ambiguous gold name is read as the place the verdict names, if it can be
        from ..places import keys_in_context

        key = keys_in_context(np.r_[np.arange(n), np.arange(n)], codes,
                              place_names([str(u) for u in uniques], rule))
        key = np.asarray(key, dtype=object).astype(str)
    else:
        canon = canonicalise_unique(pd.Series(uniques, dtype=object), rule)
        if canon.number is not None:
            num = canon.number.to_numpy()[codes]
            a, b = num[:n], num[n:]
            eq = rule.equivalence
            tol = np.maximum(eq.absolute if rule.kind == "numeric" else eq.tolerance, eq.relative * np.abs(b))
            close: np.ndarray = np.abs(a - b) <= tol + 1e-9
            return close, np.zeros(n, dtype=bool)
        key = canon.key.to_numpy()[codes]
    same: np.ndarray = (key[:n] == key[n:]) & (key[:n] != "")
    ancestors = _ancestors(sorted(set(key[n:].tolist())), rule)
    coarse = np.array([v in ancestors.get(g, ()) for v, g in zip(key[:n], key[n:])], dtype=bool) \
        if ancestors else np.zeros(n, dtype=bool)
    return same, coarse & ~same


def _ancestors(keys: list[str], rule: AttributeRule) -> dict[str, list[str]]:
    """Gold key -> the keys above it in the attribute's value hierarchy (empty without one)."""
    from ..solve.hierarchy import ancestors_by_key, read_hierarchy

    def to_key(values: list[str]) -> list[str]:
        return [str(k) for k in canonicalise_unique(pd.Series(values, dtype=object), rule).key]

    extra = read_hierarchy(rule.hierarchy) if rule.hierarchy else {}
    if rule.kind == "place":
        from ..places import ancestor_table

        return ancestor_table(keys, dict(zip(to_key(list(extra)), to_key(list(extra.values())))) if extra else {})
    return ancestors_by_key(extra, to_key) if extra else {}


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
    coarse = np.zeros(len(joined), dtype=bool)
    for attribute in joined.loc[answered, "attribute"].unique():
        mask = answered & (joined["attribute"] == attribute).to_numpy()
        correct[mask], coarse[mask] = _matches(joined.loc[mask, "value"].astype(str),
                                               joined.loc[mask, "gold"].astype(str), str(attribute), rules)
    joined["correct"] = correct
    joined["coarse"] = coarse
    joined["answered"] = answered
    conf = pd.to_numeric(joined["confidence"], errors="coerce").to_numpy()
    hierarchical = any(rules.attribute_rule(str(a)).hierarchy or rules.attribute_rule(str(a)).kind == "place"
                       for a in joined.loc[answered, "attribute"].unique())
    summary = {
        "gold_items": int(len(joined)),
        "answered": int(answered.sum()),
        "coverage": coverage(int(answered.sum()), len(joined)),
        "accuracy": accuracy(correct[answered]),
        "accuracy_over_all_gold": float(correct.sum() / len(joined)) if len(joined) else float("nan"),
        "brier": brier(conf[answered], correct[answered]),
        "ece": expected_calibration_error(conf[answered], correct[answered]),
    }
    if hierarchical:  # a value hierarchy: a verdict's confidence is P(the truth is this value or finer), so it
        # is scored at its own level too: right when the gold lies at or below it ("California" for Los Angeles)
        at_level = (correct | coarse)[answered]
        summary.update({
            "correct_but_coarse": int(coarse.sum()),
            "accuracy_at_verdict_level": accuracy(at_level),
            "brier_at_verdict_level": brier(conf[answered], at_level),
            "ece_at_verdict_level": expected_calibration_error(conf[answered], at_level),
        })
    return Scored(joined, summary)
