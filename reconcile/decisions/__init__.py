"""Analyst decisions: a file the analyst owns (YAML or CSV), honoured by `reconcile run --decisions`.

The format is shared with the HTML report's export (see docs/decisions.md).
"""
from .loader import load_decisions
from .model import DECISIONS_VERSION, CopyDecision, Decision, DecisionsFile, DismissDecision, OverrideDecision, \
    PinDecision, ResolveDecision
from .writer import append_decision

__all__ = ["DECISIONS_VERSION", "CopyDecision", "Decision", "DecisionsFile", "DismissDecision", "OverrideDecision",
           "PinDecision", "ResolveDecision", "append_decision", "load_decisions"]
