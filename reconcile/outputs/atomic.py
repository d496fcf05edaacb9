"""Atomic output folders.

Files are written into a staging folder inside the output folder and moved into place one by one with
os.replace (atomic per file); `run.json`, which lists every output with its SHA-256, is removed first and
moved in last. A run that fails or is killed therefore never leaves a folder that looks complete: without
run.json, or with files whose hashes do not match it, the folder is not a finished result.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError

MARKER = "run.json"


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


class Staging:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir / f".staging-{os.getpid()}"
        self.names: list[str] = []

    def path(self, name: str) -> Path:
        if name not in self.names:
            self.names.append(name)
        return self.dir / name


@contextmanager
def staged_output(out_dir: str | Path):
    """Yield a Staging; on success move its files into out_dir (run.json last); on failure remove them."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if (out / MARKER).exists():
            (out / MARKER).unlink()
        staging = Staging(out)
        shutil.rmtree(staging.dir, ignore_errors=True)
        staging.dir.mkdir()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the output folder: {exc.strerror or exc}") from None
    try:
        yield staging
        names = [n for n in staging.names if n != MARKER] + ([MARKER] if MARKER in staging.names else [])
        for name in names:
            os.replace(staging.dir / name, out / name)
    finally:
        shutil.rmtree(staging.dir, ignore_errors=True)
