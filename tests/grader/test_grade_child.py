"""The grading children (``python -m grader.grade_child``, ``python -m grader.batch``): pytest's
exit status, and an end that waits for nothing the graded code left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Imported by pytest while it collects: a thread that never ends (not a daemon) and an
# atexit handler, as a student's file may leave them; the interpreter's own exit would wait
# for the thread forever and then run the handler.
LEFT_BEHIND = """\
import atexit
import pathlib
import threading

threading.Thread(target=threading.Event().wait, name="left-behind").start()
atexit.register(pathlib.Path({marker!r}).write_text, "ran")


def test_one():
    assert {passes}
"""


def _suite(tmp_path: Path, passes: bool) -> tuple[Path, Path]:
    marker = tmp_path / "atexit-ran"
    suite = tmp_path / "test_left_behind.py"
    suite.write_text(LEFT_BEHIND.format(marker=str(marker), passes=passes), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return suite, marker


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=cwd,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,  # the thread never ends: a child that waited for it would time out
    )


@pytest.mark.parametrize(("passes", "status"), [(True, 0), (False, 1)])
def test_grade_child_exits_with_pytests_status_at_once(
    tmp_path: Path, passes: bool, status: int
) -> None:
    suite, marker = _suite(tmp_path, passes)
    done = _run(["grader.grade_child", str(suite), "-q", "-p", "no:cacheprovider"], tmp_path)
    assert done.returncode == status, done.stderr
    assert done.stdout.splitlines()[-1].startswith("1 passed" if passes else "1 failed")
    assert not marker.exists()


def test_batch_runs_every_job_and_exits_at_once(tmp_path: Path) -> None:
    suite, marker = _suite(tmp_path, True)
    run = [str(suite), "-q", "-p", "no:cacheprovider"]
    job = tmp_path / "job.json"
    job.write_text(json.dumps([run, run]), encoding="utf-8")
    done = _run(["grader.batch", "--job", str(job)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line.split(" in ")[0] for line in done.stdout.splitlines() if " in " in line] == [
        "1 passed",
        "1 passed",
    ]
    assert not marker.exists()
