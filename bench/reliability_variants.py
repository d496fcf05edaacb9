"""How the default solver's reliability model changes flight's verdicts, per collection day and attribute.

    python -m bench.reliability_variants [--days 2011-12-01,2011-12-08] [--variants default,pooled,...]

Each variant is the flight rules (rules/examples/flight.yaml) with one setting changed, as a user would write it:

- `default`: `accu` as shipped (a reliability per (source, attribute), shrunk toward the source's overall one
  with `defaults.attribute_strength` = 10 pseudo-claims; copy detection; effective number of wrong values);
- `pooled`: one reliability per source across attributes (`solver.per_attribute: false`), the model behind
  PooledInvestment's single trust;
- `eb-strength`: `defaults.attribute_strength` set to its empirical-Bayes value on that feed: the strength k
  of a Beta(k m, k (1 - m)) spread of the (source, attribute) accuracies around their source's accuracy m,
  from the default fit by the method of moments, E[(p_sa - m)^2] - m (1 - m) / n_sa = m (1 - m) / (k + 1)
  (`eb_strength`);
- `no-copying`: `copying.enabled: false`; `no-effective`: `solver.effective_false: false`; `majority`: the
  textbook vote.

Every feed is solved on its own claims: the whole of flight, then each day alone (a stand-in for the days we do
not see), with and without the airlines' own sites (bench/datasets.py AIRLINES). Prints one Markdown table.
Nothing here enters the solver; docs/benchmarks.md ("What did not move flight") quotes its output.
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
from .flight_breakdown import day_feed, per_attribute

VARIANTS = ("default", "pooled", "eb-strength", "no-copying", "no-effective", "majority")
MIN_CELL = 5.0  # (source, attribute) cells with less claim weight are left out of the strength estimate


def eb_strength(claims: pd.DataFrame) -> float:
    """Empirical-Bayes strength of the per-attribute prior: how many claims a source's overall accuracy is worth
    on one of its attributes, from the spread of its attributes' accuracies under a fit (method of moments)."""
    w = claims["weight"].astype(float) * claims["copy_discount"].astype(float)
    c = claims.assign(w=w, r=w * claims["posterior"].astype(float))
    cells = c.groupby(["source", "attribute"], observed=True).agg(R=("r", "sum"), T=("w", "sum")).reset_index()
    per_source = cells.groupby("source", observed=True)[["R", "T"]].sum()
    m = (per_source["R"] / per_source["T"]).reindex(cells["source"]).to_numpy()
    p = (cells["R"] / cells["T"]).to_numpy()
    n = cells["T"].to_numpy()
    use = (n >= MIN_CELL) & (m > 0) & (m < 1)
    noise = m[use] * (1 - m[use])
    excess = float(np.sum((p[use] - m[use]) ** 2 - noise / n[use]))
    return float(np.sum(noise) / excess - 1.0) if excess > 0 else float("inf")


def variant(rules, name: str, claims_fit: pd.DataFrame | None):
    """(rules, solver) of one variant; `claims_fit`: the default fit's claims (for eb-strength)."""
    if name == "pooled":
        return rules.model_copy(update={"solver": rules.solver.model_copy(update={"per_attribute": False})}), "accu"
    if name == "no-effective":
        return rules.model_copy(update={"solver": rules.solver.model_copy(update={"effective_false": False})}), "accu"
    if name == "no-copying":
        return nocopy(rules), "accu"
    if name == "majority":
        return rules, "majority"
    if name == "eb-strength":
        assert claims_fit is not None
        k = max(eb_strength(claims_fit), 1e-3)
        defaults = rules.defaults.model_copy(update={"attribute_strength": k})
        return rules.model_copy(update={"defaults": defaults}), "accu"
    return rules, "accu"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", default="2011-12-01,2011-12-08", help="comma-separated collection days")
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of: {', '.join(VARIANTS)}")
    args = ap.parse_args(argv)
    folder = DATASETS / "flight"
    rules = load_rules(str(RULES / "flight.yaml")).rules
    gold = read_gold(str(folder / "truth.csv"))
    claims = pd.read_csv(folder / "claims.csv.gz", dtype=str, keep_default_na=False)
    names = args.variants.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for drop, feed_name in (((), "flight"), (AIRLINES, "flight-no-airlines")):
            for day in ["all"] + args.days.split(","):
                sub = claims[~claims["source"].isin(drop)] if day == "all" else None
                path = Path(tmp) / f"{feed_name}-all.csv.gz"
                if sub is not None:
                    sub.to_csv(path, index=False)
                else:
                    path = day_feed(claims, day, drop, Path(tmp))
                table, _ = load_feeds([path], rules)
                fitted = None
                for name in ["default"] + [n for n in names if n != "default"]:
                    r, solver = variant(rules, name, fitted)
                    res = solve(table, r, solver)
                    if name == "default":
                        fitted = res.claims
                    if name not in names:
                        continue
                    extra = {"ece": round(float(score(res.verdicts, gold, r).summary["ece"]), 4)}
                    if name == "eb-strength":
                        extra["strength"] = round(r.defaults.attribute_strength, 2)
                    rows.append({"feed": feed_name, "day": day, "variant": name, **per_attribute(res.verdicts, gold, r),
                                 **extra})
    out = pd.DataFrame(rows)
    out["gold items"] = out["gold items"].astype(int)
    print("## Flight accuracy per reliability model, feed, day and attribute (each feed solved on its own)\n")
    print(markdown(out))


if __name__ == "__main__":
    main()
