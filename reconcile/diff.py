"""What changed between two runs: verdict values and statuses, confidence moves, contradictions that are new,
persisting or gone (and reviews), source reliability moves.

A run is a `Snapshot`: verdicts (subject, attribute, value, confidence, status), contradictions (id, subject,
attribute, kind, status) and sources (source, reliability), read from an output folder, from a run recorded in
the state, or from a Result in memory.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .pipeline import Result
    from .state.store import StateStore

CHANGE_COLUMNS = ["change", "subject", "attribute", "before", "after", "detail"]
REVIEWED = ("resolved", "dismissed")


@dataclass
class Snapshot:
    label: str
    verdicts: pd.DataFrame
    contradictions: pd.DataFrame
    sources: pd.DataFrame


def from_output(out_dir: str | Path) -> Snapshot:
    from .explain import load_run

    run = load_run(out_dir, claims=False)  # (a run made with --no-claims compares too)
    return Snapshot(str(out_dir), run["verdicts"], run["contradictions"], run["sources"])


def from_result(label: str, result: Result) -> Snapshot:
    return Snapshot(label, result.verdicts, result.contradictions, result.sources)


def from_state(store: StateStore, run_id: int | None) -> Snapshot:
    runs = store.runs()
    if not len(runs):
        from .errors import UsageError
        raise UsageError(f"{store.path}: no run recorded in the state yet")
    run_id = int(runs["run_id"].iloc[-1]) if run_id is None else run_id
    if run_id not in set(runs["run_id"]):
        from .errors import UsageError
        raise UsageError(f"{store.path}: no run {run_id}; runs: {', '.join(map(str, runs['run_id']))}")
    ev = store.evidence(run_id)
    contra = store.contradictions(run_id).rename(columns={"review": "status"})
    return Snapshot(f"{store.path} run {run_id}", store.verdicts(run_id), contra,
                    ev[ev["attribute"] == ""][["source", "reliability"]])


def _per_item(verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per subject/attribute: values joined (multi-valued items), the top confidence, the status."""
    v = verdicts.assign(subject=verdicts["subject"].astype(str), attribute=verdicts["attribute"].astype(str),
                        value=verdicts["value"].astype(str), confidence=verdicts["confidence"].astype(float),
                        status=verdicts["status"].astype(str))
    v = v.sort_values(["subject", "attribute", "value"], kind="stable")
    several = v.duplicated(["subject", "attribute"], keep=False).to_numpy()
    single = v[~several].set_index(["subject", "attribute"])[["value", "confidence", "status"]]
    if not several.any():  # single-valued items only: no grouping needed
        return single
    multi = v[several].groupby(["subject", "attribute"], sort=True).agg(
        value=("value", ";".join), confidence=("confidence", "max"), status=("status", "first"))
    return pd.concat([single, multi]).sort_index()


def diff(before: Snapshot, after: Snapshot, confidence_threshold: float = 0.1,
         reliability_threshold: float = 0.05) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(changes, summary). Each change row: change kind, subject, attribute, before, after, detail."""
    rows: list[dict[str, Any]] = []
    a, b = _per_item(before.verdicts), _per_item(after.verdicts)
    both = a.merge(b, how="outer", left_index=True, right_index=True, suffixes=("_a", "_b"))
    gone = both["value_b"].isna()
    new = both["value_a"].isna()
    common = ~gone & ~new
    value_changed = common & (both["value_a"] != both["value_b"])
    status_changed = common & ~value_changed & (both["status_a"] != both["status_b"])
    moved = common & ~value_changed & ~status_changed & (
        (both["confidence_b"] - both["confidence_a"]).abs() >= confidence_threshold)

    def add(mask: pd.Series, change: str, before_col: str, after_col: str,
            detail: Callable[[dict[str, Any]], str]) -> None:
        sel = both[mask]
        for (subject, attribute), r in zip(sel.index, sel.itertuples(index=False)):
            d = dict(zip(sel.columns, r))
            rows.append({"change": change, "subject": subject, "attribute": attribute,
                         "before": _fmt(d.get(before_col)), "after": _fmt(d.get(after_col)), "detail": detail(d)})

    conf: Callable[[dict[str, Any]], str] = \
        lambda d: f"confidence {_fmt(d['confidence_a'])} -> {_fmt(d['confidence_b'])}"  # noqa: E731
    add(value_changed, "verdict_value", "value_a", "value_b",
        lambda d: f"{conf(d)}; status {d['status_a']} -> {d['status_b']}")
    add(status_changed, "verdict_status", "status_a", "status_b", lambda d: f"value {d['value_b']}; {conf(d)}")
    add(moved, "confidence", "confidence_a", "confidence_b", lambda d: f"value {d['value_b']}, status {d['status_b']}")
    add(new, "verdict_new", "value_a", "value_b", lambda d: f"status {d['status_b']}")
    add(gone, "verdict_gone", "value_a", "value_b", lambda d: f"status {d['status_a']}")

    ca = before.contradictions.assign(id=before.contradictions["id"].astype(str)).drop_duplicates("id").set_index("id")
    cb = after.contradictions.assign(id=after.contradictions["id"].astype(str)).drop_duplicates("id").set_index("id")
    new_c, gone_c = cb.index.difference(ca.index), ca.index.difference(cb.index)
    kept = cb.index.intersection(ca.index)
    for cid in sorted(new_c):
        r = cb.loc[cid]
        rows.append({"change": "contradiction_new", "subject": r["subject"], "attribute": r["attribute"],
                     "before": "", "after": cid, "detail": str(r["kind"])})
    for cid in sorted(gone_c):
        r = ca.loc[cid]
        rows.append({"change": "contradiction_gone", "subject": r["subject"], "attribute": r["attribute"],
                     "before": cid, "after": "", "detail": str(r["kind"])})
    reviewed = 0
    for cid in sorted(kept):
        sa, sb = str(ca.loc[cid].get("status", "")), str(cb.loc[cid].get("status", ""))
        if (sa in REVIEWED or sb in REVIEWED) and sa != sb:
            reviewed += 1
            r = cb.loc[cid]
            rows.append({"change": "contradiction_review", "subject": r["subject"], "attribute": r["attribute"],
                         "before": sa, "after": sb, "detail": cid})

    rel_a = before.sources.assign(source=before.sources["source"].astype(str)).set_index("source")["reliability"]
    rel_b = after.sources.assign(source=after.sources["source"].astype(str)).set_index("source")["reliability"]
    rel = pd.concat([rel_a.astype(float).rename("a"), rel_b.astype(float).rename("b")], axis=1).sort_index()
    for source, r in rel.iterrows():
        if np.isnan(r["a"]) or np.isnan(r["b"]) or abs(r["b"] - r["a"]) >= reliability_threshold:
            rows.append({"change": "source_reliability", "subject": source, "attribute": "",
                         "before": _fmt(r["a"]), "after": _fmt(r["b"]),
                         "detail": "new source" if np.isnan(r["a"]) else "gone" if np.isnan(r["b"]) else
                         f"{r['b'] - r['a']:+.3f}"})
    changes = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    summary = {"before": before.label, "after": after.label, "verdicts_before": int(len(a)),
               "verdicts_after": int(len(b)), "value_changed": int(value_changed.sum()),
               "status_changed": int(status_changed.sum()), "confidence_moved": int(moved.sum()),
               "verdicts_new": int(new.sum()), "verdicts_gone": int(gone.sum()),
               "contradictions_new": len(new_c), "contradictions_persisting": len(kept),
               "contradictions_gone": len(gone_c), "contradictions_reviewed": reviewed,
               "sources_moved": int((changes["change"] == "source_reliability").sum()),
               "confidence_threshold": confidence_threshold, "reliability_threshold": reliability_threshold,
               "changed": bool(len(changes))}
    return changes, summary


def _fmt(x: object) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    if isinstance(x, (float, np.floating)):
        return f"{x:.3f}"
    return str(x)


def render(changes: pd.DataFrame, summary: dict[str, Any], limit: int = 50) -> str:
    s = summary
    lines = [f"diff {s['before']} -> {s['after']}",
             f"verdicts: {s['value_changed']} value(s) changed, {s['status_changed']} status(es) changed, "
             f"{s['confidence_moved']} confidence move(s) >= {s['confidence_threshold']:g}, {s['verdicts_new']} new, "
             f"{s['verdicts_gone']} gone",
             f"contradictions: {s['contradictions_new']} new, {s['contradictions_persisting']} persisting, "
             f"{s['contradictions_gone']} gone, {s['contradictions_reviewed']} review(s) changed",
             f"sources: {s['sources_moved']} reliability move(s) >= {s['reliability_threshold']:g}"]
    if len(changes):
        with pd.option_context("display.width", 200, "display.max_colwidth", 60):
            lines += ["", changes.head(limit).to_string(index=False)]
        if len(changes) > limit:
            lines.append(f"... {len(changes) - limit} more (all of them with --csv or --json)")
    else:
        lines.append("nothing changed")
    return "\n".join(lines)
