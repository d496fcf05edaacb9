"""Command-line entry point: `reconcile <command> ...`."""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .commands import COMMANDS
from .errors import EXIT_INTERNAL, ReconcileError


def _load(name: str):
    return importlib.import_module(f"reconcile.commands.{name}")


def build_parser(modules: dict) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reconcile",
        description="Reconcile conflicting claims from many sources into calibrated verdicts, "
        "contradictions and reports, driven by YAML rules.",
    )
    parser.add_argument("--version", action="version", version=f"reconcile {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in modules.items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    modules = {name: _load(name) for name in COMMANDS}
    parser = build_parser(modules)
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except ReconcileError as exc:
        print(f"reconcile {args.command}: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
