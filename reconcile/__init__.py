"""reconcile: reconcile conflicting claims into calibrated verdicts.

    import pandas as pd
    import reconcile

    rules = reconcile.load_rules("rules/examples/emergent.yaml")   # or load_rules() for the packaged defaults
    result = reconcile.reconcile(pd.read_csv("claims.csv", dtype=str, keep_default_na=False), rules)
    print(result.verdicts.head())
    reconcile.write_result(result, "out/")                        # the same files as `reconcile run`

Names are imported on first use, so `import reconcile` stays cheap.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # the names as type checkers see them ("X as X": an explicit re-export)
    from .api import load_rules as load_rules, read_run as read_run, reconcile as reconcile, \
        reconcile_files as reconcile_files, write_result as write_result
    from .daily import Carried as Carried
    from .decisions import load_decisions as load_decisions
    from .errors import FeedError as FeedError, ReconcileError as ReconcileError, RulesError as RulesError, \
        StateError as StateError, UsageError as UsageError
    from .pipeline import Result as Result
    from .rules.model import Rules as Rules

_EXPORTS = {
    "load_rules": "api", "reconcile": "api", "reconcile_files": "api", "write_result": "api", "read_run": "api",
    "Result": "pipeline", "Rules": "rules.model", "Carried": "daily", "load_decisions": "decisions",
    "ReconcileError": "errors", "RulesError": "errors", "FeedError": "errors", "UsageError": "errors",
    "StateError": "errors",
}
__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reconcile' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
