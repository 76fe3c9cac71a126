"""A TA's cohort gradebook: its own SQLite file, with the tracker's store rules.

WAL, ``PRAGMA user_version`` with backed-up forward migrations, and every write one
``BEGIN IMMEDIATE`` transaction (:mod:`tracker.store`). Tables:

- ``cohort_attempts``: one row per graded (or missing) submission: assignment, student,
  the file's SHA-256, profile, device, grader version, sandbox, score, max score, seconds,
  the note, whether it tampered, when it started and was stored, and ``problem`` (why there
  was nothing to grade; ``""`` otherwise).
- ``cohort_checks``: one row per check of an attempt (id, title, status, points, max points,
  visibility, message, seconds).

An attempt is stored whole when its grading ends, so a run stopped by Ctrl-C or ``kill -9``
loses only the gradings still running. :func:`graded_keys` is what a rerun skips.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core.clock import utc_timestamp
from core.errors import StoreError, UsageError
from grader.results import CheckResult, GradeReport
from tracker.store import insert, open_db, transaction


def _create(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE cohort_attempts (
            id INTEGER PRIMARY KEY,
            assignment TEXT NOT NULL,
            student TEXT NOT NULL CHECK (student <> ''),
            sha256 TEXT NOT NULL,
            normalised_sha256 TEXT NOT NULL,
            profile TEXT NOT NULL,
            device TEXT NOT NULL,
            grader_version TEXT NOT NULL,
            sandbox TEXT NOT NULL,
            score REAL NOT NULL CHECK (score >= 0),
            max_score REAL NOT NULL CHECK (max_score >= 0),
            duration_s REAL NOT NULL CHECK (duration_s >= 0),
            note TEXT NOT NULL,
            tampered INTEGER NOT NULL CHECK (tampered IN (0, 1)),
            problem TEXT NOT NULL,
            started_at TEXT NOT NULL,
            stored_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        "CREATE INDEX cohort_attempts_key ON cohort_attempts "
        "(assignment, student, sha256, profile, device, grader_version)"
    )
    db.execute(
        """
        CREATE TABLE cohort_checks (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES cohort_attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            check_id TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'error', 'timeout')),
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            visibility TEXT NOT NULL CHECK (visibility IN ('visible', 'hidden')),
            message TEXT NOT NULL,
            hint TEXT,
            duration_s REAL NOT NULL
        )
        """
    )


MIGRATIONS = (_create,)
"""The gradebook's forward migrations, oldest first (``MIGRATIONS[0]`` makes version 1)."""


@dataclass(frozen=True)
class Key:
    """What makes two gradings the same, so that a rerun skips what is graded.

    Attributes:
        assignment: e.g. ``resnet``.
        student: The student's name.
        sha256: The submission file's digest (``""`` when there was no file).
        profile: ``quick`` or ``full``.
        device: ``cpu`` or ``cuda``.
        grader_version: The `course` version that graded it.
    """

    assignment: str
    student: str
    sha256: str
    profile: str
    device: str
    grader_version: str


@dataclass(frozen=True)
class Entry:
    """One stored attempt: the student's latest for an assignment.

    Attributes:
        student: The student's name.
        report: The grade report; ``None`` when there was nothing to grade.
        problem: Why there was nothing to grade; ``""`` otherwise.
        max_score: Points available (the report's, or the assignment's for a missing one).
        normalised: The source's digest without comments and spacing; ``""`` without a file.
    """

    student: str
    report: GradeReport | None
    problem: str
    max_score: float
    normalised: str = ""


def open_gradebook(path: Path) -> Database:
    """Open (creating or upgrading) the gradebook at ``path``.

    Raises:
        StoreError: ``path`` is not a gradebook (another SQLite file, the tracker's database, a
            damaged file) or cannot be created; the file is left as it was.
    """
    db = open_db(path, migrations=MIGRATIONS)
    if not db["cohort_attempts"].exists():  # a tracker database at version 1
        db.close()
        raise StoreError(
            "this file is not a cohort gradebook", str(path), "pass --gradebook a new file"
        )
    return db


def graded_keys(db: Database) -> set[Key]:
    """Every key already in the gradebook."""
    rows = db.execute(
        "SELECT assignment, student, sha256, profile, device, grader_version FROM cohort_attempts"
    ).fetchall()
    return {Key(*row) for row in rows}


def store(
    db: Database,
    key: Key,
    report: GradeReport | None,
    problem: str,
    max_score: float,
    normalised: str = "",
) -> int:
    """Store one attempt and its checks in one transaction; returns the attempt's id.

    Args:
        db: The open gradebook.
        key: The attempt's key.
        report: The report; ``None`` when there was nothing to grade.
        problem: Why there was nothing to grade (``""`` with a report).
        max_score: The assignment's points, stored for a missing submission.
        normalised: The source's digest without comments and spacing (identical-submission
            groups); ``""`` without a file.

    Raises:
        StoreError: SQLite could not write; nothing of the attempt is stored.
    """
    now = utc_timestamp()
    row = {
        "assignment": key.assignment,
        "student": key.student,
        "sha256": key.sha256,
        "normalised_sha256": normalised,
        "profile": key.profile,
        "device": key.device,
        "grader_version": key.grader_version,
        "sandbox": report.sandbox if report else "none",
        "score": report.score if report else 0.0,
        "max_score": report.max_score if report else max_score,
        "duration_s": report.duration_s if report else 0.0,
        "note": report.note if report else "",
        "tampered": int(report.tampered) if report else 0,
        "problem": problem,
        "started_at": report.started_at if report and report.started_at else now,
        "stored_at": now,
    }
    try:
        with transaction(db):
            attempt_id = insert(db, "cohort_attempts", row)
            checks = report.checks if report else []
            db.table("cohort_checks").insert_all(
                [
                    {
                        "attempt_id": attempt_id,
                        "position": i,
                        "check_id": c.id,
                        "title": c.title,
                        "status": c.status,
                        "points": c.points,
                        "max_points": c.max_points,
                        "visibility": c.visibility,
                        "message": c.message,
                        "hint": c.hint,
                        "duration_s": c.duration_s,
                    }
                    for i, c in enumerate(checks)
                ]
            )
    except sqlite3.Error as exc:
        raise StoreError("the gradebook could not be written", str(exc)) from exc
    return attempt_id


def latest(db: Database, assignment: str, students: Sequence[str] = ()) -> list[Entry]:
    """Each student's latest attempt at ``assignment``, sorted by student.

    Args:
        db: The open gradebook.
        assignment: e.g. ``resnet``.
        students: Only these students; every student when empty.
    """
    rows = db.execute(
        """
        SELECT * FROM cohort_attempts AS a
        WHERE assignment = ? AND id = (
            SELECT MAX(id) FROM cohort_attempts AS b
            WHERE b.assignment = a.assignment AND b.student = a.student
        )
        ORDER BY student
        """,
        [assignment],
    ).fetchall()
    columns = [c.name for c in db["cohort_attempts"].columns]
    wanted = set(students)
    entries: list[Entry] = []
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        if wanted and row["student"] not in wanted:
            continue
        entries.append(_entry(db, row))
    return entries


def assignments(db: Database) -> list[str]:
    """The assignments the gradebook holds attempts of, sorted."""
    rows = db.execute("SELECT DISTINCT assignment FROM cohort_attempts ORDER BY 1").fetchall()
    return [str(r[0]) for r in rows]


def pick_assignment(db: Database, assignment: str | None, path: Path) -> str:
    """``assignment`` when the gradebook holds it, or the only one it holds when ``None``.

    Raises:
        UsageError: the gradebook holds no grades of ``assignment``, or several assignments and
            none was named.
    """
    held = assignments(db)
    if assignment is None and len(held) == 1:
        return held[0]
    if assignment is None or assignment not in held:
        raise UsageError(
            "pass --assignment: the gradebook holds " + (", ".join(held) or "no grades"),
            assignment if assignment is not None else str(path),
            "e.g. --assignment resnet",
        )
    return assignment


def _entry(db: Database, row: dict[str, object]) -> Entry:
    if row["problem"]:
        return Entry(str(row["student"]), None, str(row["problem"]), float(str(row["max_score"])))
    normalised = str(row["normalised_sha256"])
    checks = [
        CheckResult(
            id=c["check_id"],
            title=c["title"],
            status=c["status"],
            points=c["points"],
            max_points=c["max_points"],
            visibility=c["visibility"],
            message=c["message"],
            hint=c["hint"],
            duration_s=c["duration_s"],
        )
        for c in db["cohort_checks"].rows_where("attempt_id = ?", [row["id"]], order_by="position")
    ]
    report = GradeReport(
        assignment=str(row["assignment"]),
        score=float(str(row["score"])),
        max_score=float(str(row["max_score"])),
        device=str(row["device"]),
        profile=str(row["profile"]),
        duration_s=float(str(row["duration_s"])),
        checks=checks,
        submission_sha256=str(row["sha256"]),
        started_at=str(row["started_at"]),
        note=str(row["note"]),
        sandbox=str(row["sandbox"]),
        tampered=bool(row["tampered"]),
    )
    return Entry(str(row["student"]), report, "", report.max_score, normalised)
