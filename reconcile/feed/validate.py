"""From raw feed tables to accepted claims and rejects.

Every row read ends up either accepted or in the rejects table with its file, row, column and reason:
rows read = rows accepted + rows rejected + rows excluded, always. Rejects have a `kind`: `error` (the row
is wrong) or `excluded` (the row is fine but not used: published after --as-of, or from a source the rules
drop). Text columns become sorted categoricals (see codes.py): the checks below run on each distinct string
once, and rows only carry integer codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import FeedError
from ..rules.model import Rules
from ..sources import resolve_priors, speaker_multiplier
from ..values import canonicalise_unique
from .codes import restrict, sorted_categorical
from .times import parse_utc

REQUIRED = ("source", "subject", "attribute", "value")
CODED = REQUIRED + ("speaker", "speaker_role", "speaker_affiliation", "derived_from")
TIME_COLUMNS = ("published_at", "valid_from", "valid_to")
DEDUP_KEY = ("source", "subject", "attribute", "value", "published_at", "valid_from", "valid_to")
REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "kind"]


@dataclass
class ClaimsTable:
    claims: pd.DataFrame  # accepted, deduplicated claims with value_key / value_num / weight / copies
    rejects: pd.DataFrame  # file,row,column,value,reason,kind
    as_of: pd.Timestamp | None
    counts: dict = field(default_factory=dict)


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
    """The first reason a row is refused, and the column it concerns."""

    def __init__(self, n: int):
        self.reason = np.full(n, "", dtype=object)
        self.column = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray, reason, column: str) -> None:
        take = mask & (self.reason == "")
        self.reason[take] = reason[take] if isinstance(reason, np.ndarray) else reason
        self.column[take] = column


def _canonicalise(feed: pd.DataFrame, rules: Rules, why: _Reasons) -> None:
    """value_key (sorted categorical of canonical keys) and value_num, per attribute, on distinct values."""
    attr_codes = feed["attribute"].cat.codes.to_numpy()
    val_codes = feed["value"].cat.codes.to_numpy()
    values = np.asarray(feed["value"].cat.categories, dtype=object)
    key_text = np.full(len(feed), "", dtype=object)
    number = np.full(len(feed), np.nan)
    bad_reason = np.full(len(feed), "", dtype=object)
    for code, attribute in enumerate(feed["attribute"].cat.categories):
        rows = np.flatnonzero(attr_codes == code)
        if len(rows) == 0:
            continue
        present = np.flatnonzero(np.bincount(val_codes[rows], minlength=len(values)))
        canon = canonicalise_unique(pd.Series(values[present], dtype=object), rules.attribute_rule(str(attribute)))
        lookup = np.full(len(values), -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        local = lookup[val_codes[rows]]
        key_text[rows] = canon.key.to_numpy(dtype=object)[local]
        if canon.number is not None:
            number[rows] = canon.number.to_numpy()[local]
        bad_reason[rows] = canon.invalid.to_numpy(dtype=object)[local]
    bad = bad_reason != ""
    why.add(bad, np.where(bad, "`value`: " + bad_reason.astype(str), ""), "value")
    feed["value_key"] = sorted_categorical(pd.Series(key_text, index=feed.index), strip=False)
    feed["value_num"] = number


def validate(frames: list[pd.DataFrame], rules: Rules, as_of: pd.Timestamp | None) -> ClaimsTable:
    feed = pd.concat([map_columns(f, rules) for f in frames], ignore_index=True, sort=False)
    n = len(feed)
    why = _Reasons(n)
    for col in CODED:
        if col in feed:
            feed[col] = sorted_categorical(feed[col])
    for col in REQUIRED:
        empty = (feed[col].cat.codes.to_numpy() == feed[col].cat.categories.get_loc("")) \
            if "" in feed[col].cat.categories else np.zeros(n, dtype=bool)
        why.add(empty, f"empty `{col}`", col)

    raw_times = {}
    for col in TIME_COLUMNS + ("valid_at",):
        if col in feed:
            raw_times[col] = feed[col]
            feed[col], bad = parse_utc(feed[col], col)
            bad = bad.to_numpy()
            why.add(bad != "", bad, col)
        elif col != "valid_at":
            feed[col] = pd.Series(pd.NaT, index=feed.index, dtype="datetime64[ns, UTC]")
    if "valid_at" in feed:  # an instant: both ends of the interval, where they are not given
        for col in ("valid_from", "valid_to"):
            feed[col] = feed[col].where(feed[col].notna(), feed["valid_at"])
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

    errors = why.reason != ""
    kind = np.where(errors, "error", "").astype(object)
    if policy == "drop":
        kind[errors & (why.column == "source")] = "excluded"
    if as_of is None:
        stamps = feed.loc[~errors, "published_at"]
        as_of = stamps.max() if stamps.notna().any() else None
    if as_of is not None:
        late = (feed["published_at"] > as_of).to_numpy() & ~errors
        why.add(late, "published after --as-of", "published_at")
        kind[late] = "excluded"
    rejected = why.reason != ""
    rejects = _rejects(feed, raw_times, why, kind, rejected)

    claims = feed.loc[~rejected].copy()
    claims["weight"] = weight[~rejected] * speaker_multiplier(claims, rules)
    accepted = len(claims)
    claims = _deduplicate(claims)
    for col in CODED:
        if col in claims:
            claims[col] = restrict(claims[col])
    claims["value_key"] = restrict(claims["value_key"])
    counts = {
        "rows_read": n,
        "rows_accepted": accepted,
        "rows_rejected": int((kind == "error").sum()),
        "rows_excluded": int((kind == "excluded").sum()),
        "duplicate_rows": accepted - len(claims),
        "claims": len(claims),
    }
    if counts["rows_read"] != accepted + counts["rows_rejected"] + counts["rows_excluded"]:
        raise AssertionError(f"row accounting broken: {counts}")
    return ClaimsTable(claims=claims, rejects=rejects, as_of=as_of, counts=counts)


def _deduplicate(claims: pd.DataFrame) -> pd.DataFrame:
    """Identical claims count once; `copies` keeps how many rows said it."""
    key = [c for c in DEDUP_KEY if c in claims]
    group = claims.groupby(key, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    out = claims.iloc[np.sort(first)].copy()
    out["copies"] = np.bincount(group)[group[np.sort(first)]]
    return out.reset_index(drop=True)


def _rejects(feed, raw_times, why: _Reasons, kind: np.ndarray, rejected: np.ndarray) -> pd.DataFrame:
    idx = np.flatnonzero(rejected)
    cells = np.full(len(idx), "", dtype=object)
    for col in np.unique(why.column[idx]):
        if not col:
            continue
        source = raw_times.get(col, feed[col] if col in feed else None)
        if source is None:
            continue
        pick = why.column[idx] == col
        values = source.iloc[idx[pick]]
        cells[pick] = values.astype(object).where(values.notna(), "").astype(str).to_numpy()
    return pd.DataFrame({"file": feed["_file"].to_numpy()[idx], "row": feed["_row"].to_numpy()[idx],
                         "column": why.column[idx], "value": cells, "reason": why.reason[idx], "kind": kind[idx]},
                        columns=REJECT_COLUMNS)
