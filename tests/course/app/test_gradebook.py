"""`course.app.gradebook`: the cohort gradebook's rows, keys and refusals."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from core.errors import StoreError
from course.app import gradebook
from grader.results import CheckResult, GradeReport
from tracker.store import open_db


def _report(score: float) -> GradeReport:
    checks = [
        CheckResult("shapes", "Shapes", "passed", 5.0, 5.0, duration_s=0.5),
        CheckResult(
            "forward", "Forward", "failed", 0.0, 5.0, message="off", hint="stem", duration_s=1.0
        ),
    ]
    return GradeReport(
        "resnet", score, 10.0, "cpu", "quick", 3.25, checks, submission_sha256="ab",
        started_at="2026-12-02T06:00:00Z", sandbox="bwrap",
    )  # fmt: skip


def _key(student: str, sha: str = "ab") -> gradebook.Key:
    return gradebook.Key("resnet", student, sha, "quick", "cpu", "0.1.0")


def test_stored_attempts_come_back_whole_and_latest_wins(tmp_path: Path) -> None:
    path = tmp_path / "gb.db"
    with closing(gradebook.open_gradebook(path)) as db:
        gradebook.store(db, _key("ann"), _report(5.0), "", 10.0)
        gradebook.store(db, _key("ann", "cd"), _report(5.0), "", 10.0)
        gradebook.store(db, _key("bob", ""), None, "no resnet.py in bob/", 100.0)
    with closing(gradebook.open_gradebook(path)) as db:
        assert gradebook.graded_keys(db) == {_key("ann"), _key("ann", "cd"), _key("bob", "")}
        entries = gradebook.latest(db, "resnet")
        assert gradebook.assignments(db) == ["resnet"]
    assert [(e.student, e.problem, e.max_score) for e in entries] == [
        ("ann", "", 10.0),
        ("bob", "no resnet.py in bob/", 100.0),
    ]
    ann = entries[0].report
    assert ann is not None and entries[1].report is None
    assert ann.checks == _report(5.0).checks
    got = (ann.score, ann.duration_s, ann.sandbox, ann.submission_sha256)
    assert got == (5.0, 3.25, "bwrap", "cd")


def test_other_databases_are_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    before = other.read_bytes()
    with pytest.raises(StoreError):
        gradebook.open_gradebook(other)
    assert other.read_bytes() == before
    tracker_db = tmp_path / "course.db"
    open_db(tracker_db).close()
    with pytest.raises(StoreError):
        gradebook.open_gradebook(tracker_db)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        gradebook.open_gradebook(junk)
    assert junk.read_bytes() == b"not a database at all" * 100
