"""The suite runs the linters: ruff (lint and format), mypy, and the import rules of
ARCHITECTURE.md (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        # bot.py shares its name with the package bot/, so mypy checks it on its own
        ("mypy",),
        ("mypy", "bot.py"),
        ("lint-imports",),
    ],
    ids=["ruff-check", "ruff-format", "mypy", "mypy-bot.py", "import-linter"],
)
def test_tool_is_clean(command: tuple[str, ...]) -> None:
    result = run(str(BIN / command[0]), *command[1:])
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
