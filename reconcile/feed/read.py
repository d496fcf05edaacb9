"""Read feed files (CSV, CSV.gz, TSV, JSON Lines, Parquet) into string tables, one per file.

Every row keeps where it came from (`_file`, `_row`: 1-based data row, header excluded; for JSON Lines the
line number) so that a rejected row can be found again. Values are always read as text: nothing is
type-guessed (`007` stays `007`, `null` and `#N/A` stay as written); a UTF-8 byte-order mark is dropped before
the header is read. Bad records (a ragged CSV row, a malformed JSON line, undecodable bytes, a cell over
16 MiB characters) do not stop the run: they are returned in `frame.attrs["read_rejects"]` and counted as
rejected rows. A file is refused (FeedError) only when it cannot be read at all: no such file, unknown
format, a damaged compressed stream, no header, duplicate column names, or not one record.
Article feeds (plain text, or tables with a `text` column and no `value`) are handed to the extraction
pipeline by the caller.
"""
from __future__ import annotations

import zlib
from pathlib import Path
import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import FeedError
from .lines import MAX_CELL_CHARS, BadLines, parse_json_line, read_csv_records, read_jsonl_records

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pyarrow as pa

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
                  ".parquet": "parquet", ".pq": "parquet", ".txt": "text"}
REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "kind"]


def feed_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst"):
        suffixes = suffixes[:-1]
    fmt = TABLE_SUFFIXES.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise FeedError(f"{path}: unknown feed format {''.join(path.suffixes) or '(no suffix)'}; "
                        f"expected one of {', '.join(sorted(TABLE_SUFFIXES))} (optionally .gz)")
    return fmt


def check_column_names(names: list[Any], where: str) -> list[str]:
    """Column names as trimmed text; a FeedError naming both places when two are the same after trimming."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names, start=1):
        text = (name.decode("utf-8", "backslashreplace") if isinstance(name, bytes) else str(name)).strip()
        if text in seen:
            same = "the same" if str(names[seen[text] - 1]) == str(name) else "the same after trimming spaces"
            raise FeedError(f"{where}: columns {seen[text]} and {i} have {same} name `{text}`; "
                            "every column needs its own name")
        seen[text] = i
        out.append(text)
    return out


# time stamps are mostly distinct: encoding them costs more than it saves; they are parsed straight from Arrow
PLAIN_TEXT = {"published_at", "valid_at", "valid_from", "valid_to"}
PARALLEL_FROM = 100_000  # rows; a table this long has its columns encoded on several threads


def _dictionary(table: pa.Table) -> pd.DataFrame:
    """Every string column dictionary-encoded (C++), its dictionary sorted: pandas gets Categoricals, each string
    stored once, in the order validation's sorted categoricals need (codes.py then only checks it). Time columns
    stay Arrow strings (pandas gets them without a copy, see `_to_pandas`)."""
    import pyarrow as pa

    def encode(name: str, column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
        if (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) \
                and name.strip() not in PLAIN_TEXT:  # one dictionary for the column (per-chunk ones cost a merge)
            return _sorted_dictionary(
                (column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column).dictionary_encode())
        if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type) \
                and name.strip() not in PLAIN_TEXT:  # Parquet's own dictionary (parquet_text.py): sorted too
            return _sorted_shared_dictionary(column)
        return column

    pairs = list(zip(table.column_names, table.columns))
    if table.num_rows < PARALLEL_FROM or len(pairs) < 2:
        columns = [encode(name, column) for name, column in pairs]
    else:  # Arrow's kernels release the GIL: the columns are encoded side by side (the same result)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(len(pairs), pa.cpu_count())) as pool:
            columns = list(pool.map(lambda pair: encode(*pair), pairs))
    return _to_pandas(pa.table(columns, names=table.column_names))


def _sorted_dictionary(encoded: pa.DictionaryArray) -> pa.DictionaryArray:
    """The same column with its distinct strings in byte order (UTF-8: code point order), the rows' indices
    renumbered to match (missing cells stay missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pc.take(pa.array(rank), encoded.indices), encoded.dictionary.take(order))


def _sorted_shared_dictionary(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A dictionary column whose chunks share one dictionary, with that dictionary sorted as `_sorted_dictionary`
    does; any other (chunks with their own dictionaries, a missing entry) as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return column
    dictionary = chunks[0].dictionary
    if dictionary.null_count or not all(chunk.dictionary.equals(dictionary) for chunk in chunks[1:]):
        return column
    order = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    ranks, ordered = pa.array(rank), dictionary.take(order)
    return pa.chunked_array([pa.DictionaryArray.from_arrays(pc.take(ranks, chunk.indices), ordered) for chunk in chunks],
                            type=pa.dictionary(pa.int32(), dictionary.type))


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow-backed pandas strings (no copy) where this pandas has them."""
    import pyarrow as pa

    try:
        arrow_str = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        plain: pd.DataFrame = table.to_pandas()
        return plain
    frame: pd.DataFrame = table.to_pandas(types_mapper={pa.string(): arrow_str, pa.large_string(): arrow_str}.get)
    return frame


def _strings_frame(names: list[str], columns: dict[str, list[str]]) -> pd.DataFrame:
    import pyarrow as pa

    return _dictionary(pa.table({n: pa.array(columns[n], pa.string()) for n in names}))


def _fast_csv(path: Path, sep: str, names: list[str]) -> pd.DataFrame | None:
    """Arrow's C++ reader for a clean file; None when it cannot take the file as it is (then read line by line)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                # every column is text: '007' stays '007', ISBN 0023606924 keeps its zeros, 'null' stays 'null'
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
            read_options=pacsv.ReadOptions(block_size=1 << 25),
        )
    except (pa.ArrowException, OSError, EOFError, zlib.error):
        return None
    if [n.strip() for n in table.column_names] != names or \
            any(not pa.types.is_string(t) for t in table.schema.types):
        return None
    for column in table.columns:  # a cell's characters never outnumber its bytes: count them only past the bound
        if len(column) and pc.max(pc.binary_length(column)).as_py() > MAX_CELL_CHARS \
                and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL_CHARS:
            return None
    return _dictionary(table)


def _read_csv(path: Path, sep: str) -> tuple[pd.DataFrame, BadLines]:
    with _open_binary(path) as raw:
        names, _, _, _ = read_csv_records(raw, path, sep, header_only=True)
    names = check_column_names(names, f"{path}:1")
    frame = _fast_csv(path, sep, names)
    if frame is not None:
        frame.columns = names
        return frame, BadLines()
    with _open_binary(path) as raw:  # Arrow refused something: read record by record, rejecting bad ones
        raw_names, columns, rows, bad = read_csv_records(raw, path, sep)
    frame = _strings_frame(raw_names, columns)
    frame.columns = names
    frame.attrs["rows"] = rows
    return frame, bad


def json_objects(lines: Iterable[str], path: str | Path) -> list[dict[str, str]]:
    """One JSON object per non-empty line (cells as text); a located FeedError (file:line) for anything else.
    The strict reader for article feeds; claim feeds use the tolerant reader (bad lines rejected)."""
    rows = []
    for lineno, line in enumerate(lines, start=1):
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        cells, reason = parse_json_line(line)
        if cells is None:
            raise FeedError(f"{path}:{lineno}: {reason}")
        rows.append(cells)
    return rows


def _read_jsonl(path: Path) -> tuple[pd.DataFrame, BadLines]:
    with _open_binary(path) as raw:
        columns, rows, bad = read_jsonl_records(raw)
    frame = _strings_frame(list(columns), columns) if rows else pd.DataFrame()
    frame.attrs["rows"] = rows
    return frame, bad


def _open_binary(path: Path) -> io.BufferedIOBase:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        import gzip
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        import bz2
        return bz2.open(path, "rb")
    if suffix == ".xz":
        import lzma
        return lzma.open(path, "rb")
    if suffix == ".zst":
        raise FeedError(f"{path}: .zst feeds are not supported; use .gz, .bz2 or .xz")
    return open(path, "rb")


def _short(exc: Exception) -> str:
    """The first line of a library message, bounded (never a multi-line schema dump)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _read_parquet(path: Path) -> tuple[pd.DataFrame, BadLines]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .parquet_text import table_as_text

    try:
        check_column_names(pq.read_schema(path).names, str(path))
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FeedError(f"{path}: not a readable Parquet file ({_short(exc)})") from None
    table, bad = table_as_text(table)
    frame = _dictionary(table)
    if len(bad):
        keep = np.ones(len(frame), dtype=bool)
        keep[np.asarray(bad.rows) - 1] = False
        rows = np.flatnonzero(keep) + 1
        frame = frame.loc[keep].reset_index(drop=True)
        frame.attrs["rows"] = rows
    return frame, bad


def bad_lines_table(bad: BadLines) -> pd.DataFrame:
    return pd.DataFrame({"file": [bad.file] * len(bad), "row": np.asarray(bad.rows, dtype=np.int64),
                         "column": [""] * len(bad), "value": bad.texts, "reason": bad.reasons,
                         "kind": ["error"] * len(bad)}, columns=REJECT_COLUMNS)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one table feed as text columns plus `_file` and `_row`. Raises FeedError if unusable.

    Records that could not be read are in `frame.attrs["read_rejects"]` (a BadLines)."""
    path = Path(path)
    if not path.exists():
        raise FeedError(f"{path}: no such file")
    if path.is_dir():
        raise FeedError(f"{path}: is a folder; give the feed files themselves")
    fmt = feed_format(path)
    try:
        if fmt in ("csv", "tsv"):
            frame, bad = _read_csv(path, "," if fmt == "csv" else "\t")
        elif fmt == "jsonl":
            frame, bad = _read_jsonl(path)
        elif fmt == "parquet":
            frame, bad = _read_parquet(path)
        else:
            raise FeedError(f"{path}: a text file is an article feed; it is read by extraction")
    except (EOFError, zlib.error) as exc:
        raise FeedError(f"{path}: the compressed data is truncated or corrupt ({_short(exc)})") from None
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.errno is not None:
            raise FeedError(f"{path}: cannot read: {exc.strerror or _short(exc)}") from None
        raise FeedError(f"{path}: cannot read: the compressed data is corrupt ({_short(exc)})") from None
    if len(frame) == 0 and not len(bad):
        raise FeedError(f"{path}: the feed has no rows")
    rows = frame.attrs.pop("rows", None)
    frame["_file"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), pd.Index([str(path)]))
    frame["_row"] = (np.arange(1, len(frame) + 1, dtype=np.int64) if rows is None
                     else np.asarray(rows, dtype=np.int64))
    bad.file = str(path)
    frame.attrs["read_rejects"] = bad
    return frame
