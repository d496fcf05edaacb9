"""From raw feed tables to accepted claims and rejects.

Every row read ends up either accepted or in the rejects table with its file, row, column and reason:
rows read = rows accepted + rows rejected + rows excluded, always. Rejects have a `kind`: `error` (the row
is wrong) or `excluded` (the row is fine but not used: published after --as-of, or from a source the rules
drop). Text columns become sorted categoricals (see codes.py): the checks below run on each distinct string
once, and rows only carry integer codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FeedError
from ..rules.model import Rules
from ..sources import resolve_priors, speaker_multiplier
from ..values import canonicalise_unique, place_names
from .codes import restrict, sorted_categorical
from .content_order import content_order, duplicate_runs, take_consuming
from .guards import range_reason
from .read import REJECT_COLUMNS, bad_lines_table
from .times import read_time_column

REQUIRED = ("source", "subject", "attribute", "value")
CODED = REQUIRED + ("speaker", "speaker_role", "speaker_affiliation", "derived_from")
TIME_COLUMNS = ("published_at", "valid_from", "valid_to")


@dataclass
class ClaimsTable:
    claims: pd.DataFrame  # accepted, deduplicated claims with value_key / value_num / weight / copies
    rejects: pd.DataFrame  # file,row,column,value,reason,kind
    as_of: pd.Timestamp | None
    counts: dict[str, Any] = field(default_factory=dict)


def map_columns(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Rename feed columns to canonical ones per `columns:` and fill `constants:`; check required columns."""
    file = frame["_file"].iloc[0] if len(frame) else "(feed)"
    found = [c for c in frame.columns if not c.startswith("_")]
    renames = {}
    for canonical, column in rules.columns.items():
        if column not in frame.columns:
            raise FeedError(f"{file}: column `{column}` (mapped to `{canonical}` by the rules' columns:) is "
                            f"missing; columns found: {', '.join(found)}")
        renames[column] = canonical
    out = frame.rename(columns=renames)
    for canonical, value in rules.constants.items():
        if canonical not in out.columns:
            out[canonical] = value
    missing = [c for c in REQUIRED if c not in out.columns]
    if missing:
        raise FeedError(
            f"{file}: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join('`' + m + '`' for m in missing)}; columns found: {', '.join(found)}. "
            "Map feed columns with `columns:` in the rules (e.g. subject: object) or set `constants:`."
        )
    return out


class _Reasons:
    """The first reason each row is refused, as a small code: rows never carry reason strings themselves."""

    def __init__(self, n: int):
        self.code = np.zeros(n, dtype=np.int32)  # 0: not refused
        self.texts: list[str] = [""]
        self.columns: list[str] = [""]

    def _new(self, reasons: list[str], column: str) -> int:
        base = len(self.texts)
        self.texts.extend(reasons)
        self.columns.extend([column] * len(reasons))
        return base

    def add(self, mask: np.ndarray, reason: str, column: str) -> None:
        take = mask & (self.code == 0)
        if take.any():
            self.code[take] = self._new([reason], column)

    def add_coded(self, reason: pd.Categorical[str], column: str) -> None:
        """Per-row reasons given as a Categorical ('' = fine)."""
        cats = list(reason.categories)
        bad = [i for i, text in enumerate(cats) if text]
        if not bad:
            return
        lookup = np.zeros(len(cats) + 1, dtype=np.int32)
        lookup[bad] = self._new([cats[i] for i in bad], column) + np.arange(len(bad))
        codes = lookup[np.asarray(reason.codes)]
        take = (codes > 0) & (self.code == 0)
        self.code[take] = codes[take]

    @property
    def refused(self) -> np.ndarray:
        refused: np.ndarray = self.code != 0
        return refused

    def reason(self, idx: np.ndarray) -> np.ndarray:
        texts: np.ndarray = np.asarray(self.texts, dtype=object)[self.code[idx]]
        return texts

    def column(self, idx: np.ndarray) -> np.ndarray:
        columns: np.ndarray = np.asarray(self.columns, dtype=object)[self.code[idx]]
        return columns


def _canonicalise(feed: pd.DataFrame, rules: Rules, why: _Reasons) -> None:
    """value_key (sorted categorical of canonical keys) and value_num, per attribute, on distinct values."""
    attr_codes = feed["attribute"].cat.codes.to_numpy()
    val_codes = feed["value"].cat.codes.to_numpy()
    values = np.asarray(feed["value"].cat.categories, dtype=object)
    number = np.full(len(feed), np.nan)
    parts: list[tuple[np.ndarray, np.ndarray, int]] = []
    local_keys: list[object] = []
    reason = np.zeros(len(feed), dtype=np.int32)
    reasons: dict[str, int] = {"": 0}
    for code, attribute in enumerate(feed["attribute"].cat.categories):
        rows = np.flatnonzero(attr_codes == code) if len(feed["attribute"].cat.categories) > 1 else \
            np.arange(len(feed))
        if len(rows) == 0:
            continue
        present = np.flatnonzero(np.bincount(val_codes[rows], minlength=len(values)))
        rule = rules.attribute_rule(str(attribute))
        canon = canonicalise_unique(pd.Series(values[present], dtype=object), rule)
        lookup = np.full(len(values), -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        local = lookup[val_codes[rows]]
        if rule.kind == "place":  # an ambiguous place name takes the reading its subject's other claims agree with
            from ..places import keys_in_context

            row_keys = keys_in_context(feed["subject"].cat.codes.to_numpy()[rows], local,
                                       place_names([str(v) for v in values[present]], rule))
            key_codes, key_uniques = pd.factorize(row_keys)
            parts.append((rows, key_codes, len(local_keys)))
        else:
            key_codes, key_uniques = pd.factorize(canon.key.to_numpy(dtype=object))
            parts.append((rows, key_codes[local], len(local_keys)))
        local_keys.extend(key_uniques)
        if canon.number is not None:
            number[rows] = canon.number.to_numpy()[local]
        invalid = canon.invalid.to_numpy(dtype=object)
        if (invalid != "").any():
            texts = ["`value`: " + t if t else "" for t in invalid]
            per_value = np.array([reasons.setdefault(t, len(reasons)) for t in texts], dtype=np.int32)
            reason[rows] = per_value[local]
    keys, inverse = np.unique(np.array(local_keys, dtype=object).astype(str), return_inverse=True)
    key_code = np.zeros(len(feed), dtype=np.int32)
    for rows, codes, offset in parts:
        key_code[rows] = inverse[offset + codes]
    if len(reasons) > 1:
        why.add_coded(pd.Categorical.from_codes(reason, pd.Index(list(reasons), dtype=object), validate=False),
                      "value")
    feed["value_key"] = pd.Categorical.from_codes(key_code, pd.Index(keys, dtype=object), validate=False)
    feed["value_num"] = number


def _read_rejects(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Records the readers could not read (bad lines), as rejects."""
    parts = [bad_lines_table(f.attrs["read_rejects"]) for f in frames if len(f.attrs.get("read_rejects", ()))]
    if not parts:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def rejects_summary(rejects: pd.DataFrame, limit: int = 3) -> str:
    """The most common reasons, for a message that must stand alone (no rejects.csv is written then)."""
    if rejects is None or not len(rejects):
        return ""
    reasons = rejects["reason"].astype(str).str.replace(r"^(line|row) \d+: ", "", regex=True)
    top = reasons.value_counts().head(limit)
    first = rejects.iloc[0]
    return (f"; most common reasons: " + "; ".join(f"{why} ({n})" for why, n in top.items())
            + f"; first at {first['file']} row {first['row']}")


def validate(frames: list[pd.DataFrame], rules: Rules, as_of: pd.Timestamp | None) -> ClaimsTable:
    """Accepted claims and rejects of the read frames. The list is emptied once its rows are combined: the raw
    frames' memory (10M claims: hundreds of MB) is freed before validation makes its own columns."""
    read_rejects = _read_rejects(frames)
    readable = []
    for f in frames:
        if len(f):
            f = f.copy(deep=False)
            f.attrs = {}
            readable.append(f)
    if not readable:
        files = ", ".join(dict.fromkeys(read_rejects["file"].astype(str)))
        first = "; ".join(read_rejects["reason"].head(3).astype(str))
        raise FeedError(f"{files}: no record could be read ({len(read_rejects)} bad): {first}"
                        + ("; ..." if len(read_rejects) > 3 else ""))
    feed = pd.concat([map_columns(f, rules) for f in readable], ignore_index=True, sort=False)
    feed.attrs = {}
    feed_files = _feed_files(frames)  # for the rejects' order
    del readable, f
    frames.clear()
    n = len(feed)
    why = _Reasons(n)
    for col in CODED:
        if col in feed:
            feed[col] = sorted_categorical(feed[col])
    for col in REQUIRED:  # sorted categories: the empty text, when there is one, is the first (no hashing)
        categories = feed[col].cat.categories
        empty = (feed[col].cat.codes.to_numpy() == 0) if len(categories) and categories[0] == "" \
            else np.zeros(n, dtype=bool)
        why.add(empty, f"empty `{col}`", col)

    raw_times = {}
    for col in TIME_COLUMNS + ("valid_at",):
        if col in feed:
            raw_times[col] = feed[col]
            outside, feed[col], bad = read_time_column(feed[col], col)
            if outside.any():  # a year pandas cannot hold: that reason, not a parse error
                why.add(outside, range_reason(col), col)
            why.add_coded(bad, col)
        elif col != "valid_at":
            feed[col] = pd.Series(pd.NaT, index=feed.index, dtype="datetime64[ns, UTC]")
    if "valid_at" in feed:  # an instant: both ends of the interval, where they are not given
        for col in ("valid_from", "valid_to"):
            feed[col] = feed[col].where(feed[col].notna(), feed["valid_at"])
        feed = feed.drop(columns=["valid_at"])
    why.add((feed["valid_to"] < feed["valid_from"]).to_numpy(),
            "interval ends before it starts (valid_to < valid_from)", "valid_to")

    if "weight" in feed:
        text = feed["weight"].astype(object).where(feed["weight"].notna(), "")
        weight = pd.to_numeric(text.replace("", "1"), errors="coerce").to_numpy(dtype=float)
        why.add(~((weight > 0) & (weight <= 1)), "`weight` must be a number in (0, 1]", "weight")
    else:
        weight = np.ones(n)

    if rules.defaults.unknown_attributes == "reject":
        unknown = ~feed["attribute"].astype(str).isin(list(rules.attributes)).to_numpy()
        why.add(unknown, "attribute not in the rules (defaults.unknown_attributes: reject)", "attribute")

    _canonicalise(feed, rules, why)

    policy = rules.defaults.unknown_sources
    if policy != "use":
        priors = resolve_priors(list(feed["source"].cat.categories), rules)
        known = priors["known"].to_numpy()[feed["source"].cat.codes.to_numpy()]
        why.add(~known, f"source not in the rules (defaults.unknown_sources: {policy})", "source")

    errors = why.refused
    excluded = np.zeros(n, dtype=bool)
    if policy == "drop":
        excluded = errors & (np.asarray(why.columns, dtype=object)[why.code] == "source")
    if as_of is None:
        stamps = feed.loc[~errors, "published_at"]
        as_of = stamps.max() if stamps.notna().any() else None
    if as_of is not None:
        late = (feed["published_at"] > as_of).to_numpy() & ~errors
        why.add(late, "published after --as-of", "published_at")
        excluded |= late
        future = (feed["valid_from"] > as_of).to_numpy() & ~why.refused
        why.add(future, "valid time starts after --as-of (a prediction, not a state at as-of)", "valid_from")
        excluded |= future
    rejected = why.refused
    rejects = _rejects(feed, raw_times, why, excluded, rejected)
    if len(read_rejects):
        rejects = _in_feed_order(pd.concat([read_rejects, rejects], ignore_index=True), feed_files)

    claims = feed.loc[~rejected].copy() if rejected.any() else feed
    del feed, raw_times  # released before the sorted copy below: one copy of the rows at a time
    claims["weight"] = weight[~rejected] * speaker_multiplier(claims, rules)
    del weight
    accepted = len(claims)
    order = content_order(claims)
    kept, copies = duplicate_runs(claims, order)
    # sorted and deduplicated in one take of every column; the feed-order rows are released column by column as
    # the sorted ones are made
    if kept is not None:
        claims = take_consuming(claims, kept if order is None else order[kept])
    elif order is not None:
        claims = take_consuming(claims, order)
    del order, kept
    claims = claims.assign(copies=copies).reset_index(drop=True)
    del copies
    for col in CODED:
        if col in claims:
            claims[col] = restrict(claims[col])
    claims["value_key"] = restrict(claims["value_key"])
    for col in claims.columns:  # other text columns: categories in sorted order too, not in feed order
        if col not in CODED and isinstance(claims[col].dtype, pd.CategoricalDtype) and not col.startswith("_"):
            claims[col] = restrict(sorted_categorical(claims[col], strip=False))  # same category type always
    counts = {
        "rows_read": n + len(read_rejects),
        "rows_accepted": accepted,
        "rows_rejected": int((rejected & ~excluded).sum()) + len(read_rejects),
        "rows_excluded": int(excluded.sum()),
        "duplicate_rows": accepted - len(claims),
        "claims": len(claims),
    }
    if counts["rows_read"] != accepted + counts["rows_rejected"] + counts["rows_excluded"]:
        raise AssertionError(f"row accounting broken: {counts}")
    return ClaimsTable(claims=claims, rejects=rejects, as_of=as_of, counts=counts)


def _feed_files(frames: list[pd.DataFrame]) -> list[str]:
    """The files read, in the order given."""
    return list(dict.fromkeys(str(f["_file"].iloc[0]) if len(f) else f.attrs["read_rejects"].file
                              for f in frames if len(f) or len(f.attrs.get("read_rejects", ()))))


def _in_feed_order(rejects: pd.DataFrame, files: list[str]) -> pd.DataFrame:
    rank = pd.Categorical(rejects["file"].astype(str), categories=files).codes
    order = np.lexsort((rejects["row"].to_numpy(dtype=np.int64), rank))
    return rejects.iloc[order].reset_index(drop=True)


def _rejects(feed: pd.DataFrame, raw_times: dict[str, pd.Series], why: _Reasons, excluded: np.ndarray,
             rejected: np.ndarray) -> pd.DataFrame:
    idx = np.flatnonzero(rejected)
    columns = why.column(idx)
    cells = np.full(len(idx), "", dtype=object)
    for col in np.unique(columns):
        if not col:
            continue
        source = raw_times.get(col, feed[col] if col in feed else None)
        if source is None:
            continue
        pick = columns == col
        values = source.iloc[idx[pick]]
        cells[pick] = values.astype(object).where(values.notna(), "").astype(str).to_numpy()
    return pd.DataFrame({"file": np.asarray(feed["_file"].iloc[idx], dtype=object), "row": feed["_row"].to_numpy()[idx],
                         "column": columns, "value": cells, "reason": why.reason(idx),
                         "kind": np.where(excluded[idx], "excluded", "error")}, columns=REJECT_COLUMNS)
