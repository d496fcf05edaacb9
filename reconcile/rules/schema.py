"""The JSON Schema of one rules file, for editors and for checking files outside reconcile.

Generated from the pydantic model, with one change: a rules folder is merged from several files (`rules/extract/`
splits the extraction lexicon in four), so a single file may hold any part of a rule set. Required keys of nested
sections are therefore checked on the merged rules by the loader, not per file by the schema; `version` stays
required in every file, as the loader requires it.
"""
from __future__ import annotations

from typing import Any

from .model import Rules


def _drop_nested_required(node: Any) -> Any:
    if isinstance(node, dict):
        is_object_schema = "properties" in node and isinstance(node.get("required"), list)
        return {k: _drop_nested_required(v) for k, v in node.items() if not (is_object_schema and k == "required")}
    if isinstance(node, list):
        return [_drop_nested_required(v) for v in node]
    return node


def rules_json_schema() -> dict[str, Any]:
    schema = Rules.model_json_schema()
    required = schema.get("required", [])
    schema = _drop_nested_required(schema)
    schema["required"] = [key for key in required if key == "version"] or ["version"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out: dict[str, Any] = schema
    return out
