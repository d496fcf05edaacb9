"""The page's verdict explanations ("details"): per contested subject/attribute its values, the bars of the
waterfall (one per source or copy cluster) and the strongest quotes, built from that item's claims.

Only the details the page embeds are built: items are taken in triage order a batch at a time, and only the
claims of a batch's subjects are made into Python records (a 1M-claim feed has thousands of contested items, the
page explains the first few hundred that fit its budget). The claim and verdict rows of all candidate items are
found once, by one vectorised selection each; a batch then picks among those few rows.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ..claim_rows import ClaimRows

QUOTE_CHARS = 50_000  # a quote is embedded up to this many characters; claims.parquet keeps it whole
VOTE_FACTORS = ["reliability", "weight", "recency", "copy_discount"]
VERDICT_FIELDS = ["subject", "attribute", "value", "confidence", "status", "runner_up", "runner_up_confidence"]
CLAIM_FIELDS = ["subject", "attribute", "value", "value_key", "source", "vote", "posterior", "chosen", "speaker",
                "speaker_role", "quote", "url", "published_at", "claim_id"] + VOTE_FACTORS
FIRST_BATCH = 128  # items explained in the first batch; the next batch is sized from the details' mean size


def _bars(rows: list[dict[str, Any]], cluster_of: dict[str, int]) -> list[dict[str, Any]]:
    """One bar per source backing a value (its vote counted once: a source's claims of one value are one
    assertion), sources of one copy cluster merged into one bar. A member is [source, vote, *VOTE_FACTORS]
    (lists, not dicts: the page embeds thousands); `label` only for a cluster."""
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["source"] not in best or r["vote"] > best[r["source"]]["vote"]:
            best[r["source"]] = r
    bars: dict[str, dict[str, Any]] = {}
    for source in sorted(best):
        r = best[source]
        k = cluster_of.get(source)
        key = f"cluster:{k}" if k is not None else f"source:{source}"
        member = [source, round(r["vote"], 6)] + [round(r[f], 4) for f in VOTE_FACTORS]
        bar = bars.setdefault(key, {"members": [], "vote": 0.0})
        bar["members"].append(member)
        bar["vote"] = round(bar["vote"] + member[1], 6)
    out = []
    for bar in bars.values():
        if len(bar["members"]) > 1:
            bar["label"] = "copy cluster: " + ", ".join(m[0] for m in bar["members"])
        out.append(bar)
    return sorted(out, key=lambda b: (-b["vote"], b.get("label", b["members"][0][0])))


def _quotes(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int]:
    """The strongest claims that carry evidence (a quote, a speaker or a link), and how many more do."""
    evidence = [r for r in rows if r["quote"] or r["speaker"] or r["url"]]
    shown = sorted(evidence, key=lambda r: (-r["vote"], r["source"], r["claim_id"]))[:limit]
    out = []
    for r in shown:
        q = {"source": r["source"], "speaker": r["speaker"], "role": r["speaker_role"], "quote": r["quote"],
             "url": r["url"], "published_at": r["published_at"]}
        if len(r["quote"]) > QUOTE_CHARS:  # one huge quote must not spend the page's budget for every other verdict
            q["quote"], q["quote_chars"] = r["quote"][:QUOTE_CHARS], len(r["quote"])
        out.append(q)
    return out, max(len(evidence) - limit, 0)


def verdict_detail(rows: list[dict[str, Any]], v: list[dict[str, Any]], subject: str, attribute: str,
                   clusters: list[list[str]], time_modelled: bool, quotes_per_value: int = 5) -> dict[str, Any]:
    """One verdict explained from its claims (`rows`, records of CLAIM_FIELDS) and verdict rows (`v`): per
    value its score (sum of votes), the bars of the waterfall, quotes."""
    cluster_of = {s: k for k, group in enumerate(clusters) for s in group}
    by_value: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_value.setdefault(r["value_key"], []).append(r)
    values = []
    for group in by_value.values():
        first = max(group, key=lambda r: r["vote"])
        bars = _bars(group, cluster_of)
        quotes, more = _quotes(group, quotes_per_value)
        values.append({"value": first["value"], "posterior": round(first["posterior"], 6),
                       "chosen": bool(first["chosen"]), "score": round(sum(b["vote"] for b in bars), 6),
                       "n_claims": len(group), "bars": bars, "quotes": quotes, "more_quotes": more})
    values.sort(key=lambda x: (-x["posterior"], -x["score"], x["value"]))
    head = v[0] if v else None
    return {
        "subject": subject, "attribute": attribute, "time_modelled": time_modelled,
        "chosen": [x["value"] for x in v], "confidence": [round(float(x["confidence"]), 6) for x in v],
        "status": [x["status"] for x in v],
        "runner_up": "" if head is None else str(head["runner_up"] or ""),
        "runner_up_confidence": 0.0 if head is None else round(float(head["runner_up_confidence"] or 0), 6),
        "values": values, "timeline_chart": None,
    }


def records_by_item(frame: pd.DataFrame, items: pd.DataFrame, fields: list[str]
                    ) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Plain records of `frame` per (subject, attribute) of `items`: one vectorised selection, then Python
    lists (per-group pandas operations cost ~ms each, thousands of verdicts would take minutes)."""
    keys = pd.MultiIndex.from_frame(items.astype(str))
    own = pd.MultiIndex.from_arrays([frame["subject"].astype(str), frame["attribute"].astype(str)])
    picked = frame[own.isin(keys)]
    columns = {}
    for f in fields:
        col = picked[f] if f in picked else pd.Series("", index=picked.index)
        if f == "published_at":
            stamps = pd.to_datetime(col, utc=True, errors="coerce")
            columns[f] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("").tolist()
        elif pd.api.types.is_bool_dtype(col) or pd.api.types.is_float_dtype(col):
            columns[f] = col.tolist()
        else:
            columns[f] = col.astype(object).where(col.notna(), "").astype(str).tolist()
    out: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for rec in (dict(zip(fields, values)) for values in zip(*(columns[f] for f in fields))):
        out.setdefault((rec["subject"], rec["attribute"]), []).append(rec)
    return out


def _narrowed(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each categorical column's categories cut to the ones its rows use (same values, same order):
    a few thousand rows picked from a 1M-claim table would otherwise carry its 200,000 subject names into
    every conversion below."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return frame
    return frame.assign(**{c: frame[c].cat.remove_unused_categories() for c in cats})


class _RowsOfSubjects:
    """The rows of a table (claims or verdicts) whose subject is among the candidate items' subjects, found once
    by one vectorised selection; `of(subjects)` then narrows them to a batch's subjects (table order kept)."""

    def __init__(self, table: pd.DataFrame | ClaimRows, subjects: np.ndarray):
        self.table = table
        if isinstance(table, ClaimRows):
            self.rows = table.subject_rows(subjects)
            self.subject = table.feed_columns(["subject"])["subject"].iloc[self.rows].astype(str).to_numpy()
        else:  # by Arrow's hash lookups (pandas' isin of 200,000 verdicts' subjects cost five times more)
            import pyarrow as pa
            import pyarrow.compute as pc

            column = table["subject"].astype(str)
            found = pc.is_in(pa.array(column, pa.large_string()),
                             value_set=pa.array([str(s) for s in subjects], pa.large_string()))
            if isinstance(found, pa.ChunkedArray):  # a column read from a CSV holds its Arrow data in chunks
                found = found.combine_chunks()
            self.rows = np.flatnonzero(found.to_numpy(zero_copy_only=False))
            self.subject = column.iloc[self.rows].to_numpy()

    def of(self, subjects: set[str]) -> pd.DataFrame:
        at = self.rows[pd.Series(self.subject).isin(subjects).to_numpy()] if len(self.rows) else self.rows
        if isinstance(self.table, ClaimRows):
            return self.table.frame(at)
        return self.table.iloc[at]


def explain(items: pd.DataFrame, claims: pd.DataFrame | ClaimRows, verdicts: pd.DataFrame,
            timed: set[tuple[str, str]], clusters: list[list[str]], budget_chars: int, quotes_per_value: int
            ) -> dict[str, dict[str, Any]]:
    """The details of `items` (subject, attribute; in triage order) while their JSON fits `budget_chars` (the
    one that crosses it is the last), keyed "subject\\x1fattribute"."""
    subjects = items["subject"].astype(str).unique()
    claim_rows, verdict_rows = _RowsOfSubjects(claims, subjects), _RowsOfSubjects(verdicts, subjects)
    details: dict[str, dict[str, Any]] = {}
    used, start, size = 0, 0, FIRST_BATCH
    while start < len(items) and used <= budget_chars:
        batch = items.iloc[start:start + size]
        wanted = set(batch["subject"].astype(str))
        claims_of = records_by_item(_narrowed(claim_rows.of(wanted)), batch, CLAIM_FIELDS)
        verdicts_of = records_by_item(_narrowed(verdict_rows.of(wanted)), batch, VERDICT_FIELDS)
        for subject, attribute in batch.itertuples(index=False):
            if used > budget_chars:
                break
            key = (str(subject), str(attribute))
            d = verdict_detail(claims_of.get(key, []), verdicts_of.get(key, []), key[0], key[1], clusters,
                               key in timed, quotes_per_value)
            used += len(json.dumps(d, ensure_ascii=False))
            details[f"{subject}\x1f{attribute}"] = d
        start += len(batch)
        # the next batch: about as many items as the rest of the budget holds at the mean size so far, and a fifth
        size = max(FIRST_BATCH, int(1.2 * max(budget_chars - used, 0) / max(used / max(len(details), 1), 1)) + 16)
    return details
