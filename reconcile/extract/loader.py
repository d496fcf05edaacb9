"""Read rules/extract/*.yaml, merge their `extract` mappings, validate with ExtractRules.

Stand-in until the common rules loader (reconcile/rules/) takes over: same file layout
(`version: 1`, `extract: {...}`), same error type (RulesError listing every problem).
"""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import RulesError
from .model import ExtractRules


def _loc(loc: tuple) -> str:
    out = "extract"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validation_problems(exc: ValidationError, origin: dict[str, str] | None = None) -> list[str]:
    """One line per pydantic error, naming the key path (and the file holding that top-level key)."""
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = _loc(loc)
        if origin and loc and str(loc[0]) in origin:
            where = f"{origin[str(loc[0])]}: {where}"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return problems


def merge_extract_documents(docs: list[tuple[str, object]]) -> tuple[dict, dict[str, str]]:
    """Merge (file name, parsed YAML) pairs; return the merged `extract` mapping and key -> file."""
    merged: dict = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for name, doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            problems.append(f"{name}: the document must be a mapping with keys `version` and `extract`")
            continue
        unknown = sorted(set(doc) - {"version", "extract"})
        if unknown:
            problems.append(f"{name}: unknown top-level keys {unknown} (expected `version`, `extract`)")
        if doc.get("version") != 1:
            problems.append(f"{name}: `version: 1` is required (found {doc.get('version')!r})")
        body = doc.get("extract")
        if body is None:
            continue
        if not isinstance(body, dict):
            problems.append(f"{name}: `extract` must be a mapping")
            continue
        for key, value in body.items():
            if key in merged:
                problems.append(f"extract.{key} is defined in both {origin[key]} and {name}")
                continue
            merged[key] = value
            origin[key] = name
    if problems:
        raise RulesError(problems)
    return merged, origin


def load_extract_rules(folder: str | Path) -> ExtractRules:
    """Load every *.yaml / *.yml in `folder` (or `folder`/extract when that exists)."""
    folder = Path(folder)
    if (folder / "extract").is_dir():
        folder = folder / "extract"
    if not folder.is_dir():
        raise RulesError([f"{folder}: not a directory of extraction rules"])
    files = sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))
    if not files:
        raise RulesError([f"{folder}: no *.yaml files"])
    docs, problems = [], []
    for path in files:
        try:
            docs.append((path.name, yaml.safe_load(path.read_text(encoding="utf-8"))))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: cannot be read as YAML: {exc}")
    if problems:
        raise RulesError(problems)
    merged, origin = merge_extract_documents(docs)
    try:
        return ExtractRules.model_validate(merged)
    except ValidationError as exc:
        raise RulesError(validation_problems(exc, origin)) from exc
