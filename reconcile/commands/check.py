"""reconcile check: validate rules only, reporting every problem at once."""
from __future__ import annotations

NAME = "check"
HELP = "validate rules (a YAML file or a folder) and report every problem at once with file:line:col"


def add_arguments(p) -> None:
    p.add_argument("rules", help="a YAML rules file or a folder of them")


def run(args) -> int:
    from ..rules import load_rules

    loaded = load_rules(args.rules)
    rules = loaded.rules
    print(f"ok: {len(loaded.files)} file(s), {len(rules.attributes)} attribute(s), "
          f"{len(rules.sources.priors)} source prior(s), solver {rules.solver.name}")
    return 0
