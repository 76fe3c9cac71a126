"""Grade history: every ``course grade`` attempt and its checks, as the grader reported them.

The tracker knows nothing of the grader: an attempt arrives as plain data, the mapping a
grade report's ``to_dict()`` gives (see :func:`record_attempt`).

The code being graded runs with the user's rights and, without a sandbox, can open this
database. :func:`record_attempt` therefore refuses to write while the file holds a trigger
`course` did not make (one could rewrite the attempt as it is inserted), and reads the attempt
back before committing: what is stored is what the grader reported, or nothing is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlite_utils import Database

from core.clock import parse_utc_timestamp, utc_timestamp
from core.errors import StoreError
from tracker.store import (
    foreign_triggers,
    foreign_triggers_error,
    insert,
    shell_word,
    transaction,
)

_READ_BACK_ATTEMPT = ("assignment", "score", "max_score", "sandbox", "tampered")
"""The ``grade_attempts`` columns compared with what was written before committing."""

_READ_BACK_CHECK = ("check_id", "status", "points", "max_points")
"""The ``grade_checks`` columns compared with what was written before committing."""


@dataclass(frozen=True)
class Attempt:
    """One stored grade attempt (its checks stay in ``grade_checks``).

    Attributes:
        id: Row id in ``grade_attempts``.
        assignment: Assignment name, e.g. ``"resnet"``.
        score: Points earned.
        max_score: Points available.
        device: ``"cpu"`` or ``"cuda"``.
        profile: ``"quick"`` or ``"full"``.
        duration_s: Wall time of the attempt in seconds.
        started_at: UTC ISO-8601 start of the attempt (``2026-11-21T04:49:00Z``).
        day: The local day the attempt started.
        note: Anything about the attempt as a whole, empty when nothing went wrong.
        sandbox: The sandbox the student's code ran in (``"bwrap"`` or ``"none"``); empty for
            attempts stored before schema version 3 or reported without one.
        tampered: Whether the grader found the student's code tampering with grading.
    """

    id: int
    assignment: str
    score: float
    max_score: float
    device: str
    profile: str
    duration_s: float
    started_at: str
    day: date
    note: str
    sandbox: str = ""
    tampered: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Attempt:
        """Build an attempt from a ``grade_attempts`` row."""
        return cls(
            id=row["id"],
            assignment=row["assignment"],
            score=row["score"],
            max_score=row["max_score"],
            device=row["device"] or "",
            profile=row["profile"] or "",
            duration_s=row["duration_s"] or 0.0,
            started_at=row["started_at"],
            day=date.fromisoformat(row["day"]),
            note=row["note"] or "",
            sandbox=row.get("sandbox") or "",
            tampered=bool(row.get("tampered")),
        )


def record_attempt(db: Database, report: Mapping[str, Any], now: datetime | None = None) -> int:
    """Store one grade attempt and one ``grade_checks`` row per check, in one transaction.

    Inside the transaction (which holds the write lock, so no other process can change the
    schema meanwhile), it first refuses a database holding any trigger `course` did not make
    (:func:`tracker.store.foreign_triggers`, temporary ones included), then inserts the rows,
    then reads the attempt and its checks back and compares them with what it wrote (score,
    maximum, sandbox, tampered; each check's id, status, points and maximum). Three small
    queries beside the inserts.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        report: The attempt as plain data: ``assignment``, ``score``, ``max_score``,
            ``device``, ``profile``, ``duration_s`` (seconds), ``submission``,
            ``submission_sha256``, ``started_at``, ``note``, ``sandbox`` (``"bwrap"`` or
            ``"none"``; ``""`` when missing, as in reports from an older grader),
            ``tampered`` (a bool; ``False`` when missing) and ``checks``, a list of mappings
            with ``id``, ``title``, ``status``, ``points``, ``max_points``, ``visibility`` and
            ``message`` (what ``grader.results.GradeReport.to_dict()`` gives).
        now: Used as the start time when ``report["started_at"]`` is empty or not an ISO-8601
            timestamp (default: now).

    Returns:
        The new attempt's id.

    Raises:
        StoreError: The database holds a trigger `course` did not make (the message names
            each one and how to drop it), the rows read back differ from those written
            (something in the database rewrote them), or the database could not be written.
            Nothing is stored.
    """
    started = parse_utc_timestamp(report.get("started_at", "")) or (
        now or datetime.now(timezone.utc)
    )
    record = {
        "assignment": report["assignment"],
        "score": report["score"],
        "max_score": report["max_score"],
        "device": report["device"],
        "profile": report["profile"],
        "duration_s": report["duration_s"],
        "submission": report.get("submission", ""),
        "submission_sha256": report.get("submission_sha256", ""),
        "started_at": utc_timestamp(started),
        "day": started.astimezone().date().isoformat(),
        "note": report.get("note", ""),
        "sandbox": str(report.get("sandbox") or ""),
        "tampered": int(bool(report.get("tampered", False))),
    }
    checks = [
        {
            "check_id": check["id"],
            "title": check["title"],
            "status": check["status"],
            "points": check["points"],
            "max_points": check["max_points"],
            "visibility": check["visibility"],
            "message": check["message"],
        }
        for check in report.get("checks", [])
    ]
    with transaction(db):
        triggers = foreign_triggers(db)
        if triggers:
            raise foreign_triggers_error(db, triggers)
        attempt_id = insert(db, "grade_attempts", record)
        db.table("grade_checks").insert_all({"attempt_id": attempt_id, **c} for c in checks)
        difference = _read_back(db, attempt_id, record, checks)
        if difference is not None:
            raise _rewritten_error(db, f"{record['assignment']} attempt, {difference}")
    return attempt_id


def _read_back(
    db: Database, attempt_id: int, record: Mapping[str, Any], checks: list[dict[str, Any]]
) -> str | None:
    """The first way the stored attempt differs from what was written, or ``None``."""
    row = db.execute(
        f"SELECT {', '.join(_READ_BACK_ATTEMPT)} FROM grade_attempts WHERE id = ?", [attempt_id]
    ).fetchone()
    if row is None:
        return "its row is gone"
    for column, stored in zip(_READ_BACK_ATTEMPT, row, strict=True):
        if stored != record[column]:
            return f"{column}: {stored!r} stored, {record[column]!r} written"
    rows = db.execute(
        f"SELECT {', '.join(_READ_BACK_CHECK)} FROM grade_checks WHERE attempt_id = ? ORDER BY id",
        [attempt_id],
    ).fetchall()
    if len(rows) != len(checks):
        return f"checks: {len(rows)} stored, {len(checks)} written"
    for check, stored_row in zip(checks, rows, strict=True):
        for column, stored in zip(_READ_BACK_CHECK, stored_row, strict=True):
            if stored != check[column]:
                return (
                    f"check {check['check_id']}, {column}: {stored!r} stored, "
                    f"{check[column]!r} written"
                )
    return None


def _rewritten_error(db: Database, difference: str) -> StoreError:
    file = shell_word(db)
    return StoreError(
        "the grade attempt read back from the tracker database differs from the one written "
        "(something in the database rewrote it)",
        difference,
        f"Nothing was stored. List the triggers with: sqlite-utils triggers {file}; drop any "
        f"you did not add with: sqlite3 {file} 'DROP TRIGGER name', then grade again",
    )


def attempts(db: Database, assignment: str | None = None) -> list[Attempt]:
    """Stored grade attempts, newest first.

    Args:
        db: The tracker database.
        assignment: Only this assignment's attempts; every assignment's when ``None``.
    """
    rows = db.table("grade_attempts").rows_where(
        "assignment = ?" if assignment is not None else None,
        [assignment] if assignment is not None else None,
        order_by="started_at DESC, id DESC",
    )
    return [Attempt.from_row(row) for row in rows]
