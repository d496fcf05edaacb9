"""Leave-one-split-out cross-validation of the learned extraction stage against the rules alone.

    python -m bench.extract_learned_cv [--rules rules/] [--no-rule-features]

For each of the training splits (bench/learned_data.py TRAIN_SPLITS) the model is trained on the other seven,
its regularisation and threshold chosen by an inner leave-one-split-out cross-validation on those seven only,
and it decides the held-out split's candidates; precision and recall are counted on (article, place, value)
keys exactly as bench/devset.py counts them. "rules" is the rules' own output on the same split. Caution: the
rules were written while reading all these splits, so "rules" is an in-sample figure and so is the rules' part
of every candidate's features; bench/extract_learned_frozen.py measures both on splits the rules had not seen.
Prints Markdown tables (about a minute of CPU; run it under the shared heavy-job lock).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from bench.learned_data import (TRAIN_SPLITS, Data, candidate_recall, choose, collect, fit, key_scores, predicted,
                                rules_only, table, without_rule_features)

ROOT = Path(__file__).resolve().parent.parent


def _pr(gold: set, pred: set) -> str:
    tp = len(gold & pred)
    return f"{tp / len(pred) if pred else 0:.2f} / {tp / len(gold) if gold else 0:.2f}"


def cross_validate(data: Data, splits: tuple[str, ...] = TRAIN_SPLITS, excluded: tuple[str, ...] = ()
                   ) -> tuple[list[list[str]], set, set, set]:
    """Rows of the per-split table, and the union of gold, rules' and learned keys over held-out splits."""
    rows, all_gold, all_rules, all_learned = [], set(), set(), set()
    for held in splits:
        rest = tuple(s for s in TRAIN_SPLITS if s != held and s not in excluded)
        c, t, _ = choose(data, rest)
        model = fit(data, rest, c)
        mask = data.rows((held,))
        scores = key_scores(data, (held,), model.proba([f for f, k in zip(data.features, mask) if k]))
        gold, ruled, learned = data.gold[held], rules_only(data, (held,)), predicted(scores, t)
        n, in_rules, in_cands = candidate_recall(data, held)
        rows.append([held, str(n), f"{in_cands / n:.2f}", _pr(gold, ruled), _pr(gold, learned), f"{c:g}", f"{t:.2f}"])
        all_gold |= gold
        all_rules |= ruled
        all_learned |= learned
    return rows, all_gold, all_rules, all_learned


def print_tables(rows: list[list[str]], gold: set, ruled: set, learned: set) -> None:
    print("| held-out split | gold claims | candidate recall | rules P / R | learned P / R | C | threshold |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("| held-out keys, micro total | gold | rules P / R | learned P / R |")
    print("|---|---|---|---|")
    by_rules = {r["set"]: r for r in table(gold, ruled)}
    by_learned = {r["set"]: r for r in table(gold, learned)}
    for name in ("all", "outside Afghanistan", "no profile (generic fallback)"):
        a, b = by_rules[name], by_learned[name]
        print(f"| {name} | {a['gold']} | {a['precision']:.2f} / {a['recall']:.2f} | "
              f"{b['precision']:.2f} / {b['recall']:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", default=str(ROOT / "rules"))
    ap.add_argument("--no-rule-features", action="store_true",
                    help="train without the features that say what the rules made of a candidate")
    args = ap.parse_args()
    data = collect(args.rules)
    if args.no_rule_features:
        data = without_rule_features(data)
    print(f"candidates (article, place, value keys): {len(data.key)}, labelled: {int(data.label.sum())}, "
          f"made by the rules: {int(data.rule.sum())}\n")
    print_tables(*cross_validate(data))


if __name__ == "__main__":
    main()
