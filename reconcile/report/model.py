"""The report data model: plain dicts/lists built from a run's tables, rendered by templates into report.md
and report.html (reconcile/report/render.py). Nothing here formats text for a medium.

Tables in (the Result's or the output folder's): verdicts, contradictions, sources, claims (a run's: ClaimRows,
rows made on demand), copies, timeline.
The page embeds this model as JSON; its size is bounded (see Budget): rows beyond the bound are left out and
counted, with the CSVs as the complete record.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..claim_rows import ClaimRows
from ..solve.verdicts import STATUS_DEFINITIONS, STATUSES

# statuses set by analyst decisions (--decisions, docs/decisions.md), not by the solver
DECISION_STATUSES = {
    "decided": "set by an analyst's override: the decided value, confidence 1, whatever the evidence",
    "resolved": "a contradiction an analyst marked resolved",
    "dismissed": "a contradiction an analyst dismissed",
}

KIND_DEFINITIONS = {
    "near_tie": "credible sources back a value the verdict did not take, and it comes within 0.1 of the winner",
    "value_conflict": "credible sources back a value the verdict did not take",
    "self_contradiction": "one source asserts several values of a single-valued subject/attribute",
    "conflict_same_time": "two credible claims with different values hold at the same time (time-modelled)",
    "time_disagreement": "sources agree on a value but not on when it began (time-modelled)",
    "stale": "a source's latest word held once but is no longer the state at as-of (time-modelled)",
    "correction": "a source corrected its own earlier statement (time-modelled)",
}
TRIAGE_COLUMNS = ["id", "subject", "label", "attribute", "kind", "status", "verdict_value", "verdict_confidence",
                  "runner_up", "runner_up_confidence", "margin", "severity", "source", "losing_sources",
                  "competing_values"]
VOTE_FACTORS = ["reliability", "weight", "recency", "copy_discount"]
VERDICT_FIELDS = ["subject", "attribute", "value", "confidence", "status", "runner_up", "runner_up_confidence"]


QUOTE_CHARS = 50_000  # a quote is embedded up to this many characters; claims.parquet keeps it whole


@dataclass(frozen=True)
class Budget:
    """Bounds on what the page embeds (characters of JSON); the CSVs hold everything."""
    contradictions_chars: int = 2_800_000
    details_chars: int = 900_000
    details_max: int = 3_000
    quotes_per_value: int = 5
    sources_max: int = 2_000
    copies_max: int = 1_000
    timelines_max: int = 12  # ~0.3 s of vl-convert each; the interval table is always there


def _text(series: pd.Series) -> list[str]:
    if isinstance(series.dtype, pd.StringDtype):  # already text: only the missing cells change (to "")
        return series.fillna("").tolist()
    return series.astype(object).where(series.notna(), "").astype(str).tolist()


def _num(series: pd.Series, digits: int = 6) -> list[float | None]:
    values = pd.to_numeric(series, errors="coerce").round(digits).astype(object)
    return values.where(values.notna(), None).tolist()


def subject_labels(claims: pd.DataFrame | ClaimRows) -> dict[str, str]:
    """A readable label per subject when the feed gives one (`subject_label`): the most frequent, then first."""
    if isinstance(claims, ClaimRows):  # a run's table, made on demand: only the two columns read
        if "subject_label" not in claims.names:
            return {}
        claims = claims.feed_columns(["subject", "subject_label"])
    if "subject_label" not in claims or claims.empty:
        return {}
    pairs = claims[["subject", "subject_label"]].astype(str)
    pairs = pairs[pairs["subject_label"].str.strip() != ""]
    if pairs.empty:
        return {}
    counted = pairs.value_counts().reset_index(name="n").sort_values(["subject", "n", "subject_label"],
                                                                      ascending=[True, False, True])
    return dict(zip(counted.drop_duplicates("subject")["subject"], counted.drop_duplicates("subject")["subject_label"]))


def triage(contradictions: pd.DataFrame, verdicts: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Contradictions, most doubtful first: smallest margin between the verdict and its runner-up, then the most
    severe, then id. `margin` = verdict confidence - runner-up confidence (0 for a tie)."""
    c, order, _ = _triage(contradictions, verdicts, labels)
    return c.take(order).reset_index(drop=True)


def _pair_codes(subject: pd.Series, attribute: pd.Series, subjects: Any, attributes: Any) -> np.ndarray:
    """One int64 per row for its (subject, attribute) pair: positions in the given value sets (-1: not there);
    equal pairs, equal codes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pc.index_in(pa.array(subject.astype(str), pa.large_string()), value_set=subjects).to_numpy(zero_copy_only=False)
    a = pc.index_in(pa.array(attribute.astype(str), pa.large_string()), value_set=attributes).to_numpy(
        zero_copy_only=False)
    found = ~(np.isnan(s) | np.isnan(a)) if s.dtype.kind == "f" or a.dtype.kind == "f" else np.ones(len(s), bool)
    return np.where(found, np.nan_to_num(s).astype(np.int64) * len(attributes) + np.nan_to_num(a).astype(np.int64),
                    -1)


def _triage(contradictions: pd.DataFrame, verdicts: pd.DataFrame, labels: dict[str, str]
            ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The triage table's rows in the contradictions' order, the triage order (positions), and each row's
    (subject, attribute) code. Each contradiction takes the runner-up of the first verdict row of its
    subject/attribute (a left join on the pair, by Arrow's hash lookups: a pandas merge on the two text columns
    cost a 1M-claim run a tenth of a second), and nothing is sorted but the order: the page shows the first rows
    only."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # pairs coded by the contradictions' own subjects and attributes (every contradiction's pair has a code)
    subjects = pc.unique(pa.array(contradictions["subject"].astype(str), pa.large_string()))
    attributes = pc.unique(pa.array(contradictions["attribute"].astype(str), pa.large_string()))
    c_key = _pair_codes(contradictions["subject"], contradictions["attribute"], subjects, attributes)
    v_key = _pair_codes(verdicts["subject"], verdicts["attribute"], subjects, attributes)
    coded = np.flatnonzero(v_key >= 0)  # verdicts of a pair with contradictions
    keys, first = np.unique(v_key[coded], return_index=True)  # the first verdict row of each pair
    first = coded[first]
    at = np.minimum(np.searchsorted(keys, c_key), max(len(keys) - 1, 0))
    hit = keys[at] == c_key if len(keys) else np.zeros(len(c_key), dtype=bool)
    row = first[at[hit]]  # the verdict row of each contradiction that has one
    c = contradictions.reset_index(drop=True).copy(deep=False)
    runner_up = np.full(len(c), None, dtype=object)
    runner_up[hit] = verdicts["runner_up"].astype(object).to_numpy()[row]
    runner_conf = np.full(len(c), np.nan)
    runner_conf[hit] = pd.to_numeric(verdicts["runner_up_confidence"], errors="coerce").to_numpy(np.float64)[row]
    c["runner_up"] = pd.Series(runner_up).fillna("")
    conf = pd.to_numeric(c["verdict_confidence"], errors="coerce").fillna(0.0)
    c["runner_up_confidence"] = pd.Series(runner_conf).fillna(0.0)
    c["margin"] = (conf - c["runner_up_confidence"]).clip(lower=0.0)
    c["severity"] = pd.to_numeric(c["severity"], errors="coerce").fillna(0.0)
    c["label"] = c["subject"].map(labels).astype(object).fillna("") if labels else ""
    return c[TRIAGE_COLUMNS], _stable_order(c), c_key


def _stable_order(c: pd.DataFrame) -> np.ndarray:
    """The triage order (margin up, severity down, id up; stable) from Arrow's multi-key sort: pandas' sort of
    180,000 contradictions spent half a second factorising the ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.table({"margin": c["margin"].to_numpy(dtype=np.float64),
                     "severity": c["severity"].to_numpy(dtype=np.float64),
                     "id": pa.array(c["id"].astype(str), pa.large_string())})
    order: np.ndarray = pc.sort_indices(keys, sort_keys=[("margin", "ascending"), ("severity", "descending"),
                                                          ("id", "ascending")]).to_numpy()
    return order


def copy_clusters(copies: pd.DataFrame | None) -> list[list[str]]:
    """Sources judged dependent, as connected groups (sorted), largest first."""
    if copies is None or copies.empty:
        return []
    import networkx as nx  # only when there are copies (its import costs a small run noticeable time)

    graph: nx.Graph[str] = nx.Graph()
    graph.add_edges_from(zip(copies["source_a"].astype(str), copies["source_b"].astype(str)))
    groups = [sorted(g) for g in nx.connected_components(graph)]
    return sorted(groups, key=lambda g: (-len(g), g))


CLAIM_FIELDS = ["subject", "attribute", "value", "value_key", "source", "vote", "posterior", "chosen", "speaker",
                "speaker_role", "quote", "url", "published_at", "claim_id"] + VOTE_FACTORS


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


def _records_by_item(frame: pd.DataFrame, items: pd.DataFrame, fields: list[str]
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


def _columns(frame: pd.DataFrame, numeric: set[str]) -> dict[str, Any]:
    cols = list(frame.columns)
    data = [(_num(frame[c]) if c in numeric else _text(frame[c])) for c in cols]
    return {"columns": cols, "rows": [list(r) for r in zip(*data)] if cols else []}


def _fit_frame(frame: pd.DataFrame, numeric: set[str], budget_chars: int, block: int = 2_000,
               order: np.ndarray | None = None) -> tuple[dict[str, Any], int]:
    """The first rows of `frame` (in `order`, positions, when given) as `_columns` gives them whose JSON fits
    the budget, and how many were left. Rows are taken and converted block by block until the budget is spent:
    a 1M-claim run has far more contradictions than the page embeds."""
    rows: list[list[Any]] = []
    used = 0
    for start in range(0, len(frame), block):
        part = frame.iloc[start:start + block] if order is None else frame.take(order[start:start + block])
        converted = _columns(part, numeric)["rows"]
        # a block's rows measured with one json.dumps of the block ("[" row ", " row ... "]"): the same count
        # as row by row; only the block where the budget runs out is measured row by row
        whole = len(json.dumps(converted, ensure_ascii=False)) - 2 - 2 * max(len(converted) - 1, 0) + len(converted)
        if used + whole <= budget_chars:
            used += whole
            rows.extend(converted)
            continue
        for row in converted:
            used += len(json.dumps(row, ensure_ascii=False)) + 1
            if used > budget_chars:
                return {"columns": list(frame.columns), "rows": rows}, len(frame) - len(rows)
            rows.append(row)
    return {"columns": list(frame.columns), "rows": rows}, len(frame) - len(rows)


def status_rows(verdicts: pd.DataFrame, contradictions: pd.DataFrame) -> list[dict[str, Any]]:
    """Per status: its definition, and how many verdicts and contradictions have it."""
    status_counts = verdicts["status"].value_counts()
    c_status = contradictions["status"].value_counts()
    definitions = dict(STATUS_DEFINITIONS, **DECISION_STATUSES)  # the analyst's statuses listed when present
    shown_statuses = list(STATUSES) + [s for s in DECISION_STATUSES if status_counts.get(s, 0) or c_status.get(s, 0)]
    return [{"name": s, "definition": definitions[s], "verdicts": int(status_counts.get(s, 0)),
             "contradictions": int(c_status.get(s, 0))} for s in shown_statuses]


def kind_rows(contradictions: pd.DataFrame) -> list[dict[str, Any]]:
    """Per contradiction kind found: its definition and count, most frequent first."""
    kinds = contradictions["kind"].value_counts()
    return [{"name": k, "definition": KIND_DEFINITIONS.get(k, ""), "count": int(kinds.get(k, 0))}
            for k in sorted(kinds.index, key=lambda k: (-int(kinds[k]), k))]


def _timed(timeline: pd.DataFrame | None, items: pd.DataFrame) -> set[tuple[str, str]]:
    """The (subject, attribute) keys of `timeline` among those of `items`: only the timeline rows of the items'
    subjects become Python tuples (a 1M-claim feed's timeline has about 300,000 rows)."""
    if timeline is None or len(timeline) == 0:
        return set()
    subject = timeline["subject"].astype(str)
    rows = timeline[subject.isin(set(items["subject"].astype(str))).to_numpy()]
    return set(zip(rows["subject"].astype(str), rows["attribute"].astype(str)))


def build_model(tables: dict[str, Any], meta: dict[str, Any], calibration: dict[str, Any] | None = None,
                budget: Budget = Budget()) -> dict[str, Any]:
    """The whole report as plain data. `meta`: as_of, solver, iterations, converged, counts, extraction, rules."""
    verdicts, contradictions = tables["verdicts"], tables["contradictions"]
    claims, sources = tables["claims"], tables["sources"]
    copies, timeline = tables.get("copies"), tables.get("timeline")
    labels = subject_labels(claims)
    tri, order, pair = _triage(contradictions, verdicts, labels)  # (only the rows shown are put in order)
    numeric = {"verdict_confidence", "runner_up_confidence", "margin", "severity"}
    contra, contra_left = _fit_frame(tri, numeric, budget.contradictions_chars, order=order)
    clusters = copy_clusters(copies)
    details, used = {}, 0
    _, first = np.unique(pair[order], return_index=True)  # the contested subject/attributes, in triage order
    contested = order[np.sort(first)]
    items = tri.take(contested[:budget.details_max])[["subject", "attribute"]].reset_index(drop=True)
    timed = _timed(timeline, items)
    # claims of the candidate items only (a 1M-claim feed has far more contradicted verdicts than the page can
    # explain), as plain records in one pass; verdicts explained in triage order until the budget is spent
    subjects = items["subject"].unique()
    pool = _narrowed(claims.of_subjects(subjects) if isinstance(claims, ClaimRows)  # only their rows are made
                     else claims[claims["subject"].isin(subjects)])
    vpool = _narrowed(verdicts[verdicts["subject"].isin(items["subject"].unique())])
    claims_of = _records_by_item(pool, items, CLAIM_FIELDS)
    verdicts_of = _records_by_item(vpool, items, VERDICT_FIELDS)
    for subject, attribute in items.itertuples(index=False):
        if used > budget.details_chars:
            break
        key = (str(subject), str(attribute))
        d = verdict_detail(claims_of.get(key, []), verdicts_of.get(key, []), key[0], key[1], clusters,
                           key in timed, budget.quotes_per_value)
        used += len(json.dumps(d, ensure_ascii=False))
        details[f"{subject}\x1f{attribute}"] = d
    src = sources.sort_values(["claims", "source"], ascending=[False, True]).head(budget.sources_max)
    src_numeric = {c for c in src.columns if pd.api.types.is_numeric_dtype(src[c])}
    cp = copies.head(budget.copies_max) if copies is not None else pd.DataFrame()
    cp_numeric = {c for c in cp.columns if pd.api.types.is_numeric_dtype(cp[c])}
    return {
        "meta": meta,
        "statuses": status_rows(verdicts, contradictions), "kinds": kind_rows(contradictions),
        "contradictions": contra, "contradictions_total": int(len(tri)), "contradictions_left_out": contra_left,
        "details": details, "details_left_out": int(len(contested) - len(details)),
        "verdicts_total": int(len(verdicts)),
        "sources": _columns(src, src_numeric), "sources_total": int(len(sources)),
        "copies": _columns(cp, cp_numeric), "copies_total": 0 if copies is None else int(len(copies)),
        "copy_pairs": 0 if copies is None else int(len(copies[["source_a", "source_b"]].drop_duplicates())),
        "clusters": clusters, "labels_given": bool(labels),
        "calibration": calibration, "charts": {},
    }


def doubtful_verdicts(verdicts: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n verdicts with the smallest margin to their runner-up (ties first), for the short summary."""
    margin = (pd.to_numeric(verdicts["confidence"]) - pd.to_numeric(verdicts["runner_up_confidence"]).fillna(0))
    m = margin.to_numpy(dtype=np.float64)
    if 0 < n < len(m) and not np.isnan(m).any():  # only rows that can be among the n smallest margins are sorted
        keep = m <= np.partition(m, n - 1)[n - 1]
        verdicts, margin = verdicts[keep], margin[keep]
    v = verdicts.assign(margin=margin)
    return v.sort_values(["margin", "subject", "attribute"], kind="stable").head(n)
