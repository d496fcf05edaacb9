"""reconcile decide: append an analyst decision to a decisions file (YAML or CSV, created if missing)."""
from __future__ import annotations

import argparse

NAME = "decide"
HELP = "record an analyst decision (override, resolve, dismiss, pin, copy) in a decisions file"


POSITIONAL_HELP = {"subject": "the subject, as in verdicts.csv", "attribute": "the attribute, as in verdicts.csv",
                   "value": "the value the verdict must take",
                   "contradiction": "the contradiction's id (the `id` column of contradictions.csv)",
                   "source": "the source's name, as in sources.csv", "other": "the other source's name",
                   "reliability": "the reliability, strictly between 0 and 1"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    kinds = p.add_subparsers(dest="kind", metavar="KIND", help="override, resolve, dismiss, pin or copy")
    kinds.required = True
    specs = {
        "override": ("force the verdict of SUBJECT/ATTRIBUTE to VALUE, whatever the evidence",
                     ["subject", "attribute", "value"]),
        "resolve": ("mark a contradiction (its id in contradictions.csv) resolved", ["contradiction"]),
        "dismiss": ("mark a contradiction as not a real conflict", ["contradiction"]),
        "pin": ("fix a source's reliability (not clamped by solver.reliability_bounds)", ["source", "reliability"]),
        "copy": ("confirm or reject that SOURCE and OTHER copy each other", ["source", "other", "copying"]),
    }
    for kind, (text, positionals) in specs.items():
        k = kinds.add_parser(kind, help=text, description=text)
        for name in positionals:
            if name == "copying":
                k.add_argument(name, choices=["confirm", "reject"], help="confirm: they copy; reject: they do not")
            else:
                k.add_argument(name, metavar=name.upper(), help=POSITIONAL_HELP[name])
        if kind == "pin":
            k.add_argument("--attribute", help="pin only for this attribute")
        k.add_argument("--note", required=True, help="why (required)")
        k.add_argument("--by", required=True, help="who decides (required)")
        k.add_argument("--decisions", required=True, help="the decisions file (.yaml or .csv; created if missing)")
        k.add_argument("--until", help="expiry, ISO 8601 with zone: after --as-of passes it the decision lapses")
        k.add_argument("--at", help="when decided (ISO 8601 with zone); default: now")


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import logging

    from pydantic import TypeAdapter, ValidationError

    from ..decisions import append_decision
    from ..decisions.model import Decision
    from ..errors import UsageError

    fields = {k: v for k, v in vars(args).items()
              if k in ("kind", "subject", "attribute", "value", "contradiction", "source", "other", "reliability",
                       "copying", "note", "by", "until", "at") and v is not None}
    fields.setdefault("at", dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
    try:
        decision = TypeAdapter(Decision).validate_python(fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or e['loc'][0]}: {e['msg']}"
                             for e in exc.errors(include_url=False))
        raise UsageError(f"invalid {args.kind} decision: {problems}") from None
    loaded = append_decision(args.decisions, decision)
    logging.getLogger("reconcile").info(f"{args.decisions}: {args.kind} recorded ({len(loaded.decisions)} "
                                        "decision(s) in the file)")
    return 0
