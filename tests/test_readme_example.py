"""The README's Python example runs as a script, from the checkout, and prints a result."""
from __future__ import annotations

import re
import subprocess
import sys

from engine_helpers import ROOT


def test_readme_python_example_runs_and_prints_verdicts(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no Python example"
    script = tmp_path / "example.py"
    script.write_text(blocks[0].replace('"out/api"', repr(str(tmp_path / "api"))), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Qala-e-Naw" in proc.stdout and "confidence" in proc.stdout
    assert (tmp_path / "api" / "verdicts.csv").is_file() and (tmp_path / "api" / "run.json").is_file()
