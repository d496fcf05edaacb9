"""Source priors from the rules: which prior each source gets, and whether it is known at all."""
from __future__ import annotations

import fnmatch

import numpy as np
import pandas as pd

from .rules.model import Rules


POOLED_START = 0.7  # where EM starts for sources whose prior is learned from the feed (only a starting point)


def _matches(name: str, pattern: str, rules: Rules) -> bool:
    if pattern.startswith("group:"):
        return any(_matches(name, member, rules) for member in rules.sources.groups[pattern[6:]])
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name.casefold(), pattern.casefold())
    return name.casefold() == pattern.casefold()


def resolve_priors(names: pd.Index | list[str], rules: Rules) -> pd.DataFrame:
    """Per source name: prior reliability, strength, Beta(a, b), the rule key that matched (or '' for default)."""
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
            rel, strength = rules.defaults.reliability or POOLED_START, rules.defaults.strength
        rows.append((str(name), rel, strength, key))
    frame = pd.DataFrame(rows, columns=["source", "prior", "strength", "prior_rule"])
    # sources without a rule, when the default reliability is learned: their prior mean is set by the engine
    frame["pooled"] = (frame["prior_rule"] == "") & (rules.defaults.reliability is None)
    frame["a"] = frame["prior"] * frame["strength"]
    frame["b"] = (1 - frame["prior"]) * frame["strength"]
    frame["known"] = frame["prior_rule"] != ""
    return frame


def attribute_priors(source: np.ndarray, attribute: np.ndarray, source_priors: pd.DataFrame,
                     attributes: pd.Index | list[str], rules: Rules) -> pd.DataFrame:
    """Per (source id, attribute code) pair: the explicit prior pseudo-counts (a, b) of that pair.

    A source's own `sources.priors.<name>.attributes.<attribute>` wins, then the attribute's `prior`; a pair
    with neither gets (0, 0). These pseudo-counts are added to the hierarchical prior (the source's overall
    reliability, worth `defaults.attribute_strength` claims) in `solve.engine.attribute_reliability`; carried-over
    pseudo-counts from earlier runs can be added to `a` and `b` here as well.
    """
    source, attribute = np.asarray(source, dtype=np.int64), np.asarray(attribute, dtype=np.int64)
    a, b = np.zeros(len(source)), np.zeros(len(source))
    rule_name = np.full(len(source), "", dtype=object)
    priors = rules.sources.priors
    attribute_names = [str(x) for x in attributes]
    if not any(p.attributes for p in priors.values()) and not any(rules.attribute_rule(n).prior
                                                                  for n in attribute_names):
        return pd.DataFrame({"a": a, "b": b, "prior_rule": rule_name})
    for i, (s, t) in enumerate(zip(source.tolist(), attribute.tolist())):
        name = attribute_names[t]
        key = source_priors["prior_rule"].iat[s]
        chosen = priors[key].attributes.get(name) if key else None
        label = f"{key}/{name}" if chosen is not None else ""
        if chosen is None:
            chosen = rules.attribute_rule(name).prior
            label = f"attributes.{name}" if chosen is not None else ""
        if chosen is not None:
            a[i], b[i] = chosen.reliability * chosen.strength, (1 - chosen.reliability) * chosen.strength
            rule_name[i] = label
    return pd.DataFrame({"a": a, "b": b, "prior_rule": rule_name})


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
