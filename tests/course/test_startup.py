"""`course log` and `course report` start without torch, numpy or the grader's runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "numpy", "grader.runner", "grader.plugin", "rich")


def _imported(args: list[str], db: Path) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "course", *args],
        env={**os.environ, "COURSE_DB": str(db), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return modules, done.stdout


def test_course_log_imports_no_heavy_module(tmp_path: Path) -> None:
    modules, out = _imported(["log", "--minutes", "30", "--topic", "CNN"], tmp_path / "c.db")
    assert out.startswith("Logged 0h 30m of CNN on ")
    assert "sqlite_utils" in modules  # the measurement works: this one must be there
    assert [name for name in HEAVY if name in modules] == []


@pytest.mark.parametrize("kind", ["weekly", "streak"])
def test_course_report_imports_neither_torch_nor_numpy(tmp_path: Path, kind: str) -> None:
    modules, out = _imported(["report", kind], tmp_path / "c.db")
    assert out
    assert "rich.console" in modules
    assert [name for name in ("torch", "numpy", "grader.runner") if name in modules] == []
