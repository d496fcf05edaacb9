"""Small helpers shared by the core-engine tests (CLI capture, tiny feeds and rules in tmp_path)."""
from __future__ import annotations

import contextlib
import csv
import io
import textwrap
from pathlib import Path

from reconcile.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "rules"

FEED_COLUMNS = ["source", "subject", "attribute", "value", "published_at"]


def cli(*args: str) -> tuple[int, str, str]:
    """Run `reconcile ARGS` in-process; return (exit code, stdout, stderr). argparse exits become codes."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def write_csv(path: Path, rows: list[dict] | list[list], columns: list[str] | None = None) -> Path:
    """Write rows (dicts, or lists in `columns` order) as a UTF-8 CSV with a header."""
    path = Path(path)
    if rows and isinstance(rows[0], dict):
        columns = columns or list(rows[0])
        rows = [[r.get(c, "") for c in columns] for r in rows]
    columns = columns or FEED_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
    return path


def write_rules(path: Path, text: str) -> Path:
    path = Path(path)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def verdict_map(verdicts) -> dict:
    """(subject, attribute) -> (value, rounded confidence, status) for comparing runs."""
    return {(r.subject, r.attribute): (r.value, round(float(r.confidence), 9), r.status)
            for r in verdicts.itertuples(index=False)}
