"""Parquet columns as text, whatever their type, with nothing silently changed.

Time stamps within pandas' range stay time stamps (validated later); a `weight` of floats stays numbers; every
other column becomes text: numbers and dates through Arrow's casts, binary cells decoded as UTF-8 (a row whose
cell is not UTF-8 is rejected), nested values (list, struct, map) as compact JSON text. Time stamps outside
1678-2261 become ISO text so that validation rejects them with a clear reason instead of overflowing.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from .lines import MAX_CELL_CHARS, BadLines

if TYPE_CHECKING:
    import pyarrow as pa

Column: TypeAlias = "pa.Array[Any] | pa.ChunkedArray[Any]"


def _json_default(value: object) -> str:
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def _nested_text(column: Column) -> Column:
    """list/struct/map cells as JSON text, through Python (rare in claim feeds; Arrow has no cast for them)."""
    import pyarrow as pa

    texts = [None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=False, default=_json_default)
             for v in column.to_pylist()]
    return pa.array(texts, pa.string())


def _binary_text(column: Column, name: str, bad_rows: dict[int, str]) -> Column:
    import pyarrow as pa

    texts: list[str | None] = []
    for i, value in enumerate(column.to_pylist()):
        if value is None:
            texts.append(None)
            continue
        try:
            texts.append(bytes(value).decode("utf-8"))
        except UnicodeDecodeError:
            bad_rows.setdefault(i, f"`{name}`: not UTF-8 text")
            texts.append(None)
    return pa.array(texts, pa.string())


def _timestamp(column: Column) -> Column:
    """In-range time stamps as ns time stamps; otherwise ISO text (rejected later with a clear reason)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return column.cast(pa.timestamp("ns", column.type.tz))
    except pa.ArrowInvalid:
        text = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S" + ("Z" if column.type.tz else ""))
        return text


def _text_dictionary(column: Column) -> Column | None:
    """A dictionary column of text kept as a dictionary (one shared, duplicate-free dictionary of `string`):
    each distinct text is checked and later encoded once instead of once per row. None when that cannot be
    done (duplicate dictionary entries): the caller then casts the column to plain text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    if column.num_chunks == 0:
        return None
    first = column.chunk(0).dictionary
    # Parquet hands every batch of a row group the same dictionary: comparing buffers is cheap, unifying them
    # hashes every entry of every batch's dictionary again (minutes for a 10M-row feed with 2M subjects)
    if not all(chunk.dictionary.equals(first) for chunk in column.chunks[1:]):
        column = column.unify_dictionaries()
    values = column.chunk(0).dictionary.cast(pa.string())
    if values.null_count or len(pc.unique(values)) != len(values):
        return None
    kind = pa.dictionary(column.type.index_type, pa.string())
    return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk.indices, values) for chunk in column.chunks],
                            type=kind)


def _too_long(column: Column, name: str, bad_rows: dict[int, str]) -> None:
    """Rows whose text is longer than MAX_CELL_CHARS, refused with their reason."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        values = column.chunk(0).dictionary if column.num_chunks else pa.array([], pa.string())
        long_values = np.flatnonzero(pc.fill_null(pc.greater(pc.utf8_length(values), MAX_CELL_CHARS), False)
                                     .to_numpy(zero_copy_only=False))
        if not len(long_values):
            return
        indices = pc.fill_null(pa.chunked_array([c.indices for c in column.chunks]), -1).to_numpy()
        rows = np.flatnonzero(np.isin(indices, long_values))
    else:
        rows = np.flatnonzero(pc.fill_null(pc.greater(pc.utf8_length(column), MAX_CELL_CHARS), False)
                              .to_numpy(zero_copy_only=False))
    for i in rows:
        bad_rows.setdefault(int(i), f"`{name}` is longer than {MAX_CELL_CHARS:,} characters")


def table_as_text(table: pa.Table) -> tuple[pa.Table, BadLines]:
    """(table of text / time stamp / weight columns, rows refused with their reason)."""
    import pyarrow as pa

    bad_rows: dict[int, str] = {}
    columns = []
    for name, column in zip(table.column_names, table.columns):
        kind = column.type
        if pa.types.is_dictionary(kind) and (pa.types.is_string(kind.value_type)
                                             or pa.types.is_large_string(kind.value_type)):
            kept = _text_dictionary(column)
            if kept is not None:  # read.py hands dictionary columns to pandas as Categoricals, as they are
                if len(kept):
                    _too_long(kept, name, bad_rows)
                columns.append(kept)
                continue
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            column = column.cast(pa.string())
        elif pa.types.is_timestamp(kind):
            column = _timestamp(column)
        elif pa.types.is_floating(kind) and name.strip() == "weight":
            pass
        elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
            column = _binary_text(column, name, bad_rows)
        elif pa.types.is_nested(kind):
            column = _nested_text(column)
        else:
            try:
                column = column.cast(pa.string())
            except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
                column = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
        if pa.types.is_string(column.type) and len(column):
            _too_long(column, name, bad_rows)
        columns.append(column)
    bad = BadLines()
    for row in sorted(bad_rows):
        bad.rows.append(row + 1)
        bad.lines.append(row + 1)
        bad.texts.append("")
        bad.reasons.append(f"row {row + 1}: {bad_rows[row]}")
    return pa.table(columns, names=[n.strip() for n in table.column_names]), bad
