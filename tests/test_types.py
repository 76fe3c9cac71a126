"""The type check: mypy, strict, with pyproject.toml's settings, over the four packages.

It is a test so that ``make test`` runs it beside the others under pytest-xdist instead of
before them (about 14 s on one core from a clean clone); ``make lint`` runs it too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.early(14)
def test_mypy_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in "), result.stdout
