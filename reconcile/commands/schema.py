"""reconcile schema: the JSON Schema of the rules, generated from the model (for editors)."""
from __future__ import annotations

import argparse

NAME = "schema"
HELP = "print the JSON Schema of the rules files (or of the decisions file), generated from the model"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--out", help="write to this file instead of standard output")
    p.add_argument("--decisions", action="store_true", help="the schema of the analyst decisions file instead")


def run(args: argparse.Namespace) -> int:
    import json

    from ..decisions.model import DecisionsFile
    from ..rules.schema import rules_json_schema

    schema = DecisionsFile.model_json_schema() if args.decisions else rules_json_schema()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if args.out:
        from ..outputs.atomic import write_text_atomic

        write_text_atomic(args.out, text)
    else:
        print(text, end="")
    return 0
