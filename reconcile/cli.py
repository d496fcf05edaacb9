"""Command-line entry point: `reconcile <command> ...`.

Conventions shared by every command: results on standard output, messages and progress on standard error
(through `logging`; `-q` keeps only errors, `-v` adds detail; progress bars only when standard error is a
terminal or with --progress), `-o/--out` names what a command writes, `-` stands for standard input or output where a command says
so, defaults are shown in `--help`, and a closed pipe (`reconcile explain ... | head`) ends the command quietly.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from types import ModuleType

from . import __version__, progress
from .commands import COMMANDS
from .errors import EXIT_INTERNAL, ReconcileError
from .textsafe import escape_control

log = logging.getLogger("reconcile")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False, argparse.SUPPRESS) or action.required:
            return action.help
        return super()._get_help_string(action)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"reconcile.commands.{name}")


def _verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="count", default=0, help="print less (errors only)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="print more (-vv: debug detail)")
    parser.add_argument("--progress", action="store_true", default=False,
                        help="draw progress bars on standard error even when it is not a terminal (a log "
                             "file that is followed with tail -f); never on standard output or in outputs")


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reconcile",
        description="Reconcile conflicting claims from many sources into calibrated verdicts, "
        "contradictions and reports, driven by YAML rules.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reconcile {__version__}")
    _verbosity(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in modules.items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP, formatter_class=_HelpFormatter)
        module.add_arguments(p)
        # also accepted after the command: `reconcile run ... -v`
        p.add_argument("-q", "--quiet", action="count", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.add_argument("--progress", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.set_defaults(_module=module)
    return parser


def configure_logging(quiet: int, verbose: int) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    if quiet > 1:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s" if verbose < 2 else "%(levelname)s %(name)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def _silence_broken_pipe() -> int:
    """The reader of our output went away (`| head`): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 128 + 13  # the shell's status for a process ended by SIGPIPE, as `yes | head` gives


CRASH_LOG = "reconcile-error.log"


def _crash_log(args: argparse.Namespace | None, text: str) -> str:
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
    fd, temp_path = tempfile.mkstemp(prefix="reconcile-error-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write(text)
    return temp_path


def load_commands() -> dict[str, ModuleType]:
    return {name: _load(name) for name in COMMANDS}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(load_commands())
    args = parser.parse_args(argv)
    configure_logging(args.quiet, args.verbose)
    try:
        # bars on standard error when it is a terminal, or with --progress (reconcile/progress.py)
        with progress.enabled(force=bool(args.progress)):
            code = int(args._module.run(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _silence_broken_pipe()
    except ReconcileError as exc:
        print(f"reconcile {args.command}: error: {escape_control(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # the last resort: a bug, never a traceback on the terminal
        import traceback

        log_path = _crash_log(args, f"reconcile {' '.join(argv)}\n\n" + traceback.format_exc())
        what = escape_control(str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "", newlines=False)
        print(f"reconcile {args.command}: internal error ({type(exc).__name__}{': ' + what if what else ''}); "
              f"this is a bug, please report it with the traceback written to {log_path}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
