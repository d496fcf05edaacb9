"""Training data, fitting and threshold choice of the learned extraction stage (reconcile/extract/learned.py).

Shared by bench/train_extractor.py (the shipped weights) and bench/extract_learned_cv.py (leave-one-split-out
cross-validation). Every candidate of the development set's articles is collected once, with the rules as
they are and the model out of the loop (extract_feed(..., candidates=...)); its label is whether its
(article, place, value) key, resolved exactly as bench/devset.py resolves it, is a labelled claim. A key's
probability is the highest of its candidates' (a claim said in two sentences is one claim), and a split's
precision and recall are counted on keys, as bench/devset.py counts them.

TRAIN_SPLITS (reconcile/extract/learned.py) is an explicit constant: a split added to data/devset/ later is
never trained on.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from bench.devset import Scorer, load_articles, table, write_feed
from reconcile.extract import extract_feed, load_extract_rules
from reconcile.extract.learned import TRAIN_SPLITS

CS = (0.03, 0.1, 0.3, 1.0)  # inverse L2 strengths tried; one is chosen with the threshold by inner cross-validation
THRESHOLDS = tuple(round(0.05 + 0.01 * k, 2) for k in range(91))  # 0.05 .. 0.95


@dataclass
class Data:
    split: list[str]  # per candidate
    key: list[tuple[str, str, str]]
    features: list[dict[str, float]]
    rule: np.ndarray  # bool: the rules emitted it
    label: np.ndarray  # bool: its key is labelled
    gold: dict[str, set[tuple[str, str, str]]]  # split -> labelled keys
    sentence: list[str]  # per candidate (to read errors, never a feature)

    def rows(self, splits: tuple[str, ...]) -> np.ndarray:
        return np.array([s in splits for s in self.split], dtype=bool)


def collect(rules_dir: str | Path, splits: tuple[str, ...] = TRAIN_SPLITS) -> Data:
    rules = load_extract_rules(rules_dir)
    if rules.learned.enabled:  # candidates are the rules' and the relaxed ones, never the model's own choice
        rules = rules.model_copy(update={"learned": rules.learned.model_copy(update={"enabled": False})})
    arts = load_articles(splits)
    split_of = {a["id"]: a["split"] for a in arts}
    sink: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "devset.jsonl"
        by_record = write_feed(arts, feed)
        extract_feed([feed], rules, candidates=sink)
    for c in sink:
        c["article"] = by_record[c["article_id"]]
    return from_sink(sink, rules, arts, splits)


def from_sink(sink: list[dict], rules, arts: list[dict], splits: tuple[str, ...]) -> Data:
    """Labelled data from collected candidates (each with its development-set article id in `article`)."""
    split_of = {a["id"]: a["split"] for a in arts}
    scorer = Scorer(rules, arts)
    keys = [scorer.key(c["article"], c["subject"], c["value"]) for c in sink]
    gold = {s: {k for k in scorer.gold if split_of[k[0]] == s} for s in splits}
    return Data([split_of[k[0]] for k in keys], keys, [c["features"] for c in sink],
                np.array([c["rule"] for c in sink], dtype=bool), np.array([k in scorer.gold for k in keys]), gold,
                [c["sentence"] for c in sink])


@dataclass
class Model:
    vec: DictVectorizer
    clf: LogisticRegression

    def proba(self, feats: list[dict[str, float]]) -> np.ndarray:
        return self.clf.predict_proba(self.vec.transform(feats))[:, 1]

    def weights(self) -> tuple[float, dict[str, float]]:
        names = self.vec.get_feature_names_out()
        coef = {str(n): round(float(w), 6) for n, w in zip(names, self.clf.coef_[0]) if abs(w) >= 5e-7}
        return round(float(self.clf.intercept_[0]), 6), dict(sorted(coef.items()))


def fit(data: Data, splits: tuple[str, ...], c: float) -> Model:
    m = data.rows(splits)
    feats = [f for f, k in zip(data.features, m) if k]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform(feats)
    # lbfgs: a deterministic solver (no shuffling, no random tie-breaks)
    clf = LogisticRegression(C=c, solver="lbfgs", max_iter=5000, tol=1e-6)
    clf.fit(x, data.label[m])
    return Model(vec, clf)


def key_scores(data: Data, splits: tuple[str, ...], proba: np.ndarray) -> dict[tuple[str, str, str], float]:
    """Highest probability of each key's candidates among the rows of `splits` (proba: one per such row)."""
    out: dict[tuple[str, str, str], float] = {}
    rows = np.flatnonzero(data.rows(splits))
    for r, p in zip(rows, proba):
        k = data.key[r]
        out[k] = max(out.get(k, 0.0), float(p))
    return out


def predicted(scores: dict[tuple[str, str, str], float], threshold: float) -> set[tuple[str, str, str]]:
    return {k for k, p in scores.items() if p >= threshold}


def rules_only(data: Data, splits: tuple[str, ...]) -> set[tuple[str, str, str]]:
    return {data.key[r] for r in np.flatnonzero(data.rows(splits) & data.rule)}


def f1(gold: set, pred: set) -> float:
    tp = len(gold & pred)
    return 2 * tp / (len(gold) + len(pred)) if gold or pred else 0.0


def out_of_fold(data: Data, splits: tuple[str, ...], c: float) -> dict[tuple[str, str, str], float]:
    """Each split's keys scored by a model trained on the other splits of `splits`."""
    scores: dict[tuple[str, str, str], float] = {}
    for held in splits:
        rest = tuple(s for s in splits if s != held)
        model = fit(data, rest, c)
        m = data.rows((held,))
        scores.update(key_scores(data, (held,), model.proba([f for f, k in zip(data.features, m) if k])))
    return scores


def choose(data: Data, splits: tuple[str, ...]) -> tuple[float, float, float]:
    """(C, threshold, F1): the pair with the best F1 over the out-of-fold keys of `splits` (leave one split out
    among them); ties go to the stronger regularisation, then the higher threshold."""
    gold = set().union(*(data.gold[s] for s in splits))
    best: tuple[float, float, float, float] | None = None
    for c in CS:
        scores = out_of_fold(data, splits, c)
        for t in THRESHOLDS:
            score = round(f1(gold, predicted(scores, t)), 9)
            key = (score, -c, t, c)
            if best is None or key > best:
                best = key
    assert best is not None
    return best[3], best[2], best[0]


def without_rule_features(data: Data) -> Data:
    """The same candidates without any feature that says what the rules made of them (rule=..., rule_claims=...):
    a model that cannot lean on the rules' decisions, which are in-sample on the splits the rules were tuned on."""
    data.features = [{k: v for k, v in f.items() if not k.startswith(("rule", "norule"))} for f in data.features]
    return data


def candidate_recall(data: Data, split: str) -> tuple[int, int, int]:
    """(labelled keys, among the rules' claims, among all candidates) of a split."""
    g = data.gold[split]
    return len(g), len(g & rules_only(data, (split,))), len(g & {data.key[r] for r in np.flatnonzero(data.rows((split,)))})


__all__ = ["TRAIN_SPLITS", "Data", "Model", "collect", "fit", "key_scores", "predicted", "rules_only",
           "choose", "candidate_recall", "without_rule_features", "table", "f1"]
