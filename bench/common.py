"""Shared helpers of the benchmark: paths, result rows, measured subprocesses, machine and version facts."""
from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATASETS = Path(os.environ.get("RECONCILE_DATASETS", ROOT.parent / "shared" / "datasets"))
RULES = ROOT / "rules" / "examples"
PY = sys.executable

#: columns of bench/results.csv, in order (one row per method x dataset x evaluation)
COLUMNS = ["suite", "dataset", "eval", "method", "family", "status", "n_claims", "gold_items", "answered",
           "coverage", "accuracy", "brier", "ece", "solve_s", "e2e_s", "peak_rss_mib", "note"]


def row(suite: str, dataset: str, eval_: str, method: str, family: str, status: str = "ok", **kw) -> dict:
    out = dict.fromkeys(COLUMNS, np.nan)
    out.update(suite=suite, dataset=dataset, eval=eval_, method=method, family=family, status=status, note="")
    unknown = set(kw) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown result columns {sorted(unknown)}")
    out.update(kw)
    return out


def summary_fields(summary: dict, probabilistic: bool = True) -> dict:
    """The scored fields of a row from reconcile.evaluation.gold.score(...).summary."""
    return {"gold_items": summary["gold_items"], "answered": summary["answered"], "coverage": summary["coverage"],
            "accuracy": summary["accuracy"], "brier": summary["brier"] if probabilistic else np.nan,
            "ece": summary["ece"] if probabilistic else np.nan}


@dataclass
class Measured:
    returncode: int
    wall_s: float
    peak_rss_mib: float
    stdout: str
    stderr: str
    cpu_s: float = float("nan")  # user + system CPU seconds of the command (and its children)


#: GNU time. A child's own ru_maxrss is NOT its peak: Linux keeps the pre-exec high-water mark, i.e. the RSS of the
#: (large) parent that forked it. So peaks are measured by /usr/bin/time -f %M, whose child forks from a tiny process.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def read_peak_mib(path: Path) -> float:
    """Peak RSS in MiB from a ``/usr/bin/time -f %M -o path`` file (its last line); nan when absent."""
    try:
        return int(Path(path).read_text().strip().splitlines()[-1]) / 1024.0
    except (OSError, ValueError, IndexError):
        return float("nan")


def peers_python_wrapper(work: Path) -> Path | None:
    """A stand-in for the peers' python that runs it under GNU time, peak to $BENCH_PEAK_FILE (run_peer(python=))."""
    if GNU_TIME is None:
        return None
    peers_python = BENCH / ".peers-venv" / "bin" / "python"
    path = Path(work) / "peers-python-timed.sh"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec {GNU_TIME} -f %M -o "$BENCH_PEAK_FILE" "{peers_python}" "$@"\n')
    path.chmod(0o755)
    return path


def run_wait4(cmd: list[str], timeout_s: float = 3600.0, log: Path | None = None) -> Measured:
    """Run ``cmd`` (output to ``log`` files) under GNU time for its peak RSS; kill it at the timeout."""
    log = log or (BENCH / ".work" / "logs" / "last")
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    peak_path = log.with_suffix(".peak")
    peak_path.unlink(missing_ok=True)
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(peak_path), *cmd]
    with open(out_path, "wb") as out_fh, open(err_path, "wb") as err_fh, open(os.devnull, "rb") as devnull:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=devnull, stdout=out_fh, stderr=err_fh, cwd=ROOT,
                                env=dict(os.environ, PYTHONHASHSEED="0"), start_new_session=True)
        status, usage, killed = 0, None, False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout_s:
                os.killpg(proc.pid, signal.SIGKILL)  # GNU time and the measured command
                _, status, usage = os.wait4(proc.pid, 0)
                killed = True
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    rc = -9 if killed else proc.returncode
    peak = read_peak_mib(peak_path) if GNU_TIME else usage.ru_maxrss / 1024.0  # fallback: an upper bound
    cpu = usage.ru_utime + usage.ru_stime if usage is not None else float("nan")
    return Measured(rc, wall, peak, out_path.read_text(errors="replace"),
                    err_path.read_text(errors="replace"), cpu)


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "os": platform.platform(), "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    except OSError:
        info["cpu"] = platform.processor() or "?"
    try:
        with open("/proc/meminfo") as fh:
            kib = next(int(ln.split()[1]) for ln in fh if ln.startswith("MemTotal"))
        info["memory"] = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        info["memory"] = "?"
    try:
        with open("/etc/os-release") as fh:
            pretty = next((ln.split("=", 1)[1].strip().strip('"') for ln in fh if ln.startswith("PRETTY_NAME")), "")
        info["os"] = f"{pretty} (Linux {platform.release()}, {platform.machine()})" if pretty else info["os"]
    except OSError:
        pass
    return info


def versions() -> dict:
    import numpy
    import pandas
    import pyarrow
    import scipy

    out = {"python": platform.python_version(), "numpy": numpy.__version__, "pandas": pandas.__version__,
           "pyarrow": pyarrow.__version__, "scipy": scipy.__version__}
    try:
        from importlib.metadata import version

        out["reconcile"] = version("reconcile")
    except Exception:  # noqa: BLE001
        pass
    peers = BENCH / ".peers-venv" / "installed-versions.txt"
    if peers.exists():
        wanted = {"truthdiscovery", "crowd-kit", "numpy", "pandas", "scipy", "scikit-learn"}
        pins = dict(ln.strip().split("==", 1) for ln in peers.read_text().splitlines() if "==" in ln)
        out["peers venv"] = ", ".join(f"{k} {v}" for k, v in pins.items() if k.lower() in wanted)
    return out
