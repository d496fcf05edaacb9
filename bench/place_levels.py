"""Place verdicts scored at the leaf and at their own level, on a seeded feed of real GeoNames places.

    python -m bench.place_levels [--subjects 400] [--seed 1]

Each subject's true place is a city (population 100,000+, drawn from the gazetteer). Ten sources of drawn
reliability r (0.45..0.95) each speak on about half the subjects: with probability r they are right, naming the
city (written "City", "City, State" or "City, Country"), its province or its country (a coarse but true claim:
60 / 25 / 15%); otherwise they name another city of the same country. The feed is solved twice, with
`kind: place` and with plain folded text (the values as strings), and scored against the city: accuracy and ECE
at the leaf, and at the verdict's own level (a verdict above the gold city counts as right: `evaluate`'s
accuracy_at_verdict_level). Prints a Markdown table. Nothing here is fitted to anything.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from reconcile.evaluation.gold import score
from reconcile.pipeline import reconcile_frame
from reconcile.places import SEP, place_index
from reconcile.rules.model import Rules


def feed(subjects: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    index = place_index()
    cities = [i for i, k in enumerate(index.kind) if k == "city" and index.population[i] >= 100_000
              and len(index.path[i].split(SEP)) == 3]
    by_country: dict[str, list[int]] = {}
    for i in cities:
        by_country.setdefault(index.path[i].split(SEP)[-1], []).append(i)
    cities = [i for i in cities if len(by_country[index.path[i].split(SEP)[-1]]) > 1]
    reliability = rng.uniform(0.45, 0.95, size=10)
    rows, gold = [], []
    for s in range(subjects):
        truth = cities[int(rng.integers(len(cities)))]
        city, state, country = index.path[truth].split(SEP)
        gold.append((f"p{s}", "born", city if index.path[truth] == _read(city) else index.path[truth]))
        for src in range(10):
            if rng.random() >= 0.5:
                continue
            if rng.random() < reliability[src]:
                level = rng.choice(3, p=[0.6, 0.25, 0.15])
                value = [rng.choice([city, f"{city}, {state}", f"{city}, {country}"]), f"{state} province",
                         country][level]
            else:
                others = [i for i in by_country[country] if i != truth]
                value = index.path[others[int(rng.integers(len(others)))]].split(SEP)[0]
            rows.append((f"src{src}", f"p{s}", "born", str(value)))
    return (pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"]),
            pd.DataFrame(gold, columns=["subject", "attribute", "value"]))


def _read(name: str) -> str:
    from reconcile.places import readings

    return readings(name)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    claims, gold = feed(args.subjects, args.seed)
    place = Rules.model_validate({"version": 1, "attributes": {"born": {"kind": "place"}}})
    plain = Rules.model_validate({"version": 1})
    print(f"{len(claims)} claims on {args.subjects} subjects, seed {args.seed}\n")
    print("| values read as | accuracy (leaf) | ECE (leaf) | accuracy (verdict's level) | ECE (verdict's level) "
          "| correct but coarse |")
    print("|---|---|---|---|---|---|")
    for name, rules in (("kind: place", place), ("plain text", plain)):
        verdicts = reconcile_frame(claims, rules).verdicts
        s = score(verdicts, gold, place).summary  # both scored with the place matcher (same gold reading)
        print(f"| {name} | {s['accuracy']:.3f} | {s['ece']:.3f} | {s['accuracy_at_verdict_level']:.3f} | "
              f"{s['ece_at_verdict_level']:.3f} | {s['correct_but_coarse']} |")


if __name__ == "__main__":
    main()
