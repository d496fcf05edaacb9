"""reconcile check: validate rules only, reporting every problem at once."""
from __future__ import annotations

import argparse
import logging

log = logging.getLogger("reconcile")

NAME = "check"
HELP = "validate rules (a YAML file or a folder) and report every problem at once with file:line:col"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rules", nargs="*", metavar="RULES",
                   help="rules to check: a YAML file or a folder of them (one rule set). Several paths are checked "
                   "one by one, as alternatives: `reconcile check rules/examples/*.yaml` (default: ./rules if it "
                   "exists, else the packaged rules)")


def run(args: argparse.Namespace) -> int:
    from ..errors import RulesError
    from ..rules import load_rules
    from ..rules.packaged import resolve_rules

    paths = args.rules or [resolve_rules(None)]
    if not args.rules:
        log.info("rules: %s (no path given)", paths[0])
    problems: list[str] = []
    for path in paths:
        try:
            loaded = load_rules(path)
        except RulesError as exc:
            problems.extend(exc.problems if hasattr(exc, "problems") else [exc.message])
            continue
        rules = loaded.rules
        where = f"{path}: " if len(paths) > 1 else ""
        print(f"ok: {where}{len(loaded.files)} file(s), {len(rules.attributes)} attribute(s), "
              f"{len(rules.sources.priors)} source prior(s), solver {rules.solver.name}")
    if problems:
        raise RulesError(problems)
    return 0
