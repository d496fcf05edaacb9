"""The claim graph (networkx): claims, sources, subjects and candidate values of a finished run.

Built from the per-claim table (claims.parquet, or Result.claims) for a subject or a bounded set of subjects;
the solver never sees it (it works on arrays). Nodes, with typed readable ids:

    source:<name>                      kind=source   label, reliability, claims (how many in this graph)
    subject:<subject>                  kind=subject  label
    value:<subject>|<attribute>|<key>  kind=value    label (display value), value_key, subject, attribute,
                                                     posterior, chosen, status, n_claims, n_sources
    claim:<claim_id>                   kind=claim    label, source, subject, attribute, value, quote, speaker,
                                                     weight, recency, vote, copies, url, published_at (ISO or "")

Edges of a MultiDiGraph, each keyed and labelled by its `kind`:
    source -asserts-> claim;  claim -claims-> value;  value -of-> subject;
    claim -derived_from-> source    (the claim's `derived_from`, e.g. "told Reuters" -> source:Reuters);
    value -conflicts-> value        (both directions, between the candidate values of one single-valued
                                     subject/attribute; claims pointing at the same value node support each other).
Every attribute is a str, int, float or bool, so GraphML and node-link JSON can hold it; nodes and edges are
inserted in sorted order, so the same run exports byte-identical files.
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .errors import OutputError, UsageError

FORMATS = ("graphml", "json")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0: GraphML could not hold them


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return _XML_BAD.sub("", str(value))


def _key(value: object) -> str:
    """Text as a part of a node id, injectively: `\\`, `|` and `~` (the id separators) escaped with a backslash,
    characters XML cannot hold as \\xNN. Two different subjects never share an id (`a|b`/`c` vs `a`/`b|c`)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("~", "\\~")
    return _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _attrs(**values: object) -> dict[str, Any]:
    """Native GraphML-safe attributes: numbers stay numbers, missing numbers are left out, text is cleaned."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, (bool, np.bool_)):
            out[name] = bool(value)
        elif isinstance(value, (int, np.integer)):
            out[name] = int(value)
        elif isinstance(value, (float, np.floating)):
            if (x := _num(value)) is not None:
                out[name] = x
        else:
            out[name] = _text(value)
    return out


def _iso(series: pd.Series) -> list[str]:
    stamps = pd.to_datetime(series, utc=True, errors="coerce")
    return ["" if pd.isna(t) else t.isoformat() for t in stamps]


def _col(frame: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def _select(claims: pd.DataFrame, subjects: list[str] | None, max_claims: int) -> pd.DataFrame:
    rows = claims
    if subjects:
        wanted = sorted(set(map(str, subjects)))
        rows = claims[claims["subject"].astype(str).isin(wanted)]
        missing = [s for s in wanted if s not in set(rows["subject"].astype(str))]
        if missing:
            known = claims["subject"].astype(str).drop_duplicates()
            close = known[known.str.casefold().str.contains(missing[0].casefold(), regex=False)].head(5).tolist()
            hint = f"; did you mean: {', '.join(close)}" if close else ""
            raise UsageError(f"no claims about subject(s) {', '.join(map(repr, missing))}{hint}")
    if len(rows) > max_claims:
        scope = f"{len(subjects)} subject(s)" if subjects else "the whole run"
        raise UsageError(f"the claim graph of {scope} would hold {len(rows)} claims, more than max_claims="
                         f"{max_claims}; pick subjects (reconcile graph OUT --subject S ...) or raise --max-claims")
    return rows.sort_values(["subject", "attribute", "source", "value", "claim_id"], kind="stable")


def _claim_ids(claims: pd.DataFrame) -> list[str]:
    """`claim:<claim_id>`; an id given twice in the feed gets `~2`, `~3`... in table order."""
    ids = claims["claim_id"].astype(str).map(_key)
    nth = ids.groupby(ids, sort=False).cumcount().to_numpy()
    return [f"claim:{i}" if n == 0 else f"claim:{i}~{n + 1}" for i, n in zip(ids, nth)]


def build_graph(claims: pd.DataFrame, verdicts: pd.DataFrame | None = None, subjects: list[str] | None = None,
                max_claims: int = 200_000, multi_valued: set[str] | None = None) -> nx.MultiDiGraph[str]:
    """The claim graph of `subjects` (default: every subject) of a run's claims table.

    `multi_valued`: attributes whose values are not exclusive (no `conflicts` edges). When None, a
    subject/attribute counts as multi-valued when the run chose more than one of its values.
    `verdicts` (optional) adds each value's verdict `status`. Raises UsageError beyond `max_claims` claims.
    """
    rows = _select(claims, subjects, max_claims)
    c = pd.DataFrame({
        "id": _claim_ids(rows), "source": rows["source"].astype(str).map(_text).to_numpy(),
        "subject": rows["subject"].astype(str).map(_text).to_numpy(),
        "attribute": rows["attribute"].astype(str).map(_text).to_numpy(),
        "value": rows["value"].astype(str).map(_text).to_numpy(),
        "value_key": _col(rows, "value_key", None).fillna(rows["value"]).astype(str).map(_text).to_numpy(),
        "derived_from": _col(rows, "derived_from").fillna("").astype(str).map(_text).str.strip().to_numpy(),
        "chosen": _col(rows, "chosen", False).fillna(False).astype(bool).to_numpy(),
    })
    keys = {name: rows[name].astype(str).map(_key).to_numpy() for name in ("source", "subject", "attribute")}
    derived_key = _col(rows, "derived_from").fillna("").astype(str).str.strip().map(_key).to_numpy()
    c["source_id"] = "source:" + pd.Series(keys["source"], index=c.index)
    c["subject_id"] = "subject:" + pd.Series(keys["subject"], index=c.index)
    c["derived_id"] = np.where(derived_key != "", "source:" + pd.Series(derived_key, index=c.index), "")
    c["value_id"] = ("value:" + pd.Series(keys["subject"], index=c.index) + "|" + keys["attribute"] + "|"
                     + _col(rows, "value_key", None).fillna(rows["value"]).astype(str).map(_key).to_numpy())
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="reconcile claim graph")

    # sources: those that assert claims, and those claims were taken from
    rel = pd.to_numeric(_col(rows, "reliability", np.nan), errors="coerce").groupby(c["source_id"].to_numpy()).first()
    n_claims = c["source_id"].value_counts()
    labels = dict(zip(c["source_id"], c["source"])) | {
        d: name for d, name in zip(c["derived_id"], c["derived_from"]) if d and d not in set(c["source_id"])}
    g.add_nodes_from((n, _attrs(kind="source", label=labels[n], reliability=rel.get(n, np.nan),
                                claims=int(n_claims.get(n, 0)))) for n in sorted(labels))
    subject_labels = dict(zip(c["subject_id"], c["subject"]))
    g.add_nodes_from((s, _attrs(kind="subject", label=subject_labels[s])) for s in sorted(subject_labels))

    # candidate values: display value = most frequent raw value (ties: the smaller string), as the solver does
    disp = (c.groupby(["value_id", "value"], sort=True).size().reset_index(name="n")
            .sort_values(["value_id", "n", "value"], ascending=[True, False, True]).drop_duplicates("value_id")
            .set_index("value_id")["value"])
    post = pd.to_numeric(_col(rows, "posterior", np.nan), errors="coerce").to_numpy()
    c["item_id"] = c["value_id"].str.rsplit("|", n=1).str[0]
    vals = (c.assign(posterior=post).groupby("value_id", sort=True)
            .agg(subject=("subject", "first"), attribute=("attribute", "first"), value_key=("value_key", "first"),
                 subject_id=("subject_id", "first"), item_id=("item_id", "first"),
                 posterior=("posterior", "first"), chosen=("chosen", "max"), n_claims=("id", "size"),
                 n_sources=("source", "nunique")))
    status: dict[tuple[Any, Any], str] = {}
    if verdicts is not None and len(verdicts):
        v = verdicts.astype({"subject": str, "attribute": str}).drop_duplicates(["subject", "attribute"])
        status = dict(zip(zip(v["subject"].map(_text), v["attribute"].map(_text)), v["status"].astype(str)))
    g.add_nodes_from((vid, _attrs(kind="value", label=disp[vid], value_key=r.value_key, subject=r.subject,
                                  attribute=r.attribute, posterior=r.posterior, chosen=r.chosen,
                                  status=status.get((r.subject, r.attribute), ""), n_claims=r.n_claims,
                                  n_sources=r.n_sources))
                     for vid, r in zip(vals.index, vals.itertuples(index=False)))

    published = _iso(_col(rows, "published_at", pd.NaT))
    extra = {name: _col(rows, name).tolist() for name in ("quote", "speaker", "url")}
    nums = {name: pd.to_numeric(_col(rows, name, np.nan), errors="coerce").tolist()
            for name in ("weight", "recency", "vote")}
    copies = pd.to_numeric(_col(rows, "copies", 1), errors="coerce").fillna(1).astype(int).tolist()
    col = {name: c[name].tolist() for name in ("id", "source", "subject", "attribute", "value", "derived_from")}
    order = np.argsort(c["id"].to_numpy(), kind="stable").tolist()
    g.add_nodes_from((col["id"][i], _attrs(
        kind="claim", label=f"{col['source'][i]}: {col['attribute'][i]} = {col['value'][i]}",
        source=col["source"][i], subject=col["subject"][i], attribute=col["attribute"][i], value=col["value"][i],
        quote=extra["quote"][i], speaker=extra["speaker"][i], url=extra["url"][i], weight=nums["weight"][i],
        recency=nums["recency"][i], vote=nums["vote"][i], copies=copies[i], published_at=published[i],
        derived_from=col["derived_from"][i])) for i in order)

    # edges, each kind sorted: (u, v, key=kind, attributes)
    edges: list[tuple[str, str, str, dict[str, Any]]] = [
        (s, cid, "asserts", {"kind": "asserts"}) for s, cid in zip(c["source_id"], c["id"])]
    edges += [(cid, vid, "claims", _attrs(kind="claims", vote=vote)) for cid, vid, vote in
              zip(c["id"], c["value_id"], nums["vote"])]
    edges += [(vid, str(r.subject_id), "of", {"kind": "of", "attribute": r.attribute})
              for vid, r in zip(vals.index, vals.itertuples(index=False))]
    edges += [(cid, d, "derived_from", {"kind": "derived_from"})
              for cid, d in zip(c["id"], c["derived_id"]) if d]
    chosen_per_item = vals.groupby("item_id", sort=True)["chosen"].sum()
    multi = set(map(str, multi_valued)) if multi_valued is not None else None
    exclusive = [list(group.index) for item, group in vals.groupby("item_id", sort=True)
                 if len(group) > 1 and not (group["attribute"].iloc[0] in multi if multi is not None
                                            else chosen_per_item[item] > 1)]
    n_conflicts = sum(len(ids) * (len(ids) - 1) for ids in exclusive)
    if n_conflicts > 10 * max_claims:  # every pair of k values conflicts: k * (k - 1) edges
        raise UsageError(f"the claim graph would hold {n_conflicts} conflicts edges (many competing values), more "
                         f"than 10 x max_claims; pick fewer subjects (--subject S) or raise --max-claims")
    edges += [(a, b, "conflicts", {"kind": "conflicts"}) for ids in exclusive for a in ids for b in ids if a != b]
    edges.sort(key=lambda e: (e[0], e[1], e[2]))
    g.add_edges_from(edges)  # type: ignore[arg-type]  # (u, v, key, data): the stubs omit MultiGraph's keys
    return g


def contradiction_components(graph: nx.MultiDiGraph[str], via_sources: bool = False) -> list[set[str]]:
    """Disputes: connected components of the conflicts edges, each with the sources asserting its values.

    Each component is a set of `value:` and `source:` node ids: the competing values of a subject/attribute and
    every source behind one of them. A source in several disputes appears in each; with `via_sources=True` it
    joins them instead (components of the conflicts edges plus source-value links, usually one giant component
    on a real run). Sorted by size (largest first), then by members.
    """
    conflicts: nx.Graph[str] = nx.Graph()
    edge_kinds: Iterable[tuple[str, str, object]] = graph.edges(data="kind")
    conflicts.add_edges_from((u, v) for u, v, kind in edge_kinds if kind == "conflicts")

    def in_kinds(node: str) -> Iterable[tuple[str, str, object]]:
        edges: Iterable[tuple[str, str, object]] = graph.in_edges(node, data="kind")
        return edges

    backers: dict[str, set[str]] = {}
    for value in conflicts:
        backers[value] = {source for claim, _, kind in in_kinds(value) if kind == "claims"
                          for source, _, k in in_kinds(claim) if k == "asserts"}
    if via_sources:
        conflicts.add_edges_from((source, value) for value, sources in backers.items() for source in sources)
        comps = [set(comp) for comp in nx.connected_components(conflicts)]
    else:
        comps = [set(comp).union(*(backers[v] for v in comp)) for comp in nx.connected_components(conflicts)]
    return sorted(comps, key=lambda s: (-len(s), sorted(s)))


def summary(graph: nx.MultiDiGraph[str], components: list[set[str]] | None = None) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    node_kinds: Iterable[tuple[str, Any]] = graph.nodes(data="kind")  # type: ignore[assignment]  # stubs: a dict
    for _, kind in node_kinds:
        kinds[kind] = kinds.get(kind, 0) + 1
    edge_kinds: dict[str, int] = {}
    kind_of_edge: Iterable[tuple[str, str, Any]] = graph.edges(data="kind")
    for _, _, kind in kind_of_edge:
        edge_kinds[kind] = edge_kinds.get(kind, 0) + 1
    comps = contradiction_components(graph) if components is None else components
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "node_kinds": dict(sorted(kinds.items())),
            "edge_kinds": dict(sorted(edge_kinds.items())), "conflicts": edge_kinds.get("conflicts", 0) // 2,
            "components": len(comps)}


def _node_link(graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    try:
        return nx.node_link_data(graph, edges="edges")
    except TypeError:  # networkx < 3.4 names the parameter `link`
        return nx.node_link_data(graph, link="edges")  # type: ignore[call-arg]  # the stubs know networkx >= 3.4


def export(graph: nx.MultiDiGraph[str], path: str | Path, fmt: str | None = None) -> Path:
    """Write GraphML or node-link JSON atomically (temp file + os.replace). `fmt` None: from the suffix."""
    path = Path(path)
    fmt = (fmt or ("json" if path.suffix.lower() == ".json" else "graphml")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"graph format {fmt!r}: use one of {', '.join(FORMATS)}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the graph: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if fmt == "graphml":
                nx.write_graphml(graph, fh)
            else:
                fh.write((json.dumps(_node_link(graph), sort_keys=True, ensure_ascii=False, allow_nan=False,
                                     separators=(",", ":")) + "\n").encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the permissions open() would
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write the graph: {exc.strerror or exc}") from None
        raise
    return path
