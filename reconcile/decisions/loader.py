"""Load a decisions file (YAML or CSV) and validate it, every problem reported as `file:line:col`.

YAML goes through the rules loader's node walk (reconcile/rules/loader.py), which records where every key
starts; CSV rows are located by their line in the file and the column's position in the header.
"""
from __future__ import annotations

import csv
import difflib
from pathlib import Path

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import RulesError
from ..rules.loader import Loc, Place, Places, _format, _locate, _problem_order, _read
from .model import CSV_COLUMNS, KIND_MODELS, KINDS, DecisionsFile


class DecisionsError(RulesError):
    """The decisions file is invalid (same exit code as invalid rules: 3)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        count = len(self.problems)
        self.message = (f"{count} problem{'s' if count != 1 else ''} in the decisions:\n" + "\n".join(self.problems))
        self.args = (self.message,)


def is_csv(path: Path) -> bool:
    return Path(path).suffix.lower() == ".csv"


def load_decisions(path: str | Path) -> DecisionsFile:
    """Read and validate a decisions file; raise DecisionsError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise DecisionsError([f"{path}: no such decisions file (create it with `reconcile decide ...`)"])
    problems: list[str] = []
    data, places = (_read_csv if is_csv(path) else _read_yaml)(path, problems)
    if data is None:
        raise DecisionsError(problems)
    fallback = Place(str(path), 1, 1, "")
    try:
        decisions = DecisionsFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = _strip_tag(tuple(error["loc"]))
            if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = loc + ("kind",)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(_format(_locate(loc, places, fallback), loc, message, _hint(error, loc, data)))
        decisions = None
    if problems or decisions is None:
        raise DecisionsError(sorted(problems, key=_problem_order))
    return decisions


def _strip_tag(loc: Loc) -> Loc:
    """pydantic puts the union member's tag in the path (decisions.0.override.value): drop it."""
    if len(loc) >= 3 and loc[0] == "decisions" and loc[2] in KINDS:
        return loc[:2] + loc[3:]
    return tuple(p for p in loc if not str(p).startswith("function-"))


def _hint(error: ErrorDetails, loc: Loc, data: Any) -> str | None:
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        close = difflib.get_close_matches(str((error.get("ctx") or {}).get("tag", "")), KINDS, n=1, cutoff=0.6)
        return f"did you mean `{close[0]}`?" if close else "`kind` is one of: " + ", ".join(KINDS)
    if error["type"] == "extra_forbidden" and len(loc) == 3 and loc[0] == "decisions":
        try:
            kind = data["decisions"][loc[1]].get("kind")
        except (KeyError, IndexError, TypeError, AttributeError):
            kind = None
        model = KIND_MODELS.get(kind)
        if model is not None:
            allowed = list(model.model_fields)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            return f"did you mean `{close[0]}`?" if close else "allowed keys here: " + ", ".join(allowed)
    if error["type"] == "extra_forbidden" and len(loc) == 1:
        return "allowed keys here: version, decisions"
    if error["type"] == "string_type":
        return "quote it, e.g. `value: \"12:30\"` (unquoted YAML reads numbers, times and yes/no as other types)"
    if error["type"] == "missing" and loc == ("version",):
        return "add `version: 1` at the top of the file"
    return None


def _read_yaml(path: Path, problems: list[str]) -> tuple[dict[str, Any] | None, Places]:
    """The rules' hardened YAML read (size, depth, aliases, control characters, duplicate keys, places)."""
    data, places = _read(path, problems, kind="decisions",
                         empty_hint="start with `version: 1` and `decisions:`",
                         not_mapping="a decisions file is a mapping with `version: 1` and a `decisions:` list")
    if data is not None and "decisions" in data and data["decisions"] is None:
        data["decisions"] = []  # `decisions:` with nothing under it yet
    return data, places


def _read_csv(path: Path, problems: list[str]) -> tuple[dict[str, Any] | None, Places]:
    """CSV: header row of CSV_COLUMNS (any order, a subset is fine); empty cells are "not given"."""
    places: Places = {}
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}:1:1: not UTF-8 text (byte {exc.start}: {exc.reason})")
        return None, places
    lines = raw.splitlines()
    reader = csv.reader(raw.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        problems.append(f"{path}:1:1: empty decisions file\n    hint: the header is {','.join(CSV_COLUMNS)}")
        return None, places
    starts = _field_starts(lines[0] if lines else "", header)
    bad = [(i, h) for i, h in enumerate(header) if h not in CSV_COLUMNS]
    for i, name in bad:
        close = difflib.get_close_matches(name, CSV_COLUMNS, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else "columns: " + ",".join(CSV_COLUMNS)
        problems.append(_format(Place(str(path), 1, starts[i], lines[0]), ("header",), f"unknown column {name!r}", hint))
    if "kind" not in header:
        problems.append(_format(Place(str(path), 1, 1, lines[0] if lines else ""), ("header",),
                                "missing the `kind` column", "columns: " + ",".join(CSV_COLUMNS)))
    if problems:
        return None, places
    decisions: list[dict[str, str]] = []
    places[()] = places[("version",)] = Place(str(path), 1, 1, lines[0])
    line_no = reader.line_num
    for row in reader:
        first_line, line_no = line_no + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        n = len(decisions)
        text = lines[first_line - 1] if first_line - 1 < len(lines) else ""
        row_starts = _field_starts(text, row)
        places[("decisions", n)] = Place(str(path), first_line, 1, text)
        if len(row) > len(header):
            problems.append(_format(Place(str(path), first_line, row_starts[len(header)], text), ("decisions", n),
                                    f"{len(row)} cells but the header has {len(header)} columns"))
        record = {}
        for i, (name, cell) in enumerate(zip(header, row)):
            places[("decisions", n, name)] = Place(str(path), first_line, row_starts[i], text)
            if cell.strip() != "":
                record[name] = cell.strip()
        decisions.append(record)
    return {"version": 1, "decisions": decisions}, places


def _field_starts(line: str, cells: list[str]) -> list[int]:
    """1-based character column where each cell starts on its line (for located errors)."""
    out, pos = [], 0
    for cell in cells:
        out.append(pos + 1)
        if pos < len(line) and line[pos] == '"':  # quoted: skip to the closing quote, doubled quotes included
            end = pos + 1
            while end < len(line):
                if line[end] == '"' and (end + 1 >= len(line) or line[end + 1] != '"'):
                    break
                end += 2 if line[end] == '"' else 1
            pos = end + 2
        else:
            comma = line.find(",", pos)
            pos = len(line) + 1 if comma < 0 else comma + 1
    return out
