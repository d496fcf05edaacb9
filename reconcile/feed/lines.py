"""Line-tolerant readers: a bad line becomes a counted rejection, never the end of the run.

CSV/TSV files that Arrow's fast reader refuses (a ragged row, undecodable bytes, an oversized cell) and every
JSON Lines file are read here record by record. Each bad record is kept as (row, line, raw text, reason) for
rejects.csv; the good records become string columns. Written by hand because no library reads CSV or JSON
Lines while reporting *and skipping* bad records with their line numbers (Arrow's invalid-row handler gives no
line number when values may hold newlines, and it cannot skip undecodable bytes).
"""
from __future__ import annotations

import codecs
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

MAX_CELL_CHARS = 16 * 1024 * 1024  # a cell longer than this is refused (the row goes to rejects.csv)
RAW_TEXT_CHARS = 200  # how much of a bad line rejects.csv keeps
MAX_JSON_DEPTH = 64  # nesting deeper than this in one JSON line is refused


@dataclass
class BadLines:
    """Rejected records of one file: data row number, physical line number, bounded raw text, reason.
    Kept in `frame.attrs["read_rejects"]` (plain lists: pandas compares attrs when it combines frames)."""

    rows: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    file: str = ""
    texts: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def add(self, row: int, line: int, text: str, reason: str) -> None:
        self.rows.append(row)
        self.lines.append(line)
        self.texts.append(printable_raw(text))
        self.reasons.append(f"line {line}: {reason}")

    def __len__(self) -> int:
        return len(self.rows)


def printable_raw(text: str) -> str:
    """Bounded raw text, with undecodable bytes shown as \\xNN (never a lone surrogate in an output file)."""
    text = text[:RAW_TEXT_CHARS].rstrip("\r\n")
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class LineSource(Protocol):
    """A binary stream read line by line (a file, gzip/bz2/lzma file, standard input's buffer)."""

    def readline(self, size: int = -1, /) -> bytes: ...


class _Lines:
    """Physical lines of a binary stream as text; the UTF-8 BOM dropped; undecodable lines flagged, not fatal."""

    def __init__(self, raw: LineSource) -> None:
        self.raw = raw
        self.lineno = 0
        self.record: list[str] = []  # (bounded) lines of the record being parsed
        self.undecodable = False  # a line of the current record is not UTF-8

    def start_record(self) -> int:
        self.record = []
        self.undecodable = False
        return self.lineno + 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        data = self.raw.readline()
        if not data:
            raise StopIteration
        if self.lineno == 0 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        self.lineno += 1
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "surrogateescape")
            self.undecodable = True
        if sum(map(len, self.record)) < RAW_TEXT_CHARS:
            self.record.append(text[:RAW_TEXT_CHARS])
        return text

    def raw_text(self) -> str:
        return "".join(self.record)


def read_csv_records(raw: LineSource, path: Path, sep: str, header_only: bool = False
                     ) -> tuple[list[str], dict[str, list[str]], list[int], BadLines]:
    """(header names, columns of good records, their data row numbers, bad records) from a binary stream."""
    from ..errors import FeedError

    csv.field_size_limit(MAX_CELL_CHARS)
    lines = _Lines(raw)
    reader = csv.reader(lines, delimiter=sep, strict=False)
    lines.start_record()
    try:
        names = next(reader)
    except StopIteration:
        raise FeedError(f"{path}: the feed is empty (no header line)") from None
    except csv.Error as exc:
        raise FeedError(f"{path}:1: the header line cannot be read as {'CSV' if sep == ',' else 'TSV'}: {exc}") from None
    if lines.undecodable:
        raise FeedError(f"{path}:1: the header line is not UTF-8 text")
    if not names:
        raise FeedError(f"{path}:1: the header line is empty; the first line must name the columns")
    if header_only:
        return names, {}, [], BadLines()
    columns: list[list[str]] = [[] for _ in names]
    rows: list[int] = []
    bad = BadLines()
    row = 0
    while True:
        start = lines.start_record()
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            reason = (f"a cell is longer than {MAX_CELL_CHARS:,} characters" if "field larger" in str(exc)
                      else f"not a readable {'CSV' if sep == ',' else 'TSV'} record ({exc})")
            bad.add(row, start, lines.raw_text(), reason)
            continue
        if not fields:  # a blank line is not a record
            continue
        row += 1
        if lines.undecodable:
            bad.add(row, start, lines.raw_text(), "not UTF-8 text")
        elif len(fields) != len(names):
            bad.add(row, start, lines.raw_text(), f"expected {len(names)} fields (as in the header), found {len(fields)}")
        else:
            for column, value in zip(columns, fields):
                column.append(value)
            rows.append(row)
    return names, dict(zip(names, columns)), rows, bad


class _Number(str):
    """A JSON number kept as the text it was written as (no float rounding, no 4,300-digit limit)."""


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(f"key `{key}` given twice in one object")
        out[key] = value
    return out


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_Number, object_pairs_hook=_pairs)


def _depth_ok(text: str) -> bool:
    """Cheap bound before parsing: a line cannot nest deeper than its count of brackets."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return True
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def json_text(value: Any) -> str:
    """A parsed JSON value as cell text: strings as they are, numbers as written, null as empty,
    arrays/objects as compact JSON (numbers inside as written)."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, _Number):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, list):
        return "[" + ",".join(_nested(v) for v in value) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _nested(v) for k, v in value.items()) + "}"


def _nested(value: Any) -> str:
    if isinstance(value, str) and not isinstance(value, _Number):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return json_text(value)


def _has_lone_surrogate(obj: object) -> bool:
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(obj, list):
        return any(_has_lone_surrogate(v) for v in obj)
    if isinstance(obj, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in obj.items())
    return False


def parse_json_line(text: str) -> tuple[dict[str, str], None] | tuple[None, str]:
    """One JSON Lines record -> (dict of cell texts, None) or (None, reason)."""
    text = text.rstrip("\r\n")
    if not _depth_ok(text):
        return None, f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    try:
        obj = _loads(text)
    except _Duplicate as exc:
        return None, str(exc)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON at column {exc.colno}: {exc.msg}"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON: {str(exc)[:100]}"
    if not isinstance(obj, dict):
        return None, f"expected a JSON object per line, got {type(obj).__name__ if not isinstance(obj, _Number) else 'number'}"
    if "\\u" in text.lower() and _has_lone_surrogate(obj):
        return None, "a \\u escape is a lone surrogate (not a character)"
    cells: dict[str, str] = {}
    for key, value in obj.items():
        name = key.strip()
        if name in cells:
            return None, f"keys `{name}` given twice (after trimming spaces)"
        text_value = json_text(value)
        if len(text_value) > MAX_CELL_CHARS:
            return None, f"`{name}` is longer than {MAX_CELL_CHARS:,} characters"
        cells[name] = text_value
    return cells, None


def read_jsonl_records(raw: LineSource) -> tuple[dict[str, list[str]], list[int], BadLines]:
    """(columns of good records, their line numbers, bad lines); blank lines are skipped."""
    lines = _Lines(raw)
    columns: dict[str, list[str]] = {}
    rows: list[int] = []
    bad = BadLines()
    for text in lines:
        line = lines.lineno
        if not text.strip():
            lines.start_record()
            continue
        if lines.undecodable:
            bad.add(line, line, text, "not UTF-8 text")
            lines.start_record()
            continue
        cells, reason = parse_json_line(text)
        lines.start_record()
        if cells is None:
            bad.add(line, line, text, str(reason))
            continue
        n = len(rows)
        for name, value in cells.items():
            column = columns.get(name)
            if column is None:
                column = columns[name] = [""] * n
            column.append(value)
        rows.append(line)
        for column in columns.values():
            if len(column) < n + 1:
                column.append("")
    return columns, rows, bad
