"""Grade history: every ``course grade`` attempt and its checks, as the grader reported them.

The tracker knows nothing of the grader: an attempt arrives as plain data, the mapping a
grade report's ``to_dict()`` gives (see :func:`record_attempt`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlite_utils import Database

from core.clock import parse_utc_timestamp, utc_timestamp
from tracker.store import insert, transaction


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
        )


def record_attempt(db: Database, report: Mapping[str, Any], now: datetime | None = None) -> int:
    """Store one grade attempt and one ``grade_checks`` row per check, in one transaction.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        report: The attempt as plain data: ``assignment``, ``score``, ``max_score``,
            ``device``, ``profile``, ``duration_s`` (seconds), ``submission``,
            ``submission_sha256``, ``started_at``, ``note`` and ``checks``, a list of mappings
            with ``id``, ``title``, ``status``, ``points``, ``max_points``, ``visibility`` and
            ``message`` (what ``grader.results.GradeReport.to_dict()`` gives).
        now: Used as the start time when ``report["started_at"]`` is empty or not an ISO-8601
            timestamp (default: now).

    Returns:
        The new attempt's id.

    Raises:
        StoreError: The database could not be written; nothing is stored.
    """
    started = parse_utc_timestamp(report.get("started_at", "")) or (
        now or datetime.now(timezone.utc)
    )
    with transaction(db):
        attempt_id = insert(
            db,
            "grade_attempts",
            {
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
            },
        )
        db.table("grade_checks").insert_all(
            {
                "attempt_id": attempt_id,
                "check_id": check["id"],
                "title": check["title"],
                "status": check["status"],
                "points": check["points"],
                "max_points": check["max_points"],
                "visibility": check["visibility"],
                "message": check["message"],
            }
            for check in report.get("checks", [])
        )
    return attempt_id


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
