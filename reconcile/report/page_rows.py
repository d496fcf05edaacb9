"""Tables the page embeds as {"columns": [...], "rows": [[...], ...]}: text cells as strings ("" when missing),
number cells rounded (null when missing), and the longest prefix of a long table whose JSON fits a budget.

A run with 1M claims has far more contradictions than the page embeds: the rows are converted a column at a time,
for a batch of rows in the page's order, and each row's JSON length (`json.dumps(row, ensure_ascii=False)`, as
the budget counts it) is computed from its cells' lengths by Arrow compute, without encoding any row; Python
lists are made only of the rows kept.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

# characters json.dumps writes as a two-character escape (\" \\ \b \t \n \f \r), and as a six-character \u00XX
_SHORT_ESCAPE = r'["\\\x08-\x0a\x0c\x0d]'
_LONG_ESCAPE = r"[\x00-\x07\x0b\x0e-\x1f]"
FIRST_ROWS = 4_096  # rows converted in the first batch; the next batch is sized from the mean row length


def text_cells(series: pd.Series) -> list[str]:
    if isinstance(series.dtype, pd.StringDtype):  # already text: only the missing cells change (to "")
        return series.fillna("").tolist()
    return series.astype(object).where(series.notna(), "").astype(str).tolist()


def number_cells(series: pd.Series, digits: int = 6) -> list[float | None]:
    return _cells(pd.to_numeric(series, errors="coerce").round(digits))


def _cells(numbers: pd.Series) -> list[float | None]:
    values = numbers.astype(object)
    return values.where(values.notna(), None).tolist()


def columns(frame: pd.DataFrame, numeric: set[str]) -> dict[str, Any]:
    cols = list(frame.columns)
    data = [(number_cells(frame[c]) if c in numeric else text_cells(frame[c])) for c in cols]
    return {"columns": cols, "rows": [list(r) for r in zip(*data)] if cols else []}


def _text_lengths(cells: list[list[str]]) -> np.ndarray:
    """len(json.dumps(cell, ensure_ascii=False)) of each text cell of these equally long columns, summed per row:
    its characters, its escapes, two quotes (one Arrow pass over all the columns' cells)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = [c for column in cells for c in column]
    try:
        text = pa.array(flat, pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate Arrow cannot hold: JSON counts it
        n = np.fromiter((len(json.dumps(c, ensure_ascii=False)) for c in flat), np.int64, len(flat))
    else:
        n = pc.utf8_length(text).to_numpy().astype(np.int64) + 2
        n += pc.count_substring_regex(text, _SHORT_ESCAPE).to_numpy()
        n += 5 * pc.count_substring_regex(text, _LONG_ESCAPE).to_numpy()
    return n.reshape(len(cells), -1).sum(axis=0) if cells else n


def _number_lengths(cells: list[Any], values: np.ndarray) -> np.ndarray:
    """len(json.dumps(cell)) of each number cell (float, int or None; `values`: the numbers): its repr's length
    ('None' is as long as null), except for infinities (JSON: Infinity, -Infinity)."""
    n = np.fromiter(map(len, map(repr, cells)), np.int64, len(cells))
    if values.dtype.kind == "f":
        n[np.isinf(values)] += len("Infinity") - len("inf")
    return n


def fit_rows(make: Callable[[np.ndarray], pd.DataFrame], cols: list[str], n_rows: int, numeric: set[str],
             budget_chars: int, order: np.ndarray | None = None) -> tuple[dict[str, Any], int]:
    """The first rows (`make(positions)`: the rows at these positions, of columns `cols`; taken in `order`, when
    given) as `columns` gives them while their JSON (each row counted as len(json.dumps(row,
    ensure_ascii=False)) + 1) fits the budget, and how many of the `n_rows` were left."""
    order = np.arange(n_rows) if order is None else order
    kept: list[list[Any]] = [[] for _ in cols]
    used, start, size = 0, 0, FIRST_ROWS
    while start < len(order):
        part = make(order[start:start + size])
        numbers = {c: pd.to_numeric(part[c], errors="coerce").round(6) for c in cols if c in numeric}
        texts = {c: text_cells(part[c]) for c in cols if c not in numeric}
        data: list[list[Any]] = [(_cells(numbers[c]) if c in numeric else texts[c]) for c in cols]
        lengths = _text_lengths(list(texts.values())) if texts else np.zeros(len(part), dtype=np.int64)
        for c, d in zip(cols, data):
            if c in numeric:
                lengths += _number_lengths(d, numbers[c].to_numpy())
        lengths += 2 + 2 * max(len(cols) - 1, 0) + 1  # [ ], the separators ", ", and the budget's one per row
        total = used + np.cumsum(lengths)
        fits = int(np.searchsorted(total, budget_chars, side="right"))  # rows while the total stays in budget
        for column, d in zip(kept, data):
            column.extend(d[:fits])
        if fits < len(part):
            break
        used = int(total[-1]) if len(total) else used
        start += len(part)
        size = max(FIRST_ROWS, int(1.2 * max(budget_chars - used, 0) / max(used / start, 1)) + 64)
    rows = list(map(list, zip(*kept))) if cols else []
    return {"columns": cols, "rows": rows}, n_rows - len(rows)
