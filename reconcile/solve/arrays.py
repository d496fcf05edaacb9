"""Factorise accepted claims into the integer/float arrays the solvers work on.

Units:
- item: one (subject, attribute) pair; items are sorted, so codes do not depend on row order;
- candidate: one canonical value of an item (after tolerance grouping for numeric and time kinds);
- assertion: one (source, candidate) pair; repeated claims of a source for the same candidate collapse
  into one assertion with the largest weight, and a source that asserts k different candidates of a
  single-valued item has each weight divided by k (it contradicts itself; it gets one vote in all).

The arrays of a whole run form one `Partition`. An engine may cut them into several partitions of whole
items; sources keep global ids so that per-source statistics can be summed across partitions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..rules.model import Rules


@dataclass
class Partition:
    assert_source: np.ndarray  # int64, global source id
    assert_cand: np.ndarray  # int64, local candidate id
    assert_w: np.ndarray  # float64, weight of the assertion (recency x hedge x speaker x 1/k)
    cand_item: np.ndarray  # int64, local item id, non-decreasing
    item_start: np.ndarray  # int64, first candidate of each item
    item_n_false: np.ndarray  # float64, number of wrong values an item can take (domain size - 1)
    item_multi: np.ndarray  # bool, multi-valued attribute
    n_sources: int

    @property
    def n_items(self) -> int:
        return len(self.item_start)

    @property
    def n_cands(self) -> int:
        return len(self.cand_item)


@dataclass
class Problem:
    """A partition plus the tables that turn codes back into names."""

    part: Partition
    claims: pd.DataFrame  # accepted claims with item, cand, source_id, assertion, recency, weight columns
    items: pd.DataFrame  # subject, attribute (index = item id)
    cands: pd.DataFrame  # item, value_key, value (display) (index = cand id)
    sources: pd.Index  # source names (position = source id)


def _group_tolerance(claims: pd.DataFrame, rules: Rules) -> pd.Series:
    """Group numeric/time values of one item that lie within the attribute's tolerance (single linkage).

    A group's key is its most claimed value (ties: the smaller value).
    """
    key = claims["value_key"].copy()
    for attribute in claims["attribute"].unique():
        rule = rules.attribute_rule(str(attribute))
        eq = rule.equivalence
        tol_abs = eq.absolute if rule.kind == "numeric" else eq.tolerance
        tol_rel = eq.relative if rule.kind == "numeric" else 0.0
        if not (tol_abs or tol_rel):
            continue
        sub = claims.loc[claims["attribute"] == attribute, ["item", "value_num", "value_key"]]
        sub = sub.sort_values(["item", "value_num"], kind="stable")
        num = sub["value_num"].to_numpy()
        item = sub["item"].to_numpy()
        gap = np.diff(num, prepend=np.nan)
        limit = np.maximum(tol_abs, tol_rel * np.abs(np.roll(num, 1)))
        new_group = (np.r_[True, item[1:] != item[:-1]]) | ~(gap <= limit + 1e-9)
        group = np.cumsum(new_group)
        counts = sub.assign(group=group).groupby(["group", "value_num", "value_key"], sort=True).size()
        counts = counts.reset_index(name="n").sort_values(["group", "n", "value_num"], ascending=[True, False, True])
        rep = counts.drop_duplicates("group").set_index("group")["value_key"]
        key.loc[sub.index] = rep.reindex(group).to_numpy()
    return key


def build_problem(claims: pd.DataFrame, rules: Rules, as_of: pd.Timestamp | None,
                  source_priors: pd.DataFrame) -> Problem:
    claims = claims.copy()
    items = claims.groupby(["subject", "attribute"], sort=True, observed=True).ngroup()
    claims["item"] = items.to_numpy().astype(np.int64)
    claims["value_key"] = _group_tolerance(claims, rules)

    cand_codes = claims.groupby(["item", "value_key"], sort=True, observed=True).ngroup().to_numpy()
    claims["cand"] = cand_codes.astype(np.int64)
    sources = pd.Index(source_priors["source"])
    claims["source_id"] = sources.get_indexer(claims["source"]).astype(np.int64)

    # recency: a claim's weight halves every half-life of age before as-of
    recency = np.ones(len(claims))
    if as_of is not None and claims["published_at"].notna().any():
        age = (as_of - claims["published_at"]).dt.total_seconds().to_numpy()
        for attribute in claims["attribute"].unique():
            half_life = rules.attribute_rule(str(attribute)).half_life
            if half_life:
                mask = (claims["attribute"] == attribute).to_numpy() & ~np.isnan(age)
                recency[mask] = 0.5 ** (np.clip(age[mask], 0, None) / half_life)
    claims["recency"] = recency
    claims["effective_weight"] = claims["weight"].to_numpy() * recency

    # assertions: (source, candidate) pairs
    pair = claims["source_id"].to_numpy() * (int(cand_codes.max()) + 1 if len(claims) else 1) + cand_codes
    uniq_pair, assertion = np.unique(pair, return_inverse=True)
    claims["assertion"] = assertion
    n_assert = len(uniq_pair)
    a_w = np.zeros(n_assert)
    np.maximum.at(a_w, assertion, claims["effective_weight"].to_numpy())
    a_source = np.zeros(n_assert, dtype=np.int64)
    a_cand = np.zeros(n_assert, dtype=np.int64)
    a_source[assertion] = claims["source_id"].to_numpy()
    a_cand[assertion] = cand_codes

    cand_table = claims.drop_duplicates("cand").sort_values("cand")[["cand", "item", "value_key", "attribute"]]
    cand_item = cand_table["item"].to_numpy().astype(np.int64)
    n_items = int(claims["item"].max()) + 1 if len(claims) else 0
    item_start = np.searchsorted(cand_item, np.arange(n_items)).astype(np.int64)
    cands_per_item = np.diff(np.r_[item_start, len(cand_item)])

    item_table = claims.drop_duplicates("item").sort_values("item")[["item", "subject", "attribute"]]
    multi = np.zeros(n_items, dtype=bool)
    domain = np.full(n_items, float(rules.solver.domain_size))
    for attribute, idx in item_table.groupby("attribute", observed=True).groups.items():
        rule = rules.attribute_rule(str(attribute))
        pos = item_table.index.get_indexer(idx)
        ids = item_table["item"].to_numpy()[pos]
        multi[ids] = rule.multi_valued
        domain[ids] = rule.domain_size or (len(rule.values) if rule.values and rule.closed else
                                           max(len(rule.values), rules.solver.domain_size))
    n_false = np.maximum(domain, cands_per_item) - 1.0

    # a source asserting k candidates of one single-valued item gets 1/k of the weight on each
    a_item = cand_item[a_cand]
    src_item = a_source * max(n_items, 1) + a_item
    _, inv, k = np.unique(src_item, return_inverse=True, return_counts=True)
    split = np.where(multi[a_item], 1.0, 1.0 / k[inv])
    a_w = a_w * split

    # display value of a candidate: its most frequent raw value (ties: the smaller string)
    display = (claims.groupby(["cand", "value"], sort=True, observed=True).size().reset_index(name="n")
               .sort_values(["cand", "n", "value"], ascending=[True, False, True]).drop_duplicates("cand"))
    cands = pd.DataFrame({"item": cand_item, "value_key": cand_table["value_key"].to_numpy(),
                          "value": display["value"].to_numpy()})
    part = Partition(a_source, a_cand, a_w, cand_item, item_start, n_false, multi, len(sources))
    items_df = item_table[["subject", "attribute"]].reset_index(drop=True)
    return Problem(part=part, claims=claims, items=items_df, cands=cands, sources=sources)
