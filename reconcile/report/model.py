"""The report data model: plain dicts/lists built from a run's tables, rendered by templates into report.md
and report.html (reconcile/report/render.py). Nothing here formats text for a medium.

Tables in (the Result's or the output folder's): verdicts, contradictions, sources, claims (a run's: ClaimRows,
rows made on demand), copies, timeline.
The page embeds this model as JSON; its size is bounded (see Budget): rows beyond the bound are left out and
counted, with the CSVs as the complete record.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..claim_rows import ClaimRows
from ..solve.verdicts import STATUS_DEFINITIONS, STATUSES
from .details import QUOTE_CHARS as QUOTE_CHARS  # the page's quote limit, here with the other bounds
from .details import explain
from .page_rows import columns, fit_rows

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
    t = Triage(contradictions, verdicts, labels)
    return t.rows(t.order).reset_index(drop=True)


def _arrow_text(column: pd.Series) -> Any:
    """The column's text as an Arrow large_string array, as `column.astype(str)` gives it (missing: null):
    converted straight from its Python strings (an object column of 180,000 ids: a third of the time), through
    `astype(str)` only when some value is not a string."""
    import pyarrow as pa

    try:
        text = pa.array(column, pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        text = pa.array(column.astype(str), pa.large_string())
    # a column read from a CSV holds its Arrow data in chunks: one array
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _codes(columns: list[pd.Series]) -> list[np.ndarray]:
    """Each column's values as int64 codes of one dictionary shared by all (equal text, equal code; missing: -1),
    by one Arrow hash pass."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.concat_arrays([_arrow_text(c) for c in columns])
    codes = pc.fill_null(pc.dictionary_encode(text).indices, -1).to_numpy().astype(np.int64)
    ends = np.cumsum([len(c) for c in columns])
    return np.split(codes, ends[:-1])


class Triage:
    """The contradictions in triage order, and the triage table's rows made for the positions asked for only
    (the page shows the first rows of a 1M-claim run's 180,000 contradictions).

    Each contradiction takes the runner-up of the first verdict row of its subject/attribute: a left join on
    the pair, by codes from one Arrow dictionary of the two tables' subjects (and one of their attributes)."""

    def __init__(self, contradictions: pd.DataFrame, verdicts: pd.DataFrame, labels: dict[str, str]):
        c = self.contradictions = contradictions.reset_index(drop=True)
        self.verdicts, self.labels = verdicts, labels
        c_subject, v_subject = _codes([c["subject"], verdicts["subject"]])
        c_attribute, v_attribute = _codes([c["attribute"], verdicts["attribute"]])
        width = int(max(c_attribute.max(initial=0), v_attribute.max(initial=0))) + 1

        def key(s: np.ndarray, a: np.ndarray) -> np.ndarray:
            return np.where((s >= 0) & (a >= 0), s * width + a, -1)
        self.pair = key(c_subject, c_attribute)  # one code per (subject, attribute): equal pairs, equal codes
        v_key = key(v_subject, v_attribute)
        coded = np.flatnonzero(v_key >= 0)
        keys, first = np.unique(v_key[coded], return_index=True)  # the first verdict row of each pair
        first = coded[first]
        at = np.minimum(np.searchsorted(keys, self.pair), max(len(keys) - 1, 0))
        hit = keys[at] == self.pair if len(keys) else np.zeros(len(c), dtype=bool)
        self.row = np.where(hit & (self.pair >= 0), first[at] if len(keys) else -1, -1)  # its verdict row (-1: none)
        runner_conf = np.zeros(len(c))
        has = self.row >= 0
        runner_conf[has] = pd.to_numeric(verdicts["runner_up_confidence"], errors="coerce").to_numpy(
            np.float64)[self.row[has]]
        self.runner_conf = np.where(np.isnan(runner_conf), 0.0, runner_conf)  # as Series.fillna(0.0)
        conf = pd.to_numeric(c["verdict_confidence"], errors="coerce").fillna(0.0).to_numpy(np.float64)
        margin = conf - self.runner_conf
        self.margin = np.where(margin >= 0.0, margin, 0.0)  # as Series.clip(lower=0.0)
        self.severity = pd.to_numeric(c["severity"], errors="coerce").fillna(0.0).to_numpy(np.float64)
        self.order = _stable_order(self.margin, self.severity, c["id"])

    def __len__(self) -> int:
        return len(self.contradictions)

    def rows(self, positions: np.ndarray) -> pd.DataFrame:
        """The triage table's rows at these positions (of the contradictions' order), TRIAGE_COLUMNS."""
        given = [x for x in TRIAGE_COLUMNS if x not in ("label", "runner_up", "runner_up_confidence", "margin",
                                                         "severity")]
        c = self.contradictions[given].take(positions)
        row = self.row[positions]
        runner_up = np.full(len(c), None, dtype=object)
        runner_up[row >= 0] = self.verdicts["runner_up"].iloc[row[row >= 0]].astype(object).to_numpy()
        return c.assign(
            runner_up=pd.Series(runner_up, index=c.index).fillna(""),
            runner_up_confidence=self.runner_conf[positions], margin=self.margin[positions],
            severity=self.severity[positions],
            label=c["subject"].map(self.labels).astype(object).fillna("") if self.labels else "")[TRIAGE_COLUMNS]


def _stable_order(margin: np.ndarray, severity: np.ndarray, ids: pd.Series) -> np.ndarray:
    """The triage order (margin up, severity down, id up; stable) from Arrow's multi-key sort: pandas' sort of
    180,000 contradictions spent half a second factorising the ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.table({"margin": margin, "severity": severity, "id": _arrow_text(ids)})
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


@dataclass
class Selection:
    """What the page shows, chosen by vectorised selections before any row becomes Python data: the triage table
    and its order, the contested subject/attributes the page may explain (in triage order, at most
    Budget.details_max), and the timeline rows of those that are time-modelled."""
    labels: dict[str, str]
    triage: Triage
    items: pd.DataFrame  # subject, attribute
    contested: int  # contested subject/attributes in all
    timeline: pd.DataFrame  # the timeline rows of the items' subjects ...
    timeline_at: dict[tuple[str, str], np.ndarray]  # ... and per time-modelled item its positions among them

    @property
    def timed(self) -> set[tuple[str, str]]:
        return set(self.timeline_at)


def timeline_rows(timeline: pd.DataFrame | None, items: pd.DataFrame
                  ) -> tuple[pd.DataFrame, dict[tuple[str, str], np.ndarray]]:
    """The timeline rows of the items' subjects, and per (subject, attribute) of `items` that has any its
    positions among them (in timeline order): one pass over the timeline (a filter per item was quadratic)."""
    if timeline is None or timeline.empty or items.empty:
        return pd.DataFrame(), {}
    subject = timeline["subject"].astype(str)
    rows = np.flatnonzero(subject.isin(set(items["subject"].astype(str))).to_numpy())
    if not len(rows):
        return pd.DataFrame(), {}
    key = subject.iloc[rows].to_numpy() + "\x1f" + timeline["attribute"].iloc[rows].astype(str).to_numpy()
    groups = pd.Series(np.arange(len(rows))).groupby(key, sort=False).indices
    wanted = zip(items["subject"].astype(str), items["attribute"].astype(str))
    found = {k: np.asarray(groups[f"{k[0]}\x1f{k[1]}"]) for k in wanted if f"{k[0]}\x1f{k[1]}" in groups}
    return timeline.iloc[rows], found


def select(tables: dict[str, Any], budget: Budget = Budget()) -> Selection:
    """What the page of these tables shows (Selection)."""
    labels = subject_labels(tables["claims"])
    tri = Triage(tables["contradictions"], tables["verdicts"], labels)
    _, first = np.unique(tri.pair[tri.order], return_index=True)  # the contested subject/attributes, in triage order
    contested = tri.order[np.sort(first)]
    items = tri.contradictions[["subject", "attribute"]].take(contested[:budget.details_max]).reset_index(drop=True)
    picked, at = timeline_rows(tables.get("timeline"), items)
    return Selection(labels, tri, items, len(contested), picked, at)


def build_model(tables: dict[str, Any], meta: dict[str, Any], calibration: dict[str, Any] | None = None,
                budget: Budget = Budget(), selection: Selection | None = None) -> dict[str, Any]:
    """The whole report as plain data. `meta`: as_of, solver, iterations, converged, counts, extraction, rules.
    `selection`: what it shows, when already chosen (`select`)."""
    verdicts, contradictions = tables["verdicts"], tables["contradictions"]
    sources, copies = tables["sources"], tables.get("copies")
    s = select(tables, budget) if selection is None else selection
    numeric = {"verdict_confidence", "runner_up_confidence", "margin", "severity"}
    contra, contra_left = fit_rows(s.triage.rows, TRIAGE_COLUMNS, len(s.triage), numeric,
                                   budget.contradictions_chars, s.triage.order)
    clusters = copy_clusters(copies)
    details = explain(s.items, tables["claims"], verdicts, s.timed, clusters, budget.details_chars,
                      budget.quotes_per_value)
    src = sources.sort_values(["claims", "source"], ascending=[False, True]).head(budget.sources_max)
    src_numeric = {c for c in src.columns if pd.api.types.is_numeric_dtype(src[c])}
    cp = copies.head(budget.copies_max) if copies is not None else pd.DataFrame()
    cp_numeric = {c for c in cp.columns if pd.api.types.is_numeric_dtype(cp[c])}
    return {
        "meta": meta,
        "statuses": status_rows(verdicts, contradictions), "kinds": kind_rows(contradictions),
        "contradictions": contra, "contradictions_total": int(len(s.triage)), "contradictions_left_out": contra_left,
        "details": details, "details_left_out": int(s.contested - len(details)),
        "verdicts_total": int(len(verdicts)),
        "sources": columns(src, src_numeric), "sources_total": int(len(sources)),
        "copies": columns(cp, cp_numeric), "copies_total": 0 if copies is None else int(len(copies)),
        "copy_pairs": 0 if copies is None else int(len(copies[["source_a", "source_b"]].drop_duplicates())),
        "clusters": clusters, "labels_given": bool(s.labels),
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
