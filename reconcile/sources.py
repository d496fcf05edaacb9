"""Source priors from the rules: which prior each source gets, and whether it is known at all."""
from __future__ import annotations

import fnmatch

import numpy as np
import pandas as pd

from .rules.model import Rules


def _matches(name: str, pattern: str, rules: Rules) -> bool:
    if pattern.startswith("group:"):
        return any(_matches(name, member, rules) for member in rules.sources.groups[pattern[6:]])
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name.casefold(), pattern.casefold())
    return name.casefold() == pattern.casefold()


def resolve_priors(names: pd.Index | list[str], rules: Rules, carried: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source name: prior reliability, strength, Beta(a, b), the rule key that matched (or '' for default).

    `carried` is THE seam for what earlier runs learned (reconcile/state): a table of source, attribute ('' for
    the whole source), a, b pseudo-counts (right and wrong evidence, already scaled by the forgetting rate),
    added to the rules' Beta prior. Rows with an attribute are for per-attribute reliability; a model that has
    none (this one) uses only the whole-source rows.
    """
    priors = rules.sources.priors
    exact = {k.casefold(): k for k in priors if not k.startswith("group:") and not any(c in k for c in "*?[")}
    patterns = [k for k in priors if k.casefold() not in exact or k.startswith("group:")]
    rows = []
    for name in names:
        key = exact.get(str(name).casefold())
        if key is None:
            key = next((p for p in patterns if _matches(str(name), p, rules)), "")
        if key:
            rel, strength = priors[key].reliability, priors[key].strength
        else:
            rel, strength = rules.defaults.reliability, rules.defaults.strength
        rows.append((str(name), rel, strength, key))
    frame = pd.DataFrame(rows, columns=["source", "prior", "strength", "prior_rule"])
    frame["a"] = frame["prior"] * frame["strength"]
    frame["b"] = (1 - frame["prior"]) * frame["strength"]
    frame["known"] = frame["prior_rule"] != ""
    if carried is not None and len(carried):
        whole = carried[carried["attribute"].fillna("") == ""]
        extra = whole.assign(key=whole["source"].astype(str).str.casefold()).groupby("key")[["a", "b"]].sum()
        key = frame["source"].str.casefold()
        add_a = key.map(extra["a"]).fillna(0.0).to_numpy()
        add_b = key.map(extra["b"]).fillna(0.0).to_numpy()
        frame["a"] += add_a
        frame["b"] += add_b
        frame["strength"] = frame["a"] + frame["b"]
        frame["prior"] = frame["a"] / frame["strength"]
        frame.loc[(add_a + add_b) > 0, "prior_rule"] = (frame["prior_rule"] + " +state").str.strip()
    return frame


def speaker_multiplier(claims: pd.DataFrame, rules: Rules) -> np.ndarray:
    """Weight multiplier per claim from speaker name, role or affiliation (first that matches, in that order)."""
    weights = rules.sources.speakers
    out = np.ones(len(claims))
    if not (weights.names or weights.roles or weights.affiliations):
        return out
    chosen = np.zeros(len(claims), dtype=bool)
    for column, table in (("speaker", weights.names), ("speaker_role", weights.roles),
                          ("speaker_affiliation", weights.affiliations)):
        if not table or column not in claims:
            continue
        folded = {k.casefold(): v for k, v in table.items()}
        values = claims[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # look up each distinct string once
            per_cat = pd.Series(values.cat.categories.astype(str)).str.casefold().map(folded).to_numpy(dtype=float)
            codes = values.cat.codes.to_numpy()
            mult = np.where(codes >= 0, per_cat[np.maximum(codes, 0)] if len(per_cat) else np.nan, np.nan)
        else:
            mult = values.astype(str).str.casefold().map(folded).to_numpy(dtype=float, na_value=np.nan)
        take = ~chosen & ~np.isnan(mult)
        out[take] = mult[take]
        chosen |= take
    return out
