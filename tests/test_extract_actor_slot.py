"""The actor slot of a control claim: who takes or holds the place, and which side that is (session 11).
Wire-like sentences written for these tests (none copied from the development set)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconcile.extract import load_extract_rules
from reconcile.extract.pipeline import extract_text

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2021, 8, 20, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return load_extract_rules(ROOT / "rules")


def claims(text: str, rules) -> set[tuple[str, str]]:
    c, _ = extract_text(text, rules, source_name="Wire", published_at=DAY)
    c = c[(c["attribute"] == "control") & (c["via"] == "")]
    return set(zip(c["subject"], c["value"]))


@pytest.mark.parametrize("text, place, side", [
    # Afghanistan 2021: the armed anti-Taliban groups fought on the government's side
    ("The Taliban entered Charikar on Sunday. On Monday, the National Resistance Front said it had recaptured "
     "Charikar, a spokesman said.", "Charikar", "government"),
    ("Public Uprising Forces captured the town of Maimana on Tuesday, local officials said.",
     "Maymana", "government"),
    # Syria: the Free Syrian Army (the Turkish-backed opposition's earlier name) is the opposition
    ("The Free Syrian Army seized the town of Manbij, Syrian opposition sources said.", "Manbij", "rebels"),
])
def test_named_forces_of_a_profile_side(rules, text, place, side):
    got = claims(text, rules)
    assert (place, side) in got, got
