"""The report's charts declared with altair (Vega-Lite) and drawn to SVG by vl-convert, from plain records.

Nothing here imports pandas or numpy: the chart helper process (drawing.py) loads only altair and vl-convert.
The data is given inline (`alt.InlineData(values=...)`, the records charts.py makes), so every field's type is
written out (`name:N`, `count:Q`): the types altair would infer from a DataFrame, and the same SVG.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt

WIDTH = 360
HEIGHT = 200

ChartJob = tuple[str, dict[str, Any]]  # (drawing, its keyword arguments: plain, picklable data)


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (vl-convert renders in-process: no network, no browser)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def warm_up() -> None:
    """Load altair and start vl-convert's JavaScript runtime (its first chart costs about a second of start-up,
    the next ones a tenth each): the chart helper's first task, run while the run reads its feed. (Not in a
    thread of the run's own process: vl-convert holds the GIL while it works.)"""
    import altair  # noqa: F401
    import vl_convert as vlc

    vlc.vegalite_to_svg({"data": {"values": [{"x": 0}]}, "mark": "point",
                         "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def draw(job: ChartJob) -> str:
    """The job's chart as an SVG document."""
    name, arguments = job
    drawings: dict[str, Callable[..., str]] = {"counts": _counts_chart, "confidence": _confidence_chart,
                                               "reliability": _reliability_chart, "timeline": _timeline_chart}
    return drawings[name](**arguments)


def _counts_chart(rows: list[dict[str, Any]], name_field: str, count_field: str, title: str, order: list[str]
                  ) -> str:
    import altair as alt

    chart = alt.Chart(alt.InlineData(values=rows), title=title, width=WIDTH, height=max(60, 22 * len(rows))).mark_bar(
    ).encode(
        y=alt.Y(f"{name_field}:N", sort=order, title=None),
        x=alt.X(f"{count_field}:Q", title="count"),
        tooltip=[f"{name_field}:N", f"{count_field}:Q"],
    )
    return svg(chart)


def _confidence_chart(rows: list[dict[str, Any]]) -> str:
    import altair as alt

    chart = alt.Chart(alt.InlineData(values=rows), title="Confidence of the verdicts", width=WIDTH, height=HEIGHT
                      ).mark_bar().encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 1]), title="confidence"), x2="high:Q",
        y=alt.Y("sum(verdicts):Q", title="verdicts"),
        color=alt.Color("status:N", title="status"),
    )
    return svg(chart)


def _reliability_chart(rows: list[dict[str, Any]]) -> str:
    import altair as alt

    title = f"Prior vs learned reliability (top {len(rows)} sources by claims)"
    base = alt.Chart(alt.InlineData(values=rows), title=title, width=WIDTH, height=WIDTH)
    points = base.mark_circle(opacity=0.7).encode(
        x=alt.X("prior:Q", scale=alt.Scale(domain=[0, 1]), title="prior reliability"),
        y=alt.Y("reliability:Q", scale=alt.Scale(domain=[0, 1]), title="learned reliability"),
        size=alt.Size("claims:Q", title="claims"),
        tooltip=["source:N", "prior:Q", "reliability:Q", "claims:Q"],
    )
    diagonal = alt.Chart(alt.InlineData(values=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 1.0}])).mark_line(
        strokeDash=[4, 4], color="#999").encode(x="x:Q", y="y:Q")
    return svg(diagonal + points)


def _timeline_chart(rows: list[dict[str, Any]], title: str) -> str:
    import altair as alt

    chart = alt.Chart(alt.InlineData(values=rows), title=title, width=WIDTH + 120, height=140).mark_rect(opacity=0.8
                                                                                                   ).encode(
        x=alt.X("from:T", title="valid time (UTC)"), x2="to:T",
        y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), title="probability"), y2=alt.datum(0),
        color=alt.Color("value:N", title="state"),
        tooltip=["value:N", "from:N", "to:N", alt.Tooltip("probability:Q", format=".3f")])
    return svg(chart)
