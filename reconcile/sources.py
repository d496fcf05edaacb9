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


def resolve_priors(names: pd.Index | list[str], rules: Rules, carried: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source name: prior reliability, strength, Beta(a, b), the rule key that matched (or '' for default).

    `carried` is THE seam for what earlier runs learned (reconcile/state): a table of source, attribute ('' for
    the whole source), a, b pseudo-counts (right and wrong evidence, already scaled by the forgetting rate),
    added to the rules' Beta prior (kept apart in carried_a / carried_b: a learned pooled prior mean replaces
    only the rules' part). Rows with an attribute are added to the (source, attribute) priors
    (`attribute_priors`).
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
            rel, strength = rules.defaults.reliability or POOLED_START, rules.defaults.strength
        rows.append((str(name), rel, strength, key))
    frame = pd.DataFrame(rows, columns=["source", "prior", "strength", "prior_rule"])
    # sources without a rule, when the default reliability is learned: their prior mean is set by the engine
    frame["pooled"] = (frame["prior_rule"] == "") & (rules.defaults.reliability is None)
    frame["a"] = frame["prior"] * frame["strength"]
    frame["b"] = (1 - frame["prior"]) * frame["strength"]
    frame["known"] = frame["prior_rule"] != ""
    frame["rule_strength"] = frame["strength"]  # the rules' part (the hierarchical prior's weight per attribute)
    frame["carried_a"], frame["carried_b"] = 0.0, 0.0
    if carried is not None and len(carried):
        whole = carried[carried["attribute"].fillna("") == ""]
        extra = whole.assign(key=whole["source"].astype(str).str.casefold()).groupby("key")[["a", "b"]].sum()
        folded = frame["source"].str.casefold()
        add_a = folded.map(extra["a"]).fillna(0.0).to_numpy()
        add_b = folded.map(extra["b"]).fillna(0.0).to_numpy()
        frame["carried_a"], frame["carried_b"] = add_a, add_b
        frame["a"] += add_a
        frame["b"] += add_b
        frame["strength"] = frame["a"] + frame["b"]
        frame["prior"] = frame["a"] / frame["strength"]
        frame.loc[(add_a + add_b) > 0, "prior_rule"] = (frame["prior_rule"] + " +state").str.strip()
    return frame


def attribute_priors(source: np.ndarray, attribute: np.ndarray, source_priors: pd.DataFrame,
                     attributes: pd.Index | list[str], rules: Rules, carried: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Per (source id, attribute code) pair: the explicit prior pseudo-counts (a, b) of that pair.

    A source's own `sources.priors.<name>.attributes.<attribute>` wins, then the attribute's `prior`; a pair
    with neither gets (0, 0). These pseudo-counts are added to the hierarchical prior (the source's overall
    reliability, worth `defaults.attribute_strength` claims) in `solve.engine.attribute_reliability`. The rows of
    `carried` (what earlier runs learned, see `resolve_priors`) with an attribute are added to the matching pair's
    (a, b); prior_rule then ends in "+state".
    """
    source, attribute = np.asarray(source, dtype=np.int64), np.asarray(attribute, dtype=np.int64)
    a, b = np.zeros(len(source)), np.zeros(len(source))
    rule_name = np.full(len(source), "", dtype=object)
    priors = rules.sources.priors
    attribute_names = [str(x) for x in attributes]
    if not any(p.attributes for p in priors.values()) and not any(rules.attribute_rule(n).prior
                                                                  for n in attribute_names):
        return _with_carried(pd.DataFrame({"a": a, "b": b, "prior_rule": rule_name}), source, attribute,
                             source_priors, attribute_names, carried)
    for i, (s, t) in enumerate(zip(source.tolist(), attribute.tolist())):
        name = attribute_names[t]
        key = str(source_priors["prior_rule"].iat[s])
        chosen = priors[key].attributes.get(name) if key else None
        label = f"{key}/{name}" if chosen is not None else ""
        if chosen is None:
            chosen = rules.attribute_rule(name).prior
            label = f"attributes.{name}" if chosen is not None else ""
        if chosen is not None:
            a[i], b[i] = chosen.reliability * chosen.strength, (1 - chosen.reliability) * chosen.strength
            rule_name[i] = label
    return _with_carried(pd.DataFrame({"a": a, "b": b, "prior_rule": rule_name}), source, attribute, source_priors,
                         attribute_names, carried)


def _with_carried(frame: pd.DataFrame, source: np.ndarray, attribute: np.ndarray, source_priors: pd.DataFrame,
                  attribute_names: list[str], carried: pd.DataFrame | None) -> pd.DataFrame:
    """The per-attribute rows of `carried` added to the (source, attribute) pairs they name (case-folded)."""
    if carried is None or not len(carried):
        return frame
    per = carried[carried["attribute"].fillna("") != ""]
    if not len(per):
        return frame
    extra = per.assign(key=per["source"].astype(str).str.casefold() + "\x1f"
                       + per["attribute"].astype(str).str.casefold()).groupby("key")[["a", "b"]].sum()
    names = source_priors["source"].astype(str).str.casefold().to_numpy()
    folded = np.array([n.casefold() for n in attribute_names], dtype=object)
    key = pd.Series(names[source], dtype=object) + "\x1f" + pd.Series(folded[attribute], dtype=object)
    add_a = key.map(extra["a"]).fillna(0.0).to_numpy()
    add_b = key.map(extra["b"]).fillna(0.0).to_numpy()
    hit = (add_a + add_b) > 0
    frame = frame.assign(a=frame["a"] + add_a, b=frame["b"] + add_b)
    frame.loc[hit, "prior_rule"] = (frame.loc[hit, "prior_rule"] + " +state").str.strip()
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
