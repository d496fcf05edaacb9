"""Charts of the report, declared with altair (Vega-Lite) and rendered offline to SVG by vl-convert.

No network: vl-convert bundles Vega and renders in-process. The page shows each SVG as an <img> from a
data: URL, so text inside a chart (subject names, values) can never run as script.
"""
from __future__ import annotations

import base64
from typing import Any

import altair as alt
import pandas as pd

WIDTH = 360
HEIGHT = 200


from ..evaluation.plots import svg


def data_url(svg_text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode("utf-8")).decode("ascii")


def _counts_chart(rows: list[dict[str, Any]], name_field: str, count_field: str, title: str, order: list[str]
                  ) -> alt.Chart:
    frame = pd.DataFrame(rows, columns=[name_field, count_field])
    chart: alt.Chart = alt.Chart(frame, title=title, width=WIDTH, height=max(60, 22 * len(frame))).mark_bar().encode(
        y=alt.Y(f"{name_field}:N", sort=order, title=None),
        x=alt.X(f"{count_field}:Q", title="count"),
        tooltip=[name_field, count_field],
    )
    return chart


def status_chart(statuses: list[dict[str, Any]]) -> str:
    rows = [{"status": s["name"], "verdicts": s["verdicts"]} for s in statuses]
    return svg(_counts_chart(rows, "status", "verdicts", "Verdicts per status", [s["name"] for s in statuses]))


def kinds_chart(kinds: list[dict[str, Any]]) -> str:
    rows = [{"kind": k["name"], "contradictions": k["count"]} for k in kinds]
    return svg(_counts_chart(rows, "kind", "contradictions", "Contradictions per kind", [k["name"] for k in kinds]))


def confidence_chart(verdicts: pd.DataFrame, step: float = 0.05) -> str:
    """Histogram of verdict confidence by status (binned here, so any number of verdicts is one small chart)."""
    conf = pd.to_numeric(verdicts["confidence"], errors="coerce").clip(0, 1).fillna(0)
    low = (conf // step).clip(upper=round(1 / step) - 1) * step
    frame = (pd.DataFrame({"low": low.round(6), "status": verdicts["status"].astype(str)})
             .value_counts().rename("verdicts").reset_index())
    frame["high"] = (frame["low"] + step).round(6)
    chart = alt.Chart(frame, title="Confidence of the verdicts", width=WIDTH, height=HEIGHT).mark_bar().encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 1]), title="confidence"), x2="high:Q",
        y=alt.Y("sum(verdicts):Q", title="verdicts"),
        color=alt.Color("status:N", title="status"),
    )
    return svg(chart)


def reliability_chart(sources: pd.DataFrame, top: int = 40) -> str:
    """Prior vs learned reliability of the sources with the most claims."""
    frame = sources.sort_values(["claims", "source"], ascending=[False, True]).head(top)
    frame = frame[["source", "prior", "reliability", "claims"]].astype({"source": str})
    base = alt.Chart(frame, title=f"Prior vs learned reliability (top {len(frame)} sources by claims)",
                     width=WIDTH, height=WIDTH)
    points = base.mark_circle(opacity=0.7).encode(
        x=alt.X("prior:Q", scale=alt.Scale(domain=[0, 1]), title="prior reliability"),
        y=alt.Y("reliability:Q", scale=alt.Scale(domain=[0, 1]), title="learned reliability"),
        size=alt.Size("claims:Q", title="claims"),
        tooltip=["source", "prior", "reliability", "claims"],
    )
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="#999").encode(x="x:Q", y="y:Q")
    return svg(diagonal + points)


def timeline_chart(rows: pd.DataFrame, title: str) -> str:
    """States of one time-modelled subject/attribute: each interval as a bar from valid_from to valid_to, its
    height the state's probability, its colour the value."""
    frame = pd.DataFrame({"from": pd.to_datetime(rows["valid_from"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "to": pd.to_datetime(rows["valid_to"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "value": rows["value"].astype(str),
                          "probability": pd.to_numeric(rows["probability"], errors="coerce")})
    chart = alt.Chart(frame, title=title, width=WIDTH + 120, height=140).mark_rect(opacity=0.8).encode(
        x=alt.X("from:T", title="valid time (UTC)"), x2="to:T",
        y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), title="probability"), y2=alt.datum(0),
        color=alt.Color("value:N", title="state"),
        tooltip=["value", "from", "to", alt.Tooltip("probability:Q", format=".3f")])
    return svg(chart)
