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


def test_a_report_reads_assignment_files_only_for_its_grade_attempts(tmp_path: Path) -> None:
    """A week without grade attempts reads no ``assignment.yaml`` (no yaml import): the
    topics are looked up per graded assignment (course.commands.report.AssignmentTopics).
    Nor does sqlite-utils' python-dateutil parser run: it is imported lazily."""
    db = tmp_path / "c.db"
    _imported(["log", "--minutes", "30", "--topic", "CNN"], db)
    modules, out = _imported(["report", "weekly"], db)
    assert "0h 30m of study" in out
    assert [name for name in ("yaml", "dateutil.parser._parser") if name in modules] == []
    assert "tracker.report" in modules


def test_a_report_with_a_grade_attempt_still_shows_its_topic(tmp_path: Path) -> None:
    from contextlib import closing

    from grader.results import GradeReport
    from tracker.grades import record_attempt
    from tracker.store import open_db

    db = tmp_path / "c.db"
    _imported(["log", "--minutes", "30", "--topic", "CNN"], db)
    with closing(open_db(db)) as opened:
        record_attempt(opened, GradeReport("resnet", 8.0, 10.0, "cpu", "quick", 3.0).to_dict())
    modules, out = _imported(["report", "weekly", "--format", "markdown"], db)
    assert "| resnet | CNN | 8/10 | 1 | 8 |" in out
    assert "yaml" in modules
