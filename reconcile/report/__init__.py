"""The review report: one data model (model.py) rendered through jinja2 templates into report.md (the short
summary) and report.html (the self-contained review page), with charts from altair/vl-convert (charts.py).

Names are imported on first use (PEP 562): the chart helper process (drawing.py) loads only what it draws with."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import assemble, rerender_run, rules_summary, write_reports

__all__ = ["assemble", "rerender_run", "rules_summary", "write_reports"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".build", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
