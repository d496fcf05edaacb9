"""Who draws the report's charts (charts.py jobs, chart_specs.py drawings): this process, or a helper process.

Loading altair and starting vl-convert's JavaScript runtime cost over a second before the first chart, and
vl-convert holds Python's GIL while it draws, so a thread cannot hide that time. `reconcile run` therefore
starts a helper process (`chart_process()`: `python -m reconcile.report.drawing`) once its feed is read (a run
that stops at a bad feed or bad rules starts none): the helper loads altair and vl-convert and starts the
runtime while the run solves, then draws the charts the run sends while the run writes its tables. Jobs go to it as JSON lines on its standard input, SVGs come back as
JSON lines on its standard output, in the order sent. (A plain subprocess, not multiprocessing: a spawned
multiprocessing worker re-runs the caller's main script, which a script calling `reconcile.cli.main()` without
a `__main__` guard would turn into a second run.)

Everywhere else (the Python API, `evaluate`) charts are drawn in process. A helper that cannot start, dies, or
fails a chart is not an error: that chart is drawn in process (where a real error then shows itself). The SVGs
are the same either way: the same code draws them from the same data.
"""
from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # chart_specs.py loads when a chart is drawn here: the helper starts before anything else
    from .chart_specs import ChartJob

log = logging.getLogger("reconcile")

WAIT_S = 120.0  # the longest wait for one chart (drawing one takes a fraction of a second; start-up a few)
Pending = Callable[[], str]  # gives the chart's SVG (waiting for it when it is drawn elsewhere)


class Drawer(Protocol):
    def submit(self, job: ChartJob) -> Pending: ...


class InProcess:
    """Charts drawn here, when their SVG is asked for."""

    def submit(self, job: ChartJob) -> Pending:
        from .chart_specs import draw

        return lambda: draw(job)


IN_PROCESS = InProcess()


class ChartProcess:
    """Charts drawn by one helper process, in the order sent; in this process for any the helper does not draw."""

    def __init__(self) -> None:
        self._answers: dict[int, dict[str, Any]] = {}
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._sent = self._received = 0
        self._proc: subprocess.Popen[str] | None = None
        if not sys.executable:
            return
        try:  # run from the folder holding this reconcile package: the helper imports this same code
            self._proc = subprocess.Popen([sys.executable, "-m", "reconcile.report.drawing"],
                                          cwd=Path(__file__).resolve().parents[2], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                          encoding="utf-8")
        except OSError as exc:
            log.debug("charts drawn in process: the helper process did not start (%s)", exc)
            return
        stdout = self._proc.stdout
        assert stdout is not None
        threading.Thread(target=self._read, args=(stdout,), name="chart-helper-reader", daemon=True).start()

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            self._lines.put(line)
        self._lines.put(None)  # the helper has gone

    def submit(self, job: ChartJob) -> Pending:
        from .chart_specs import draw

        if self._proc is None or self._proc.stdin is None:
            return IN_PROCESS.submit(job)
        try:
            self._proc.stdin.write(json.dumps(job) + "\n")
            self._proc.stdin.flush()
        except (OSError, ValueError) as exc:  # the helper has gone (a broken pipe, a closed file)
            log.debug("chart drawn in process: the helper process is gone (%s)", exc)
            self.close()
            return IN_PROCESS.submit(job)
        index, self._sent = self._sent, self._sent + 1

        def result() -> str:
            answer = self._answer(index)
            if isinstance(answer.get("svg"), str):
                svg: str = answer["svg"]
                return svg
            log.debug("chart drawn in process: the helper did not draw it (%s)", answer.get("error", "gone"))
            return draw(job)
        return result

    def _answer(self, index: int) -> dict[str, Any]:
        while index not in self._answers:
            try:
                line = self._lines.get(timeout=WAIT_S) if self._received < self._sent else None
            except queue.Empty:  # a helper that hangs: the run does not wait for it any longer
                log.debug("charts drawn in process: no answer from the helper process in %s s", WAIT_S)
                self.close()
                line = None
            if line is None:
                self._lines.put(None)  # every later answer is missing too
                return {}
            try:
                self._answers[self._received] = json.loads(line)
            except ValueError:
                self._answers[self._received] = {}
            self._received += 1
        return self._answers.pop(index)

    def close(self) -> None:
        """End the helper: its input closed, it finishes the chart in hand (if any) and exits."""
        if self._proc is not None and self._proc.stdin is not None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            if self._sent > self._received:  # still drawing charts nobody will take: stop it
                self._proc.kill()
            try:  # reaped, so that its CPU time counts in the run's (GNU time, the benchmarks)
                self._proc.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None


@contextmanager
def chart_process() -> Iterator[ChartProcess]:
    drawer = ChartProcess()
    try:
        yield drawer
    finally:
        drawer.close()


def serve(requests: IO[str], answers: IO[str]) -> None:
    """The helper: start the runtime, then one SVG (or the error) per job line, until its input ends."""
    from .chart_specs import draw, warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 - the charts themselves then fail and are drawn by the run
        pass
    for line in requests:
        try:
            name, arguments = json.loads(line)
            answer: dict[str, Any] = {"svg": draw((name, arguments))}
        except Exception as exc:  # noqa: BLE001 - the run draws this chart itself and reports what is wrong
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
