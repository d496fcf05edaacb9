"""Read feed files (CSV, CSV.gz, TSV, JSON Lines, Parquet) into string tables, one per file.

Every row keeps where it came from (`_file`, `_row`: 1-based data row, header excluded) so that a rejected
row can be found again. Article feeds (plain text, or tables with a `text` column and no `value`) are handed
to the extraction pipeline by the caller.
"""
from __future__ import annotations

from pathlib import Path

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


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={}, strings_can_be_null=False, quoted_strings_can_be_null=False,
                auto_dict_encode=False,
            ),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except pa.ArrowInvalid as exc:
        raise FeedError(f"{path}: not a readable {'CSV' if sep == ',' else 'TSV'} file: {exc}") from None
    # every column as text: values are canonicalised later, by the rules
    table = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
    return table.to_pandas(types_mapper=None)


def _read_jsonl(path: Path) -> pd.DataFrame:
    import json

    rows = []
    opener = _opener(path)
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FeedError(f"{path}:{lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
            if not isinstance(obj, dict):
                raise FeedError(f"{path}:{lineno}:1: expected a JSON object per line, got {type(obj).__name__}")
            rows.append({k: ("" if v is None else v if isinstance(v, str) else json.dumps(v) if
                             isinstance(v, (list, dict)) else str(v)) for k, v in obj.items()})
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
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FeedError(f"{path}: not a readable Parquet file: {exc}") from None
    # keep timestamps as timestamps (validated later); everything else as text
    cast = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type) or pa.types.is_floating(field.type) and field.name == "weight":
            cast.append(field)
        else:
            cast.append(pa.field(field.name, pa.string()))
    table = table.cast(pa.schema(cast))
    return table.to_pandas()


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
    frame["_file"] = str(path)
    frame["_row"] = pd.RangeIndex(1, len(frame) + 1)
    return frame
