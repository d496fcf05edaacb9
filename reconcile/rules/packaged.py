"""Where the rules shipped with reconcile live: inside the wheel, or in a source checkout.

An installed wheel carries the repository's `rules/` folder as the data package `reconcile._rules` (see
setup.py); a checkout or an editable install reads the same files from `rules/` beside the package.
"""
from __future__ import annotations

import importlib
import shutil
from pathlib import Path

_CHECKOUT_RULES = Path(__file__).resolve().parents[2] / "rules"


def packaged_rules_dir() -> Path:
    """The folder of the rules that ship with this installation (default.yaml, extract/, examples/)."""
    try:  # a namespace package (no __init__.py in rules/): its folder is its first path entry
        folders = [Path(p) for p in importlib.import_module("reconcile._rules").__path__]
    except ModuleNotFoundError:
        folders = []
    for folder in folders:
        if (folder / "default.yaml").is_file():
            return folder
    if (_CHECKOUT_RULES / "default.yaml").is_file():
        return _CHECKOUT_RULES
    raise FileNotFoundError("the packaged rules are missing from this installation (reinstall reconcile)")


def resolve_rules(path: str | Path | None) -> Path:
    """The rules a command uses: the given file or folder, else `./rules` when present, else the packaged ones."""
    if path is not None and str(path) != "":
        return Path(path)
    local = Path("rules")
    if (local / "default.yaml").is_file():
        return local
    return packaged_rules_dir()


def write_starter_rules(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the packaged default rules (default.yaml, extract/, examples/) into `target`; return the files written.

    Existing files are never overwritten unless `force`; the check happens before anything is written.
    """
    source = packaged_rules_dir()
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".md", ".csv")
                   and "__pycache__" not in p.parts)
    destinations = [target / p.relative_to(source) for p in files]
    clashes = [d for d in destinations if d.exists()]
    if clashes and not force:
        raise FileExistsError(", ".join(str(c) for c in clashes[:5]) + (" ..." if len(clashes) > 5 else ""))
    for src, dst in zip(files, destinations):
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return destinations
