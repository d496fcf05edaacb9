"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a single quote in
front (`=HYPERLINK(...)` -> `'=HYPERLINK(...)`), which spreadsheets show as text. Numbers are left alone: a
numeric column is never touched, and a text cell that is a plain number (`-3.5`, `+1e3`) cannot run as a
formula. The mapping is reversible: a cell that already starts with quotes followed by one of those
characters gets one more quote, and `restore` removes exactly one, so `reconcile explain`/`evaluate` read
back the values the run wrote.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

TRIGGER = r"^'*[=+\-@\t\r]"
NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_QUOTED = r"^'+[=+\-@\t\r]"


def neutralise_table(table: pa.Table) -> pa.Table:
    """Every text column of an Arrow table with formula-leading cells prefixed by a single quote."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) and _may_trigger(column):
            risky = pc.fill_null(pc.match_substring_regex(column, TRIGGER), False)
            if pc.any(risky).as_py():  # (most columns have no such cell: the number test is then skipped)
                risky = pc.fill_null(pc.and_(risky, pc.invert(pc.match_substring_regex(column, NUMBER))), False)
            if pc.any(risky).as_py():
                quote, empty = pa.scalar("'", column.type), pa.scalar("", column.type)
                column = pc.if_else(risky, pc.binary_join_element_wise(quote, column, empty), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _may_trigger(column: pa.ChunkedArray) -> bool:
    """Whether any cell starts with a quote or a trigger character: a test of each cell's first character
    only (most text columns have none, and the regex of every cell cost a 1M-claim run a fifth of a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = pc.utf8_slice_codeunits(column, 0, 1)
    return bool(pc.any(pc.is_in(first, value_set=pa.array(_FIRST, first.type))).as_py())


_FIRST = ["'", "=", "+", "-", "@", "\t", "\r"]  # what a cell TRIGGER matches can start with


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The same for a DataFrame written with pandas (text columns only)."""
    out = frame.copy()
    for name in out.columns:
        values = out[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            text = values.astype(object).where(values.notna(), None)
            as_str = text.astype(str)
            risky = as_str.str.match(TRIGGER) & ~as_str.str.match(NUMBER) & text.notna()
            out[name] = text.where(~risky, "'" + as_str)
    return out


def restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo `neutralise_*` on a CSV output read back as text."""
    out = frame.copy()
    for name in out.columns:
        values = out[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            as_str = values.astype(str)
            quoted = as_str.str.match(_QUOTED) & values.notna()
            if quoted.any():
                out[name] = values.where(~quoted, as_str.str.slice(1))
    return out
