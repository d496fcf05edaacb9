"""Text-level copy evidence between outlets (reconcile/extract/overlap.py) and stats["source_overlap"]."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconcile.extract import extract_feed, load_extract_rules
from reconcile.extract.articles import assign_metadata, group_copies, mark_datelines, read_documents, split_articles
from reconcile.extract.overlap import COLUMNS, source_overlap

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/shared/seed/000_6cbc65840eaebfc3.txt")
if not SEED.exists():
    SEED = ROOT / "data" / "seed_articles.txt"
JULY7 = datetime(2021, 7, 7, tzinfo=timezone.utc)
BOILER = "Subscribe to our newsletter for the latest news and analysis delivered to your inbox every morning."


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def _body(tag: str, n: int = 60) -> str:
    """Unrelated filler text: words no other body shares."""
    return " ".join(f"{tag}w{i}" for i in range(n)) + "."


def _feed(tmp_path: Path, records: list[tuple[str, str, str]], name: str = "feed.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps({"source": s, "published_at": "2021-07-07T10:00:00Z", "title": t,
                                        "text": x}) + "\n" for s, t, x in records), encoding="utf-8")
    return path


def _overlap(path: Path, rules) -> list[dict]:
    return extract_feed([path], rules)[1]["source_overlap"]


@pytest.mark.skipif(not SEED.exists(), reason="seed feed not available")
def test_seed_khaama_repeats_and_credits_reuters(rules):
    stats = extract_feed([SEED], rules, published_at=JULY7)[1]
    rows = stats["source_overlap"]
    assert {(r["source_a"], r["source_b"], r["evidence"]) for r in rows} == {
        ("Khaama Press", "Reuters", "shared passage"), ("Khaama Press", "Reuters", "attribution")}
    by = {r["evidence"]: r for r in rows}
    passage, credit = by["shared passage"], by["attribution"]
    assert "state of disarray as security forces and people do not know what to do now" in passage["detail"]
    assert 0 < passage["score"] <= 1 and len(passage["detail"]) <= 160
    assert credit["detail"] == "told Reuters news agency" and credit["score"] == 1.0
    for r in rows:  # Khaama's article #3 against Reuters' #1 (their repeats #2, #4 are not pairs of their own)
        assert (r["article_a"], r["article_b"]) == (f"{SEED.name}#3", f"{SEED.name}#1")
        assert r["direction"] == "Khaama Press <- Reuters"
    json.dumps(stats)  # the stats stay JSON-serialisable (extract --stats, run.json)


def test_quote_with_curly_or_straight_quotes_is_shared(tmp_path, rules):
    quote = "the bridge over the river was closed by the army before dawn on Monday"
    feed = _feed(tmp_path, [("Outlet One", "First outlet story about bridges", _body("a") + f' "{quote}," he said.'),
                            ("Outlet Two", "Second outlet story about bridges", f"“{quote.capitalize()},” he told "
                             "Outlet One. " + _body("b"))])
    rows = _overlap(feed, rules)
    assert [(r["evidence"], r["source_a"], r["source_b"]) for r in rows] == [
        ("shared passage", "Outlet One", "Outlet Two")]
    assert quote.lower() in rows[0]["detail"].lower()


def test_unrelated_articles_of_different_outlets_give_no_pair(tmp_path, rules):
    feed = _feed(tmp_path, [("Outlet One", "A story about the harvest season", _body("a")),
                            ("Outlet Two", "A story about the football final", _body("b"))])
    assert _overlap(feed, rules) == []


def test_boilerplate_shared_by_many_articles_is_ignored(tmp_path, rules):
    shared = "witnesses said the convoy of trucks crossed the northern border at midnight without lights"
    recs = [(f"Outlet {n:02d}", f"Story number {n} of the day", _body(f"s{n}") + " " + BOILER) for n in range(60)]
    recs[3] = (recs[3][0], recs[3][1], recs[3][2] + " " + shared + ".")
    recs[7] = (recs[7][0], recs[7][1], shared.capitalize() + ". " + recs[7][2])
    rows = _overlap(_feed(tmp_path, recs), rules)
    assert [(r["source_a"], r["source_b"], r["evidence"]) for r in rows] == [
        ("Outlet 03", "Outlet 07", "shared passage")]
    assert rows[0]["detail"].lower() == shared and "newsletter" not in rows[0]["detail"]
    # below the boilerplate limit the same sentence links every pair
    few = _overlap(_feed(tmp_path, recs[:4], "few.jsonl"), rules)
    assert len(few) == 6 and all(r["detail"].startswith("Subscribe") for r in few)


def test_repeat_within_one_outlet_is_not_cross_outlet_copying(tmp_path, rules):
    story = _body("a", 80)
    edited = story[: len(story) // 2] + " " + _body("c", 40)  # not a near-duplicate: kept as its own article
    recs = [("Outlet One", "The original story of the day", story),
            ("Outlet One", "The original story of the day", story),  # exact repeat: dedup
            ("Outlet One", "An edited version of the story", edited),
            ("Outlet Two", "Something else entirely today", _body("b"))]
    stats = extract_feed([_feed(tmp_path, recs)], rules)[1]
    assert stats["duplicates"] == 1 and stats["articles_unique"] == 3
    assert stats["source_overlap"] == []
    # a third outlet copying the story pairs with Outlet One once per evidence, not once per repeat
    recs.append(("Outlet Three", "Copied story from elsewhere", story[:300] + " according to Reuters."))
    rows = extract_feed([_feed(tmp_path, recs, "more.jsonl")], rules)[1]["source_overlap"]
    pairs = sorted((r["source_a"], r["source_b"], r["evidence"]) for r in rows)
    assert pairs == [("Outlet One", "Outlet Three", "shared passage"), ("Outlet One", "Outlet Three", "shared passage"),
                     ("Outlet Three", "Reuters", "attribution")]
    assert {r["article_a"] for r in rows if r["source_a"] == "Outlet One"} == {"more.jsonl#1", "more.jsonl#3"}
    credit = [r for r in rows if r["evidence"] == "attribution"][0]
    assert credit["article_b"] == "" and credit["detail"] == "according to Reuters"  # Reuters not in the feed


def test_output_is_deterministic_and_independent_of_article_order(tmp_path, rules):
    if not SEED.exists():
        pytest.skip("seed feed not available")
    doc = read_documents(SEED)[0]
    arts = split_articles(doc, rules, SEED.name)
    mark_datelines(arts, rules)
    kept = group_copies(arts, rules)
    for a in kept:
        assign_metadata(a, rules, JULY7, None)
    first = source_overlap(kept, rules)
    assert list(first.columns) == COLUMNS
    assert first.equals(source_overlap(kept, rules)) and first.equals(source_overlap(kept[::-1], rules))
    a, b = extract_feed([SEED], rules, published_at=JULY7)[1], extract_feed([SEED], rules, published_at=JULY7)[1]
    assert a["source_overlap"] == b["source_overlap"] == first.to_dict("records")
