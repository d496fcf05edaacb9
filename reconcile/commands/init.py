"""reconcile init: start a rules folder from the packaged, commented defaults."""
from __future__ import annotations

import argparse

NAME = "init"
HELP = "write a commented rules folder to start from (default.yaml, extract/ lexicon, examples/)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default="rules", metavar="DIR", help="folder to create")
    p.add_argument("--force", action="store_true", help="overwrite files that already exist in DIR")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import OutputError
    from ..rules.packaged import write_starter_rules

    try:
        written = write_starter_rules(Path(args.dir), force=args.force)
    except FileExistsError as exc:
        raise OutputError(f"{args.dir}: would overwrite {exc}; use --force to replace them") from None
    except OSError as exc:
        raise OutputError(f"{args.dir}: {exc.strerror or exc}") from None
    print(f"wrote {len(written)} rules files to {args.dir}/ (check them with: reconcile check {args.dir})")
    return 0
