"""Read feed files (CSV, CSV.gz, TSV, JSON Lines, Parquet) into string tables, one per file.

Every row keeps where it came from (`_file`, `_row`: 1-based data row, header excluded) so that a rejected
row can be found again. Article feeds (plain text, or tables with a `text` column and no `value`) are handed
to the extraction pipeline by the caller.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FeedError

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
                  ".parquet": "parquet", ".pq": "parquet", ".txt": "text"}


def feed_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst"):
        suffixes = suffixes[:-1]
    fmt = TABLE_SUFFIXES.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise FeedError(f"{path}: unknown feed format {''.join(path.suffixes) or '(no suffix)'}; "
                        f"expected one of {', '.join(sorted(TABLE_SUFFIXES))} (optionally .gz)")
    return fmt


def _header(path: Path, sep: str) -> list[str]:
    import csv

    with _opener(path)(path, "rt", encoding="utf-8", newline="") as fh:
        try:
            return next(csv.reader(fh, delimiter=sep))
        except StopIteration:
            raise FeedError(f"{path}: the feed is empty (no header line)") from None


# time stamps are mostly distinct: encoding them costs more than it saves; they are parsed straight from Arrow
PLAIN_TEXT = {"published_at", "valid_at", "valid_from", "valid_to"}


def _dictionary(table):
    """Every string column dictionary-encoded (C++): pandas gets Categoricals, each string stored once. Time
    columns stay Arrow strings (pandas gets them without a copy, see `_to_pandas`)."""
    import pyarrow as pa

    columns = []
    for name, column in zip(table.column_names, table.columns):
        if (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) \
                and name.strip() not in PLAIN_TEXT:
            column = column.dictionary_encode()
        columns.append(column)
    return _to_pandas(pa.table(columns, names=table.column_names))


def _to_pandas(table) -> pd.DataFrame:
    """Arrow-backed pandas strings (no copy) where this pandas has them."""
    import pyarrow as pa

    try:
        arrow_str = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return table.to_pandas()
    return table.to_pandas(types_mapper={pa.string(): arrow_str, pa.large_string(): arrow_str}.get)


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header(path, sep)
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                # every column is text: '007' stays '007', ISBN 0023606924 keeps its zeros
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message or "utf8" in message.lower():
            raise FeedError(f"{path}: not UTF-8 text ({message.splitlines()[0]})") from None
        raise FeedError(f"{path}: not a readable {'CSV' if sep == ',' else 'TSV'} file: {message}") from None
    return _dictionary(table)


def json_objects(lines, path) -> list[dict]:
    """One JSON object per non-empty line; a located FeedError (file:line:col) for anything else."""
    import json

    rows = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FeedError(f"{path}:{lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise FeedError(f"{path}:{lineno}:1: expected a JSON object per line, got {type(obj).__name__}")
        rows.append(obj)
    return rows


def _read_jsonl(path: Path) -> pd.DataFrame:
    import json

    with _opener(path)(path, "rt", encoding="utf-8") as fh:
        rows = [{k: ("" if v is None else v if isinstance(v, str) else json.dumps(v) if
                     isinstance(v, (list, dict)) else str(v)) for k, v in obj.items()}
                for obj in json_objects(fh, path)]
    return pd.DataFrame(rows, dtype=object).fillna("")


def _opener(path: Path):
    if path.suffix == ".gz":
        import gzip
        return gzip.open
    if path.suffix == ".bz2":
        import bz2
        return bz2.open
    if path.suffix == ".xz":
        import lzma
        return lzma.open
    return open


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, read_dictionary=[f.name for f in pq.read_schema(path)
                                                     if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)])
    except (pa.ArrowInvalid, OSError) as exc:
        raise FeedError(f"{path}: not a readable Parquet file: {exc}") from None
    # keep timestamps as timestamps (validated later), weights as numbers; everything else as text
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_dictionary(field.type):
            column = column.cast(pa.dictionary(field.type.index_type, pa.string()))
        elif not (pa.types.is_timestamp(field.type) or pa.types.is_floating(field.type) and field.name == "weight"):
            column = column.cast(pa.string())
        columns.append(column)
    return _dictionary(pa.table(columns, names=table.column_names))


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one table feed as text columns plus `_file` and `_row`. Raises FeedError if unusable."""
    path = Path(path)
    if not path.exists():
        raise FeedError(f"{path}: no such file")
    if path.is_dir():
        raise FeedError(f"{path}: is a folder; give the feed files themselves")
    fmt = feed_format(path)
    try:
        if fmt in ("csv", "tsv"):
            frame = _read_csv(path, "," if fmt == "csv" else "\t")
        elif fmt == "jsonl":
            frame = _read_jsonl(path)
        elif fmt == "parquet":
            frame = _read_parquet(path)
        else:
            raise FeedError(f"{path}: a text file is an article feed; it is read by extraction")
    except UnicodeDecodeError as exc:
        raise FeedError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except (EOFError, OSError) as exc:
        raise FeedError(f"{path}: cannot read: {exc}") from None
    if len(frame) == 0:
        raise FeedError(f"{path}: the feed has no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame["_file"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), [str(path)])
    frame["_row"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame
