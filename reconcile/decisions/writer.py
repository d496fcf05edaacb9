"""Append one decision to a decisions file (what `reconcile decide` does), keeping the analyst's text.

YAML: the new item is appended as text at the end of a block `decisions:` list, so comments and layout stay
as the analyst wrote them; a file in another layout (flow style, `decisions` not last) is rewritten whole.
CSV: a row is appended (the header is written when the file is new). The result is validated before it
replaces the file (atomically), so a failed append leaves the file as it was.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from ..outputs.atomic import write_text_atomic
from .loader import is_csv, load_decisions
from .model import CSV_COLUMNS, DecisionsFile, _Decision, decision_record

NEW_FILE = "# Analyst decisions, honoured by `reconcile run --decisions` (format: docs/decisions.md)\nversion: 1\n" \
           "decisions:\n"


def append_decision(path: str | Path, decision: _Decision) -> DecisionsFile:
    """Append `decision` (a model instance) to the file, creating it if needed; return the validated file."""
    path = Path(path)
    record = decision_record(decision)
    if path.exists():
        load_decisions(path)  # an invalid file is reported, never appended to
        old = path.read_text(encoding="utf-8-sig" if is_csv(path) else "utf-8")
    else:
        old = None
    text = _csv_text(old, record) if is_csv(path) else _yaml_text(old, record)
    tmp = path.with_name(f".{path.name}.check{path.suffix}")
    try:
        tmp.write_text(text, encoding="utf-8")
        checked = load_decisions(tmp)
    finally:
        tmp.unlink(missing_ok=True)
    write_text_atomic(path, text)
    return checked


def _item_text(record: dict[str, Any], indent: int) -> str:
    dumped = yaml.safe_dump([record], sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return "".join(" " * indent + line + "\n" for line in dumped.splitlines())


def _yaml_text(old: str | None, record: dict[str, Any]) -> str:
    if old is None or not old.strip():
        return NEW_FILE + _item_text(record, 2)
    root = yaml.compose(old, Loader=yaml.SafeLoader)
    last_key, last_value = root.value[-1] if root is not None and root.value else (None, None)
    appendable = (last_key is not None and last_key.value == "decisions"
                  and ((isinstance(last_value, yaml.SequenceNode) and not last_value.flow_style)
                       or (isinstance(last_value, yaml.ScalarNode) and last_value.tag.endswith(":null")
                           and last_value.value == "")))
    if appendable:
        indent = last_value.start_mark.column if isinstance(last_value, yaml.SequenceNode) else 2
        return old + ("" if old.endswith("\n") else "\n") + _item_text(record, indent)
    data = yaml.safe_load(old)
    data["decisions"] = list(data.get("decisions") or []) + [record]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


def _csv_text(old: str | None, record: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    header = next(csv.reader(io.StringIO(old))) if old and old.strip() else None
    if header == CSV_COLUMNS and old:
        writer.writerow(record)
        return old + ("" if old.endswith("\n") else "\n") + out.getvalue()
    # new file, or a file with fewer/other-ordered columns: write it again with the full header
    writer.writeheader()
    if header is not None:
        for row in csv.DictReader(io.StringIO(old)):
            writer.writerow({k: v for k, v in row.items() if k in CSV_COLUMNS})
    writer.writerow(record)
    return out.getvalue()
