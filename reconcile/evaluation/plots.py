"""Plots of the evaluation, declared with altair (Vega-Lite) and rendered offline to SVG by vl-convert."""
from __future__ import annotations

import pandas as pd

from ..report.chart_specs import svg  # one renderer for every chart

SIZE = 360


def calibration_chart(bins_by_method: dict[str, pd.DataFrame], title: str = "Reliability diagram",
                      width: int = SIZE, height: int = SIZE) -> str:
    """Reliability diagram: per method, accuracy against mean confidence of its non-empty bins (dot area ~ share
    of items); the dashed diagonal is perfect calibration."""
    import altair as alt

    frames = []
    for name, bins in bins_by_method.items():
        filled = bins[bins["count"] > 0]
        total = float(bins["count"].sum()) or 1.0
        frames.append(pd.DataFrame({"method": str(name), "confidence": filled["mean_confidence"].astype(float),
                                    "accuracy": filled["accuracy"].astype(float),
                                    "items": filled["count"].astype(int),
                                    "share": filled["count"].astype(float) / total}))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"method": pd.Series(dtype=str), "confidence": pd.Series(dtype=float), "accuracy": pd.Series(dtype=float),
         "items": pd.Series(dtype=int), "share": pd.Series(dtype=float)})
    axis = alt.Scale(domain=[0, 1])
    # every method in the legend, also one without answers (no dots)
    color = alt.Color("method:N", title="method", scale=alt.Scale(domain=[str(n) for n in bins_by_method]))
    base = alt.Chart(frame, title=title, width=width, height=height)
    lines = base.mark_line().encode(x=alt.X("confidence:Q", title="confidence of the chosen value", scale=axis),
                                    y=alt.Y("accuracy:Q", title="accuracy", scale=axis),
                                    color=color)
    dots = base.mark_circle(opacity=0.7).encode(
        x="confidence:Q", y="accuracy:Q", color=color,
        size=alt.Size("share:Q", legend=None, scale=alt.Scale(range=[20, 400])),
        tooltip=["method", "items", alt.Tooltip("confidence:Q", format=".3f"),
                 alt.Tooltip("accuracy:Q", format=".3f")])
    diagonal = alt.Chart(pd.DataFrame({"confidence": [0.0, 1.0], "accuracy": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="#999").encode(x="confidence:Q", y="accuracy:Q")
    return svg(diagonal + lines + dots)
