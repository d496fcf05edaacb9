"""Progress bars for the long phases of a command, drawn on a terminal only.

Bars (rich) appear on standard error when the command line turned them on with `enabled()` around a command,
standard error is a terminal (or `--progress` asked for them anyway), the log level shows INFO (no `-q`) and
TERM is not `dumb`. Anywhere else (a pipe,
a CI log, a library call from Python) every function here does nothing and the log lines are all there is.
While bars are drawn, log lines and warnings print above them.

Code that runs a long phase calls one of these; none of them costs anything when bars are off:

    for path in progress.track(paths, "reading feeds", total=len(paths)): ...
    with progress.phase("writing outputs") as bar: ... bar.advance()
    progress.begin("writing outputs"); ...; progress.tick("writing outputs")   # a step without a `with` block
    progress.tick("solver: EM iterations", info=f"change {change:.1e}")   # one more step, counter made on first use
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

_log = logging.getLogger("reconcile")


class _Bars:
    """One rich Progress shared by every phase of a command, started when the first phase starts."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        self.swapped: list[tuple[logging.StreamHandler[Any], Any]] = []

    def task(self, name: str, total: float | None, new_step: bool = False) -> Any:
        """The bar named `name`, made on first use; a new step of the command first completes the bars of
        the steps before it (their clocks stop)."""
        if self.progress is None:
            self._start()
        if name not in self.tasks:
            if new_step:
                for other in self.tasks:
                    self.finish(other)
            self.tasks[name] = self.progress.add_task(name, total=total)
        return self.tasks[name]

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)

        console = Console(file=self.stream, force_terminal=True)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                                 redirect_stdout=False, redirect_stderr=True)  # stdout stays the command's output
        self.progress.start()
        for handler in _log.handlers:  # log lines print above the bars (through rich's stderr proxy)
            if isinstance(handler, logging.StreamHandler) and handler.stream is self.stream:
                self.swapped.append((handler, handler.setStream(sys.stderr)))

    def finish(self, name: str) -> None:
        task = self.tasks.get(name)
        if task is not None:
            done = next(t.completed for t in self.progress.tasks if t.id == task)
            self.progress.update(task, total=max(done, 1), completed=max(done, 1))

    def stop(self) -> None:
        if self.progress is None:
            return
        for name in list(self.tasks):
            self.finish(name)
        try:
            self.progress.stop()
        finally:
            for handler, stream in self.swapped:
                handler.setStream(stream)


_bars: _Bars | None = None


def _terminal(stream: TextIO, force: bool = False) -> bool:
    try:
        return ((force or (stream.isatty() and os.environ.get("TERM", "") != "dumb"))
                and _log.isEnabledFor(logging.INFO))
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


@contextlib.contextmanager
def enabled(stream: TextIO | None = None, force: bool = False) -> Iterator[bool]:
    """Turn bars on for the duration of a command, if `stream` (standard error) is a terminal or `force` (the
    `--progress` option; still not with `-q`). Yields whether."""
    global _bars
    stream = sys.stderr if stream is None else stream
    if _bars is not None or not _terminal(stream, force):
        yield False
        return
    _bars = _Bars(stream)
    try:
        yield True
    finally:
        bars, _bars = _bars, None
        bars.stop()


class _Bar:
    def __init__(self, name: str | None = None, task: Any = None):
        self.name, self._task = name, task

    def advance(self, steps: float = 1, info: str | None = None) -> None:
        if self._task is not None and _bars is not None:
            fields = {"description": f"{self.name} ({info})"} if info else {}
            _bars.progress.update(self._task, advance=steps, **fields)


@contextlib.contextmanager
def phase(name: str, total: float | None = None) -> Iterator[_Bar]:
    """A bar for one phase: `total` steps (None: a counter), advanced with `bar.advance()`; full at the end."""
    if _bars is None:
        yield _Bar()
        return
    bar = _Bar(name, _bars.task(name, total, new_step=True))
    try:
        yield bar
    finally:
        if _bars is not None:
            _bars.finish(name)


def track(items: Iterable[Any], name: str, total: float | None = None) -> Iterator[Any]:
    """Iterate over `items`, advancing a bar named `name` (of `total` steps, or len(items) when it has one)."""
    if _bars is None:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with phase(name, total) as bar:
        for item in items:
            yield item
            bar.advance()


def begin(name: str, total: float | None = None) -> None:
    """A new step of the command, advanced by `tick(name)`: the bars of the steps before it are complete."""
    if _bars is not None:
        _bars.task(name, total, new_step=True)


def tick(name: str, steps: float = 1, info: str | None = None) -> None:
    """One more step of the counter `name` (made on first use; complete when the next step begins or the
    command ends)."""
    if _bars is not None:
        _Bar(name, _bars.task(name, None)).advance(steps, info)
