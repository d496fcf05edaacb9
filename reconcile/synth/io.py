"""Writing a synthetic feed: claims.parquet or claims.csv.gz, truth.csv, timeline.csv, sources.csv, stats.json."""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

from ..errors import OutputError, UsageError
from .model import SynthFeed


def _atomic(path: str, write: Callable[[str], None]) -> None:
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_TOD: list[np.ndarray] = []


def _iso(secs: np.ndarray) -> pa.StringArray:
    """Whole UTC seconds since the epoch -> Arrow strings 2024-01-01T00:00:00Z (vectorised; strftime is slow)."""
    import pyarrow as pa

    if not _TOD:  # "HH:MM:SS" for every second of a day, as a (86400, 8) byte table
        stamps = np.datetime_as_string(np.arange(86400).astype("M8[s]")).astype("S19")
        _TOD.append(stamps.view(np.uint8).reshape(-1, 19)[:, 11:])
    day, tod = np.divmod(secs, 86400)
    d0 = int(day.min()) if len(day) else 0
    days = np.datetime_as_string(np.arange(d0, int(day.max(initial=d0)) + 1).astype("M8[D]")).astype("S10")
    out = np.empty((len(secs), 20), dtype=np.uint8)
    out[:, :10] = days.view(np.uint8).reshape(-1, 10)[day - d0]
    out[:, 10], out[:, 19] = ord("T"), ord("Z")
    out[:, 11:19] = _TOD[0][tod]
    offsets = np.arange(0, 20 * (len(secs) + 1), 20, dtype=np.int32)
    return pa.StringArray.from_buffers(len(secs), pa.py_buffer(offsets), pa.py_buffer(out))


def _write_csv(df: pd.DataFrame, path: str, gz: bool = False, batch: int = 1 << 20) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    def text(table: pa.Table) -> pa.Table:
        cols = []
        for col in table.columns:
            if pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            elif pa.types.is_timestamp(col.type):
                secs = col.cast(pa.timestamp("s", tz="UTC"), safe=False).combine_chunks()
                col = _iso(secs.to_numpy().view(np.int64))
            cols.append(col)
        return pa.table(cols, names=table.column_names)

    options = pcsv.WriteOptions(quoting_style="needed", batch_size=1 << 16)

    def write(tmp: str) -> None:
        with open(tmp, "wb") as raw:
            sink = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1) if gz else raw
            try:
                writer = None
                for lo in range(0, max(len(df), 1), batch):
                    part = text(pa.Table.from_pandas(df.iloc[lo : lo + batch], preserve_index=False))
                    if writer is None:
                        writer = pcsv.CSVWriter(sink, part.schema, write_options=options)
                    writer.write_table(part)
                if writer is not None:
                    writer.close()
            finally:
                if gz:
                    sink.close()

    _atomic(path, write)


def _write_json(stats: dict[str, Any], path: str) -> None:
    clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in stats.items()}  # NaN -> null
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(clean, indent=2, sort_keys=True, allow_nan=False, default=str) + "\n")


def write(feed: SynthFeed, out_dir: str, fmt: str = "parquet") -> list[str]:
    """Write claims.parquet (or claims.csv.gz), truth.csv, timeline.csv, sources.csv, stats.json; return the paths."""
    if fmt not in ("parquet", "csv"):
        raise UsageError(f"unknown format {fmt!r} (parquet, csv)")
    try:
        os.makedirs(out_dir, exist_ok=True)
        paths = []
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(feed.claims, preserve_index=False)
            paths.append(os.path.join(out_dir, "claims.parquet"))
            # each row group repeats the dictionaries: keep groups large next to the biggest (subjects)
            cats = feed.claims.select_dtypes("category")
            groups = max([1 << 20] + [8 * len(cats[name].cat.categories) for name in cats.columns])
            _atomic(paths[-1], lambda tmp: pq.write_table(table, tmp, compression="zstd", row_group_size=groups))
            del table
        else:
            paths.append(os.path.join(out_dir, "claims.csv.gz"))
            _write_csv(feed.claims, paths[-1], gz=True)
        for name in ("truth", "timeline", "sources"):
            paths.append(os.path.join(out_dir, f"{name}.csv"))
            _write_csv(getattr(feed, name), paths[-1])
        paths.append(os.path.join(out_dir, "stats.json"))
        _atomic(paths[-1], lambda tmp: _write_json(feed.stats, tmp))
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc}") from exc
    return paths
