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

if TYPE_CHECKING:
    from .api import load_rules, read_run, reconcile, reconcile_files, write_result
    from .errors import FeedError, ReconcileError, RulesError, UsageError
    from .pipeline import Result
    from .rules.model import Rules

_EXPORTS = {
    "load_rules": "api", "reconcile": "api", "reconcile_files": "api", "write_result": "api", "read_run": "api",
    "Result": "pipeline", "Rules": "rules.model",
    "ReconcileError": "errors", "RulesError": "errors", "FeedError": "errors", "UsageError": "errors",
}
__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reconcile' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
