"""tracker.grades: storing grade attempts with their checks."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from grader.results import CheckResult, GradeReport
from tracker.grades import Attempt, attempts, record_attempt
from tracker.store import open_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with closing(open_db(tmp_path / "course.db")) as database:
        yield database


def _report(
    assignment: str = "resnet",
    score: float = 7.5,
    started_at: str = "2026-11-21T04:49:00Z",
    checks: list[CheckResult] | None = None,
) -> dict[str, Any]:
    """An attempt as the grader hands it over: a report's plain ``to_dict()`` rows."""
    return GradeReport(
        assignment=assignment,
        score=score,
        max_score=10.0,
        device="cpu",
        profile="quick",
        duration_s=12.5,
        checks=checks
        if checks is not None
        else [
            CheckResult("shapes", "Output shapes", "passed", 2.5, 2.5),
            CheckResult("params", "Parameter count", "passed", 5.0, 5.0, "hidden"),
            CheckResult("accuracy", "Accuracy", "failed", 0.0, 2.5, message="61% < 80%"),
        ],
        submission="/home/me/ws/resnet/resnet.py",
        submission_sha256="ab" * 32,
        started_at=started_at,
        note="",
    ).to_dict()


def test_record_attempt_stores_attempt_and_checks(
    db: Database, local_tz: Callable[[str], None]
) -> None:
    local_tz("UTC0")
    assert record_attempt(db, _report()) == 1
    assert list(db.table("grade_attempts").rows) == [
        {
            "id": 1,
            "assignment": "resnet",
            "score": 7.5,
            "max_score": 10.0,
            "device": "cpu",
            "profile": "quick",
            "duration_s": 12.5,
            "submission": "/home/me/ws/resnet/resnet.py",
            "submission_sha256": "ab" * 32,
            "started_at": "2026-11-21T04:49:00Z",
            "day": "2026-11-21",
            "note": "",
        }
    ]
    checks = list(db.table("grade_checks").rows)
    assert [(c["attempt_id"], c["check_id"], c["status"], c["points"]) for c in checks] == [
        (1, "shapes", "passed", 2.5),
        (1, "params", "passed", 5.0),
        (1, "accuracy", "failed", 0.0),
    ]
    assert checks[1]["visibility"] == "hidden"
    assert checks[2]["message"] == "61% < 80%"
    assert record_attempt(db, _report(checks=[])) == 2
    assert (db.table("grade_attempts").count, db.table("grade_checks").count) == (2, 3)


def test_record_attempt_is_atomic(db: Database) -> None:
    broken = CheckResult("shapes", "Output shapes", "passed", None, 2.5)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        record_attempt(db, _report(checks=[CheckResult("ok", "Ok", "passed", 1, 1), broken]))
    assert (db.table("grade_attempts").count, db.table("grade_checks").count) == (0, 0)


def test_day_is_the_local_day_of_started_at(db: Database, local_tz: Callable[[str], None]) -> None:
    local_tz("KST-9")  # UTC+9: 20:00 UTC is 05:00 the next morning in Seoul
    record_attempt(db, _report(started_at="2026-11-20T20:00:00Z"))
    local_tz("UTC0")
    record_attempt(db, _report(started_at="2026-11-20T20:00:00+00:00"))
    rows = list(db.table("grade_attempts").rows)
    assert [(r["started_at"], r["day"]) for r in rows] == [
        ("2026-11-20T20:00:00Z", "2026-11-21"),
        ("2026-11-20T20:00:00Z", "2026-11-20"),
    ]


def test_missing_start_uses_now(db: Database, local_tz: Callable[[str], None]) -> None:
    local_tz("UTC0")
    now = datetime(2026, 11, 19, 9, 30, tzinfo=timezone.utc)
    record_attempt(db, _report(started_at=""), now=now)
    (attempt,) = attempts(db)
    assert (attempt.started_at, attempt.day) == ("2026-11-19T09:30:00Z", date(2026, 11, 19))


def test_attempts_newest_first_and_by_assignment(
    db: Database, local_tz: Callable[[str], None]
) -> None:
    local_tz("UTC0")
    record_attempt(db, _report("resnet", 5.0, "2026-11-17T10:00:00Z"))
    record_attempt(db, _report("lstm", 3.0, "2026-11-18T10:00:00Z"))
    record_attempt(db, _report("resnet", 9.0, "2026-11-19T10:00:00Z"))
    assert [(a.id, a.assignment) for a in attempts(db)] == [
        (3, "resnet"),
        (2, "lstm"),
        (1, "resnet"),
    ]
    assert attempts(db, "resnet")[0] == Attempt(
        id=3,
        assignment="resnet",
        score=9.0,
        max_score=10.0,
        device="cpu",
        profile="quick",
        duration_s=12.5,
        started_at="2026-11-19T10:00:00Z",
        day=date(2026, 11, 19),
        note="",
    )
    assert [a.id for a in attempts(db, "resnet")] == [3, 1]
    assert attempts(db, "vit") == []
