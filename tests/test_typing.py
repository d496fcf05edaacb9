"""The package is typed: `mypy --strict` (the [tool.mypy] settings of pyproject.toml) finds no error in it, and a
user's type checker sees the public API's real types, not Any (py.typed ships in the wheel).

One mypy run checks both the package and a small user script; its cache (.mypy_cache in the checkout) makes
later runs incremental.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

USER_SCRIPT = '''\
import pandas as pd
import reconcile

rules = reconcile.load_rules()
result = reconcile.reconcile(pd.DataFrame({"source": ["a"]}), rules, as_of="2021-07-07T23:59:59Z")
reveal_type(rules)
reveal_type(result)
reveal_type(result.verdicts)
reveal_type(reconcile.read_run("out"))
reveal_type(reconcile.write_result(result, "out"))
reveal_type(reconcile.reconcile_files)
'''

# what the user's checker must see for each reveal_type above, in order (without mypy's `builtins.` prefixes)
EXPECTED = [
    "reconcile.rules.model.Rules",
    "reconcile.pipeline.Result",
    "pandas.core.frame.DataFrame",
    "dict[str, pandas.core.frame.DataFrame]",
    "pathlib.Path",
    "def (feeds: list[str | pathlib.Path]",
]


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    script = tmp_path_factory.mktemp("user") / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary",
                           "--hide-error-context", "reconcile", str(script)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert "error: unrecognized arguments" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout + proc.stderr


def test_package_is_mypy_strict_clean(mypy_run: tuple[int, str]) -> None:
    code, out = mypy_run
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert not errors, f"mypy --strict found {len(errors)} errors:\n" + "\n".join(errors[:60])
    assert code == 0, out


def test_pyproject_asks_for_strict_mode() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[tool.mypy]", 1)[1]
    assert re.search(r"^strict = true$", section, re.M)
    # per-module overrides only relax imports of untyped third-party libraries, never our own code
    for module_list in re.findall(r"module = \[(.*?)\]", section, re.S):
        assert "reconcile" not in module_list


def test_user_checker_sees_the_public_api_typed(mypy_run: tuple[int, str]) -> None:
    _, out = mypy_run
    revealed = re.findall(r'user_script\.py:\d+: note: Revealed type is "(.*)"', out)
    assert len(revealed) == len(EXPECTED), out
    for got, want in zip(revealed, EXPECTED):
        got = got.replace("builtins.", "")
        assert want in got, (got, want)
        assert "Any" not in got, got
    assert (ROOT / "reconcile" / "py.typed").is_file()
