"""Errors a user can act on, each with its own exit code.

Every error the CLI reports is one of these; anything else is a bug: the CLI prints one line, writes the
traceback to `reconcile-error.log` in the output folder (or a temporary file) and exits 1.
"""
from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_RULES = 3
EXIT_FEED = 4
EXIT_OUTPUT = 5
EXIT_STATE = 6


class ReconcileError(Exception):
    """Base class: a message for a person and an exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(ReconcileError):
    """A command-line argument or option is wrong (unknown engine, solver, missing file...)."""

    exit_code = EXIT_USAGE


class RulesError(ReconcileError):
    """The YAML rules are invalid. `problems` holds every problem found, not only the first."""

    exit_code = EXIT_RULES

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the rules"
        super().__init__(head + ":\n" + "\n".join(self.problems))


class FeedError(ReconcileError):
    """A feed cannot be used at all (unreadable, empty, missing required columns)."""

    exit_code = EXIT_FEED


class OutputError(ReconcileError):
    """An output directory cannot be read or written."""

    exit_code = EXIT_OUTPUT


class StateError(ReconcileError):
    """The state store cannot be used: held by another run, unreadable, or made by a newer reconcile."""

    exit_code = EXIT_STATE
