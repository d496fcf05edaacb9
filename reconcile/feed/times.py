"""Parse time columns strictly: ISO 8601 with a time zone, or a bare date (midnight UTC). Never guess a zone.

The common shapes (`2021-07-07T10:00:00Z` and `2021-07-07`) of large columns are read from the Arrow string
buffers by position, vectorised in numpy (`time_shapes.py`, with the year check of `guards.year_out_of_range`). The other
strings (and small columns) are parsed once per distinct string: the same two shapes checked with an RE2 pattern
and parsed in Arrow's C++ kernels (`strptime`); a day that does not exist in its month (Arrow rolls 2021-02-30
over to March) and dates outside the nanosecond range go to the general path, as does every other shape
(offsets, fractions of a second, a space for the `T`): pandas' ISO 8601 parser.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .guards import FIRST_YEAR, LAST_YEAR, year_out_of_range

if TYPE_CHECKING:
    import pyarrow as pa

_ZONED = r"(?:Z|z|[+-]\d{2}:?\d{2})$"
_DATE_ONLY = r"^\d{4}-\d{2}-\d{2}$"
_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_FAST_ZULU = rf"^{_DATE}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$"
_FAST_DATE = rf"^{_DATE}$"
_NS_MIN = pd.Timestamp.min.ceil("s").value // 10**9  # seconds
_NS_MAX = pd.Timestamp.max.floor("s").value // 10**9
NAT = np.iinfo(np.int64).min

REASONS = ["", "date-time without a time zone (add Z or +HH:MM; zones are never guessed)",
           "cannot read as an ISO 8601 date-time (e.g. 2021-07-07T10:00:00Z)",
           f"outside the supported time range ({pd.Timestamp.min.ceil('s'):%Y-%m-%d} to {pd.Timestamp.max:%Y-%m-%d})"]
_NAIVE, _UNREADABLE, _OUT_OF_RANGE = 1, 2, 3


def _distinct(values: pd.Series) -> tuple[np.ndarray | None, pa.Array[Any]]:
    """(code per row into the strings, or None when they are the rows themselves; the strings, stripped, as an
    Arrow array). Categorical columns give their categories; Arrow-backed ones their own array (no copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        arrow: pa.Array[Any] | pa.ChunkedArray[Any] = pa.array(values)
        text: pa.Array[Any] = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
        return None, pc.utf8_trim_whitespace(pc.fill_null(text, ""))
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniq = values.cat.categories
    else:
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
    strings = pa.array(np.append(np.asarray(uniq, dtype=object).astype(str), ""), type=pa.string())
    codes = np.where(codes < 0, len(strings) - 1, codes)
    return codes, pc.utf8_trim_whitespace(strings)


def _fast(text: pa.Array[Any], pattern: str, fmt: str, check_day: bool) -> tuple[np.ndarray, np.ndarray]:
    """Strings of one fixed shape parsed in Arrow: (parsed mask, seconds since the epoch)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    shaped = pc.match_substring_regex(text, pattern)
    text = pc.if_else(shaped, text, pa.scalar(None, pa.string()))
    try:  # Arrow's strict ISO 8601 cast: several times faster than strptime, and it refuses a day past the
        # month's end itself; it fails the whole array on one such day, which the strptime path then finds
        seconds = pc.cast(text, pa.timestamp("s", "UTC") if fmt.endswith("Z") else pa.timestamp("s"))
        check_day = False
    except pa.ArrowInvalid:
        seconds = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    ok = pc.is_valid(seconds)
    if check_day:  # Arrow rolls a day past the month's end over into the next month: not a date
        day = pc.cast(pc.utf8_slice_codeunits(text, 8, 10), pa.int64(), safe=False)
        ok = pc.and_(ok, pc.equal(pc.day(seconds), day))
    secs = pc.fill_null(pc.cast(seconds, pa.int64()), 0).to_numpy(zero_copy_only=False)
    ok = pc.fill_null(ok, False).to_numpy(zero_copy_only=False) & (secs >= _NS_MIN) & (secs <= _NS_MAX)
    return ok, secs


def _general(uniq: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Any other shape, with pandas' ISO 8601 parser: (ns or NAT, reason code) per string ('' excluded)."""
    ns = np.full(len(uniq), NAT, dtype=np.int64)
    reason = np.zeros(len(uniq), dtype=np.int8)
    zoned = uniq.str.contains(_ZONED, regex=True).to_numpy(dtype=bool)
    date_only = uniq.str.match(_DATE_ONLY).to_numpy(dtype=bool)
    for mask, fmt in ((zoned, "ISO8601"), (date_only, "%Y-%m-%d")):
        if mask.any():
            stamps = pd.DatetimeIndex(pd.to_datetime(uniq[mask], utc=True, errors="coerce", format=fmt))
            inside = (stamps >= pd.Timestamp.min.tz_localize("UTC")) & (stamps <= pd.Timestamp.max.tz_localize("UTC"))
            rows = np.flatnonzero(mask)
            ns[rows[inside]] = stamps[inside].as_unit("ns").asi8
            reason[rows[~inside]] = _UNREADABLE
            reason[rows[stamps.notna() & ~inside]] = _OUT_OF_RANGE
    naive = ~zoned & ~date_only
    if naive.any():
        # utc=True: only whether it reads matters here; without it, a two-digit offset (+01, not a zone for
        # _ZONED) next to a time without one made pandas raise "Mixed timezones" and stopped the run
        readable = pd.to_datetime(uniq[naive], errors="coerce", format="ISO8601", utc=True).notna().to_numpy()
        reason[naive] = np.where(readable, _NAIVE, _UNREADABLE)
    return ns, reason


def parse_utc(values: pd.Series, column: str) -> tuple[pd.Series, pd.Categorical[str]]:
    """Parse a column to UTC timestamps. Returns (timestamps with NaT where empty/bad, reason per row as a
    Categorical, '' = fine). Text is parsed once per distinct string (categorical columns: once per category).
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC"), pd.Categorical.from_codes(np.zeros(len(values), dtype=np.int8),
                                                                      pd.Index([""]))
    if pd.api.types.is_datetime64_dtype(values.dtype):
        no_zone = pd.Categorical.from_codes(values.notna().to_numpy().astype(np.int8),
                                            pd.Index(["", f"`{column}`: time stamp without a time zone"]))
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]"), no_zone
    import pyarrow.compute as pc

    codes, text = _distinct(values)
    ns = np.full(len(text), NAT, dtype=np.int64)
    reason = np.zeros(len(text), dtype=np.int8)
    done = pc.equal(text, "").to_numpy(zero_copy_only=False)  # empty: no time, no problem
    for pattern, fmt, check_day in ((_FAST_ZULU, "%Y-%m-%dT%H:%M:%SZ", True), (_FAST_DATE, "%Y-%m-%d", True)):
        todo = np.flatnonzero(~done)  # each shape tried only on the strings no earlier shape took
        if not len(todo):
            break
        ok, secs = _fast(text.take(todo) if len(todo) < len(text) else text, pattern, fmt, check_day)
        ns[todo[ok]] = secs[ok] * 10**9
        done[todo[ok]] = True
    rest = np.flatnonzero(~done)
    if len(rest):  # other shapes: pandas, once per distinct string
        encoded = pc.dictionary_encode(text.take(rest))
        distinct = pd.Series(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        rest_ns, rest_reason = _general(distinct)
        index = encoded.indices.to_numpy(zero_copy_only=False)
        ns[rest], reason[rest] = rest_ns[index], rest_reason[index]
    if codes is not None:
        ns, reason = ns[codes], reason[codes]
    out = pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC"), index=values.index)
    texts = pd.Index([""] + [f"`{column}`: {r}" for r in REASONS[1:]], dtype=object)
    return out, pd.Categorical.from_codes(reason, texts, validate=False)


# days since the epoch of the first day of every month from January FIRST_YEAR to January LAST_YEAR + 1 (numpy's
# calendar): a day exists when it comes before the next month's first day
_MONTH_DAYS = np.arange(np.datetime64(f"{FIRST_YEAR}-01", "M"), np.datetime64(f"{LAST_YEAR + 1}-02", "M")) \
    .astype("datetime64[D]").astype(np.int64)
EXACT_FROM = 1_000  # strings; below, the general paths alone (a few numpy passes cost more than they save there)


def _exact_shapes(text: pa.Array[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two common shapes, read from the Arrow buffers by position (time_shapes.py): (taken, ns, year
    outside FIRST_YEAR-LAST_YEAR) per string. Taken: exactly `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DD` as
    `_FAST_ZULU`/`_FAST_DATE` accept them, and either a year pandas cannot hold (refused with that reason, as
    `year_out_of_range` does) or a day that exists in its month. Every other string (spaces, offsets, fractions,
    2021-02-30) is left to the general paths, which then see only those: the same answers and values."""
    n = len(text)
    taken, ns, outside = np.zeros(n, dtype=bool), np.full(n, NAT, dtype=np.int64), np.zeros(n, dtype=bool)
    _, offsets_buf, data_buf = text.buffers()
    if n < EXACT_FROM or data_buf is None or offsets_buf is None:
        return taken, ns, outside
    from .time_shapes import exact_shapes

    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1, offset=text.offset * 4)
    valid = np.ones(n, dtype=bool) if text.null_count == 0 else \
        np.asarray(text.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    exact_shapes(text, np.frombuffer(data_buf, dtype=np.uint8), offsets, valid, FIRST_YEAR, LAST_YEAR, _MONTH_DAYS,
                 taken, ns, outside)
    return taken, ns, outside


def read_time_column(values: pd.Series, column: str) -> tuple[np.ndarray, pd.Series, pd.Categorical[str]]:
    """A feed's time column as (year outside the supported range per row, UTC timestamps, reason per row as a
    Categorical, '' = fine): `year_out_of_range` first (those cells count as empty), then `parse_utc`. Text of
    the common shapes is read from its Arrow buffers (`_exact_shapes`); only the other strings take those paths."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps, given = parse_utc(values, column)
        return np.zeros(len(values), dtype=bool), stamps, given
    n = len(values)
    taken, ns, outside = np.zeros(n, dtype=bool), np.full(n, NAT, dtype=np.int64), np.zeros(n, dtype=bool)
    arrow_text = isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    if arrow_text or isinstance(values.dtype, pd.CategoricalDtype):
        import pyarrow as pa

        if arrow_text:
            text = pa.array(values)
            text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
            taken, ns, outside = _exact_shapes(text.cast(pa.string()))
        else:
            codes = values.cat.codes.to_numpy()  # per category, then per row (-1, a missing cell: not taken)
            strings = pa.array(np.asarray(values.cat.categories, dtype=object).astype(str), type=pa.string())
            c_taken, c_ns, c_outside = (np.append(a, fill) for a, fill in
                                        zip(_exact_shapes(strings), (False, NAT, False)))
            taken, ns, outside = c_taken[codes], c_ns[codes], c_outside[codes]
    texts = pd.Index([""] + [f"`{column}`: {r}" for r in REASONS[1:]], dtype=object)
    reason = np.zeros(n, dtype=np.int8)
    rest = np.flatnonzero(~taken)
    if len(rest):  # other shapes: the year check, then the general parser, on those rows only
        part = values.iloc[rest] if len(rest) < n else values
        far = year_out_of_range(part)
        if far.any():
            part = part.astype(object).where(~far, "")
        stamps, why = parse_utc(part, column)
        outside[rest] = far
        ns[rest] = np.where(stamps.isna().to_numpy(), NAT, stamps.array.asi8)
        lookup = texts.get_indexer(why.categories)
        reason[rest] = lookup[np.asarray(why.codes)]
    out = pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC"), index=values.index)
    return outside, out, pd.Categorical.from_codes(reason, texts, validate=False)


def parse_as_of(text: str | None) -> pd.Timestamp | None:
    """--as-of: the same strict rules as feed times; a ValueError for the CLI to report."""
    if text is None:
        return None
    stamps, reason = parse_utc(pd.Series([text]), "--as-of")
    if reason[0]:
        raise ValueError(str(reason[0]).replace("`--as-of`: ", ""))
    stamp: pd.Timestamp | None = stamps.iloc[0]
    return stamp
