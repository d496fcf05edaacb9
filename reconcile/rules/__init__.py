"""Rules: the strict YAML model users tune, and its loader."""
from .loader import LoadedRules, load_rules
from .model import RULES_VERSION, AttributeRule, Rules

__all__ = ["AttributeRule", "LoadedRules", "RULES_VERSION", "Rules", "load_rules"]
