"""Honour analyst decisions in a run: pins and copy decisions go into the fit, overrides into the verdicts,
resolve/dismiss into the contradictions. Every function takes the decisions in force at --as-of.

A pin for one (source, attribute) gives that source's claims on that attribute their own source id (named
`source [attribute]`, shown in sources.csv) with the pinned reliability; the rest of the source is learned as
before. Pins are applied after every M-step, so they are exact and not clamped by solver.reliability_bounds.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..solve.arrays import Problem
from .model import DecisionsFile

DECISION_COLUMNS = ["decided_by", "decision_note", "evidence_value", "evidence_confidence", "warning"]


def _fold(text: str) -> str:
    return str(text).casefold()


def split_attribute_pins(problem: Problem, priors: pd.DataFrame, decisions: DecisionsFile, as_of
                         ) -> tuple[Problem, pd.DataFrame]:
    """Give each pinned (source, attribute) its own source id. Returns the problem and the priors, extended."""
    pins = {(_fold(d.source), _fold(d.attribute)): d for d in decisions.of_kind("pin", as_of) if d.attribute}
    if not pins:
        return problem, priors
    names = [_fold(s) for s in problem.sources]
    attrs = problem.items["attribute"].astype(str).map(_fold).to_numpy()
    wanted = sorted({(i, a) for i, n in enumerate(names) for (s, a) in pins if s == n and a in set(attrs)})
    if not wanted:
        return problem, priors
    n = len(problem.sources)
    new_id = {key: n + k for k, key in enumerate(wanted)}

    def remap(source_ids: np.ndarray, item_ids: np.ndarray) -> np.ndarray:
        out = source_ids.copy()
        for (sid, attr), nid in new_id.items():
            out[(source_ids == sid) & (attrs[item_ids] == attr)] = nid
        return out

    part = problem.part
    a_source = remap(part.assert_source, part.cand_item[part.assert_cand])
    part = replace(part, assert_source=a_source, n_sources=n + len(wanted))
    claims = problem.claims.assign(source_id=remap(problem.claims["source_id"].to_numpy(),
                                                   problem.claims["item"].to_numpy()))
    label = {nid: f"{problem.sources[sid]} [{problem.items['attribute'][attrs == attr].iloc[0]}]"
             for (sid, attr), nid in new_id.items()}
    sources = problem.sources.append(pd.Index([label[nid] for nid in sorted(label)]))
    extra = priors.iloc[[sid for sid, _ in wanted]].copy()
    extra["source"] = [label[nid] for nid in sorted(label)]
    priors = pd.concat([priors, extra], ignore_index=True)
    problem = replace(problem, part=part, claims=claims, sources=sources,
                      pair_source=remap(problem.pair_source, problem.pair_item))
    return problem, priors


def pinned_reliability(decisions: DecisionsFile | None, sources: pd.Index, as_of) -> np.ndarray:
    """Per source id: the pinned reliability, NaN where not pinned (later decisions win)."""
    fixed = np.full(len(sources), np.nan)
    if decisions is None:
        return fixed
    where = {_fold(s): i for i, s in enumerate(sources)}
    for d in decisions.of_kind("pin", as_of):
        key = _fold(d.source) if not d.attribute else None
        if key is None:  # the split source carries the label "source [attribute]"
            key = next((k for k in where if k == f"{_fold(d.source)} [{_fold(d.attribute)}]"), None)
        if key in where:
            fixed[where[key]] = d.reliability
    return fixed


def copy_pairs(decisions: DecisionsFile | None, sources: pd.Index, as_of) -> tuple[pd.DataFrame, set]:
    """Confirmed pairs (a, b, dependence 1, evidence) and the set of rejected (a, b) source-id pairs."""
    rows, rejected = [], set()
    if decisions is None:
        return pd.DataFrame(columns=["a", "b", "dependence", "shared_items", "evidence"]), rejected
    folded = [_fold(s) for s in sources]
    final = {}
    for d in decisions.of_kind("copy", as_of):
        ids_a = [i for i, s in enumerate(folded) if s == _fold(d.source) or s.startswith(_fold(d.source) + " [")]
        ids_b = [i for i, s in enumerate(folded) if s == _fold(d.other) or s.startswith(_fold(d.other) + " [")]
        for a in ids_a:
            for b in ids_b:
                final[(min(a, b), max(a, b))] = d
    for (a, b), d in sorted(final.items()):
        if d.copying == "reject":
            rejected.add((a, b))
        else:
            rows.append({"a": a, "b": b, "dependence": 1.0, "shared_items": np.nan,
                         "evidence": f"confirmed by {d.by}: {d.note}"})
    return pd.DataFrame(rows, columns=["a", "b", "dependence", "shared_items", "evidence"]), rejected


def apply_overrides(verdicts: pd.DataFrame, decisions: DecisionsFile | None, as_of, settled: float
                    ) -> tuple[pd.DataFrame, list[str]]:
    """Decided verdicts: value from the decision, confidence 1, status `decided`, who and why; what the evidence
    alone said stays in evidence_value / evidence_confidence, and `warning` says when it disagrees strongly
    (another value at or above the `settled` threshold). Returns (verdicts, warnings)."""
    if decisions is None:  # no decisions file: verdicts.csv keeps its usual columns
        return verdicts, []
    out = verdicts.copy()
    for column in DECISION_COLUMNS:
        out[column] = np.nan if column == "evidence_confidence" else ""
    overrides = {(d.subject, d.attribute): d for d in decisions.of_kind("override", as_of)}
    if not overrides:
        return out, []
    key = pd.MultiIndex.from_arrays([out["subject"].astype(str), out["attribute"].astype(str)])
    keep = np.ones(len(out), dtype=bool)
    added, warnings = [], []
    stamp = "" if as_of is None else as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    for (subject, attribute), d in overrides.items():
        rows = np.flatnonzero(key.isin([(subject, attribute)]))
        evidence = out.iloc[rows].sort_values("confidence", ascending=False).head(1)
        row = {c: "" for c in out.columns}
        row.update(subject=subject, attribute=attribute, value=d.value, confidence=1.0, status="decided",
                   runner_up="", runner_up_confidence=0.0, n_claims=0, n_sources=0, supporting_sources="",
                   as_of=stamp, decided_by=d.by, decision_note=d.note, evidence_confidence=np.nan)
        if len(evidence):
            e = evidence.iloc[0]
            row.update(n_claims=e["n_claims"], n_sources=e["n_sources"], evidence_value=e["value"],
                       evidence_confidence=float(e["confidence"]),
                       supporting_sources=e["supporting_sources"] if _fold(e["value"]) == _fold(d.value) else "")
            if _fold(e["value"]) != _fold(d.value) and float(e["confidence"]) >= settled:
                row["warning"] = (f"evidence disagrees: {e['value']} at {float(e['confidence']):.3f} "
                                  f"from {e['n_sources']} source(s)")
                warnings.append(f"decision on {subject} / {attribute} ({d.value}, by {d.by}): {row['warning']}")
            if "_item" in out.columns:
                row["_item"], row["_cand"] = e["_item"], -1
        else:
            warnings.append(f"decision on {subject} / {attribute} ({d.value}, by {d.by}): no claim about it in this "
                            "feed; the decided verdict is added")
            if "_item" in out.columns:
                row["_item"], row["_cand"] = -1, -1
        keep[rows] = False
        added.append(row)
    out = pd.concat([out[keep], pd.DataFrame(added, columns=out.columns)], ignore_index=True)
    out = out.astype({"confidence": float, "runner_up_confidence": float, "evidence_confidence": float,
                      "n_claims": int, "n_sources": int})
    order = np.lexsort((out["value"].astype(str).to_numpy(), out["attribute"].astype(str).to_numpy(),
                        out["subject"].astype(str).to_numpy()))
    return out.iloc[order].reset_index(drop=True), warnings


def mark_contradictions(contradictions: pd.DataFrame, verdicts: pd.DataFrame, decisions: DecisionsFile | None,
                        as_of) -> tuple[pd.DataFrame, list[str]]:
    """Status `resolved` / `dismissed` (with who and why) for reviewed ids; `decided` where the verdict was
    overridden. Returns (contradictions, decisions naming ids this run does not have)."""
    if decisions is None:
        return contradictions, []
    out = contradictions.copy()
    out["decided_by"] = ""
    out["decision_note"] = ""
    decided = verdicts[verdicts["status"] == "decided"]
    if len(decided) and len(out):
        pairs = pd.MultiIndex.from_arrays([decided["subject"].astype(str), decided["attribute"].astype(str)])
        hit = pd.MultiIndex.from_arrays([out["subject"].astype(str), out["attribute"].astype(str)]).isin(pairs)
        values = dict(zip(zip(decided["subject"].astype(str), decided["attribute"].astype(str)), decided["value"]))
        out.loc[hit, "status"] = "decided"
        out.loc[hit, "verdict_value"] = [values[(s, a)] for s, a in zip(out.loc[hit, "subject"].astype(str),
                                                                        out.loc[hit, "attribute"].astype(str))]
    missing = []
    ids = pd.Index(out["id"].astype(str))
    reviews = {}
    for d in decisions.decisions:
        if d.kind in ("resolve", "dismiss") and d.active(as_of):
            reviews[d.contradiction] = d
    for cid, d in reviews.items():
        rows = ids == cid
        if not rows.any():
            missing.append(f"{d.kind} {cid} (by {d.by}): no such contradiction in this run (it may be gone)")
            continue
        out.loc[rows, "status"] = "resolved" if d.kind == "resolve" else "dismissed"
        out.loc[rows, "decided_by"] = d.by
        out.loc[rows, "decision_note"] = d.note
    return out, missing


def unmatched(decisions: DecisionsFile | None, sources: pd.Index, as_of, copying_enabled: bool) -> list[str]:
    """Pins and copy decisions that name no source of this run, or that cannot apply."""
    if decisions is None:
        return []
    known = {_fold(s).rsplit(" [", 1)[0] for s in sources}
    notes = []
    for d in decisions.of_kind("pin", as_of) + decisions.of_kind("copy", as_of):
        missing = [s for s in ([d.source] if d.kind == "pin" else [d.source, d.other]) if _fold(s) not in known]
        if missing:
            notes.append(f"{d.kind} by {d.by}: no claim from {', '.join(missing)} in this run; not applied")
        elif d.kind == "copy" and not copying_enabled:
            notes.append(f"copy by {d.by} ({d.source}, {d.other}): copy detection is off in the rules "
                         "(copying.enabled: false); not applied")
    return notes
