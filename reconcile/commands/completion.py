"""`reconcile completion bash|zsh|tcsh`: a shell completion script, generated from the CLI's own parser (shtab).

shtab writes a static script (no Python runs when you press Tab, unlike argcomplete's hook): commands, options
and choices come from the argparse parser, and file or folder arguments complete paths.
"""
from __future__ import annotations

import argparse
import sys

NAME = "completion"
HELP = "print a shell completion script: eval \"$(reconcile completion bash)\" (or zsh, tcsh)"
SHELLS = ("bash", "zsh", "tcsh")

# arguments that name files, and those that name folders (an output folder of `run`, read by later commands)
_FILES = {"feeds", "rules", "decisions", "state", "truth", "stats", "hierarchy", "paths", "output"}
_FOLDERS = {"dir"}
_OUT_IS_FOLDER = {"run", "synth", "explain", "evaluate", "graph"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in (bash: add the eval line to ~/.bashrc; "
                   "zsh: write the output to a file named _reconcile in a folder of your $fpath)")


def _mark_paths(parser: argparse.ArgumentParser, command: str = "") -> None:
    import shtab

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                _mark_paths(sub, command or name)
        elif action.dest in _FOLDERS or (action.dest == "out" and command in _OUT_IS_FOLDER):
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
        elif action.dest in _FILES or action.dest == "out":
            action.complete = shtab.FILE  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    import shtab

    from ..cli import build_parser, load_commands

    parser = build_parser(load_commands())
    _mark_paths(parser)
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return 0
