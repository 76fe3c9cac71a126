"""Reports: study time and grade results over an ISO week (``course report weekly``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from course.errors import UsageError

_WEEK = re.compile(r"(?P<year>\d{4})-w(?P<week>\d{1,2})")


@dataclass(frozen=True)
class DayTotal:
    """Study time on one day.

    Attributes:
        day: The local day.
        minutes: Study time logged that day, in minutes (0 when none).
    """

    day: date
    minutes: int

    def to_json(self) -> dict[str, Any]:
        """``{"day": "2026-11-16", "minutes": 120, "hours": 2.0}``."""
        return {"day": self.day.isoformat(), "minutes": self.minutes, "hours": _hours(self.minutes)}


@dataclass(frozen=True)
class TopicTotal:
    """Study time on one topic over the report's days.

    Attributes:
        topic: The topic as logged.
        minutes: Study time in minutes.
    """

    topic: str
    minutes: int

    def to_json(self) -> dict[str, Any]:
        """``{"topic": "CNN", "minutes": 120, "hours": 2.0}``."""
        return {"topic": self.topic, "minutes": self.minutes, "hours": _hours(self.minutes)}


@dataclass(frozen=True)
class BestGrade:
    """The best of one assignment's grade attempts over the report's days.

    Attributes:
        assignment: Assignment name, e.g. ``"resnet"``.
        best_score: The highest score among those attempts, in points.
        max_score: Points available in that best attempt.
        attempts: How many attempts there were.
        last_day: The local day of the latest attempt.
    """

    assignment: str
    best_score: float
    max_score: float
    attempts: int
    last_day: date

    def to_json(self) -> dict[str, Any]:
        """The best grade with its day as an ISO string."""
        return {
            "assignment": self.assignment,
            "best_score": self.best_score,
            "max_score": self.max_score,
            "attempts": self.attempts,
            "last_day": self.last_day.isoformat(),
        }


@dataclass(frozen=True)
class WeeklyReport:
    """Study time and grades of one ISO week (Monday to Sunday).

    Attributes:
        week: ISO week label, e.g. ``"2026-W47"``.
        start: The Monday.
        end: The Sunday.
        days: Seven totals, Monday to Sunday, days without study included (0 minutes).
        topics: Totals per topic, most minutes first, then by name.
        total_minutes: Study time of the whole week, in minutes.
        grades: Best grade per assignment attempted this week, by assignment name.
    """

    week: str
    start: date
    end: date
    days: list[DayTotal]
    topics: list[TopicTotal]
    total_minutes: int
    grades: list[BestGrade] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        """Study time of the whole week in hours, rounded to 2 decimals."""
        return _hours(self.total_minutes)

    def to_json(self) -> dict[str, Any]:
        """The report as ``course report weekly --json`` prints it (dates as ISO strings)."""
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total_minutes": self.total_minutes,
            "total_hours": self.total_hours,
            "days": [day.to_json() for day in self.days],
            "topics": [topic.to_json() for topic in self.topics],
            "grades": [grade.to_json() for grade in self.grades],
        }


def parse_week(text: str | None, today: date) -> tuple[int, int]:
    """Parse an ISO week: ``2026-W47`` (or ``2026-w47``), ``this`` or ``last``.

    Args:
        text: The week as typed; ``None`` means the week holding ``today``.
        today: The local date that ``this`` and ``last`` are relative to.

    Returns:
        ``(ISO year, ISO week number)``, e.g. ``(2026, 47)``.

    Raises:
        UsageError: ``text`` is none of those forms, or that year has no such week.
    """
    if text is None or text.strip().lower() == "this":
        return _year_week(today)
    cleaned = text.strip().lower()
    if cleaned == "last":
        return _year_week(today - timedelta(weeks=1))
    match = _WEEK.fullmatch(cleaned)
    if match:
        year, week = int(match["year"]), int(match["week"])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return year, week
    raise UsageError(
        "not an ISO week",
        repr(text),
        "Use YYYY-Www (e.g. 2026-W47, weeks 01 to 52 or 53), this or last",
    )


def weekly_report(db: Database, week: str | None = None, today: date | None = None) -> WeeklyReport:
    """Study time per day and topic, and the best grade per assignment, for one ISO week.

    Args:
        db: The tracker database (:func:`tracker.store.open_db`).
        week: The week as :func:`parse_week` reads it; ``None`` is the current week.
        today: The local date (default: the system's), for ``None``, ``this`` and ``last``.

    Raises:
        UsageError: ``week`` is not a week.
    """
    year, number = parse_week(week, today or date.today())
    start = date.fromisocalendar(year, number, 1)
    end = start + timedelta(days=6)
    span = [start.isoformat(), end.isoformat()]

    per_day = {
        row["day"]: row["minutes"]
        for row in db.query(
            "SELECT day, sum(minutes) AS minutes FROM study_log"
            " WHERE day BETWEEN ? AND ? GROUP BY day",
            span,
        )
    }
    days = [
        DayTotal(day, per_day.get(day.isoformat(), 0))
        for day in (start + timedelta(days=offset) for offset in range(7))
    ]
    topics = [
        TopicTotal(row["topic"], row["minutes"])
        for row in db.query(
            "SELECT topic, sum(minutes) AS minutes FROM study_log"
            " WHERE day BETWEEN ? AND ? GROUP BY topic ORDER BY minutes DESC, topic",
            span,
        )
    ]
    return WeeklyReport(
        week=f"{year}-W{number:02d}",
        start=start,
        end=end,
        days=days,
        topics=topics,
        total_minutes=sum(day.minutes for day in days),
        grades=best_grades(db, start, end),
    )


def best_grades(db: Database, start: date, end: date) -> list[BestGrade]:
    """The best attempt per assignment among attempts from ``start`` to ``end`` (inclusive).

    The best attempt has the highest score; among equal scores, the latest. Sorted by
    assignment name.
    """
    rows = db.query(
        "SELECT assignment, score, max_score, day FROM grade_attempts"
        " WHERE day BETWEEN ? AND ? ORDER BY assignment, started_at, id",
        [start.isoformat(), end.isoformat()],
    )
    grades = []
    for assignment, group in groupby(rows, key=itemgetter("assignment")):
        tries = list(group)
        best = max(reversed(tries), key=itemgetter("score"))  # the latest of equal scores
        grades.append(
            BestGrade(
                assignment=assignment,
                best_score=best["score"],
                max_score=best["max_score"],
                attempts=len(tries),
                last_day=date.fromisoformat(max(row["day"] for row in tries)),
            )
        )
    return grades


def _year_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)
