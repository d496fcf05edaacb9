"""Day by day: does carrying the learned reliabilities (reconcile.daily.Carried, the same as `run --state`) help?

Two feeds, each scored per day with and without the state carried from the days before:
- flight (../shared/datasets/flight): its two collection days, 2011-12-01 then 2011-12-08 (split on `time`),
  each scored on its own gold items; rules/examples/flight.yaml;
- drift: a synthetic feed of 10 days with drifting source quality. Written here rather than with reconcile/synth
  because that generator draws one fixed reliability per source; this one needs a reliability per source and
  day. 40 sources start at Beta(4, 2) reliabilities and each moves by its own slope (uniform in +-0.03 a day,
  kept in [0.15, 0.95]); every day has 300 new subjects with 2 claims each from sources drawn uniformly (15
  claims per source per day: what a source did before matters; when two claims disagree only the sources'
  reliabilities decide), 10 possible values. Seeded. `drift-3`: the same with 3 claims per subject.

    python -m bench.daily            # prints the table (markdown) and writes bench/daily.csv
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.daily import Carried
from reconcile.evaluation.gold import read_gold, score
from reconcile.rules import load_rules

from .common import BENCH, DATASETS, RULES

FORGET = ((0.5, "day"), (0.1, "run"), (0.5, "run"), (1.0, "run"))  # (forget, per); the first is the default


def _score(result, gold, rules) -> dict:
    s = score(result.verdicts, gold, rules).summary
    return {"gold_items": s["gold_items"], "accuracy": s["accuracy"], "ece": s["ece"], "brier": s["brier"]}


def _days(name, days, rules, forgets=FORGET) -> list[dict]:
    """days: [(label, claims frame, as_of, gold)]. Fresh = each day alone; carried = state from the days before."""
    rows = []
    fresh = [_score(Carried(rules).apply(claims, as_of), gold, rules) for _, claims, as_of, gold in days]
    for forget, per in forgets:
        model = Carried(rules, forget=forget, per=per)
        for (label, claims, as_of, gold), alone in zip(days, fresh):
            carried = _score(model.fit(claims, as_of), gold, rules)
            rows.append({"feed": name, "day": label, "forget": forget, "per": per, "gold_items": alone["gold_items"],
                         **{f"{k}_alone": alone[k] for k in ("accuracy", "ece", "brier")},
                         **{f"{k}_carried": carried[k] for k in ("accuracy", "ece", "brier")}})
    return rows


def flight_days() -> tuple[list, object]:
    rules = load_rules(RULES / "flight.yaml").rules
    claims = pd.read_csv(DATASETS / "flight" / "claims.csv.gz", dtype=str, keep_default_na=False)
    gold = read_gold(str(DATASETS / "flight" / "truth.csv"))
    days = []
    for day in sorted(claims["time"].unique()):
        days.append((day, claims[claims["time"] == day].reset_index(drop=True), f"{day}T23:59:59Z",
                     gold[gold["subject"].str.startswith(day + "|")]))
    return days, rules


def drift_days(n_days=10, n_sources=40, subjects=300, per_subject=2, domain=10, seed=11) -> tuple[list, object]:
    rng = np.random.default_rng(seed)
    base = rng.beta(4, 2, n_sources)
    slope = rng.uniform(-0.03, 0.03, n_sources)
    rules = load_rules(BENCH / "rules-daily-drift.yaml").rules
    names = np.array([f"src{i:02d}" for i in range(n_sources)])
    days = []
    for d in range(n_days):
        rel = np.clip(base + slope * d, 0.15, 0.95)
        truth = rng.integers(0, domain, subjects)
        src = np.stack([rng.choice(n_sources, per_subject, replace=False) for _ in range(subjects)]).ravel()
        subj = np.repeat(np.arange(subjects), per_subject)
        right = rng.random(len(src)) < rel[src]
        wrong = (truth[subj] + rng.integers(1, domain, len(src))) % domain  # a uniformly drawn other value
        value = np.where(right, truth[subj], wrong)
        day = f"2024-03-{d + 1:02d}"
        claims = pd.DataFrame({"source": names[src], "subject": [f"{day}|s{i}" for i in subj],
                               "attribute": "status", "value": [f"v{v}" for v in value],
                               "published_at": f"{day}T12:00:00Z"})
        gold = pd.DataFrame({"subject": [f"{day}|s{i}" for i in range(subjects)], "attribute": "status",
                             "value": [f"v{v}" for v in truth]})
        days.append((day, claims, f"{day}T23:59:59Z", gold))
    return days, rules


def table(frame: pd.DataFrame) -> str:
    cols = ["feed", "day", "forget", "per", "gold_items", "accuracy_alone", "accuracy_carried", "ece_alone", "ece_carried",
            "brier_alone", "brier_carried"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in frame[cols].itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) and c != "forget" else str(v)
                                       for c, v in zip(cols, r)) + " |")
    return "\n".join(lines)


def main() -> int:
    rows = []
    for name, make in (("flight", flight_days), ("drift", drift_days),
                       ("drift-3", lambda: drift_days(per_subject=3))):
        days, rules = make()
        rows += _days(name, days, rules)
    frame = pd.DataFrame(rows)
    frame.to_csv(BENCH / "daily.csv", index=False, float_format="%.4f")
    print(table(frame))
    worse = frame[frame["accuracy_carried"] < frame["accuracy_alone"] - 1e-12]
    print(f"\ndays where carrying is less accurate than starting fresh: {len(worse)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
