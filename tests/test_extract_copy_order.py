"""Which copy of a repeated article is kept must not depend on the feed's row order (extract/articles.py
group_copies): the kept copy gives the claims their outlet, date and url."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconcile.extract import extract_feed, load_extract_rules

ROOT = Path(__file__).resolve().parents[1]
TEXT = ("Taliban fighters captured the northern city of Kunduz on Sunday after days of fighting, officials said. "
        "Government forces withdrew to the airport, a provincial council member said.")


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def _claims(tmp_path: Path, records: list[dict], rules) -> list[tuple]:
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    claims, _ = extract_feed([path], rules)
    return sorted(zip(claims["source"], claims["url"], claims["subject"], claims["value"], claims["copies"]))


def test_same_article_from_two_outlets_keeps_the_same_copy_in_either_order(tmp_path, rules):
    # The same wire story carried twice (one outlet credits the agency in its name), equal in length: before the
    # fix the first row won, so reversing the feed changed the outlet and url of every claim of the story.
    a = {"source": "Eye Radio", "published_at": "2021-08-09T00:00:00Z", "title": "Taliban take Kunduz",
         "text": TEXT, "url": "https://example.org/a"}
    b = dict(a, source="Eye Radio (Al Jazeera)", url="https://example.org/b")
    other = {"source": "Outlet Two", "published_at": "2021-08-09T00:00:00Z", "title": "Fighting in Herat",
             "text": "Fighting continued in Herat on Monday, residents said.", "url": "https://example.org/c"}
    forward = _claims(tmp_path, [a, other, b], rules)
    backward = _claims(tmp_path, [b, other, a], rules)
    assert forward == backward
    kunduz = [r for r in forward if r[2] == "Kunduz"]
    assert kunduz and {r[0] for r in kunduz} == {"Eye Radio"} and {r[4] for r in kunduz} == {2}
