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
prior plus the kept share of its evidence (right, total) so far (`forget` per day of --as-of between the runs, or
per run: `state.per`); after a fit the evidence is that share of the old one plus the day's.
`Carried.from_state(path)` starts from the latest run recorded in a state file.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .decisions import DecisionsFile
from .feed.validate import ClaimsTable, validate
from .pipeline import Result, _as_timestamp, solve
from .rules.model import Rules
from .state.store import StateStore, carried_priors, carried_share, carry_evidence

EVIDENCE = ["source", "attribute", "reliability", "right", "total"]


class Carried:
    """Learned source evidence carried between runs, with the rules it applies to."""

    def __init__(self, rules: Rules, evidence: pd.DataFrame | None = None, forget: float | None = None,
                 per: str | None = None, as_of: str | dt.date | None = None):
        self.rules = rules
        self.forget = rules.state.forget if forget is None else float(forget)
        self.per = rules.state.per if per is None else per
        self.evidence = pd.DataFrame(columns=EVIDENCE) if evidence is None else evidence[EVIDENCE].copy()
        self.as_of = _as_timestamp(as_of)  # of the last fit

    def share(self, as_of: pd.Timestamp | None) -> float:
        """How much of the evidence so far a run at `as_of` keeps."""
        if not len(self.evidence):
            return 0.0
        return carried_share(self.forget, self.per, self.as_of if self.as_of is not None else as_of, as_of) \
            if self.per == "day" else self.forget

    def priors(self, as_of: str | dt.date | None = None) -> pd.DataFrame:
        """The carried prior table fed to reconcile/sources.py: source, attribute, a, b pseudo-counts."""
        return carried_priors(self.evidence, self.share(_as_timestamp(as_of)))

    def _table(self, claims: pd.DataFrame, as_of: str | dt.date | None) -> ClaimsTable:
        frame = claims.astype({c: str for c in claims.columns if claims[c].dtype == object}).copy()
        frame["_file"] = "(dataframe)"
        frame["_row"] = range(1, len(frame) + 1)
        return validate([frame], self.rules, _as_timestamp(as_of))

    def apply(self, claims: pd.DataFrame, as_of: str | dt.date | None = None,
              decisions: DecisionsFile | None = None) -> Result:
        """Reconcile with the carried reliabilities as priors; the model does not change."""
        table = self._table(claims, as_of)
        return solve(table, self.rules, decisions=decisions, carried=self.priors(table.as_of))

    def fit(self, claims: pd.DataFrame, as_of: str | dt.date | None = None,
            decisions: DecisionsFile | None = None) -> Result:
        """`apply`, then carry this run's evidence forward (for the next day)."""
        table = self._table(claims, as_of)
        share = self.share(table.as_of)
        result = solve(table, self.rules, decisions=decisions, carried=carried_priors(self.evidence, share))
        self.evidence = carry_evidence(self.evidence, result.evidence, share)
        self.as_of = table.as_of
        return result

    def reliability(self) -> pd.Series:
        """Learned reliability per source (whole-source rows)."""
        whole = self.evidence[self.evidence["attribute"] == ""]
        return whole.set_index("source")["reliability"].astype(float)

    def save(self, path: str | Path) -> None:
        stamp = "" if self.as_of is None else self.as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.evidence.assign(forget=self.forget, per=self.per, as_of=stamp).to_parquet(path, index=False)

    @classmethod
    def load(cls, path: str | Path, rules: Rules) -> "Carried":
        frame = pd.read_parquet(path)
        if not len(frame):
            return cls(rules)
        first = frame.iloc[0]
        return cls(rules, frame, float(first["forget"]), str(first["per"]), first["as_of"] or None)

    @classmethod
    def from_state(cls, path: str | Path, rules: Rules) -> "Carried":
        with StateStore.open(path, wait=30.0, create=False) as store:
            runs = store.runs()
            last = runs.iloc[-1] if len(runs) else None
            evidence = store.evidence(int(last["run_id"]) if last is not None else None)
        return cls(rules, evidence, as_of=None if last is None else last["as_of"])
