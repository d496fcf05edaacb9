"""The review report: one data model (model.py) rendered through jinja2 templates into report.md (the short
summary) and report.html (the self-contained review page), with charts from altair/vl-convert (charts.py)."""
from .build import assemble, rerender_run, rules_summary, write_reports

__all__ = ["assemble", "rerender_run", "rules_summary", "write_reports"]
