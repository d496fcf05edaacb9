"""The learned extraction stage trained and tested only on blind rules: each split read by the extractor frozen
at a commit that had not seen it.

    python -m bench.extract_learned_blind [--blind fresh2=909ce74 fresh3=1ff6c38 fresh4=22c403d fresh5=b1a3b8e]
                                          [--no-rule-features]

In bench/extract_learned_cv.py the "the rules made it" features are in-sample on every training split (the rules
were written reading them: 0.82 precise there, 0.53-0.66 on a split they had not seen), so a model learns to
trust them more than new text deserves. Here every split's candidates come from the extractor as it was before
that split was read (bench/extract_learned_frozen.py hooks the current candidate code into that tree), so the
rule features carry their blind reliability. Leave one of these splits out, train on the others (C and threshold
by an inner leave-one-split-out over them), compare with the frozen rules on the held split. The default commits
are trees nobody tuning the extractor had read the split in: for fresh4 and fresh5 the commits the lead scored
them blind on (data/devset/README.md), for fresh2 and fresh3 a commit of the session in which they were unseen
(their frozen scores equal the published session-start figures). Session 3's tree (fresh) cannot be hooked. About 4 minutes of CPU: run it under the shared heavy-job lock.
"""
from __future__ import annotations

import argparse

import numpy as np

from bench.extract_learned_cv import _pr
from bench.extract_learned_frozen import ROOT, frozen_candidates
from bench.learned_data import (TRAIN_SPLITS, Data, candidate_recall, choose, f1, fit, from_sink, key_scores,
                                predicted, rules_only, without_rule_features)
from bench.devset import load_articles
from reconcile.extract import load_extract_rules

BLIND = ("fresh2=909ce74", "fresh3=1ff6c38", "fresh4=22c403d", "fresh5=b1a3b8e")


def blind_data(pairs: list[tuple[str, str]]) -> Data:
    """One data set whose rows of split S come from the tree frozen at S's commit."""
    rules, arts = load_extract_rules(ROOT / "rules"), load_articles(TRAIN_SPLITS)
    out = Data([], [], [], np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), {}, [])
    rule, label = [], []
    for split, commit in pairs:
        d = from_sink(frozen_candidates(commit), rules, arts, TRAIN_SPLITS)
        for i in np.flatnonzero(d.rows((split,))):
            out.split.append(split)
            out.key.append(d.key[i])
            out.features.append(d.features[i])
            out.sentence.append(d.sentence[i])
            rule.append(bool(d.rule[i]))
            label.append(bool(d.label[i]))
        out.gold[split] = d.gold[split]
    out.rule, out.label = np.array(rule, dtype=bool), np.array(label, dtype=bool)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blind", nargs="+", default=list(BLIND), help="SPLIT=COMMIT: the split read by that commit")
    ap.add_argument("--no-rule-features", action="store_true",
                    help="train without the features that say what the rules made of a candidate")
    args = ap.parse_args()
    pairs = [(p.split("=", 1)[0], p.split("=", 1)[1]) for p in args.blind]
    data = blind_data(pairs)
    if args.no_rule_features:
        data = without_rule_features(data)
    splits = tuple(s for s, _ in pairs)
    print("| held-out split (frozen at) | gold | candidate recall | frozen rules P / R (F1) | learned P / R (F1) "
          "| C | threshold |")
    print("|---|---|---|---|---|---|---|")
    tot: list[set] = [set(), set(), set()]
    for held, commit in pairs:
        rest = tuple(s for s in splits if s != held)
        c, t, _ = choose(data, rest)
        mask = data.rows((held,))
        scores = key_scores(data, (held,), fit(data, rest, c).proba([f for f, k in zip(data.features, mask) if k]))
        gold, ruled, learned = data.gold[held], rules_only(data, (held,)), predicted(scores, t)
        n, _, in_cands = candidate_recall(data, held)
        print(f"| {held} ({commit}) | {n} | {in_cands / n:.2f} | {_pr(gold, ruled)} ({f1(gold, ruled):.2f}) | "
              f"{_pr(gold, learned)} ({f1(gold, learned):.2f}) | {c:g} | {t:.2f} |")
        for acc, new in zip(tot, (gold, ruled, learned)):
            acc |= new
    g, r, ll = tot
    print(f"| micro total | {len(g)} | | {_pr(g, r)} ({f1(g, r):.2f}) | {_pr(g, ll)} ({f1(g, ll):.2f}) | | |")


if __name__ == "__main__":
    main()
