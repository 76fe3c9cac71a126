"""A fresh interpreter for the tests that ask what importing or running something loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by a new interpreter in the project's root (nothing imported beforehand).

    Raises:
        AssertionError: it exited with a status other than 0 (the message is its stderr).
    """
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done
