"""Extraction rules come through the project's one strict rules loader (reconcile/rules/loader.py).

`load_extract_rules(folder)` loads every *.yaml under `folder` with `load_rules` (file:line:col errors,
duplicate keys and keys set twice across files rejected) and returns the validated `extract` section.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import RulesError
from .model import ExtractRules


def load_extract_rules(folder: str | Path) -> ExtractRules:
    """The `extract:` rules under `folder` (a rules folder such as rules/, or rules/extract itself)."""
    from ..rules.loader import load_rules  # late import: reconcile.rules.model imports this package

    folder = Path(folder)
    loaded = load_rules(folder)
    if loaded.rules.extract is None:
        raise RulesError([f"{folder}: no `extract:` section in the rules (see rules/extract/*.yaml)"])
    return loaded.rules.extract
