"""Pieces shared by the time contradiction kinds (kinds.py, stale.py): the rows in the columns of
reconcile.contradictions with their ids, the text of times, values and sources, joins of strings per key, and
the timeline interval holding a time."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..contradictions import COLUMNS
from ..solve.segments import seg_join


def row_ids(*columns: Iterable[object]) -> np.ndarray:
    # numpy object arrays first: zip over Arrow-backed Series would convert element by element
    arrays = [np.asarray(c, dtype=object) for c in columns]
    sha1 = hashlib.sha1
    if all(pd.api.types.infer_dtype(a, skipna=False) in ("string", "empty") for a in arrays):  # no str() needed
        return np.array(["C" + sha1("\x1f".join(t).encode()).hexdigest()[:10] for t in zip(*arrays)], dtype=object)
    keys = ["\x1f".join(map(str, t)) for t in zip(*arrays)]
    return np.array(["C" + sha1(k.encode()).hexdigest()[:10] for k in keys], dtype=object)


def iso_seconds(ns: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DDTHH:MM:SSZ' per ns time (UTC; NaT: 'NaTZ'), the text numpy's `datetime_as_string(unit="s")`
    gives plus 'Z', formatted by Arrow's cast to string (a second pass of C, twice as quick as numpy's; pandas'
    strftime is a Python loop). Seconds are floored, as numpy's unit conversion does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ns = np.asarray(ns, dtype=np.int64)
    nat = ns == np.iinfo(np.int64).min
    seconds = pa.array(np.floor_divide(ns, 10**9), mask=nat if nat.any() else None).cast(pa.timestamp("s"))
    text = pc.binary_join_element_wise(pc.utf8_replace_slice(pc.cast(seconds, pa.string()), 10, 11, "T"), "Z", "")
    return np.asarray(pc.fill_null(text, "NaTZ").to_numpy(zero_copy_only=False), dtype=object)


def as_text(values: pd.Series) -> np.ndarray:
    """A column as Python strings (as `astype(str)`): a categorical's categories converted once, not every row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.asarray(values.cat.categories.astype(str), dtype=object)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[np.maximum(codes, 0)] if len(cats) else "nan", "nan").astype(object)
    return np.asarray(values.astype(str), dtype=object)


def as_objects(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object, copy=False)


def span_text(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    fa, fb = iso_seconds(a), iso_seconds(b)
    return np.where(a == b, "at " + fa, fa + ".." + fb).astype(object)


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def interval_at(item: np.ndarray, t: np.ndarray, tl: pd.DataFrame) -> np.ndarray:
    """Row of the timeline interval of `item` holding time t: the item's last interval starting at or before t
    (before the first: the first). On a timeline in (item, time) order (the time model's), compiled binary
    searches per query (steps.interval_rows); else a binary search on one integer key per (item, time): the times
    of both sides ranked together, so that the key item x (number of times) + rank sorts as (item, time)."""
    item = np.asarray(item, dtype=np.int64)
    tl_item = tl["_item"].to_numpy().astype(np.int64)
    tl_t0 = tl["t0"].to_numpy().astype(np.int64)
    if len(tl_item) and (np.diff(tl_item) >= 0).all() and (np.diff(tl_t0)[tl_item[1:] == tl_item[:-1]] > 0).all():
        from .steps import interval_rows  # the time model's timeline: in (item, time) order, one search per query

        at: np.ndarray = tl["row_tl"].to_numpy()[interval_rows(tl_item, tl_t0, item, np.asarray(t, dtype=np.int64))]
        return at.astype(np.int64)
    times, rank = np.unique(np.r_[tl["t0"].to_numpy().astype(np.int64), np.asarray(t, dtype=np.int64)],
                            return_inverse=True)
    n_times = max(len(times), 1)
    key = tl_item * n_times + rank[:len(tl_item)]
    order = np.argsort(key, kind="stable")  # the timeline is in (item, time) order already: a cheap pass
    pos = np.searchsorted(key, item * n_times + rank[len(tl_item):], side="right", sorter=order) - 1
    first = np.searchsorted(key, item * n_times, side="left", sorter=order)  # the item's first interval
    found = (pos >= 0) & (tl_item[order[np.maximum(pos, 0)]] == item)
    out: np.ndarray = tl["row_tl"].to_numpy()[order[np.where(found, pos, first)]].astype(np.int64)
    return out


def row_frame(tl_rows: pd.DataFrame, kind: str, competing: Any, losing: Any, source: Any, severity: ArrayLike,
               discriminator: Any) -> pd.DataFrame:
    out = pd.DataFrame({
        "subject": tl_rows["subject"].to_numpy(), "attribute": tl_rows["attribute"].to_numpy(), "kind": kind,
        "verdict_value": tl_rows["value"].to_numpy(), "verdict_confidence": tl_rows["probability"].to_numpy(),
        "competing_values": competing, "losing_sources": losing, "source": source,
        "severity": np.asarray(severity, dtype=float), "status": "", "_item": tl_rows["_item"].to_numpy(),
    })
    out["id"] = row_ids(out["subject"], out["attribute"], np.full(len(out), kind), out["source"], discriminator)
    return out


def as_strings(values: Any) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False) if hasattr(values, "to_numpy") else values, dtype=object)


def join_per_key(keys: np.ndarray, strings: object, sep: str) -> pd.Series:
    """Strings joined per key (keys sorted, strings in order), in Arrow: a Series indexed by key."""
    keys = np.asarray(keys)
    uniq, joined = seg_join(keys, strings, sep, limit=len(keys) + 1)
    return pd.Series(as_strings(joined), index=uniq)


def distinct_joined(frame: pd.DataFrame, group: str, column: str) -> pd.Series:
    once = frame.sort_values([group, column], kind="stable").drop_duplicates([group, column])
    return join_per_key(once[group].to_numpy(), once[column], ",")


def describe(frame: pd.DataFrame, group: str) -> pd.Series:
    """Per group: 'value (support: sources); ...' ordered by support (high first), then value. In numpy on
    integer codes: `src_rank` sorts as the source names, a rank per value text as the texts."""
    g = frame[group].to_numpy()
    value = np.asarray(frame["value"].to_numpy(), dtype=object)
    source = np.asarray(frame["source"].to_numpy(), dtype=object)
    value_rank = pd.factorize(value, sort=True)[0]
    src = frame["src_rank"].to_numpy()
    order = np.lexsort((src, value_rank, g))  # by (group, value, source), stable
    g, value_rank, src = g[order], value_rank[order], src[order]
    new_value = np.r_[True, (g[1:] != g[:-1]) | (value_rank[1:] != value_rank[:-1])]
    starts = np.flatnonzero(new_value)
    p = np.fmax.reduceat(frame["support"].to_numpy(dtype=float)[order], starts)  # (NaN skipped, as pandas' max)
    once = np.flatnonzero(new_value | np.r_[True, src[1:] != src[:-1]])  # each source once per value, in name order
    sources = join_per_key((np.cumsum(new_value) - 1)[once], source[order[once]], ",").to_numpy()
    per = np.lexsort((value_rank[starts], -p, g[starts]))  # by group, support (high first), value
    text = np.array(["{:.3f}".format(x) for x in p[per].tolist()], dtype=object)
    desc = value[order[starts[per]]] + " (" + text + ": " + sources[per] + ")"
    return join_per_key(g[starts[per]], desc, "; ")


def hedged(claims: pd.DataFrame) -> np.ndarray:
    """Per claim: it carries a hedge (the `hedges` column of extracted claims; no column: none)."""
    if "hedges" not in claims:
        return np.zeros(len(claims), dtype=bool)
    return np.asarray(claims["hedges"].fillna("").astype(str).str.strip().to_numpy() != "", dtype=bool)


def said(claims: pd.DataFrame) -> np.ndarray:
    """Per claim: ' — source, speaker: "quote"' (whitespace collapsed), or '' without a quote."""
    if "quote" not in claims:
        return np.full(len(claims), "", dtype=object)
    quote = pd.Series(as_text(claims["quote"].fillna("").astype(str))).str.replace(r"\s+", " ", regex=True).str.strip()
    who = pd.Series(as_text(claims["source"]))
    if "speaker" in claims:
        speaker = pd.Series(as_text(claims["speaker"].fillna("").astype(str)))
        who = who.where(speaker == "", who + ", " + speaker)
    return np.where(quote != "", " — " + who + ': "' + quote + '"', "").astype(object)
