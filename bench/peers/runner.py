"""Run peer truth-discovery libraries (truthdiscovery, crowd-kit) out of process, bounded in time and memory.

Imported from the PROJECT's venv; it never imports a peer library. Each method runs as
``bench/.peers-venv/bin/python bench/peers/run_peer.py --method M --input claims.csv --output pred.csv`` in its
own process group with:

* memory: ``RLIMIT_AS`` (address space) = ``mem_limit_bytes``, set in the child before exec. A method that
  needs more gets ``MemoryError`` (or a failed allocation in C) and is reported ``dnf-memory``. Address space is
  a stricter measure than RSS (it also counts reserved-but-untouched pages), so a limit of X bytes bounds RSS
  below X as well.
* time: ``timeout_s`` wall-clock for the whole child (interpreter start, imports, CSV reading, solve, writing);
  when it runs out the whole process group is SIGKILLed and the result is ``dnf-time``.
* peak RSS: ``ru_maxrss`` of that one child from ``os.wait4`` (not ``RUSAGE_CHILDREN``, which is the maximum
  over every child this process ever waited for), combined with polling ``/proc/<pid>/status`` VmHWM.

``solve_seconds`` is what the child measured around the algorithm call only (see run_peer.py);
``wall_seconds`` is the whole child as seen from here.

Build the peers venv first: ``bash bench/peers/setup_venv.sh``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

PEERS_DIR = Path(__file__).resolve().parent
PEERS_VENV = PEERS_DIR.parent / ".peers-venv"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
RUN_PEER = PEERS_DIR / "run_peer.py"
READY_STAMP = PEERS_VENV / ".peers-installed"  # written by setup_venv.sh after its smoke test passes

# Kept in step with run_peer.METHODS (a test checks this); duplicated so this module imports no peer code.
TRUTHDISCOVERY_METHODS = ["MajorityVoting", "Sums", "AverageLog", "Investment", "PooledInvestment",
                          "TruthFinder", "CRH"]
CROWDKIT_METHODS = ["MajorityVote", "Wawa", "ZeroBasedSkill", "OneCoinDawidSkene", "DawidSkene", "GLAD"]
METHODS = [f"truthdiscovery.{m}" for m in TRUTHDISCOVERY_METHODS] + [f"crowdkit.{m}" for m in CROWDKIT_METHODS]
#: methods whose score is a real probability (crowd-kit's fit_predict_proba); truthdiscovery beliefs are not.
PROBABILISTIC_METHODS = frozenset(f"crowdkit.{m}" for m in CROWDKIT_METHODS)

STATUSES = ("ok", "dnf-time", "dnf-memory", "error")
EXIT_MEMORY = 3  # run_peer.py's exit code for MemoryError

_MEMORY_MARKERS = re.compile(
    r"MemoryError|std::bad_alloc|Cannot allocate memory|Unable to allocate|array is too big|"
    r"out of memory|failed to allocate|Resource temporarily unavailable.*(thread|pthread)|"
    r"pthread_create failed|memory regions",
    re.IGNORECASE,
)


@dataclass
class PeerResult:
    method: str
    status: str  # one of STATUSES
    predictions: pd.DataFrame | None  # item, value, score, is_probability (status "ok" only)
    solve_seconds: float | None  # the algorithm call only, measured in the child
    wall_seconds: float  # the whole child process, measured here
    peak_rss_bytes: int | None
    message: str = ""
    load_seconds: float | None = None  # CSV reading + coding in the child
    build_seconds: float | None = None  # building the library's own input structure in the child
    returncode: int | None = None
    info: dict = field(default_factory=dict)  # the child's JSON line (counts, iterations, ties, ...)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def is_probability(self) -> bool:
        return self.method in PROBABILISTIC_METHODS


def available_methods() -> list[str]:
    """Every peer method run_peer.py knows (whether or not the peers venv is built)."""
    return list(METHODS)


def peers_ready(deep: bool = False) -> bool:
    """True when bench/.peers-venv was built by setup_venv.sh (and, with ``deep``, both libraries import)."""
    if not (PEERS_PYTHON.exists() and READY_STAMP.exists()):
        return False
    if not deep:
        return True
    try:
        r = subprocess.run([str(PEERS_PYTHON), "-c", "import truthdiscovery, crowdkit.aggregation"],
                           capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _normalise_method(method: str) -> str:
    lib, _, algo = method.partition(".")
    lib = {"crowd-kit": "crowdkit", "crowd_kit": "crowdkit", "td": "truthdiscovery"}.get(lib, lib)
    return f"{lib}.{algo}"


def _write_claims(claims: pd.DataFrame | str | os.PathLike, workdir: Path) -> Path:
    if isinstance(claims, (str, os.PathLike)):
        return Path(claims)
    df = claims
    if "item" not in df.columns and "object" in df.columns:
        df = df.rename(columns={"object": "item"})
    missing = {"source", "item", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"claims lack columns {sorted(missing)} (need source, item, value)")
    path = workdir / "claims.csv"
    tmp = workdir / "claims.csv.tmp"
    df[["source", "item", "value"]].astype(str).to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def _limits(mem_limit_bytes: int | None):
    def preexec() -> None:  # runs in the child between fork and exec
        if mem_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (int(mem_limit_bytes), int(mem_limit_bytes)))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


def _vm_hwm(pid: int) -> int:
    """Peak RSS so far of a live process from /proc (bytes), 0 when unavailable."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return {}


def _tail(text: str, n: int = 800) -> str:
    text = text.strip()
    return text[-n:]


def _summary(info: dict, stderr: str, n: int = 300) -> str:
    """The child's own error message, else the last non-empty stderr line (the exception), shortened."""
    msg = str(info.get("message") or "").strip()
    if not msg:
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        msg = lines[-1] if lines else ""
    return msg[:n]


def run_peer(
    method: str,
    claims: pd.DataFrame | str | os.PathLike,
    workdir: Path | str,
    timeout_s: float = 120.0,
    mem_limit_bytes: int | None = 6 * 1024**3,
    *,
    python: str | os.PathLike | None = None,
    script: str | os.PathLike | None = None,
    extra_env: dict[str, str] | None = None,
    poll_s: float = 0.05,
) -> PeerResult:
    """Run one peer ``method`` (e.g. ``"truthdiscovery.Sums"``) on ``claims`` (columns source,item,value, or a
    path to such a CSV) in ``workdir``, bounded by ``timeout_s`` wall seconds and ``mem_limit_bytes`` of address
    space (None = unbounded). ``python`` / ``script`` override the peers-venv interpreter and run_peer.py
    (tests use them to run fake children). Never raises for a failing child: see ``PeerResult.status``.
    """
    method = _normalise_method(method)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    python = Path(python) if python is not None else PEERS_PYTHON
    script = Path(script) if script is not None else RUN_PEER
    if not Path(python).exists():
        return PeerResult(method, "error", None, None, 0.0, None,
                          f"peer python {python} not found: run bash bench/peers/setup_venv.sh")
    claims_path = _write_claims(claims, workdir)
    run_dir = workdir / method
    run_dir.mkdir(parents=True, exist_ok=True)
    pred_path = run_dir / "pred.csv"
    pred_path.unlink(missing_ok=True)
    out_path, err_path = run_dir / "stdout.txt", run_dir / "stderr.txt"

    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    env.update(PYTHONHASHSEED="0", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra_env or {})
    cmd = [str(python), str(script), "--method", method, "--input", str(claims_path), "--output", str(pred_path)]

    timed_out = False
    peak = 0
    with open(out_path, "wb") as out_fh, open(err_path, "wb") as err_fh:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_fh, stderr=err_fh, env=env,
                                cwd=str(run_dir), start_new_session=True, preexec_fn=_limits(mem_limit_bytes))
        delay = 0.005
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                peak = max(peak, _vm_hwm(proc.pid))
                if time.monotonic() - start >= timeout_s:
                    timed_out = True
                    _kill_group(proc.pid)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(min(delay, max(0.0, timeout_s - (time.monotonic() - start)) + 0.001))
                delay = min(delay * 2, poll_s)
        except BaseException:  # e.g. KeyboardInterrupt: never leave the child behind
            _kill_group(proc.pid)
            proc.wait()
            raise
        wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it ourselves; keep Popen consistent
    _kill_group(proc.pid)  # stray grandchildren, if any
    peak = max(peak, usage.ru_maxrss * 1024)  # Linux reports ru_maxrss in KiB
    rc = proc.returncode

    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    info = _last_json(stdout)

    def result(status: str, message: str, predictions: pd.DataFrame | None = None) -> PeerResult:
        return PeerResult(method, status, predictions, info.get("solve_seconds"), wall, peak or None, message,
                          info.get("load_seconds"), info.get("build_seconds"), rc, info)

    if timed_out:
        return result("dnf-time", f"killed after {timeout_s:g} s wall (limit)")
    if rc == 0 and info.get("status") == "ok":
        try:
            pred = pd.read_csv(pred_path, dtype={"item": str, "value": str}, keep_default_na=False)
            pred["score"] = pd.to_numeric(pred["score"], errors="coerce")
            pred["is_probability"] = pred["is_probability"].astype(str).str.lower().eq("true")
        except Exception as exc:  # noqa: BLE001
            return result("error", f"child reported ok but {pred_path} is unreadable: {exc}")
        return result("ok", "", pred)
    text = f"{info.get('message', '')}\n{stderr}"
    limit_txt = f"{mem_limit_bytes / 2**30:.2f} GiB" if mem_limit_bytes else "no limit"
    if info.get("status") == "dnf-memory" or rc == EXIT_MEMORY or _MEMORY_MARKERS.search(text):
        return result("dnf-memory", f"out of memory (address-space limit {limit_txt}): {_summary(info, stderr)}")
    if rc is not None and rc < 0:
        sig = signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else str(-rc)
        if -rc == signal.SIGKILL:
            # not our timeout, so most likely the kernel's OOM killer
            return result("dnf-memory", f"killed by SIGKILL (likely the OOM killer); {_summary(info, stderr)}")
        return result("error", f"killed by {sig}: {_summary(info, stderr, 800)}")
    return result("error", f"exit code {rc}: {_summary(info, stderr, 800)}")


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.peers.runner claims.csv [--methods a,b] [--timeout 120] [--mem-gib 6] [--workdir d]``"""
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description="Run peer methods on a claims CSV (source,item,value).")
    ap.add_argument("claims")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--mem-gib", type=float, default=6.0)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args(argv)
    if not peers_ready():
        print("peers venv missing: run bash bench/peers/setup_venv.sh", file=sys.stderr)
        return 2
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="peers-"))
    for m in args.methods.split(","):
        r = run_peer(m, args.claims, workdir, args.timeout, int(args.mem_gib * 2**30))
        print(json.dumps({"method": r.method, "status": r.status, "solve_seconds": r.solve_seconds,
                          "wall_seconds": round(r.wall_seconds, 3), "peak_rss_mib": (r.peak_rss_bytes or 0) >> 20,
                          "n_predictions": None if r.predictions is None else len(r.predictions),
                          "message": r.message[:200]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
