"""report.md and report.html: rendered from one report model by reconcile/report/ (kept here as the outputs'
entry point)."""
from __future__ import annotations

from ..report import write_reports

__all__ = ["write_reports"]
