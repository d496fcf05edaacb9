"""reconcile schema: the JSON Schema of the rules, generated from the model (for editors)."""
from __future__ import annotations

NAME = "schema"
HELP = "print the JSON Schema of the rules files, generated from the rules model"


def add_arguments(p) -> None:
    p.add_argument("-o", "--out", help="write to this file instead of standard output")


def run(args) -> int:
    import json

    from ..rules.schema import rules_json_schema

    text = json.dumps(rules_json_schema(), indent=2, sort_keys=True) + "\n"
    if args.out:
        from ..outputs.atomic import write_text_atomic

        write_text_atomic(args.out, text)
    else:
        print(text, end="")
    return 0
