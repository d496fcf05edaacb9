"""The learned decision stage of extraction: which candidate claims of an article to keep.

The rules (events.py, frames.py) decide alone when `extract.learned.enabled` is false. When it is true, each
candidate of an article (extract/learned_features.py: the rules' control claims and the relaxed candidates of
its parsed sentences) is scored by a logistic model, p = 1 / (1 + exp(-(b + sum of the weights of its
features))), and kept when p reaches the threshold. The weights and the threshold come from a small JSON file
written by `python -m bench.train_extractor` from the labelled development set (data/devset/); scoring needs no
machine-learning library, only the dictionary of weights. A rule's claim that is kept stays as the rules made it
(its weight, time, hedges); a relaxed candidate becomes a claim of weight p, trigger "learned: <nearest predicate word>", with the
time of the sentence's only time expression if it has exactly one.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RulesError
from .events import SentenceClaim
from .learned_features import (ArticleContext, Candidate, Lexicon, SentenceInput, article_values, key_features,
                               sentence_candidates)
from .model import ExtractRules
from .timex import TimeSpan

if TYPE_CHECKING:
    from .article_places import ArticlePlaces
    from .parsed import ParseStage

WEIGHTS = Path(__file__).with_name("learned_weights.json")
# the development-set splits the shipped weights are trained on: an explicit list, so that a split added to
# data/devset/ later is never trained on and can be scored blind
TRAIN_SPLITS = ("dev", "test", "holdout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5")
ATTRIBUTE = "control"


@dataclass(frozen=True)
class Weights:
    intercept: float
    coef: dict[str, float]
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.coef.get(k, 0.0) * v for k, v in sorted(features.items()))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=4)
def load_weights(path: str) -> Weights:
    p = Path(path) if path else WEIGHTS
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        return Weights(float(raw["intercept"]), {str(k): float(v) for k, v in raw["coef"].items()},
                       float(raw["threshold"]))
    except FileNotFoundError as exc:
        raise RulesError([f"{p}: extract.learned.weights: no such file (make one with "
                          f"`python -m bench.train_extractor --out {p}`)"]) from exc
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError([f"{p}: extract.learned.weights: not a weights file ({exc.__class__.__name__}: {exc}); "
                          f"expected JSON with intercept, coef and threshold"]) from exc


class LearnedStage:
    """Builds an article's candidates; keeps those the model scores high enough (when `decide` is on) and
    hands every candidate to `sink` (training and cross-validation collect them there)."""

    def __init__(self, rules: ExtractRules, stage: ParseStage | None, decide: bool,
                 sink: list[dict[str, Any]] | None = None):
        self.rules, self.stage, self.sink = rules, stage, sink
        self.weights = load_weights(rules.learned.weights) if decide else None
        self.threshold = (rules.learned.threshold or self.weights.threshold) if self.weights else 1.0
        fr = rules.frames
        preds: dict[str, str] = {}
        for pr in (fr.predicates if fr is not None else []):
            for lem in pr.lemmas:
                preds.setdefault(lem.lower(), pr.value)
        reader = stage.reader if stage is not None else None
        self.lexicon = Lexicon(
            lemma=reader.lemma if reader is not None else (lambda t: str(t.lower_)),
            predicates=preds,
            reporting=frozenset(w.lower() for w in (fr.report_lemmas if fr else [])),
            negating=frozenset(w.lower() for w in (fr.negating_lemmas + fr.counterclaim_lemmas if fr else [])),
            attempts=frozenset(w.lower() for w in (fr.attempt_lemmas if fr else [])))

    def _is_area(self, name: str) -> bool:
        return self.stage is not None and self.stage.kinds.is_area(name)

    def _is_facility(self, name: str) -> bool:
        return self.stage is not None and self.stage.kinds.facility_place(name) not in (None, name)

    @staticmethod
    def decides(c: SentenceClaim) -> bool:
        """The claims the stage re-decides: control claims the text states (not one derived from a facility)."""
        return c.attribute == ATTRIBUTE and not c.via

    def sentence(self, s: int, e: int, headline: bool, index: int, claims: list[SentenceClaim],
                 lexicon: set[tuple[str, str]], ap: ArticlePlaces | None, speaker: bool) -> SentenceInput:
        doc = ap.parsed.get((s, e)) if ap is not None else None
        sides = self.stage._sides(doc, ap.profile) if doc is not None and ap is not None and self.stage else []
        return SentenceInput(s, e, headline, index, [c for c in claims if self.decides(c)], lexicon, doc,
                             ap.inside(s, e) if ap is not None else [], sides, speaker)

    def article(self, article_id: str, text: str, year: int | None, ap: ArticlePlaces | None,
                sentences: list[SentenceInput], times: list[list[TimeSpan]]) -> list[list[SentenceClaim]]:
        """The control claims to keep for each sentence (the rules' own when the model does not decide)."""
        profile = ap.profile if ap is not None else None
        spans = ap.spans if ap is not None else []
        counts: dict[str, int] = {}
        for _, _, names in spans:
            counts[names[0]] = counts.get(names[0], 0) + 1
        pairs = {(c.subject, c.value) for si in sentences for c in si.claims}
        ctx = ArticleContext(profile=profile, year=year, mention_counts=counts, rule_pairs=pairs,
                             rule_places={p for p, _ in pairs},
                             values=article_values(profile, sorted({v for _, v in pairs})),
                             is_area=self._is_area, is_facility=self._is_facility)
        per_sentence = [sentence_candidates(si, ctx, self.lexicon, text) for si in sentences]
        keys = key_features(per_sentence)
        if self.sink is not None:
            self.sink += [{"article_id": article_id, "subject": k[0], "value": k[1], "rule": rule,
                           "features": f, "sentence": next(text[si.start:si.end] for si, cands in
                                                            zip(sentences, per_sentence)
                                                            if any((c.subject, c.value) == k for c in cands))}
                          for k, (f, rule) in keys.items()]
        if self.weights is None:
            return [si.claims for si in sentences]
        return self._keep(keys, per_sentence, times)

    def _keep(self, keys: dict[tuple[str, str], tuple[dict[str, float], bool]], per_sentence: list[list[Candidate]],
              times: list[list[TimeSpan]]) -> list[list[SentenceClaim]]:
        """Each kept (place, value) of the article: all the rules' claims of it where the rules made any, else one
        claim in the sentence whose own candidate scores highest (the first such sentence on a tie)."""
        w = self.weights
        assert w is not None
        scores = {k: w.probability(f) for k, (f, _) in keys.items()}
        out: list[list[SentenceClaim]] = [[] for _ in per_sentence]
        best: dict[tuple[str, str], tuple[float, int, Candidate]] = {}
        for n, cands in enumerate(per_sentence):
            for c in cands:
                k = (c.subject, c.value)
                if scores[k] < self.threshold:
                    continue
                if keys[k][1]:
                    if c.rule is not None:
                        out[n].append(c.rule)
                    continue
                own = w.probability(c.features)
                if k not in best or own > best[k][0]:
                    best[k] = (own, n, c)
        for k, (_, n, c) in sorted(best.items(), key=lambda x: (x[1][1], x[0])):
            ts = times[n]
            out[n].append(SentenceClaim(c.subject, ATTRIBUTE, c.value, round(scores[k], 3), f"learned: {c.trigger}",
                                        time=ts[0] if len(ts) == 1 else None))
        return out
