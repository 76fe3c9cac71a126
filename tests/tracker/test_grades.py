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

import tracker.grades
from core.errors import StoreError
from grader.results import CheckResult, GradeReport
from tracker.grades import Attempt, attempts, record_attempt
from tracker.store import MIGRATIONS, open_db, transaction


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
    """An attempt as an older grader hands it over: a report's plain ``to_dict()`` rows,
    without ``sandbox`` and ``tampered`` (tests that need them add them)."""
    report = GradeReport(
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
    report.pop("sandbox", None)
    report.pop("tampered", None)
    return report


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
            "sandbox": "",
            "tampered": 0,
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


# --- sandbox and tampered -------------------------------------------------------------------


def test_sandbox_and_tampered_are_stored_and_read_back(
    db: Database, local_tz: Callable[[str], None]
) -> None:
    local_tz("UTC0")
    assert record_attempt(db, {**_report(), "sandbox": "bwrap", "tampered": True}) == 1
    assert record_attempt(db, {**_report(score=5.0), "sandbox": "none", "tampered": False}) == 2
    rows = db.execute("SELECT id, sandbox, tampered FROM grade_attempts ORDER BY id").fetchall()
    assert rows == [(1, "bwrap", 1), (2, "none", 0)]
    assert [(a.id, a.sandbox, a.tampered) for a in attempts(db)] == [
        (2, "none", False),
        (1, "bwrap", True),
    ]


def test_a_report_without_sandbox_or_tampered(db: Database) -> None:
    report = _report()
    assert "sandbox" not in report and "tampered" not in report
    record_attempt(db, report)
    assert db.execute("SELECT sandbox, tampered FROM grade_attempts").fetchall() == [("", 0)]
    (attempt,) = attempts(db)
    assert (attempt.sandbox, attempt.tampered) == ("", False)


def test_attempt_from_a_row_stored_before_version_3() -> None:
    row = {
        "id": 4,
        "assignment": "resnet",
        "score": 8.0,
        "max_score": 10.0,
        "device": None,
        "profile": None,
        "duration_s": None,
        "started_at": "2026-11-21T04:49:00Z",
        "day": "2026-11-21",
        "note": None,
        "sandbox": None,
        "tampered": 0,
    }
    attempt = Attempt.from_row(row)
    assert (attempt.sandbox, attempt.tampered, attempt.device, attempt.duration_s) == (
        "",
        False,
        "",
        0.0,
    )


# --- triggers someone else added ------------------------------------------------------------

INFLATE_CHECKS = (
    "CREATE TRIGGER inflate AFTER INSERT ON grade_checks BEGIN "
    "UPDATE grade_checks SET points = max_points WHERE id = NEW.id; "
    "UPDATE grade_attempts SET score = max_score WHERE id = NEW.attempt_id; END"
)
"""What the student's code added: every check stored as full marks, the attempt as 10/10."""

INFLATE_ATTEMPTS = (
    "CREATE TRIGGER full_marks AFTER INSERT ON grade_attempts BEGIN "
    "UPDATE grade_attempts SET score = max_score WHERE id = NEW.id; END"
)


def _add_from_outside(path: Path, *statements: str) -> None:
    """Run ``statements`` through a connection of its own, as another process would."""
    with closing(sqlite3.connect(path)) as conn, conn:
        for statement in statements:
            conn.execute(statement)


def _stored(db: Database) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT a.id, a.score, c.check_id, c.points FROM grade_attempts a "
        "JOIN grade_checks c ON c.attempt_id = a.id ORDER BY c.id"
    ).fetchall()


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        (
            INFLATE_CHECKS,
            "the tracker database has a trigger course did not make, which could rewrite "
            "stored grades: inflate on grade_checks. Nothing was stored. List the triggers "
            "with: sqlite-utils triggers {path}; drop it with: sqlite3 {path} 'DROP TRIGGER "
            "inflate', then grade again (attempts stored while it was there may be wrong)",
        ),
        (
            INFLATE_ATTEMPTS,
            "the tracker database has a trigger course did not make, which could rewrite "
            "stored grades: full_marks on grade_attempts. Nothing was stored. List the "
            "triggers with: sqlite-utils triggers {path}; drop it with: sqlite3 {path} "
            "'DROP TRIGGER full_marks', then grade again (attempts stored while it was there "
            "may be wrong)",
        ),
    ],
    ids=["on-grade-checks", "on-grade-attempts"],
)
def test_a_foreign_trigger_is_refused_and_nothing_is_stored(
    db: Database, tmp_path: Path, trigger: str, message: str
) -> None:
    record_attempt(db, _report())  # before the trigger: stored as reported
    before = _stored(db)
    assert before == [(1, 7.5, "shapes", 2.5), (1, 7.5, "params", 5.0), (1, 7.5, "accuracy", 0.0)]
    path = tmp_path / "course.db"
    _add_from_outside(path, trigger)
    with pytest.raises(StoreError) as caught:
        record_attempt(db, _report(score=8.5))
    assert caught.value.message == message.format(path=path)
    assert caught.value.exit_code == 3
    assert (db.table("grade_attempts").count, db.table("grade_checks").count) == (1, 3)
    assert _stored(db) == before
    assert not db.conn.in_transaction


def test_the_attack_the_guard_stops(db: Database, tmp_path: Path) -> None:
    """Without the guard, the trigger stores 10/10 for an attempt reported as 7.5/10."""
    _add_from_outside(tmp_path / "course.db", INFLATE_CHECKS)
    attempt = {
        "id": 1,
        "assignment": "resnet",
        "score": 7.5,
        "max_score": 10.0,
        "started_at": "2026-11-21T04:49:00Z",
        "day": "2026-11-21",
    }
    check = {"attempt_id": 1, "check_id": "accuracy", "status": "failed", "points": 0.0}
    with transaction(db):
        db.table("grade_attempts").insert(attempt)
        db.table("grade_checks").insert({**check, "max_points": 2.5})
    assert _stored(db) == [(1, 10.0, "accuracy", 2.5)]


def test_every_foreign_trigger_is_named(tmp_path: Path) -> None:
    path = tmp_path / "my course" / "course.db"
    with closing(open_db(path)) as db:
        _add_from_outside(
            path,
            INFLATE_CHECKS,
            INFLATE_ATTEMPTS,
            'CREATE TRIGGER "odd name" AFTER DELETE ON study_log BEGIN SELECT 1; END',
        )
        with pytest.raises(StoreError) as caught:
            record_attempt(db, _report())
        assert db.table("grade_attempts").count == 0
    quoted = f"'{path}'"
    assert caught.value.message == (
        "the tracker database has 3 triggers course did not make, which could rewrite stored "
        "grades: full_marks on grade_attempts, inflate on grade_checks, odd name on study_log. "
        f"Nothing was stored. List the triggers with: sqlite-utils triggers {quoted}; drop them "
        f"with: sqlite3 {quoted} 'DROP TRIGGER full_marks; DROP TRIGGER inflate; DROP TRIGGER "
        '"odd name"\', then grade again (attempts stored while they were there may be wrong)'
    )


def test_an_in_memory_database_is_named_course_db() -> None:
    with closing(Database(memory=True)) as db:
        for migrate in MIGRATIONS:
            migrate(db)
        db.execute(INFLATE_ATTEMPTS)
        with pytest.raises(StoreError) as caught:
            record_attempt(db, _report())
    assert caught.value.message.endswith(
        "List the triggers with: sqlite-utils triggers course.db; drop it with: sqlite3 "
        "course.db 'DROP TRIGGER full_marks', then grade again (attempts stored while it was "
        "there may be wrong)"
    )


def test_a_temporary_trigger_is_refused_too(db: Database, tmp_path: Path) -> None:
    db.execute(INFLATE_ATTEMPTS.replace("CREATE TRIGGER", "CREATE TEMP TRIGGER"))
    db.execute(INFLATE_CHECKS)
    with pytest.raises(StoreError) as caught:
        record_attempt(db, _report())
    path = tmp_path / "course.db"
    assert caught.value.message == (
        "the tracker database has 2 triggers course did not make, which could rewrite stored "
        "grades: inflate on grade_checks, full_marks on grade_attempts (temporary). Nothing "
        f"was stored. List the triggers with: sqlite-utils triggers {path}; drop it with: "
        f"sqlite3 {path} 'DROP TRIGGER inflate', then grade again (attempts stored while it "
        "was there may be wrong). A temporary trigger lives only in this process: run the "
        "command again"
    )
    assert db.table("grade_attempts").count == 0


def test_only_a_temporary_trigger(db: Database) -> None:
    db.execute(INFLATE_CHECKS.replace("CREATE TRIGGER", "CREATE TEMP TRIGGER"))
    with pytest.raises(StoreError) as caught:
        record_attempt(db, _report())
    assert caught.value.message == (
        "the tracker database has a trigger course did not make, which could rewrite stored "
        "grades: inflate on grade_checks (temporary). Nothing was stored. "
        "A temporary trigger lives only in this process: run the command again"
    )


@pytest.mark.parametrize(
    ("trigger", "checks", "difference"),
    [
        (INFLATE_CHECKS, None, "resnet attempt, score: 10.0 stored, 7.5 written"),
        (
            "CREATE TEMP TRIGGER inflate AFTER INSERT ON grade_checks BEGIN "
            "UPDATE grade_checks SET points = max_points WHERE id = NEW.id; END",
            None,
            "resnet attempt, check accuracy, points: 2.5 stored, 0.0 written",
        ),
        (
            "CREATE TRIGGER pass AFTER INSERT ON grade_checks BEGIN "
            "UPDATE grade_checks SET status = 'passed' WHERE id = NEW.id; END",
            None,
            "resnet attempt, check accuracy, status: 'passed' stored, 'failed' written",
        ),
        (
            "CREATE TRIGGER more AFTER INSERT ON grade_attempts BEGIN INSERT INTO grade_checks "
            "(attempt_id, check_id, status, points, max_points) "
            "VALUES (NEW.id, 'bonus', 'passed', 5, 5); END",
            None,
            "resnet attempt, checks: 4 stored, 3 written",
        ),
        (
            "CREATE TRIGGER clean AFTER INSERT ON grade_attempts BEGIN "
            "UPDATE grade_attempts SET tampered = 0, sandbox = 'bwrap' WHERE id = NEW.id; END",
            [],
            "resnet attempt, sandbox: 'bwrap' stored, 'none' written",
        ),
        (
            "CREATE TRIGGER vanish AFTER INSERT ON grade_attempts BEGIN "
            "DELETE FROM grade_attempts WHERE id = NEW.id; END",
            [],
            "resnet attempt, its row is gone",
        ),
    ],
    ids=["score", "temporary-points", "status", "extra-check", "sandbox", "row-deleted"],
)
def test_rows_read_back_different_roll_back(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trigger: str,
    checks: list[CheckResult] | None,
    difference: str,
) -> None:
    """A trigger the look-up missed (as if made between it and the insert) is caught on
    reading back; the transaction rolls back."""
    monkeypatch.setattr(tracker.grades, "foreign_triggers", lambda db: [])
    db.execute(trigger)
    report = {**_report(checks=checks), "sandbox": "none", "tampered": True}
    with pytest.raises(StoreError) as caught:
        record_attempt(db, report)
    path = tmp_path / "course.db"
    assert caught.value.message == (
        "the grade attempt read back from the tracker database differs from the one written "
        f"(something in the database rewrote it): {difference}. Nothing was stored. List the "
        f"triggers with: sqlite-utils triggers {path}; drop any you did not add with: "
        f"sqlite3 {path} 'DROP TRIGGER name', then grade again"
    )
    assert caught.value.exit_code == 3
    assert (db.table("grade_attempts").count, db.table("grade_checks").count) == (0, 0)
    assert not db.conn.in_transaction


def test_a_refused_attempt_inside_an_open_transaction_rolls_back_only_itself(
    db: Database,
) -> None:
    db.execute(INFLATE_CHECKS.replace("CREATE TRIGGER", "CREATE TEMP TRIGGER"))
    with transaction(db):
        db.table("study_log").insert(
            {"day": "2026-11-21", "minutes": 5, "topic": "CNN", "created_at": "t"}
        )
        with pytest.raises(StoreError):
            record_attempt(db, _report())
    assert (db.table("study_log").count, db.table("grade_attempts").count) == (1, 0)
