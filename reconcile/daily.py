"""Python API for the daily loop: fit on day 1, carry what was learned, apply on day 2.

    from reconcile.daily import Carried
    from reconcile.rules import load_rules

    rules = load_rules("rules/").rules
    model = Carried(rules)                      # forget rate from rules.state.forget
    day1 = model.fit(claims_day1, as_of="2011-12-01T23:59:59Z")   # a Result; the model learns from it
    model.save("model.parquet")                 # the learned evidence per source and (source, attribute)
    model = Carried.load("model.parquet", rules)
    day2 = model.apply(claims_day2, as_of="2011-12-02T23:59:59Z") # day 1's reliabilities as priors, not learned
    day2 = model.fit(claims_day2, as_of=...)    # ... or learned from too, for day 3

The same numbers as `reconcile run --state` (reconcile/state): the carried prior of a source is the rules' Beta
prior plus `forget` x its evidence (right, total) so far; after a fit the evidence is `forget` x the old one plus
the day's. `Carried.from_state(path)` starts from the latest run recorded in a state file.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .feed.validate import validate
from .pipeline import Result, _as_timestamp, solve
from .rules.model import Rules
from .state.store import StateStore, carry_evidence

EVIDENCE = ["source", "attribute", "reliability", "right", "total"]


class Carried:
    """Learned source evidence carried between runs, with the rules it applies to."""

    def __init__(self, rules: Rules, evidence: pd.DataFrame | None = None, forget: float | None = None):
        self.rules = rules
        self.forget = rules.state.forget if forget is None else float(forget)
        self.evidence = pd.DataFrame(columns=EVIDENCE) if evidence is None else evidence[EVIDENCE].copy()

    def priors(self) -> pd.DataFrame:
        """The carried prior table fed to reconcile/sources.py: source, attribute, a, b pseudo-counts."""
        ev = self.evidence
        return pd.DataFrame({"source": ev["source"], "attribute": ev["attribute"],
                             "a": self.forget * ev["right"].astype(float),
                             "b": self.forget * (ev["total"].astype(float) - ev["right"].astype(float)).clip(lower=0)})

    def apply(self, claims: pd.DataFrame, as_of=None, decisions=None) -> Result:
        """Reconcile with the carried reliabilities as priors; the model does not change."""
        frame = claims.astype({c: str for c in claims.columns if claims[c].dtype == object}).copy()
        frame["_file"] = "(dataframe)"
        frame["_row"] = range(1, len(frame) + 1)
        table = validate([frame], self.rules, _as_timestamp(as_of))
        return solve(table, self.rules, decisions=decisions, carried=self.priors())

    def fit(self, claims: pd.DataFrame, as_of=None, decisions=None) -> Result:
        """`apply`, then carry this run's evidence forward (for the next day)."""
        result = self.apply(claims, as_of, decisions)
        self.evidence = carry_evidence(self.evidence, result.evidence, self.forget)
        return result

    def reliability(self) -> pd.Series:
        """Learned reliability per source (whole-source rows)."""
        whole = self.evidence[self.evidence["attribute"] == ""]
        return whole.set_index("source")["reliability"].astype(float)

    def save(self, path: str | Path) -> None:
        self.evidence.assign(forget=self.forget).to_parquet(path, index=False)

    @classmethod
    def load(cls, path: str | Path, rules: Rules) -> "Carried":
        frame = pd.read_parquet(path)
        return cls(rules, frame, float(frame["forget"].iloc[0]) if len(frame) else None)

    @classmethod
    def from_state(cls, path: str | Path, rules: Rules) -> "Carried":
        with StateStore.open(path, wait=30.0, create=False) as store:
            runs = store.runs()
            evidence = store.evidence(int(runs["run_id"].iloc[-1]) if len(runs) else None)
        return cls(rules, evidence)
