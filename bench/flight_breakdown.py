"""Flight, taken apart: accuracy per collection day and attribute, and the sources' copy structure.

    python -m bench.flight_breakdown [--days 2011-12-01,2011-12-08] [--pairs 40]

Prints Markdown tables:

1. Accuracy of our methods (`accu`, `accu-nocopy`, `majority`) per day and attribute, on the flight feed and
   on the feed without the airlines' own sites (aa, ua, CO; bench/datasets.py AIRLINES). Each day is solved on
   its own claims (the development protocol: look at one day's errors, check the other).
2. The copy structure of one day without looking at the truth: for each source pair that shares at least 50
   items, the items where the two name different value keys (`diff`), against the number expected if the
   second source drew its value from the item's other sources (`expected`: the sum over shared items of
   1 - (sources naming that value - 1 - same) / (sources on the item - 2), averaged over both directions).
   A pair that copies differs far less often than expected (`ratio` = expected / max(diff, 0.5) large); two
   independent sources differ about as often as expected (ratio near 1), whichever of them the truth favours.
   `flagged` is whether accu's copy detector reports the pair (copies.csv).
3. The same between copy groups (sources linked by near-verbatim pairs): whether the groups that carry one
   value on contested items are copies of each other or independent reports.

Nothing here enters the solver; it is the evidence behind docs/benchmarks.md's note on flight.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.evaluation.gold import read_gold, score
from reconcile.pipeline import load_feeds, solve
from reconcile.rules import load_rules

from .calibration import markdown
from .common import DATASETS, RULES
from .datasets import AIRLINES, nocopy

METHODS = {"accu": ("accu", True), "accu-nocopy": ("accu", False), "majority": ("majority", True)}
MIN_SHARED = 50
GROUP_RATIO = 10.0  # expected / observed differences at which a pair counts as (near-)verbatim copies
GROUP_SHARED = 500  # ... over at least this many shared items (a small accurate source agrees with everyone)


def day_feed(claims: pd.DataFrame, day: str, drop: tuple[str, ...], work: Path) -> Path:
    sub = claims[(claims["time"] == day) & ~claims["source"].isin(drop)]
    path = work / f"flight-{day}-{len(drop)}.csv.gz"
    sub.to_csv(path, index=False)
    return path


def per_attribute(verdicts: pd.DataFrame, gold: pd.DataFrame, rules) -> dict[str, float]:
    joined = score(verdicts, gold, rules).joined
    joined = joined[joined["subject"].isin(set(verdicts["subject"]))]
    attribute = joined["subject"].str.rsplit("|", n=1).str[-1]
    out = joined.groupby(attribute)["correct"].mean().to_dict()
    out["all"] = float(joined["correct"].mean())
    out["gold items"] = float(len(joined))
    return out


def pair_structure(claims: pd.DataFrame) -> pd.DataFrame:
    """Observed and expected differing items per source pair (value keys of one day's accepted claims)."""
    c = claims[["source", "subject", "attribute", "value_key"]].astype(str)
    c = c.assign(item=c["subject"] + "|" + c["attribute"]).drop_duplicates(["source", "item"])
    c = c.merge(c.groupby(["item", "value_key"]).size().rename("k").reset_index(), on=["item", "value_key"])
    c = c.merge(c.groupby("item").size().rename("n").reset_index(), on="item")
    c = c[c["n"] >= 3]
    m = c.merge(c[["item", "source", "value_key"]], on="item", suffixes=("_a", "_b"))
    m = m[m["source_a"] < m["source_b"]]
    same = (m["value_key_a"] == m["value_key_b"]).astype(int)
    k_b = m[["item", "value_key_b"]].merge(c[["item", "value_key", "k"]].drop_duplicates(["item", "value_key"]),
                                           left_on=["item", "value_key_b"], right_on=["item", "value_key"],
                                           how="left")["k"].to_numpy()
    # each source's value drawn from the item's other sources, averaged over both directions
    p_same = ((m["k"].to_numpy() - 1 - same) / (m["n"] - 2) + (k_b - 1 - same) / (m["n"] - 2)).clip(lower=0) / 2
    m = m.assign(diff=1 - same, expected=1 - p_same)
    g = m.groupby(["source_a", "source_b"]).agg(shared=("diff", "size"), diff=("diff", "sum"),
                                                expected=("expected", "sum")).reset_index()
    g = g[g["shared"] >= MIN_SHARED]
    return g.assign(ratio=g["expected"] / g["diff"].clip(lower=0.5))


def copy_groups(structure: pd.DataFrame) -> pd.DataFrame:
    """Sources linked by near-verbatim pairs (ratio >= GROUP_RATIO over >= GROUP_SHARED items) form a group; per pair of groups, the
    summed observed and expected differences over their members' pairs."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    names = pd.Index(sorted(set(structure["source_a"]) | set(structure["source_b"])))
    tight = structure[(structure["ratio"] >= GROUP_RATIO) & (structure["shared"] >= GROUP_SHARED)]
    a, b = names.get_indexer(tight["source_a"]), names.get_indexer(tight["source_b"])
    _, label = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(len(names),) * 2), directed=False)
    members = pd.Series(names, index=names).groupby(label).agg(lambda s: "+".join(s))
    ga = members.to_numpy()[label[names.get_indexer(structure["source_a"])]]
    gb = members.to_numpy()[label[names.get_indexer(structure["source_b"])]]
    between = structure.assign(group_a=np.minimum(ga, gb), group_b=np.maximum(ga, gb))
    between = between[between["group_a"] != between["group_b"]]
    out = between.groupby(["group_a", "group_b"]).agg(shared=("shared", "sum"), diff=("diff", "sum"),
                                                      expected=("expected", "sum")).reset_index()
    out = out[out["shared"] >= 1000]
    out = out.assign(ratio=out["expected"] / out["diff"].clip(lower=0.5))
    return out.sort_values("ratio", ascending=False).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", default="2011-12-01,2011-12-08", help="comma-separated collection days")
    ap.add_argument("--pairs", type=int, default=40, help="rows of the pair table")
    ap.add_argument("--structure-only", action="store_true", help="only the copy-structure tables (first day)")
    args = ap.parse_args(argv)
    folder = DATASETS / "flight"
    rules = load_rules(str(RULES / "flight.yaml")).rules
    gold = read_gold(str(folder / "truth.csv"))
    claims = pd.read_csv(folder / "claims.csv.gz", dtype=str, keep_default_na=False)
    days = args.days.split(",")
    rows, structure = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for drop, variant in (((), "flight"), (AIRLINES, "flight-no-airlines")):
            for day in days[:1] if args.structure_only else days:
                table, _ = load_feeds([day_feed(claims, day, drop, Path(tmp))], rules)
                for method, (solver, copying) in list(METHODS.items())[:1 if args.structure_only else None]:
                    res = solve(table, rules if copying else nocopy(rules), solver)
                    rows.append({"variant": variant, "day": day, "method": method,
                                 **per_attribute(res.verdicts, gold, rules)})
                    if structure is None and method == "accu":
                        structure = pair_structure(res.claims)
                        flagged = res.copies[["source_a", "source_b"]].drop_duplicates()
                        structure = structure.merge(flagged.assign(flagged="yes"), how="left",
                                                    on=["source_a", "source_b"]).fillna({"flagged": "no"})
    table_ = pd.DataFrame(rows)
    table_["gold items"] = table_["gold items"].astype(int)
    if not args.structure_only:
        print("## Accuracy per day and attribute (each day solved on its own claims)\n")
        print(markdown(table_))
    assert structure is not None
    print(f"\n## Copy structure on {days[0]} (pairs sharing at least {MIN_SHARED} items), most dependent first\n")
    print(markdown(structure.sort_values("ratio", ascending=False).head(args.pairs)))
    groups = copy_groups(structure)
    print(f"\n## Between the copy groups (sources linked by pairs with ratio >= {GROUP_RATIO:g} "
          f"over at least {GROUP_SHARED} items), "
          f"pairs of groups sharing at least 1,000 items\n")
    print(markdown(groups.head(args.pairs)))

if __name__ == "__main__":
    main()
