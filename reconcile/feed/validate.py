"""From raw feed tables to accepted claims and rejects.

Every row read ends up either accepted or in the rejects table with its file, row, column and reason:
rows read = rows accepted + rows rejected, always. Rejects have a `kind`: `error` (the row is wrong) or
`excluded` (the row is fine but not used: published after --as-of, or from a source the rules drop).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import FeedError
from ..rules.model import Rules
from ..sources import resolve_priors, speaker_multiplier
from ..values import canonicalise_unique
from .times import parse_utc

REQUIRED = ("source", "subject", "attribute", "value")
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


def _reject(reason: np.ndarray, column: np.ndarray, mask: np.ndarray, text: str, col: str) -> None:
    take = mask & (reason == "")
    reason[take] = text
    column[take] = col


def validate(frames: list[pd.DataFrame], rules: Rules, as_of: pd.Timestamp | None) -> ClaimsTable:
    feed = pd.concat([map_columns(f, rules) for f in frames], ignore_index=True, sort=False)
    n = len(feed)
    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)
    for col in REQUIRED:
        feed[col] = feed[col].astype(str).str.strip()
        _reject(reason, column, (feed[col] == "").to_numpy(), f"empty `{col}`", col)

    if "valid_at" in feed:
        for col in ("valid_from", "valid_to"):
            if col not in feed:
                feed[col] = feed["valid_at"]
            else:
                feed[col] = feed[col].where(feed[col].astype(str).str.strip() != "", feed["valid_at"])
    raw_times = {}
    for col in TIME_COLUMNS:
        if col in feed:
            raw_times[col] = feed[col]
            feed[col], bad = parse_utc(feed[col], col)
            bad = bad.to_numpy()
            take = (reason == "") & (bad != "")
            reason[take] = bad[take]
            column[take] = col
        else:
            feed[col] = pd.Series(pd.NaT, index=feed.index, dtype="datetime64[ns, UTC]")
    backwards = (feed["valid_to"] < feed["valid_from"]).to_numpy()
    _reject(reason, column, backwards, "interval ends before it starts (valid_to < valid_from)", "valid_to")

    if "weight" in feed:
        weight = pd.to_numeric(feed["weight"].replace("", "1"), errors="coerce").to_numpy(dtype=float)
        _reject(reason, column, ~((weight > 0) & (weight <= 1)), "`weight` must be a number in (0, 1]", "weight")
    else:
        weight = np.ones(n)

    if rules.defaults.unknown_attributes == "reject":
        unknown = ~feed["attribute"].isin(list(rules.attributes)).to_numpy()
        _reject(reason, column, unknown, "attribute not in the rules (defaults.unknown_attributes: reject)",
                "attribute")

    # values, canonicalised per attribute on unique raw values
    feed["value_key"] = ""
    feed["value_num"] = np.nan
    for attribute, index in feed.groupby("attribute", sort=True).groups.items():
        rule = rules.attribute_rule(str(attribute))
        raw = feed.loc[index, "value"]
        codes, uniques = pd.factorize(raw)
        canon = canonicalise_unique(pd.Series(uniques, dtype=object), rule)
        feed.loc[index, "value_key"] = canon.key.to_numpy()[codes]
        if canon.number is not None:
            feed.loc[index, "value_num"] = canon.number.to_numpy()[codes]
        bad = canon.invalid.to_numpy()[codes]
        mask = np.zeros(n, dtype=bool)
        positions = feed.index.get_indexer(index)
        mask[positions] = bad != ""
        sub_reason = np.full(n, "", dtype=object)
        sub_reason[positions] = bad
        take = mask & (reason == "")
        reason[take] = "`value`: " + sub_reason[take]
        column[take] = "value"

    # sources: prior resolution and the policy for unknown ones
    src_codes, src_names = pd.factorize(feed["source"])
    priors = resolve_priors(src_names, rules)
    known = priors["known"].to_numpy()[src_codes]
    policy = rules.defaults.unknown_sources
    if policy != "use":
        _reject(reason, column, ~known, f"source not in the rules (defaults.unknown_sources: {policy})", "source")

    errors = reason != ""
    kind = np.where(errors, "error", "")
    if policy == "drop":
        kind[errors & (column == "source")] = "excluded"
    if as_of is None:
        stamps = feed.loc[~errors, "published_at"]
        as_of = stamps.max() if stamps.notna().any() else None
    if as_of is not None:
        late = (feed["published_at"] > as_of).to_numpy() & (reason == "")
        reason[late] = "published after --as-of"
        column[late] = "published_at"
        kind[late] = "excluded"
    rejected = reason != ""
    rejects = pd.DataFrame({
        "file": feed["_file"].to_numpy()[rejected],
        "row": feed["_row"].to_numpy()[rejected],
        "column": column[rejected],
        "value": [_cell(raw_times.get(c, feed.get(c)), i) for c, i in zip(column[rejected], np.flatnonzero(rejected))],
        "reason": reason[rejected],
        "kind": kind[rejected],
    }, columns=REJECT_COLUMNS)

    claims = feed.loc[~rejected].copy()
    claims["weight"] = weight[~rejected] * speaker_multiplier(claims, rules)
    accepted = len(claims)
    key = [c for c in DEDUP_KEY if c in claims]
    copies = claims.groupby(key, sort=False, dropna=False, observed=True)["_row"].transform("size")
    claims["copies"] = copies.to_numpy()
    claims = claims.loc[~claims.duplicated(key, keep="first")].reset_index(drop=True)
    counts = {
        "rows_read": n,
        "rows_accepted": accepted,
        "rows_rejected": int((kind == "error").sum()),
        "rows_excluded": int((kind == "excluded").sum()),
        "duplicate_rows": accepted - len(claims),
        "claims": len(claims),
    }
    assert counts["rows_read"] == accepted + counts["rows_rejected"] + counts["rows_excluded"]
    return ClaimsTable(claims=claims, rejects=rejects, as_of=as_of, counts=counts)


def _cell(values: pd.Series | None, i: int) -> str:
    if values is None:
        return ""
    value = values.iloc[i]
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT else str(value)
