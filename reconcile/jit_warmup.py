"""numba's start-up on a second thread while a large feed is validated and factorised.

The first call of any compiled kernel (solve/accu_kernel.py, solve/copy_kernel.py) pays numba's fixed start-up
even when its machine code comes from the on-disk cache (`cache=True`): importing numba and filling its CPU
target's typing and lowering registries (about 0.5 + 0.6 s of CPU, measured on a 1M-claim run, nothing compiled).
Validation and factorisation spend much of their time in Arrow and numpy loops that release the GIL, so this
start-up done by a thread meanwhile mostly comes off the run's wall clock. It is only started for feeds large
enough to use the kernels (a small feed never imports numba: about 100 MiB it would not use). The thread
changes no result: it only loads what the kernels' first call would load; that call waits for it if it is
still running (numba's compiler lock).
"""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("reconcile")

_started: threading.Thread | None = None


def _load() -> None:
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
        cpu_target.typing_context.refresh()
    except Exception as exc:  # noqa: BLE001 - a warm-up only: the kernels' first call does the same, and reports
        log.debug("numba warm-up skipped: %s", exc)


def start_if_large(rows: int) -> None:
    """Start the warm-up once per process when `rows` claims may reach the compiled kernels."""
    global _started
    from .solve.accu import COMPILED_MIN_ASSERTIONS

    if _started is not None or rows < COMPILED_MIN_ASSERTIONS:
        return
    _started = threading.Thread(target=_load, name="numba-warm-up", daemon=True)
    _started.start()
