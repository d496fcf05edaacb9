"""Shared by the sentence-level extraction tests (tests/test_extract_recall.py, tests/test_extract_precision.py):
the project's extraction rules and the (place, side) claims a sentence gives."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reconcile.extract import extract_text, load_extract_rules
from reconcile.extract.model import ExtractRules

ROOT = Path(__file__).resolve().parents[1]


def project_rules() -> ExtractRules:
    return load_extract_rules(ROOT / "rules")


def claims(text: str, rules: ExtractRules, when: datetime) -> list[list[str]]:
    """Sorted [subject, value] of what the text says (not facility -> place evidence)."""
    df, _ = extract_text(text, rules, source_name="Wire", published_at=when)
    df = df[df.via == ""]
    return sorted(df[["subject", "value"]].values.tolist())
