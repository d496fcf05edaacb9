"""Atomic output folders: a result is swapped in whole, so a crash never leaves a mix or nothing.

Every output is written into a fresh staging folder next to the output folder (`OUT.staging-PID-XXXX`). When
all files are written (and flushed to disk), the swap is three renames on one file system:

    OUT -> OUT.previous        the previous result, complete, moved aside
    OUT.staging-... -> OUT     the new result, complete
    remove OUT.previous

A `kill -9` at any moment therefore leaves either the previous complete result or the new complete one:

- before the second rename, OUT is still the previous result -- or, between the two renames, OUT is missing
  and the previous result is complete in OUT.previous;
- after it, OUT is the new result (an OUT.previous left beside it is stale).

Readers (`explain`, `evaluate`, `graph`) use `result_dir(OUT)`: OUT, or OUT.previous when OUT is missing.
The next run restores OUT.previous to OUT when OUT is missing, removes a stale OUT.previous, and removes
staging folders left by runs that no longer exist. No file of an older result survives in a new one: the
folder is replaced, never merged. A folder holding anything but reconcile outputs is never replaced.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError, UsageError

MARKER = "run.json"
PREVIOUS = ".previous"
STAGING = ".staging-"
KNOWN_OUTPUTS = {"verdicts.csv", "verdicts.parquet", "contradictions.csv", "sources.csv", "copies.csv",
                 "timeline.csv", "claims.parquet", "rejects.csv", "report.md", "report.html", "run.json",
                 "source_attributes.csv", "evaluation.json",
                 "timings.json", "reconcile-error.log"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_text_atomic(path: Path, text: str) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def previous_dir(out: Path) -> Path:
    return out.with_name(out.name + PREVIOUS)


def result_dir(out_dir: str | Path) -> Path:
    """Where the complete result of OUT is: OUT, or OUT.previous when a swap was cut between its renames."""
    out = Path(out_dir)
    if not out.exists() and previous_dir(out).is_dir():
        return previous_dir(out)
    return out


class Staging:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir.with_name(f"{self.out_dir.name}{STAGING}{os.getpid()}-{secrets.token_hex(4)}")
        self.names: list[str] = []

    def path(self, name: str) -> Path:
        if name not in self.names:
            self.names.append(name)
        return self.dir / name


def checked_target(out_dir: str | Path | None) -> Path:
    """The output folder as an absolute path; a usage error for an empty or root path."""
    if out_dir is None or not str(out_dir).strip():
        raise UsageError("--out is empty; give an output folder, e.g. --out out/")
    out = Path(os.path.abspath(str(out_dir)))
    if out.parent == out:
        raise UsageError(f"--out {out_dir}: cannot replace the root folder; give a folder for the results")
    return out


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale_staging(out: Path) -> list[Path]:
    stale: list[Path] = []
    if not out.parent.is_dir():
        return stale
    prefix = out.name + STAGING
    for entry in out.parent.iterdir():
        if entry.name.startswith(prefix):
            pid = entry.name[len(prefix):].split("-")[0]
            if not pid.isdigit() or not _pid_alive(int(pid)) or int(pid) == os.getpid():
                stale.append(entry)
    return stale


def recover(out: Path) -> None:
    """Finish what a killed run left: restore OUT from OUT.previous, drop a stale OUT.previous and stale
    staging folders."""
    previous = previous_dir(out)
    if previous.is_dir():
        if not out.exists():
            os.rename(previous, out)
        else:
            shutil.rmtree(previous)
    for stale in _stale_staging(out):
        shutil.rmtree(stale, ignore_errors=True)


def _listed_outputs(out: Path) -> set[str]:
    """The files an earlier run's run.json lists as its outputs (a newer or older version may write others)."""
    import json

    try:
        return set(json.loads((out / "run.json").read_text(encoding="utf-8")).get("outputs", {}))
    except (OSError, ValueError, AttributeError):
        return set()


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir():
        listed = _listed_outputs(out)
        foreign = sorted(p.name for p in out.iterdir() if p.name not in KNOWN_OUTPUTS and p.name not in listed
                         and not p.name.startswith(".staging-"))
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise OutputError(f"{out}: holds files that are not reconcile outputs ({shown}); the output folder "
                              "is replaced as a whole, so give a new folder or an earlier output folder")


def fsync_file(path: Path) -> None:
    """Flush a file's (or a folder's) data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(staging: Path, out: Path) -> None:
    for entry in staging.iterdir():
        fsync_file(entry)
    fsync_file(staging)
    previous = previous_dir(out)
    if out.exists():
        os.rename(out, previous)
    os.rename(staging, out)
    fsync_file(out.parent)
    if previous.exists():
        shutil.rmtree(previous)


@contextmanager
def staged_output(out_dir: str | Path) -> Iterator[Staging]:
    """Yield a Staging; on success swap its folder in as OUT; on failure remove it (OUT stays as it was)."""
    out = checked_target(out_dir)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        _check_replaceable(out)
        staging = Staging(out)
        staging.dir.mkdir()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the output folder: {exc.strerror or exc}") from None
    try:
        yield staging
        _swap(staging.dir, out)
    except OSError as exc:
        shutil.rmtree(staging.dir, ignore_errors=True)
        raise OutputError(f"{out}: cannot write the output folder: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging.dir, ignore_errors=True)
        raise
