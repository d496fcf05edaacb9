"""The shortcuts that make extraction fast must not change what it extracts.

- the parse pre-filter (only sentences with a place and a predicate word are parsed) keeps every claim:
  the seed and the development set give the same claims when every sentence is parsed;
- the Aho-Corasick pre-test of lexicon phrases finds what a search with every phrase's regex finds.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from reconcile.extract import extract_feed, load_extract_rules
from reconcile.extract.events import SentenceExtractor
from reconcile.extract.matching import Gazetteer
from reconcile.extract.parsed import ParseStage
from reconcile.extract.textutil import Hit, find_phrases, phrase_regex

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed_articles.txt"
# splits kept from the extractor until their single scoring (data/devset/README.md); fresh2 was scored in session 4,
# fresh3 in session 5; fresh4 (session 6) stays out so that no one tuning the extractor sees its claims
UNSEEN: tuple[str, ...] = ("fresh4",)


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


@pytest.fixture(scope="module")
def devset(tmp_path_factory) -> Path:
    """The development set without its unseen split."""
    lines = (ROOT / "data" / "devset" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("devset") / "articles.jsonl"
    path.write_text("".join(line + "\n" for line in lines if line.strip() and json.loads(line)["split"] not in UNSEEN),
                    encoding="utf-8")
    return path


def _claims(rules, devset: Path) -> list[pd.DataFrame]:
    seed, _ = extract_feed([SEED], rules, published_at=datetime(2021, 7, 7, tzinfo=timezone.utc))
    dev, _ = extract_feed([devset], rules)
    return [seed, dev]


def test_parse_prefilter_keeps_every_claim(rules, devset, monkeypatch):
    parsed: list[int] = []
    real = ParseStage.parse_all

    def counting(self, jobs):
        parsed.append(len(jobs))
        return real(self, jobs)

    monkeypatch.setattr(ParseStage, "parse_all", counting)
    filtered = _claims(rules, devset)
    monkeypatch.setattr(ParseStage, "candidates", lambda self, text, sents, ap: list(sents))
    everything = _claims(rules, devset)
    assert parsed[2] + parsed[3] > parsed[0] + parsed[1]  # the filter did leave sentences out
    for a, b in zip(filtered, everything):
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b)


def _naive(text: str, items: list, lo: int, hi: int) -> list[Hit]:
    """find_phrases without any pre-test: every phrase's regex over the text."""
    hits = [Hit(m.start(), m.end(), key, m.group(0)) for phrase, key in items
            for m in phrase_regex(phrase).finditer(text, lo, hi) if m.end() > m.start()]
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    taken: list[Hit] = []
    for h in hits:
        if all(h.end <= t.start or h.start >= t.end for t in taken):
            taken.append(h)
    return sorted(taken, key=lambda h: h.start)


def test_phrase_pretest_finds_what_every_regex_finds(rules, devset):
    gaz = Gazetteer(rules)
    ex = SentenceExtractor(rules, gaz)
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line.strip()]
    lists = [ex.event_items, ex.hedge_items, ex.neg_items, gaz.items, gaz.actor_items]
    found = 0
    for text in texts:
        for items in lists:
            for lo, hi in ((0, len(text)), (len(text) // 3, 2 * len(text) // 3)):
                got = find_phrases(text, items, lo, hi)
                assert got == _naive(text, items, lo, hi)
                found += len(got)
    assert found > 100
    # a list changed after its first use is indexed again
    items = [("captured", 0)]
    assert find_phrases("They captured and seized it.", items) == [Hit(5, 13, 0, "captured")]
    items.append(("seized", 1))
    assert [h.text for h in find_phrases("They captured and seized it.", items)] == ["captured", "seized"]


def test_articles_parsed_in_chunks_give_the_same_claims(rules, devset, monkeypatch):
    from reconcile.extract import pipeline

    whole, _ = extract_feed([devset], rules)
    monkeypatch.setattr(pipeline, "PARSE_CHUNK", 4)  # 29 articles: 8 nlp.pipe calls
    chunked, _ = extract_feed([devset], rules)
    assert len(whole) > 50
    pd.testing.assert_frame_equal(whole, chunked)
