"""Charts of the report, declared with altair (Vega-Lite) and rendered offline to SVG by vl-convert.

No network: vl-convert bundles Vega and renders in-process. The page shows each SVG as an <img> from a
data: URL, so text inside a chart (subject names, values) can never run as script.

A chart is made in two steps: here its job (the chart's few rows of data as plain JSON-ready records, computed
from the run's tables), then its drawing (chart_specs.py: altair and vl-convert, without pandas). `reconcile
run` draws the jobs in a helper process (drawing.py) so that loading altair and vl-convert's JavaScript runtime,
and the drawing itself, run on another core while the run reads, solves and writes; elsewhere they are drawn
in this process. The SVG is the same either way.
"""
from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd

from .chart_specs import ChartJob

__all__ = ["ChartJob", "confidence_job", "data_url", "kinds_job", "reliability_job", "status_job", "timeline_job"]


def data_url(svg_text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode("utf-8")).decode("ascii")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready records, as altair gives a DataFrame to Vega-Lite (a missing number is null)."""
    return [{str(k): v for k, v in row.items()}
            for row in frame.astype(object).where(frame.notna(), None).to_dict("records")]


def status_job(statuses: list[dict[str, Any]]) -> ChartJob:
    rows = [{"status": s["name"], "verdicts": s["verdicts"]} for s in statuses]
    return "counts", {"rows": rows, "name_field": "status", "count_field": "verdicts",
                      "title": "Verdicts per status", "order": [s["name"] for s in statuses]}


def kinds_job(kinds: list[dict[str, Any]]) -> ChartJob:
    rows = [{"kind": k["name"], "contradictions": k["count"]} for k in kinds]
    return "counts", {"rows": rows, "name_field": "kind", "count_field": "contradictions",
                      "title": "Contradictions per kind", "order": [k["name"] for k in kinds]}


def confidence_job(verdicts: pd.DataFrame, step: float = 0.05) -> ChartJob:
    """Histogram of verdict confidence by status (binned here, so any number of verdicts is one small chart)."""
    conf = pd.to_numeric(verdicts["confidence"], errors="coerce").clip(0, 1).fillna(0)
    low = (conf // step).clip(upper=round(1 / step) - 1) * step
    frame = (pd.DataFrame({"low": low.round(6), "status": verdicts["status"].astype(str)})
             .value_counts().rename("verdicts").reset_index())
    frame["high"] = (frame["low"] + step).round(6)
    return "confidence", {"rows": _records(frame)}


def reliability_job(sources: pd.DataFrame, top: int = 40) -> ChartJob:
    """Prior vs learned reliability of the sources with the most claims."""
    frame = sources.sort_values(["claims", "source"], ascending=[False, True]).head(top)
    frame = frame[["source", "prior", "reliability", "claims"]].astype({"source": str})
    return "reliability", {"rows": _records(frame)}


def timeline_job(rows: pd.DataFrame, title: str) -> ChartJob:
    """States of one time-modelled subject/attribute: each interval as a bar from valid_from to valid_to, its
    height the state's probability, its colour the value."""
    return timeline_jobs(rows, [(np.arange(len(rows)), title)])[0]


def timeline_jobs(rows: pd.DataFrame, charts: list[tuple[np.ndarray, str]]) -> list[ChartJob]:
    """`timeline_job` of each (positions among `rows`, title), the rows of all formatted at once."""
    if not charts:
        return []
    picked = rows.iloc[np.concatenate([positions for positions, _ in charts])]
    frame = pd.DataFrame({"from": pd.to_datetime(picked["valid_from"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "to": pd.to_datetime(picked["valid_to"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "value": picked["value"].astype(str),
                          "probability": pd.to_numeric(picked["probability"], errors="coerce")})
    records = _records(frame)
    ends = np.cumsum([len(positions) for positions, _ in charts])
    return [("timeline", {"rows": records[end - len(positions):end], "title": title})
            for (positions, title), end in zip(charts, ends)]
