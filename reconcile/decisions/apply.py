"""Honour analyst decisions in a run: pins and copy decisions go into the fit, overrides into the verdicts,
resolve/dismiss into the contradictions. Every function takes the decisions in force at --as-of.

A pin without an attribute fixes the source's reliability and each of its (source, attribute) reliabilities; a
pin with an attribute fixes only that (source, attribute) reliability (source_attributes.csv), the rest of the
source is learned as before. Pins are applied after every M-step, so they are exact and not clamped by
solver.reliability_bounds.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..solve.arrays import Problem
from .model import DecisionsFile

DECISION_COLUMNS = ["decided_by", "decision_note", "evidence_value", "evidence_confidence", "warning"]


def _fold(text: str) -> str:
    return str(text).casefold()


def pinned_reliability(decisions: DecisionsFile | None, problem: Problem, as_of: pd.Timestamp | None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Pinned reliabilities, NaN where not pinned (later decisions win): per source id (pins without an
    attribute) and per (source, attribute) id of the problem (`Partition.source_of_sa` / `Problem.sa_attribute`;
    pins with an attribute). The engine sets them after every M-step; a source's pin also fixes the
    (source, attribute) entries that have no pin of their own."""
    sources = problem.sources
    fixed = np.full(len(sources), np.nan)
    sa_source = problem.part.source_of_sa
    fixed_sa = np.full(len(sa_source), np.nan)
    if decisions is None:
        return fixed, fixed_sa
    where = {_fold(s): i for i, s in enumerate(sources)}
    sa_key = {}
    if problem.sa_attribute is not None:
        attrs = [_fold(a) for a in problem.attributes]
        sa_key = {(int(s), attrs[int(a)]): i for i, (s, a) in enumerate(zip(sa_source, problem.sa_attribute))}
    for d in decisions.of_kind("pin", as_of):
        sid = where.get(_fold(d.source))
        if sid is None:
            continue
        if not d.attribute:
            fixed[sid] = d.reliability
        elif (sid, _fold(d.attribute)) in sa_key:
            fixed_sa[sa_key[(sid, _fold(d.attribute))]] = d.reliability
    return fixed, fixed_sa


def copy_pairs(decisions: DecisionsFile | None, sources: pd.Index, as_of: pd.Timestamp | None
               ) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """Confirmed pairs (a, b, dependence 1, evidence) and the set of rejected (a, b) source-id pairs."""
    rows: list[dict[str, Any]] = []
    rejected: set[tuple[int, int]] = set()
    if decisions is None:
        return pd.DataFrame(columns=["a", "b", "dependence", "shared_items", "evidence"]), rejected
    where = {_fold(s): i for i, s in enumerate(sources)}
    final = {}
    for d in decisions.of_kind("copy", as_of):
        a, b = where.get(_fold(d.source)), where.get(_fold(d.other))
        if a is not None and b is not None and a != b:
            final[(min(a, b), max(a, b))] = d
    for (a, b), d in sorted(final.items()):
        if d.copying == "reject":
            rejected.add((a, b))
        else:
            rows.append({"a": a, "b": b, "dependence": 1.0, "shared_items": np.nan,
                         "evidence": f"confirmed by {d.by}: {d.note}"})
    return pd.DataFrame(rows, columns=["a", "b", "dependence", "shared_items", "evidence"]), rejected


def apply_overrides(verdicts: pd.DataFrame, decisions: DecisionsFile | None, as_of: pd.Timestamp | None,
                    settled: float
                    ) -> tuple[pd.DataFrame, list[str]]:
    """Decided verdicts: value from the decision, confidence 1, status `decided`, who and why; what the evidence
    alone said stays in evidence_value / evidence_confidence, and `warning` says when it disagrees strongly
    (another value at or above the `settled` threshold). Returns (verdicts, warnings)."""
    if decisions is None:  # no decisions file: verdicts.csv keeps its usual columns
        return verdicts, []
    out = verdicts.copy()
    for column in DECISION_COLUMNS:
        out[column] = np.nan if column == "evidence_confidence" else ""
    latest = {(d.subject, d.attribute): d for d in decisions.of_kind("override", as_of)}  # later ones win
    if not latest:
        return out, []
    dec = pd.DataFrame([{"subject": s, "attribute": a, "value": d.value, "decided_by": d.by,
                         "decision_note": d.note} for (s, a), d in latest.items()])
    key = ["subject", "attribute"]
    hit = pd.MultiIndex.from_frame(out[key].astype(str)).isin(pd.MultiIndex.from_frame(dec[key]))
    # what the evidence alone said: the top verdict row of each decided item
    evidence = (out[hit].sort_values("confidence", ascending=False, kind="stable").drop_duplicates(key)
                .astype({"subject": str, "attribute": str}))
    rows = dec.merge(evidence.drop(columns=["value"] + DECISION_COLUMNS).assign(
        evidence_value=evidence["value"].astype(str), evidence_confidence=evidence["confidence"].astype(float)),
        on=key, how="left")
    found = rows["evidence_value"].notna()
    agrees = rows["evidence_value"].fillna("").str.casefold() == rows["value"].str.casefold()
    strong = found & ~agrees & (rows["evidence_confidence"] >= settled)
    n_src = rows["n_sources"].fillna(0).astype(int).astype(str)
    rows["warning"] = np.where(strong, "evidence disagrees: " + rows["evidence_value"].fillna("") + " at "
                               + rows["evidence_confidence"].map("{:.3f}".format) + " from " + n_src + " source(s)", "")
    rows["supporting_sources"] = np.where(found & agrees, rows["supporting_sources"].fillna(""), "")
    rows = rows.assign(confidence=1.0, status="decided", runner_up="", runner_up_confidence=0.0,
                       n_claims=rows["n_claims"].fillna(0).astype(int), n_sources=rows["n_sources"].fillna(0).astype(int),
                       evidence_value=rows["evidence_value"].fillna(""),
                       as_of="" if as_of is None else as_of.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if "_item" in out.columns:
        rows["_item"] = rows["_item"].fillna(-1).astype(np.int64)
        rows["_cand"] = -1
    warnings = [f"decision on {r.subject} / {r.attribute} ({r.value}, by {r.decided_by}): {r.warning}"
                for r in rows[strong].itertuples()]
    warnings += [f"decision on {r.subject} / {r.attribute} ({r.value}, by {r.decided_by}): no claim about it in this "
                 "feed; the decided verdict is added" for r in rows[~found].itertuples()]
    out = pd.concat([out[~hit], rows[out.columns]], ignore_index=True)
    out = out.astype({"confidence": float, "runner_up_confidence": float, "evidence_confidence": float,
                      "n_claims": int, "n_sources": int})
    order = np.lexsort((out["value"].astype(str).to_numpy(), out["attribute"].astype(str).to_numpy(),
                        out["subject"].astype(str).to_numpy()))
    return out.iloc[order].reset_index(drop=True), warnings


def mark_contradictions(contradictions: pd.DataFrame, verdicts: pd.DataFrame, decisions: DecisionsFile | None,
                        as_of: pd.Timestamp | None) -> tuple[pd.DataFrame, list[str]]:
    """Status `resolved` / `dismissed` (with who and why) for reviewed ids; `decided` where the verdict was
    overridden. Returns (contradictions, decisions naming ids this run does not have)."""
    if decisions is None:
        return contradictions, []
    out = contradictions.copy()
    out["decided_by"] = ""
    out["decision_note"] = ""
    decided = verdicts[verdicts["status"] == "decided"]
    if len(decided) and len(out):
        value = decided.assign(subject=decided["subject"].astype(str), attribute=decided["attribute"].astype(str)
                               ).set_index(["subject", "attribute"])["value"]
        pairs = pd.MultiIndex.from_frame(out[["subject", "attribute"]].astype(str))
        hit = pairs.isin(value.index)
        out.loc[hit, "status"] = "decided"
        out.loc[hit, "verdict_value"] = value.reindex(pairs[hit]).to_numpy()
    reviews = {d.contradiction: d for d in decisions.decisions if d.kind in ("resolve", "dismiss") and d.active(as_of)}
    ids = out["id"].astype(str)
    present = set(ids)
    missing = [f"{d.kind} {cid} (by {d.by}): no such contradiction in this run (it may be gone)"
               for cid, d in reviews.items() if cid not in present]
    found = {cid: d for cid, d in reviews.items() if cid in present}
    if found:
        hit = ids.isin(found).to_numpy()
        which = ids[hit]
        out.loc[hit, "status"] = which.map(lambda c: "resolved" if found[c].kind == "resolve" else "dismissed").to_numpy()
        out.loc[hit, "decided_by"] = which.map(lambda c: found[c].by).to_numpy()
        out.loc[hit, "decision_note"] = which.map(lambda c: found[c].note).to_numpy()
    return out, missing


def unmatched(decisions: DecisionsFile | None, problem: Problem, as_of: pd.Timestamp | None,
              copying_enabled: bool) -> list[str]:
    """Pins and copy decisions that name no source of this run (or an attribute the source has no claim on),
    or that cannot apply."""
    if decisions is None:
        return []
    known = {_fold(s) for s in problem.sources}
    claimed = set()
    if problem.sa_attribute is not None:
        claimed = {(_fold(problem.sources[int(s)]), _fold(problem.attributes[int(a)]))
                   for s, a in zip(problem.part.source_of_sa, problem.sa_attribute)}
    notes = []
    for d in decisions.of_kind("pin", as_of) + decisions.of_kind("copy", as_of):
        missing = [s for s in ([d.source] if d.kind == "pin" else [d.source, d.other]) if _fold(s) not in known]
        if missing:
            notes.append(f"{d.kind} by {d.by}: no claim from {', '.join(missing)} in this run; not applied")
        elif d.kind == "pin" and d.attribute and (_fold(d.source), _fold(d.attribute)) not in claimed:
            notes.append(f"pin by {d.by}: no claim from {d.source} on {d.attribute} in this run; not applied")
        elif d.kind == "copy" and not copying_enabled:
            notes.append(f"copy by {d.by} ({d.source}, {d.other}): copy detection is off in the rules "
                         "(copying.enabled: false); not applied")
    return notes
