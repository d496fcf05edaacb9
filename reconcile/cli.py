"""Command-line entry point: `reconcile <command> ...`."""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .commands import COMMANDS
from .errors import EXIT_INTERNAL, ReconcileError
from .textsafe import escape_control


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


CRASH_LOG = "reconcile-error.log"


def _crash_log(args, text: str) -> str:
    """Write the traceback of an unexpected error: into the output folder when there is one (the previous
    result there stays complete: the log is not one of its listed outputs), else a temporary file."""
    import os
    import tempfile
    from pathlib import Path

    out = getattr(args, "out", None)
    if isinstance(out, str) and out.strip():
        folder = Path(out)
        if getattr(args, "command", "") not in ("run", "synth"):  # --out names a file: its folder
            folder = folder.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / CRASH_LOG
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
            return str(path)
        except OSError:
            pass
    fd, path = tempfile.mkstemp(prefix="reconcile-error-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(text)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    modules = {name: _load(name) for name in COMMANDS}
    parser = build_parser(modules)
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except ReconcileError as exc:
        print(f"reconcile {args.command}: error: {escape_control(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # the last resort: a bug, never a traceback on the terminal
        import traceback

        log = _crash_log(args, f"reconcile {' '.join(argv)}\n\n" + traceback.format_exc())
        what = escape_control(str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "", newlines=False)
        print(f"reconcile {args.command}: internal error ({type(exc).__name__}{': ' + what if what else ''}); "
              f"this is a bug, please report it with the traceback written to {log}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
