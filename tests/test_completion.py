"""`reconcile completion SHELL`: the generated bash script completes commands, options, choices and paths."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from engine_helpers import cli


def _complete(script: str, words: list[str], cwd) -> list[str]:
    """What bash offers for the last word of `words`, using the generated completion function."""
    quoted = " ".join("'" + w + "'" for w in words)
    program = (f"source {script}\nCOMP_WORDS=({quoted})\nCOMP_CWORD={len(words) - 1}\n"
               "_shtab_reconcile\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, cwd=cwd, check=True)
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_of_commands_options_choices_and_paths(tmp_path):
    code, script, err = cli("completion", "bash")
    assert code == 0, err
    path = tmp_path / "reconcile.bash"
    path.write_text(script)
    (tmp_path / "rules.yaml").write_text("version: 1\n")
    (tmp_path / "out").mkdir()
    assert _complete(path, ["reconcile", "ru"], tmp_path) == ["run"]
    assert set(_complete(path, ["reconcile", "run", "--st"], tmp_path)) == {"--stdin-format", "--state",
                                                                             "--state-wait"}
    assert _complete(path, ["reconcile", "run", "--stdin-format", "js"], tmp_path) == ["jsonl"]
    assert _complete(path, ["reconcile", "run", "--rules", "ru"], tmp_path) == ["rules.yaml"]  # a file
    assert _complete(path, ["reconcile", "explain", "o"], tmp_path) == ["out"]  # an output folder
    assert _complete(path, ["reconcile", "completion", ""], tmp_path) == ["bash", "zsh", "tcsh"]


def test_zsh_script_and_unknown_shell():
    code, script, _ = cli("completion", "zsh")
    assert code == 0 and script.startswith("#compdef reconcile")
    assert "extract" in script and "--as-of" in script
    code, _, err = cli("completion", "fish-and-chips")
    assert code == 2 and "invalid choice" in err
