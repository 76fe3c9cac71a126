"""A cohort run killed with ``kill -9`` keeps every finished result, leaves no grading child
running, and a rerun grades only what is left (real grading children, the resnet skeleton)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.spec import load_assignment

# about 9 s together (pytest --durations): started early, see tests/conftest.py
pytestmark = pytest.mark.early(9)


def _rows(book: Path) -> list[tuple[str, str]]:
    if not book.exists():
        return []
    try:
        with sqlite3.connect(f"file:{book}?mode=ro", uri=True) as conn:
            return conn.execute(
                "SELECT student, note FROM cohort_attempts ORDER BY student"
            ).fetchall()
    except sqlite3.OperationalError:  # not made yet
        return []


def _children_of(pid: int) -> list[int]:
    """Processes whose command line names ``--parent-pid <pid>`` (the grading children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--parent-pid" in args and args[args.index(b"--parent-pid") + 1 :][:1] == [
            str(pid).encode()
        ]:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited. An exited child this process adopted (pytest's worker may be
    a child subreaper, see grader.sandbox) is reaped here; a zombie counts as exited."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_kill_9_loses_no_result_and_leaves_no_child(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text(
        load_assignment("resnet").skeleton.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (subs / "bob.py").write_text("import time\nwhile True:\n    time.sleep(0.1)\n", "utf-8")
    book = tmp_path / "gb.db"
    env = {
        **os.environ, "COURSE_DB": str(tmp_path / "course.db"), "OMP_NUM_THREADS": "1",
        # killed, the run cannot remove its scratch folders: keep them in tmp_path
        "TMPDIR": str(tmp_path),
    }  # fmt: skip
    command = [
        sys.executable, "-m", "course", "cohort", "grade", "resnet", str(subs), "--workers", "1",
        "--sandbox", "none", "--gradebook", str(book), "--timeout-s", "60",
    ]  # fmt: skip
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait(lambda: [s for s, _ in _rows(book)] == ["alice"], 90), _rows(book)
        assert _wait(lambda: _children_of(run.pid), 30), "bob's grading child never started"
        children = _children_of(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        assert _wait(lambda: all(_gone(c) for c in children), 15), (
            "a grading child outlived the killed run"
        )
    finally:
        if run.poll() is None:
            run.kill()
        assert run.stderr is not None
        run.stderr.close()
    assert [s for s, _ in _rows(book)] == ["alice"]  # stored whole, never half
    rerun = subprocess.run(
        [*command[:-1], "3"], env=env, capture_output=True, text=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "1 to grade (1 already in the gradebook)" in rerun.stderr
    assert _rows(book) == [("alice", ""), ("bob", "grading stopped at the attempt's 3 s limit")]
