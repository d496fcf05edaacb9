"""reconcile schema: the JSON Schema of the rules, generated from the model (for editors)."""
from __future__ import annotations

NAME = "schema"
HELP = "print the JSON Schema of the rules files (or of the decisions file), generated from the model"


def add_arguments(p) -> None:
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--decisions", action="store_true", help="the schema of the analyst decisions file instead")


def run(args) -> int:
    import json

    from ..decisions.model import DecisionsFile
    from ..rules.model import Rules

    model = DecisionsFile if args.decisions else Rules
    text = json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if args.out:
        from ..outputs.atomic import write_text_atomic

        write_text_atomic(args.out, text)
    else:
        print(text, end="")
    return 0
